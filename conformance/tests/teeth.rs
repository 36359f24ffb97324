//! The checker has teeth: every faulty wrapper of `podstate_conformance::teeth` around the memory
//! backend is caught within the CI budget, and the case comes back shrunk.

use podstate_conformance::checker::{CheckConfig, check_backend};
use podstate_conformance::teeth::{Fault, FaultyFactory};
use podstate_conformance::{BackendFactory, Capabilities, FnFactory, StoreFn};

fn memory() -> impl BackendFactory {
    FnFactory::new("memory", Capabilities::default(), || {
        let store = podstate_memory::MemoryStore::new();
        Ok(StoreFn::new(move || Ok(store.open())))
    })
}

#[test]
fn the_checker_catches_every_fault_within_the_ci_budget() {
    let memory = memory();
    let config = CheckConfig {
        failure_dir: None,
        ..CheckConfig::ci()
    };
    let mut missed = Vec::new();
    for fault in Fault::ALL {
        let report = check_backend(&FaultyFactory::new(&memory, *fault), &config);
        match &report.failure {
            Some(failure) => println!(
                "{fault:?}: caught in case {}, shrunk {} -> {} ops",
                failure.case,
                failure.generated_len,
                failure.divergence.trace.len()
            ),
            None => missed.push(*fault),
        }
    }
    assert!(missed.is_empty(), "the checker missed {missed:?}");
}
