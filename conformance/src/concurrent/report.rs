//! What the concurrent class found, for people.

use std::fmt;
use std::time::Duration;

use super::history::{Event, describe};

/// A window that failed, shrunk.
#[derive(Debug, Clone)]
pub struct ConcurrentFailure {
    /// The case (fresh store) it happened in.
    pub case: usize,
    /// The window of that case.
    pub window: usize,
    /// Calls in the window as it first failed.
    pub generated_len: usize,
    /// The shortest failing history found (the window itself when shrinking found nothing
    /// shorter).
    pub history: Vec<Event>,
    /// Why it fails: an answer outside the contract, or the search's longest fitting order
    /// and what stopped it.
    pub why: String,
}

impl fmt::Display for ConcurrentFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "case {} window {}: {} calls, shrunk to {}:\n{}{}",
            self.case,
            self.window,
            self.generated_len,
            self.history.len(),
            describe(&self.history),
            self.why
        )
    }
}

/// What [`check_concurrent`](super::check_concurrent) found for one backend.
#[derive(Debug, Clone, Default)]
pub struct ConcurrentReport {
    /// The backend's name.
    pub backend: String,
    /// The seed of the run.
    pub seed: u64,
    /// Why the class did not run (a backend without shared handles), if it did not.
    pub skipped: Option<String>,
    /// Cases (fresh stores) run.
    pub cases: usize,
    /// Windows searched.
    pub windows: usize,
    /// Windows proven linearizable.
    pub linearizable: usize,
    /// Windows the search could not settle within its budget (each replaced by another).
    pub inconclusive: usize,
    /// Calls made.
    pub calls: usize,
    /// Calls that answered an error the contract's rules call for (a collision, a missing
    /// object).
    pub refused: usize,
    /// Search steps over all windows.
    pub explored: u64,
    /// The first failure, shrunk.
    pub failure: Option<ConcurrentFailure>,
    /// Wall time of the calls.
    pub run_time: Duration,
    /// Wall time of the search (and of the shrinking, after a failure).
    pub check_time: Duration,
}

impl ConcurrentReport {
    /// Whether no window failed (a skipped class passes: there was nothing to race).
    pub fn passed(&self) -> bool {
        self.failure.is_none()
    }
}

impl fmt::Display for ConcurrentReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(why) = &self.skipped {
            return write!(f, "{} concurrent: skipped ({why})", self.backend);
        }
        if let Some(failure) = &self.failure {
            writeln!(
                f,
                "{} concurrent FAILED (seed {:#x}) in {failure}",
                self.backend, self.seed
            )?;
        }
        write!(
            f,
            "{} concurrent: {} cases, {} calls ({} refused by the contract's rules) in {:.2} s; \
             {} windows: {} linearizable, {} inconclusive, {} failed ({} search steps, {:.2} s)",
            self.backend,
            self.cases,
            self.calls,
            self.refused,
            self.run_time.as_secs_f64(),
            self.windows,
            self.linearizable,
            self.inconclusive,
            self.windows - self.linearizable - self.inconclusive,
            self.explored,
            self.check_time.as_secs_f64()
        )
    }
}
