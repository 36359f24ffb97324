//! The model checker: random sequences of calls run against a backend and the reference model,
//! compared answer by answer, with the invariants of SPEC §2 checked as it goes.
//!
//! # How a check runs
//!
//! 1. [`generate`] draws a case: pools of colliding IDs, names, namespaces, volumes, networks
//!    and sessions, a fixed config per ID, then a few hundred [`Op`]s biased toward deep states
//!    (adds outweigh removals, removals target what was added, prefixes of pool IDs for lookups).
//!    Cases come in three classes: a small pool sharing prefixes (ambiguity, collisions), a pool
//!    of 100+ IDs, and bulk loads (about one case in seven) that grow the store past 64
//!    containers and end by asking every list call of it.
//! 2. [`run_case`] runs every operation on a fresh backend store and a fresh model store. The
//!    answers must agree exactly (values, sorted lists, error kinds; messages are free; for
//!    `update_*` the updated object), and every outcome must be one `Call::allows`. After every
//!    operation (or every N, for persistent backends) a *second* handle in namespace `""` checks
//!    the invariants through the public API and the backend's [`dump`](crate::dump()) is compared
//!    with the model's.
//! 3. A divergence is shrunk ([`OpsTree`], then [`minimize`]) to a minimal case, printed as a numbered list of
//!    operations with both outcomes, and saved as JSON; [`replay`] runs a saved case again.
//! 4. [`Coverage`] counts every (call, outcome) pair the backend reached against
//!    `Call::reachable_outcomes`.
//!
//! # Why our own loop over proptest strategies, not proptest-state-machine
//!
//! proptest-state-machine drives a *reference state machine*: each transition is generated from
//! the current reference state and must pass a precondition, and shrinking re-checks those
//! preconditions. That fits a system whose operations are only legal in some states. Here every
//! operation is legal in every state (errors are outcomes to compare, not invalid inputs), and
//! the oracle is a complete implementation of the contract, not a state-transition function we
//! would write a second time for the generator. Its runs are also sequential and static (one
//! sequence, one system, no second backend to diff against, no invariant hook between steps on a
//! second handle), and it persists failures as *seeds*, which stop meaning anything once the
//! generator changes; we save the *operations*. So the generator is a plain proptest
//! [`Strategy`](proptest::strategy::Strategy) ([`OpsStrategy`]), cases are drawn and shrunk by
//! proptest's `TestRunner` seeded deterministically from [`CheckConfig::seed`], and the runner,
//! the differential mode, the invariant checks and a final delta-debugging pass are ours.

mod answer;
mod apply;
mod batch;
mod case;
mod check_loop;
mod config;
mod coverage;
mod describe;
mod differential;
mod generate;
mod invariants;
mod ops;
mod reason;
mod replay;
mod report;
mod run;
mod saved;
mod shrink;
mod whole;

pub use answer::{Answer, Value};
pub use apply::{Driver, call};
pub use batch::{BATCH_ERRORS, BATCH_OUTCOMES, ROLLBACK, each_call};
pub use case::{HandleOp, MAX_HANDLES, handles_of};
pub use check_loop::{case_rng, check_all, common_capabilities, generate_case};
pub use config::{CheckConfig, Progress, ProgressFn};
pub use coverage::Coverage;
pub use differential::{DifferentialReport, check_differential, run_differential};
pub use generate::{OpsStrategy, generate};
pub use invariants::check as check_invariants;
pub use ops::Op;
pub use reason::{Reason, Side};
pub use replay::{
    ReplayError, SavedCase, case_files, load_case, regressions_dir, replay, replay_against,
    replay_dir, save_case, save_new_case,
};
pub use report::{CheckReport, Failure};
pub use run::{CaseStats, Divergence, RunOptions, StateSize, Step, run_case, trace_case};
pub use saved::{REPLAY_DIR_VAR, SavedCases};
pub use shrink::{MinimizeBudget, OpsTree, minimize, size};

use crate::factory::BackendFactory;
use crate::model::ModelFactory;

/// Checks `factory`'s backend against the reference model: `config.cases` generated cases of
/// `config.max_ops` operations, the first divergence shrunk, printed in the report and saved.
///
/// ```no_run
/// use podstate_conformance::checker::{CheckConfig, check_backend};
/// # fn factory() -> podstate_conformance::model::ModelFactory { podstate_conformance::model::ModelFactory }
/// let report = check_backend(&factory(), &CheckConfig::ci());
/// println!("{}", report.coverage.table());
/// report.assert_passed();
/// ```
pub fn check_backend(factory: &dyn BackendFactory, config: &CheckConfig) -> CheckReport {
    check_against(factory, &ModelFactory, config)
}

/// As [`check_backend`], with another oracle than the reference model.
pub fn check_against(
    factory: &dyn BackendFactory,
    model: &dyn BackendFactory,
    config: &CheckConfig,
) -> CheckReport {
    check_all(&[factory], model, config)
        .pop()
        .unwrap_or_else(|| CheckReport::new(factory.name(), config.seed))
}

/// Emits `#[test] fn model_check()`: the model checker at the CI budget
/// ([`CheckConfig::ci`], overridable by `PODSTATE_CHECK_SEED`/`_CASES`/`_OPS`) against the
/// backend of `$factory` (any expression of a type implementing
/// [`BackendFactory`](crate::BackendFactory)); and `#[test] fn replay_saved_cases()`, which
/// replays every case saved in the crate's case directory and in the one
/// [`PODSTATE_REPLAY_DIR`](REPLAY_DIR_VAR) names.
///
/// A failing case is saved in the case directory, `tests/conformance-cases/` of the crate that
/// invokes the macro unless `cases = "DIR"` (relative to the crate's directory) names another,
/// and the failure message ends with the one command that replays it, `cargo test -p <crate>
/// replay_saved_cases`. A case kept there is replayed by every `cargo test` from then on.
///
/// ```ignore
/// podstate_conformance::model_check_tests!(my_backend::TestFactory::default());
/// podstate_conformance::model_check_tests!(my_backend::TestFactory::default(), cases = "tests/cases");
/// ```
#[macro_export]
macro_rules! model_check_tests {
    ($factory:expr $(,)?) => {
        $crate::model_check_tests!($factory, cases = "tests/conformance-cases");
    };
    ($factory:expr, cases = $dir:expr $(,)?) => {
        /// This crate's saved failing cases: `env!` reads the invoking crate's variables.
        fn __podstate_saved_cases() -> $crate::checker::SavedCases {
            $crate::checker::SavedCases::new(
                ::std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join($dir),
                env!("CARGO_PKG_NAME"),
            )
        }

        #[test]
        fn model_check() {
            let factory = $factory;
            let config = $crate::checker::CheckConfig::ci().with_env_overrides();
            let config = __podstate_saved_cases().configure(config);
            let report = $crate::checker::check_backend(&factory, &config);
            report.assert_passed();
        }

        #[test]
        fn replay_saved_cases() {
            let factory = $factory;
            if let Err(report) = __podstate_saved_cases().replay_all(&factory) {
                panic!("{report}");
            }
        }
    };
}
