//! A spinner with the phase on stderr while a long operation runs; nothing when stderr is not
//! a terminal (scripts and logs get only the result).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// One phase of a command (reading, writing, comparing).
pub struct Phase(Option<ProgressBar>);

impl Phase {
    /// Shows `message` with a spinner, on a terminal.
    pub fn start(message: String) -> Phase {
        if !std::io::stderr().is_terminal() {
            return Phase(None);
        }
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {elapsed}") {
            bar.set_style(style);
        }
        bar.set_message(message);
        bar.enable_steady_tick(Duration::from_millis(100));
        Phase(Some(bar))
    }

    /// Changes the message (a count as the phase goes on).
    pub fn say(&self, message: String) {
        if let Some(bar) = &self.0 {
            bar.set_message(message);
        }
    }

    /// Removes the spinner.
    pub fn finish(self) {
        drop(self);
    }
}

impl Drop for Phase {
    /// A phase left by an error path leaves no spinner above the error.
    fn drop(&mut self) {
        if let Some(bar) = self.0.take() {
            bar.finish_and_clear();
        }
    }
}
