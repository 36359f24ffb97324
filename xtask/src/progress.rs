//! A one-line progress bar on stderr for long runs; silent when stderr is not a terminal.

use std::io::{IsTerminal, Write};
use std::time::Instant;

/// Draws `label [#####.....] done/total` in place, at most ten times a second.
pub struct Progress {
    label: String,
    total: u64,
    enabled: bool,
    last_draw: Option<Instant>,
}

impl Progress {
    /// A bar for `total` steps; drawn only when stderr is a terminal.
    pub fn new(label: impl Into<String>, total: u64) -> Self {
        Progress {
            label: label.into(),
            total,
            enabled: std::io::stderr().is_terminal(),
            last_draw: None,
        }
    }

    /// Shows that `done` steps are finished.
    pub fn update(&mut self, done: u64) {
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        let due = self
            .last_draw
            .is_none_or(|t| now.duration_since(t).as_millis() >= 100);
        if !due && done < self.total {
            return;
        }
        self.last_draw = Some(now);
        const WIDTH: u64 = 30;
        let filled = (done * WIDTH).checked_div(self.total).unwrap_or(WIDTH);
        let bar: String = (0..WIDTH)
            .map(|i| if i < filled { '#' } else { '.' })
            .collect();
        eprint!("\r{} [{bar}] {done}/{}", self.label, self.total);
        let _ = std::io::stderr().flush();
    }

    /// Clears the line.
    pub fn finish(&mut self) {
        if self.enabled && self.last_draw.is_some() {
            eprint!("\r{:width$}\r", "", width = self.label.len() + 50);
            let _ = std::io::stderr().flush();
        }
    }
}
