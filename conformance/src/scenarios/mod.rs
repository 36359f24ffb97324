//! The scenario suite: short stories, each checking one SPEC clause with one exact outcome, run
//! unchanged against any backend.
//!
//! # Organisation
//!
//! One module per concern, named as everywhere else in the workspace:
//!
//! * objects: [`containers`], [`pods`], [`pod_members`] (joining and leaving a pod), [`volumes`],
//!   [`exec`], [`networks`], [`dependencies`];
//! * finding them: [`lookups`], [`namespaces`], [`visibility`] (invisible objects skipped at
//!   each lookup step, dependencies across namespaces);
//! * [`lifecycle`] (refresh, DB config, close, several handles), [`rewrite`] (the three
//!   `rewrite_*_config` calls), [`copies`] (independent copies, verbatim payloads and times,
//!   save/update), [`batches`] (several calls in one transaction, all or nothing);
//! * the string rules: [`strings`] (keys looked up) and [`passed_strings`] (passed objects);
//! * SPEC §4 check order, two rules broken at once: [`check_order`] (across steps 1-5) and
//!   [`check_order_rules`] (within step 5);
//! * [`sharp_edges`]: podman's traps - prefixes that are names, pods and containers sharing the
//!   name space, SQL `LIKE`/`GLOB` wildcards and escapes in keys, case, Unicode, byte order.
//!
//! Each scenario is a `pub fn(&dyn BackendFactory)` whose doc line quotes or cites the SPEC clause
//! it checks; it runs on a fresh store and panics when the backend disagrees.
//!
//! [`tables`] holds the mechanical checks driven by [`Call::ALL`](crate::Call::ALL): `DbClosed`
//! after `close` and `InvalidArg` for empty or NUL strings, for every call and every string
//! argument. They run like scenarios but do not count as such ([`Scenario::is_table`]).
//!
//! Every scenario goes through [`harness::Tester`]: each observed outcome
//! must be one [`Call::allows`](crate::Call::allows), each failing call is checked to leave
//! the store exactly as it was, and when the scenario ends, everything the store shows must be
//! what the reference model shows after the same calls.
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
//! where the expression is any [`BackendFactory`]; [`StoreFactory`](crate::StoreFactory) builds one
//! from a closure. `cargo test -p my-backend --test conformance containers::` runs one group. A
//! runner wanting a count instead of test output walks [`scenarios()`] and calls [`run`].
//!
//! Each group file lists its own scenarios once, in a hidden macro at its top
//! (`__scenarios_containers!`, ...), and `__for_each_scenario!` here chains the groups in the
//! suite's order; that feeds both [`scenarios()`] and [`scenario_tests!`](crate::scenario_tests),
//! and a unit test fails when a scenario function is missing from its group's list. Another unit test runs the suite on the memory backend and checks, through
//! [`demanded`], that it demands every outcome SPEC allows each call.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::LazyLock;

use crate::factory::BackendFactory;

/// `assert_eq!` in every scenario module: a failure names the scenario and its clauses and
/// lists the fields that differ ([`explain::Sides`]), not two `Debug` forms.
macro_rules! assert_eq {
    ($found:expr, $wanted:expr $(, $($context:tt)+)?) => {
        match (&$found, &$wanted) {
            (found, wanted) => {
                if !(*found == *wanted) {
                    #[allow(unused_imports)]
                    use $crate::scenarios::explain::{ByDebug as _, ByFields as _};
                    let differ = (&&$crate::scenarios::explain::Sides(found, wanted)).differ();
                    let context: Option<String> = None $(.or(Some(format!($($context)+))))?;
                    $crate::scenarios::explain::unequal(differ, context);
                }
            }
        }
    };
}

pub mod batches;
pub mod check_order;
pub mod check_order_rules;
pub mod containers;
pub mod copies;
pub mod demanded;
pub mod dependencies;
pub mod exec;
pub mod explain;
pub mod fixtures;
pub mod harness;
pub mod invoke;
pub mod lifecycle;
pub mod lookups;
mod mirror;
pub mod namespaces;
pub mod networks;
pub mod passed_strings;
pub mod pod_members;
pub mod pods;
pub mod rewrite;
pub mod sharp_edges;
pub mod slots;
pub mod strings;
pub mod tables;
pub mod visibility;
pub mod volumes;

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

/// Calls back `$cb! { ($($args)*) group: [name, ...] }` once per group, in the suite's order:
/// the one place the groups are enumerated (each group's file lists its scenarios).
#[macro_export]
#[doc(hidden)]
macro_rules! __for_each_scenario {
    ($cb:path, $($args:tt)*) => {
        $crate::__scenarios_containers!($cb, $($args)*);
        $crate::__scenarios_pods!($cb, $($args)*);
        $crate::__scenarios_pod_members!($cb, $($args)*);
        $crate::__scenarios_volumes!($cb, $($args)*);
        $crate::__scenarios_exec!($cb, $($args)*);
        $crate::__scenarios_networks!($cb, $($args)*);
        $crate::__scenarios_lookups!($cb, $($args)*);
        $crate::__scenarios_namespaces!($cb, $($args)*);
        $crate::__scenarios_visibility!($cb, $($args)*);
        $crate::__scenarios_dependencies!($cb, $($args)*);
        $crate::__scenarios_lifecycle!($cb, $($args)*);
        $crate::__scenarios_rewrite!($cb, $($args)*);
        $crate::__scenarios_copies!($cb, $($args)*);
        $crate::__scenarios_strings!($cb, $($args)*);
        $crate::__scenarios_passed_strings!($cb, $($args)*);
        $crate::__scenarios_check_order!($cb, $($args)*);
        $crate::__scenarios_check_order_rules!($cb, $($args)*);
        $crate::__scenarios_sharp_edges!($cb, $($args)*);
        $crate::__scenarios_batches!($cb, $($args)*);
        $crate::__scenarios_tables!($cb, $($args)*);
    };
}

/// Emits one `#[test]` per scenario, in one module per group, running it against the backend
/// factory the expression builds (evaluated once per test).
///
/// ```ignore
/// podstate_conformance::scenario_tests!(podstate_conformance::StoreFactory::new(
///     podstate_memory::MemoryStore::temporary
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

/// The callback of [`scenario_tests!`]: one group's test module.
#[macro_export]
#[doc(hidden)]
macro_rules! __scenario_test_modules {
    (() $group:ident : [$($name:ident),* $(,)?]) => {
        mod $group {
            $(
                #[test]
                fn $name() {
                    $crate::scenarios::$group::$name(&super::__podstate_conformance_factory());
                }
            )*
        }
    };
}

/// The callback that gathers one group into the suite's lists.
macro_rules! gather {
    (($scenarios:ident, $sources:ident) $group:ident : [$($name:ident),* $(,)?]) => {
        $scenarios.extend([$(
            Scenario { group: stringify!($group), name: stringify!($name), run: $group::$name },
        )*]);
        $sources.push((stringify!($group), include_str!(concat!(stringify!($group), ".rs"))));
    };
}

/// Every scenario and table, in the suite's order; and each group's source: a failure message
/// quotes a scenario's doc line and cites its clauses from it ([`explain`]), and a test proves
/// every scenario function is listed.
type Suite = (Vec<Scenario>, Vec<(&'static str, &'static str)>);

static SUITE: LazyLock<Suite> = LazyLock::new(|| {
    let (mut scenarios, mut sources) = (Vec::new(), Vec::new());
    crate::__for_each_scenario!(gather, scenarios, sources);
    (scenarios, sources)
});

/// Each group's name and source.
fn sources() -> &'static [(&'static str, &'static str)] {
    &SUITE.1
}

/// Every scenario and table, in the order of [`__for_each_scenario!`](crate::__for_each_scenario).
pub fn scenarios() -> &'static [Scenario] {
    &SUITE.0
}

/// Runs one scenario against `factory`, turning its panic into its failure message: the
/// scenario, the clauses it checks and what went wrong ([`explain`]).
pub fn run(scenario: &Scenario, factory: &dyn BackendFactory) -> Result<(), String> {
    explain::take_explained();
    let outcome =
        explain::without_notes(|| catch_unwind(AssertUnwindSafe(|| (scenario.run)(factory))));
    outcome.map_err(|payload| {
        let message = podstate_api::raw::panic_message(payload.as_ref()).to_owned();
        // A scenario's own assertion says only what it compared: name the scenario too.
        match explain::take_explained() {
            true => message,
            false => match explain::scenario(scenario.group, scenario.name) {
                Some(about) => format!("{}  {message}", about.header(None)),
                None => message,
            },
        }
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use podstate_api::ErrorKind;

    use super::demanded;
    use super::*;
    use crate::{Outcome, StoreFactory, citations};

    fn memory() -> impl BackendFactory {
        StoreFactory::new(podstate_memory::MemoryStore::temporary)
    }

    #[test]
    fn there_are_at_least_150_hand_written_scenarios() {
        let hand_written = scenarios().iter().filter(|s| !s.is_table()).count();
        assert!(hand_written >= 150, "only {hand_written} scenarios");
    }

    #[test]
    fn names_are_unique() {
        let names: BTreeSet<_> = scenarios().iter().map(|s| s.name).collect();
        assert_eq!(names.len(), scenarios().len(), "a name repeats");
    }

    /// A scenario written but left out of its group's list would never run; one that cites
    /// no clause of the contract, or one the contract does not have, cannot be traced to a rule.
    #[test]
    fn every_scenario_function_is_listed_and_cites_spec() {
        let listed: BTreeSet<_> = scenarios().iter().map(|s| (s.group, s.name)).collect();
        for (group, source) in sources() {
            let lines: Vec<&str> = source.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                let Some(rest) = line.strip_prefix("pub fn ") else {
                    continue;
                };
                let name = rest.split('(').next().unwrap_or_default();
                assert!(
                    listed.contains(&(*group, name)),
                    "{group}::{name} is not listed"
                );
                let doc: Vec<&str> = lines[..i]
                    .iter()
                    .rev()
                    .take_while(|l| l.starts_with("///"))
                    .copied()
                    .collect();
                let cited = citations::find(&doc.join("\n"));
                assert!(
                    *group == "tables" || !cited.is_empty(),
                    "{group}::{name} cites no clause"
                );
                for citation in cited {
                    assert!(
                        citation.clause.exists(),
                        "{group}::{name} cites {}, which the contract does not have",
                        citation.clause
                    );
                }
            }
        }
    }

    /// Module docs and comments of the scenarios cite the contract too.
    #[test]
    fn every_citation_in_the_scenarios_resolves() {
        for (group, source) in sources() {
            let unresolved = citations::unresolved(source);
            assert!(
                unresolved.is_empty(),
                "{group}.rs cites clauses the contract does not have: {unresolved:?}"
            );
        }
    }

    /// The harness proves a failed call left the exec registry alone by probing the IDs of
    /// `SESSION_IDS`; a scenario using another ID would escape that check.
    #[test]
    fn scenarios_use_only_probed_exec_session_ids() {
        for (group, source) in sources() {
            for (_, rest) in source
                .match_indices("exec(\"")
                .map(|(i, _)| source.split_at(i + 6))
            {
                let id = rest.split('"').next().unwrap_or_default();
                assert!(
                    crate::scenarios::fixtures::SESSION_IDS.contains(&id),
                    "{group} uses exec session {id:?}, which the harness does not probe"
                );
            }
        }
    }

    /// SPEC §4 "Allowed outcomes": the hand-written scenarios demand every outcome each call may
    /// answer (but `DbClosed`), and with the tables, `DbClosed` for every call too.
    #[test]
    fn the_suite_demands_every_allowed_outcome_of_every_call() {
        let factory = memory();
        demanded::take();
        for scenario in scenarios().iter().filter(|s| !s.is_table()) {
            run(scenario, &factory).unwrap_or_else(|e| panic!("{scenario:?}: {e}"));
        }
        let hand_written = demanded::take();
        let gaps: Vec<_> = demanded::missing(&hand_written)
            .into_iter()
            .filter(|(_, outcome)| *outcome != Outcome::Err(ErrorKind::DbClosed))
            .collect();
        assert!(gaps.is_empty(), "no scenario demands {gaps:?}");
        for table in scenarios().iter().filter(|s| s.is_table()) {
            run(table, &factory).unwrap_or_else(|e| panic!("{table:?}: {e}"));
        }
        let all: BTreeSet<_> = hand_written.union(&demanded::take()).copied().collect();
        assert_eq!(demanded::missing(&all), []);
    }
}
