//! The result of checking one backend.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use super::coverage::Coverage;
use super::run::{CaseStats, Divergence, StateSize};

/// A divergence found by a check, shrunk.
#[derive(Debug, Clone)]
pub struct Failure {
    /// Index of the generated case that diverged (regenerate it with the same seed).
    pub case: usize,
    /// How many operations the generated case had.
    pub generated_len: usize,
    /// The minimal divergence.
    pub divergence: Divergence,
    /// Where the minimal case was saved, if it was.
    pub saved: Option<PathBuf>,
    /// Why saving failed, if it did.
    pub save_error: Option<String>,
    /// How to run the saved case again ([`CheckConfig::replay_hint`](super::CheckConfig)),
    /// `{file}` standing for its path.
    pub replay_hint: Option<String>,
}

/// What [`check_backend`](super::check_backend) found.
#[derive(Debug, Clone)]
pub struct CheckReport {
    /// The backend's name.
    pub backend: String,
    /// The run's seed.
    pub seed: u64,
    /// Cases run (the failing one included).
    pub cases: usize,
    /// Operations run, shrinking excluded.
    pub ops: usize,
    /// Invariant checks (with dump comparisons) run.
    pub checks: usize,
    /// Wall-clock time of the whole run (every backend of a differential run together),
    /// shrinking this backend's divergence included.
    pub elapsed: Duration,
    /// Time spent running this backend's cases (and the model beside it), summed over the
    /// worker threads; shrinking excluded.
    pub busy: Duration,
    /// The backend's (call, outcome) pairs over every case run.
    pub coverage: Coverage,
    /// The largest state any check saw (each field on its own).
    pub largest: StateSize,
    /// The sum over cases of the largest container count each reached (for the mean).
    pub containers_reached: usize,
    /// The first divergence, shrunk; `None` when every case agreed.
    pub failure: Option<Failure>,
}

impl CheckReport {
    /// An empty report for `backend`.
    pub fn new(backend: &str, seed: u64) -> CheckReport {
        CheckReport {
            backend: backend.to_owned(),
            seed,
            cases: 0,
            ops: 0,
            checks: 0,
            elapsed: Duration::ZERO,
            busy: Duration::ZERO,
            coverage: Coverage::new(),
            largest: StateSize::default(),
            containers_reached: 0,
            failure: None,
        }
    }

    /// Adds what one case did.
    pub fn add(&mut self, stats: &CaseStats) {
        self.ops += stats.ops;
        self.checks += stats.checks;
        self.coverage.merge(&stats.coverage);
        self.largest = self.largest.max(stats.largest);
        self.containers_reached += stats.largest.containers;
    }

    /// Whether every case agreed with the model.
    pub fn passed(&self) -> bool {
        self.failure.is_none()
    }

    /// Panics with the whole report unless every case agreed (for `#[test]`s).
    #[track_caller]
    pub fn assert_passed(&self) {
        assert!(self.passed(), "{self}");
    }

    /// Operations per second of one worker running this backend's cases (each operation run on
    /// the backend and the model, with the invariant checks): the rate to compare backends by.
    pub fn ops_per_second(&self) -> f64 {
        self.ops as f64 / self.busy.as_secs_f64().max(1e-9)
    }

    /// One line: backend, verdict, cases, operations, time, coverage, state sizes.
    pub fn summary(&self) -> String {
        let verdict = if self.passed() { "passed" } else { "FAILED" };
        let mean = self.containers_reached as f64 / self.cases.max(1) as f64;
        format!(
            "{}: {verdict}: {} cases, {} ops, {} checks in {:.1?} ({:.0} ops/s), seed {}, \
             coverage {}/{} pairs; largest state {} (peak containers per case: {mean:.1} \
             on average)",
            self.backend,
            self.cases,
            self.ops,
            self.checks,
            self.elapsed,
            self.ops_per_second(),
            self.seed,
            self.coverage.reached_pairs(),
            Coverage::reachable_pairs(),
            self.largest
        )
    }
}

impl fmt::Display for CheckReport {
    /// The summary, then the minimal failing case if there is one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.summary())?;
        let Some(failure) = &self.failure else {
            return Ok(());
        };
        writeln!(
            f,
            "case {} (seed {}) diverged; shrunk from {} to {} operations:",
            failure.case,
            self.seed,
            failure.generated_len,
            failure.divergence.trace.len()
        )?;
        writeln!(f, "{}", failure.divergence)?;
        match (&failure.saved, &failure.save_error) {
            (Some(path), _) => {
                let hint = failure.replay_hint.as_deref().unwrap_or(
                    "replay it with podstate_conformance::checker::replay(\"{file}\", &factory)",
                );
                let file = path.display().to_string();
                write!(f, "saved to {file}\n{}", hint.replace("{file}", &file))
            }
            (None, Some(why)) => write!(f, "could not save the case: {why}"),
            (None, None) => Ok(()),
        }
    }
}
