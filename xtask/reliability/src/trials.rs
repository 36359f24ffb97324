//! What the trial-based runs (crash, power cut, faults) share: the loop over trials, and the
//! report of how they went.

use anyhow::{Context, anyhow};
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::driver::panic_text;
use crate::target::PersistentBackend;

/// How one trial ended, when it passed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Trial {
    /// Whether the interruption (kill, power cut, fault) happened before the case ended.
    pub interrupted: bool,
    /// Calls acknowledged before it.
    pub acknowledged: usize,
    /// Whether the reopened database showed the effect of the call in flight.
    pub in_flight_applied: bool,
    /// Read-only opens that judged the database before its writable reopen.
    pub read_only_checks: u64,
    /// Whether the step in flight was a batch that may write (one durable step of several
    /// calls: the database must hold all of it or none).
    pub in_flight_batch: bool,
}

/// What a trial-based run found.
#[derive(Debug, Clone)]
pub struct Report {
    /// The run (`crash`, `power cut`, `faults`).
    pub what: &'static str,
    /// The backend.
    pub backend: PersistentBackend,
    /// The seed.
    pub seed: u64,
    /// Trials run.
    pub trials: u64,
    /// Trials interrupted before their case ended.
    pub interrupted: u64,
    /// Interrupted trials whose call in flight turned out applied.
    pub in_flight_applied: u64,
    /// Trials interrupted during a batch that may write.
    pub in_flight_batches: u64,
    /// Those whose batch turned out applied (all of it: anything else fails the trial).
    pub in_flight_batches_applied: u64,
    /// Calls acknowledged before the interruptions, over all trials.
    pub acknowledged: u64,
    /// Read-only opens that judged a reopened database first (and passed), over all trials.
    pub read_only_checks: u64,
    /// Trials that failed.
    pub failed: u64,
    /// Why, for the first few.
    pub failures: Vec<String>,
    /// Wall time.
    pub elapsed: Duration,
}

impl Report {
    /// Whether every trial passed.
    pub fn passed(&self) -> bool {
        self.failed == 0
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for failure in &self.failures {
            writeln!(f, "FAILED {failure}")?;
        }
        write!(
            f,
            "{} {}: {} trials (seed {:#x}), {} interrupted mid-case, {} acknowledged calls, \
             {} in-flight calls found applied, {} interrupted in a batch ({} found wholly \
             applied, the rest wholly absent), ",
            self.backend.name(),
            self.what,
            self.trials,
            self.seed,
            self.interrupted,
            self.acknowledged,
            self.in_flight_applied,
            self.in_flight_batches,
            self.in_flight_batches_applied,
        )?;
        if self.read_only_checks > 0 {
            write!(
                f,
                "{} read-only opens judged first, ",
                self.read_only_checks
            )?;
        }
        write!(
            f,
            "{} failed, {:.1} s",
            self.failed,
            self.elapsed.as_secs_f64()
        )
    }
}

/// Runs `trials` trials of `one` (a panic fails its trial), calling `progress` after each.
pub fn run(
    what: &'static str,
    backend: PersistentBackend,
    seed: u64,
    trials: u64,
    progress: &mut dyn FnMut(u64),
    mut one: impl FnMut(u64) -> anyhow::Result<Trial>,
) -> Report {
    let started = Instant::now();
    let mut report = Report {
        what,
        backend,
        seed,
        trials: 0,
        interrupted: 0,
        in_flight_applied: 0,
        in_flight_batches: 0,
        in_flight_batches_applied: 0,
        acknowledged: 0,
        read_only_checks: 0,
        failed: 0,
        failures: Vec::new(),
        elapsed: Duration::ZERO,
    };
    for trial in 0..trials {
        let outcome = catch_unwind(AssertUnwindSafe(|| one(trial)))
            .unwrap_or_else(|panic| Err(anyhow!("panicked: {}", panic_text(&*panic))));
        match outcome {
            Ok(t) => {
                report.interrupted += u64::from(t.interrupted);
                report.acknowledged += t.acknowledged as u64;
                report.in_flight_applied += u64::from(t.in_flight_applied);
                report.in_flight_batches += u64::from(t.in_flight_batch);
                report.in_flight_batches_applied +=
                    u64::from(t.in_flight_batch && t.in_flight_applied);
                report.read_only_checks += t.read_only_checks;
            }
            Err(why) => {
                report.failed += 1;
                if report.failures.len() < 5 {
                    report.failures.push(format!(
                        "{} {what} trial {trial} (seed {seed:#x}): {}",
                        backend.name(),
                        podstate::error_line(why.as_ref())
                    ));
                }
            }
        }
        report.trials += 1;
        progress(report.trials);
    }
    report.elapsed = started.elapsed();
    report
}

/// A new trial directory under `dir` (the system's temporary directory when `None`), removed
/// when dropped.
///
/// # Errors
/// A directory that cannot be made.
pub fn trial_dir(dir: Option<&Path>) -> anyhow::Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix("podstate-reliability-")
        .tempdir_in(dir.map_or_else(std::env::temp_dir, Path::to_path_buf))
        .context("cannot make a trial directory")
}
