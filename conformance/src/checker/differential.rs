//! Differential mode: the same generated cases against several backends and the model.

use std::fmt;

use super::case::HandleOp;
use super::check_loop::check_all;
use super::config::CheckConfig;
use super::report::CheckReport;
use super::run::{CaseStats, Divergence, RunOptions, run_case};
use crate::factory::BackendFactory;
use crate::model::ModelFactory;

/// One report per backend, in the order given.
#[derive(Debug, Clone)]
pub struct DifferentialReport {
    /// Each backend's report.
    pub reports: Vec<CheckReport>,
}

impl DifferentialReport {
    /// Whether every backend agreed with the model on every case.
    pub fn passed(&self) -> bool {
        self.reports.iter().all(CheckReport::passed)
    }

    /// Each diverging backend with the (shrunk) step it diverged at, 1-based as printed.
    pub fn divergences(&self) -> Vec<(&str, usize)> {
        self.reports
            .iter()
            .filter_map(|r| {
                let f = r.failure.as_ref()?;
                Some((r.backend.as_str(), f.divergence.step + 1))
            })
            .collect()
    }

    /// Panics with the whole report unless every backend passed.
    #[track_caller]
    pub fn assert_passed(&self) {
        assert!(self.passed(), "{self}");
    }
}

impl fmt::Display for DifferentialReport {
    /// One summary line per backend, then each failure in full.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for r in &self.reports {
            writeln!(f, "{}", r.summary())?;
        }
        for r in self.reports.iter().filter(|r| !r.passed()) {
            writeln!(f, "\n{r}")?;
        }
        Ok(())
    }
}

/// Runs `config.cases` generated cases, each against every backend and the reference model.
pub fn check_differential(
    backends: &[&dyn BackendFactory],
    config: &CheckConfig,
) -> DifferentialReport {
    DifferentialReport {
        reports: check_all(backends, &ModelFactory, config),
    }
}

/// Runs one sequence against every backend and `model`: each backend's result, by name.
pub fn run_differential(
    backends: &[&dyn BackendFactory],
    model: &dyn BackendFactory,
    ops: &[HandleOp],
    opts: &RunOptions,
) -> Vec<(String, Result<CaseStats, Divergence>)> {
    backends
        .iter()
        .map(|b| (b.name().to_owned(), run_case(*b, model, ops, opts)))
        .collect()
}
