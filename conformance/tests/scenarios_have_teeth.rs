//! The scenario suite must fail against deliberately broken copies of a correct backend, one per
//! classic rule: prefix ambiguity, cross-namespace visibility, a name shared by a pod and a
//! container, a dependency that blocks removal, refresh resetting state.

use podstate_conformance::BackendFactory;
use podstate_conformance::scenarios::{self, Scenario};
use podstate_conformance::teeth::{Fault, FaultyFactory};

mod support;
use support::memory;

/// The scenarios that fail against `factory`.
fn failing(factory: &dyn BackendFactory) -> Vec<&'static Scenario> {
    scenarios::scenarios()
        .iter()
        .filter(|s| scenarios::run(s, factory).is_err())
        .collect()
}

/// One test for all faults: the silent panic hook is process-wide, so nothing else may run in
/// this binary meanwhile.
#[test]
fn every_named_broken_copy_fails_some_scenario() {
    let memory = memory();
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let healthy = failing(&memory);
    let caught: Vec<(Fault, Vec<&Scenario>)> = [
        Fault::PrefixIgnoresOtherNamespace,
        Fault::HasContainerIgnoresNamespace,
        Fault::GetNameIgnoresNamespace,
        Fault::HolderKindAlwaysCtr,
        Fault::RemovalIgnoresDependents,
        Fault::RefreshClearsExitCode,
    ]
    .into_iter()
    .map(|fault| (fault, failing(&FaultyFactory::new(&memory, fault))))
    .collect();
    std::panic::set_hook(default_hook);

    assert!(healthy.is_empty(), "the healthy backend fails {healthy:?}");
    for (fault, scenarios) in caught {
        assert!(!scenarios.is_empty(), "no scenario catches {fault:?}");
        println!(
            "{fault:?}: caught by {} scenarios, e.g. {:?}",
            scenarios.len(),
            &scenarios[..scenarios.len().min(3)]
        );
    }
}
