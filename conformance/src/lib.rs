//! The podstate conformance suite: everything a backend needs to prove it obeys the contract,
//! usable unchanged by third-party backends.
//!
//! # What the suite demands
//!
//! Exactly the contract: [`podstate_api::contract`] (the file `state-api/CONTRACT.md` in the
//! repository), called SPEC throughout. Read it first: it defines the objects, the invariants
//! the checker verifies after every step (SPEC §2), namespaces, concurrency and durability
//! (SPEC §3), the error kinds, the order in which a call checks its rules and the kinds each call
//! may answer (SPEC §4), and every call's rules (SPEC §5). Each scenario's doc line cites the
//! clause it checks (SPEC §5 Strings, SPEC §4 step 3, ...), so a failing test leads straight to
//! the rule; a unit test keeps every citation pointing at a clause that exists ([`citations`]).
//!
//! * [`scenarios`](mod@scenarios): 350+ hand-written stories, one exact outcome each, plus tables driven by
//!   [`Call::ALL`] (`DbClosed` and bad strings for every call). Every failing call is checked to
//!   change nothing; every observed outcome is checked against [`Call::allows`]; every scenario
//!   ends with the store compared with the reference model after the same calls.
//! * [`model`]: the reference model, a naive and independent implementation of SPEC that serves
//!   as the oracle.
//! * [`checker`]: the model checker: generated operation sequences run against a backend and the
//!   model, compared answer by answer, invariants checked through a second handle, divergences
//!   shrunk to a minimal case saved as JSON, coverage of every (call, outcome) pair.
//! * [`concurrent`]: the concurrent class: threads with their own handles on one store run
//!   calls on a few hot objects at the same moment; every window of the history must be
//!   linearizable against the model.
//! * [`teeth`]: faulty wrappers, each breaking one rule, that the checker must catch.
//! * [`calls`]: the 53 calls and the outcomes SPEC §4 allows each, as data.
//! * [`citations`]: finds the SPEC citations in a text and checks that each names a clause of
//!   the contract.
//! * [`trace`]: a `tracing` subscriber that keeps what a store reports (call spans, lock
//!   waits), for tests.
//!
//! # Checking a backend
//!
//! A backend plugs in through its [`Store`] (the trait of `podstate_api::raw`: it hands out
//! handles and says what it can do, [`Capabilities`]). [`StoreFactory`] turns the function that
//! makes a fresh, isolated store into a [`BackendFactory`]. In the backend's
//! `tests/conformance.rs`, one line then emits one `#[test]` per scenario, the model check at
//! the CI budget and, when the store's handles are shared, the concurrent class:
//!
//! ```ignore
//! podstate_conformance::conformance_tests!(podstate_conformance::StoreFactory::new(
//!     my_backend::MyStore::temporary
//! ));
//! ```
//!
//! The same can be driven by hand, for a custom runner or report:
//!
//! ```
//! use podstate_conformance::checker::{CheckConfig, check_backend};
//! use podstate_conformance::{StoreFactory, scenarios};
//!
//! // A fresh in-memory store per scenario and per generated case.
//! let factory = StoreFactory::new(podstate_memory::MemoryStore::temporary);
//!
//! // Every scenario, counting failures instead of panicking.
//! let failed = scenarios::scenarios()
//!     .iter()
//!     .filter(|s| scenarios::run(s, &factory).is_err())
//!     .count();
//! assert_eq!(failed, 0);
//!
//! // A small model check: 4 generated cases of 50 operations from a fixed seed.
//! let config = CheckConfig { cases: 4, max_ops: 50, seed: 7, failure_dir: None, ..CheckConfig::ci() };
//! let report = check_backend(&factory, &config);
//! assert!(report.passed(), "{report}");
//! println!("{}", report.coverage.table());
//! ```
//!
//! The checker generates only what the store's [`Capabilities`] allow; the aim is that real
//! backends differ in nothing else.

pub mod calls;
pub mod checker;
pub mod citations;
pub mod concurrent;
pub mod factory;
pub mod model;
pub mod rng;
pub mod scenarios;
pub mod teeth;
pub mod trace;

pub use calls::{Call, Outcome};
pub use factory::{BackendFactory, Capabilities, Store, StoreFactory};
pub use podstate_api::dump::{self, Dump, dump};
pub use scenarios::{Scenario, scenarios};

/// Emits the whole suite as `#[test]`s for the backend of `$factory` (any expression whose type
/// implements [`BackendFactory`]): one test per scenario, in one module per group
/// ([`scenario_tests!`]), `model_check` at the CI budget ([`model_check_tests!`]) and
/// `concurrent_check` at its CI budget ([`concurrent_tests!`], for backends with shared handles).
///
/// ```ignore
/// podstate_conformance::conformance_tests!(podstate_conformance::StoreFactory::new(
///     podstate_memory::MemoryStore::temporary
/// ));
/// ```
#[macro_export]
macro_rules! conformance_tests {
    ($factory:expr $(,)?) => {
        $crate::scenario_tests!($factory);
        $crate::model_check_tests!($factory);
        $crate::concurrent_tests!($factory);
    };
}
