//! The scenario suite: short stories, each checking one SPEC clause with one exact outcome, run
//! unchanged against any backend.
//!
//! # Organisation
//!
//! One module per concern, named as everywhere else in the workspace: [`containers`], [`pods`],
//! [`volumes`], [`exec`], [`networks`], [`lookups`], [`namespaces`], [`dependencies`],
//! [`lifecycle`] (refresh, DB config, close), [`rewrite`] (the three `rewrite_*_config` calls),
//! [`copies`] (independent copies, verbatim payloads, save/update), [`strings`] (the string rules
//! on stored keys), [`check_order`] (two rules broken at once: SPEC §4 decides which one answers)
//! and [`sharp_edges`] (podman's traps: prefixes that are names, shared pod/container names, SQL
//! wildcards in keys, ...). Each scenario is a `pub fn(&dyn BackendFactory)` with a doc line
//! quoting the clause it checks; it panics when the backend disagrees.
//!
//! [`tables`] holds the mechanical checks driven by [`Call::ALL`](crate::Call::ALL): `DbClosed`
//! after `close` and `InvalidArg` for empty or NUL strings, for every call and every string
//! argument. They run like scenarios but do not count as such ([`Scenario::is_table`]).
//!
//! Every scenario goes through [`harness::Tester`](crate::harness::Tester): each observed outcome
//! must be one [`Call::allows`](crate::Call::allows), and each failing call is checked to leave
//! the store exactly as it was.
//!
//! # Running the suite against a backend
//!
//! In the backend's `tests/conformance.rs`, one line emits one `#[test]` per scenario, grouped in
//! one module per concern:
//!
//! ```ignore
//! podstate_conformance::scenario_tests!(my_backend_factory());
//! ```
//!
//! where the expression is any [`BackendFactory`]; [`FnFactory`](crate::FnFactory) builds one
//! from a closure. `cargo test -p my-backend --test conformance containers::` runs one group. A
//! runner wanting a count instead of test output walks [`scenarios()`] and calls [`run`].
//!
//! The list of scenarios is written once, in [`__for_each_scenario!`](crate::__for_each_scenario),
//! which feeds both [`scenarios()`] and [`scenario_tests!`](crate::scenario_tests).

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::factory::BackendFactory;

pub mod tables;

/// One scenario: where it lives and how to run it.
#[derive(Clone, Copy)]
pub struct Scenario {
    /// The module (concern) it belongs to, e.g. `"containers"`.
    pub group: &'static str,
    /// Its function name.
    pub name: &'static str,
    /// Runs it against a backend; a failure is a panic.
    pub run: fn(&dyn BackendFactory),
}

impl std::fmt::Debug for Scenario {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}::{}", self.group, self.name)
    }
}

impl Scenario {
    /// Whether this is one of the mechanical [`tables`] rather than a hand-written scenario.
    pub fn is_table(&self) -> bool {
        self.group == "tables"
    }
}

/// Lists every scenario by group and calls back `$cb! { ($($args)*) group: [name, ...], ... }`.
/// The one place the suite is enumerated.
#[macro_export]
#[doc(hidden)]
macro_rules! __for_each_scenario {
    ($cb:path, $($args:tt)*) => {
        $cb! { ($($args)*)
            tables: [
                every_call_succeeds_with_its_baseline_arguments,
                closed_handle_answers_db_closed_to_every_call,
                closed_handle_answers_db_closed_before_checking_arguments,
                close_is_idempotent_and_leaves_other_handles_working,
                empty_strings_are_invalid_arg_for_every_call,
                nul_strings_are_invalid_arg_for_every_call,
                only_list_and_db_calls_take_no_strings,
            ],
        }
    };
}

/// Emits one `#[test]` per scenario, in one module per group, running it against the backend
/// factory the expression builds (evaluated once per test).
///
/// ```ignore
/// podstate_conformance::scenario_tests!(podstate_conformance::FnFactory::new(
///     "memory",
///     podstate_conformance::Capabilities::default(),
///     || {
///         let store = podstate_memory::MemoryStore::new();
///         Ok(podstate_conformance::StoreFn::new(move || Ok(store.open())))
///     },
/// ));
/// ```
#[macro_export]
macro_rules! scenario_tests {
    ($factory:expr $(,)?) => {
        #[allow(dead_code)]
        fn __podstate_conformance_factory() -> impl $crate::BackendFactory {
            $factory
        }
        $crate::__for_each_scenario!($crate::__scenario_test_modules,);
    };
}

/// The callback of [`scenario_tests!`]: the test modules.
#[macro_export]
#[doc(hidden)]
macro_rules! __scenario_test_modules {
    (() $($group:ident : [$($name:ident),* $(,)?]),* $(,)?) => {
        $(
            mod $group {
                $(
                    #[test]
                    fn $name() {
                        $crate::scenarios::$group::$name(&super::__podstate_conformance_factory());
                    }
                )*
            }
        )*
    };
}

macro_rules! scenario_table {
    (() $($group:ident : [$($name:ident),* $(,)?]),* $(,)?) => {
        static SCENARIOS: &[Scenario] = &[
            $($(
                Scenario { group: stringify!($group), name: stringify!($name), run: $group::$name },
            )*)*
        ];
    };
}

crate::__for_each_scenario!(scenario_table,);

/// Every scenario and table, in the order of [`__for_each_scenario!`](crate::__for_each_scenario).
pub fn scenarios() -> &'static [Scenario] {
    SCENARIOS
}

/// Runs one scenario against `factory`, turning its panic into the panic message.
pub fn run(scenario: &Scenario, factory: &dyn BackendFactory) -> Result<(), String> {
    catch_unwind(AssertUnwindSafe(|| (scenario.run)(factory))).map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "the scenario panicked".to_owned())
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn names_are_unique() {
        let names: BTreeSet<_> = scenarios().iter().map(|s| (s.group, s.name)).collect();
        assert_eq!(names.len(), scenarios().len());
        let bare: BTreeSet<_> = scenarios().iter().map(|s| s.name).collect();
        assert_eq!(
            bare.len(),
            scenarios().len(),
            "a name repeats across groups"
        );
    }
}
