//! The concurrent class: calls that truly run at the same time, judged for linearizability.
//!
//! The [`checker`](crate::checker) interleaves handles but runs one call after another, so it
//! cannot see a backend whose call reads in two transactions, whose check and apply are two
//! transactions, or whose cache serves a value another thread just changed. Here 2 to 4
//! threads, each with its own handle on one store, run the [hot-spot workload](hot_ops) at the
//! same moment: writers add, remove, rewrite and save a few containers and register exec
//! sessions on them while readers look them up by name and by ID prefix and list them.
//!
//! # How a case runs
//!
//! A case is one fresh store and a few *windows*. In each window every thread runs its calls,
//! all starting together; each call's start and end are read from one monotonic clock. Between
//! windows the threads stop and the store is dumped ([`crate::dump()`]), so each window's
//! history has a known start and end state. Then:
//!
//! 1. every answer must be one the contract allows for its call, and never `Io` or `Corrupt`
//!    (nothing was injected: a busy or locked error, a torn read showing as `Corrupt`, fail);
//! 2. the window must be *linearizable* ([`search`]): some order of its calls that respects
//!    their times (a call that ended before another started comes first) takes the reference
//!    model from the start state to the end state with every call answering what it answered.
//!
//! A failing window is shrunk: its calls are run again on a store restored to the window's
//! start (every other rerun starting each call when it started in the failing window), leaving
//! calls out while some rerun still fails, and the shortest failing history seen is printed as
//! a numbered list with times, answers, the longest order that fits and why it stops there.
//!
//! # Inconclusive windows
//!
//! The search is bounded ([`SearchBudget`]: steps, which make the verdict the same on every
//! machine, and time). A window the search cannot settle is **inconclusive: never a pass**. It
//! is counted and reported, and the case runs one more window in its place, so a passing run
//! has proven as many windows as it promised. A case that needs more replacements than it has
//! windows fails: a search that cannot judge a backend's histories must not pass it by
//! silence. At the class's sizes (4 threads x 10 calls) no window has needed one yet.
//!
//! # Threads here, processes in `cargo xtask stress`
//!
//! The class runs threads of one process only, also for the persistent backends, which several processes may share. Child
//! processes would need what neither [`Store`](crate::Store) nor
//! [`BackendFactory`](crate::BackendFactory) has: a name under which a second process opens the
//! same store (a `temporary()` store is anonymous), plus a clock shared by processes (Unix
//! only) and a test binary that re-executes itself; every third-party backend would then have
//! to implement the naming for a check that, for the contract's semantics, threads already
//! make. The engine-level effects only processes show (file locks, per-process caches, a
//! stopped holder) are checked for the workspace's own backends by `cargo xtask stress`, whose
//! hot mode runs this same workload across processes and judges it with this same search.

mod config;
mod history;
mod judge;
mod linearize;
mod load;
mod report;
mod run;
mod shrink;
mod window;
mod workload;

pub use config::ConcurrentConfig;
pub use history::{Event, Reply, describe, fingerprint};
pub use linearize::{SearchBudget, Verdict, search};
pub use load::load;
pub use report::{ConcurrentFailure, ConcurrentReport};
pub use run::check_concurrent;
pub use window::Pace;
pub use workload::{HOT_IDS, Role, hot_ops};

/// Emits `#[test] fn concurrent_check()`: the concurrent class at its CI budget
/// ([`ConcurrentConfig::ci`]; `PODSTATE_CHECK_SEED` overrides the seed) against the backend of
/// `$factory`. A backend whose handles are not shared (`shared_handles` is false) has nothing
/// to race, and the test says so and passes.
#[macro_export]
macro_rules! concurrent_tests {
    ($factory:expr $(,)?) => {
        #[test]
        fn concurrent_check() {
            let factory = $factory;
            let config = $crate::concurrent::ConcurrentConfig::ci().with_env_overrides();
            let report = $crate::concurrent::check_concurrent(&factory, &config);
            println!("{report}");
            assert!(report.passed(), "{report}");
        }
    };
}
