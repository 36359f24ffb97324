//! Progress of long runs on stderr: an indicatif bar on a terminal; elsewhere (a CI log) a short
//! line every ten seconds, so that a long run is never minutes of silence.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// How often a log line is written when stderr is not a terminal.
const LOG_EVERY: Duration = Duration::from_secs(10);

/// The progress of one phase (`label`) of `total` steps.
pub struct Progress {
    label: String,
    total: u64,
    bar: Option<ProgressBar>,
    started: Instant,
    last_line: Instant,
}

impl Progress {
    /// A bar for `total` steps.
    pub fn new(label: impl Into<String>, total: u64) -> Progress {
        let label = label.into();
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total);
            let style = ProgressStyle::with_template(
                "{msg:>24} [{bar:30}] {pos}/{len} {per_sec:>12} eta {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("#>.");
            bar.set_style(style);
            bar.set_message(label.clone());
            bar
        });
        let now = Instant::now();
        Progress {
            label,
            total,
            bar,
            started: now,
            last_line: now,
        }
    }

    /// Shows that `done` steps are finished.
    pub fn update(&mut self, done: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(done);
            return;
        }
        if self.last_line.elapsed() >= LOG_EVERY {
            self.last_line = Instant::now();
            eprintln!(
                "{}: {done}/{} after {:.0?}",
                self.label,
                self.total,
                self.started.elapsed()
            );
        }
    }

    /// Removes the bar (a log gets a closing line).
    pub fn finish(&mut self) {
        match &self.bar {
            Some(bar) => bar.finish_and_clear(),
            None => eprintln!(
                "{}: {}/{} done in {:.1?}",
                self.label,
                self.total,
                self.total,
                self.started.elapsed()
            ),
        }
    }
}
