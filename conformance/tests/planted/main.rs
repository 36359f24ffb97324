//! Storage bugs planted below the shared checks ([`engine`]), and the proof that the suite finds
//! them: the end-of-scenario comparison with the model catches index bugs that no scenario's own
//! assertions see, and the generator's edge strings make the model checker catch a wrong bound
//! of a prefix range scan under each of the four fixed seeds.

mod engine;

use engine::{Bug, PlantedStore};
use podstate_conformance::checker::{CheckConfig, check_backend};
use podstate_conformance::scenarios::{self, Scenario};
use podstate_conformance::{BackendFactory, StoreFactory};
use podstate_memory::MemoryEngine;

/// Fresh memory stores with `bug` planted.
fn planted(bug: Bug) -> impl BackendFactory {
    StoreFactory::new(move || Ok(PlantedStore::<MemoryEngine>::new(bug)))
}

/// The scenarios that fail against `factory`, with why.
fn failing(factory: &dyn BackendFactory) -> Vec<(&'static Scenario, String)> {
    scenarios::scenarios()
        .iter()
        .filter_map(|s| scenarios::run(s, factory).err().map(|why| (s, why)))
        .collect()
}

/// Whether a scenario failed in the end-of-scenario comparison with the model (see the scenario
/// harness) rather than in one of its own assertions.
fn by_comparison(why: &str) -> bool {
    // The message begins with the scenario's name and clauses; the comparison's part follows.
    why.contains("after the scenario, the backend does not show what the model does")
}

/// The seeds the teeth are caught under (`tests/teeth.rs`).
const SEEDS: [u64; 4] = [0x5eed_2020_0053, 0x0dd5_eed1, 0x0dd5_eed2, 0x0dd5_eed3];

/// One test for the scenario runs: the silent panic hook is process-wide. A refresh that leaves
/// the per-container session index behind passes every scenario's own assertions: only the
/// comparison sees it. The two other bugs were each asserted by one scenario; the comparison
/// finds them in more.
#[test]
fn the_model_comparison_catches_index_bugs_the_scenarios_do_not_assert() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let control = failing(&planted(Bug::None));
    let caught: Vec<(Bug, Vec<(&Scenario, String)>)> = [
        Bug::RefreshKeepsSessionIndex,
        Bug::MemberRemovalKeepsMembership,
        Bug::SessionRemovalKeepsSessionIndex,
    ]
    .into_iter()
    .map(|bug| (bug, failing(&planted(bug))))
    .collect();
    std::panic::set_hook(default_hook);

    assert!(control.is_empty(), "the faithful wrapper fails {control:?}");
    for (bug, failures) in &caught {
        let by_model: Vec<_> = failures
            .iter()
            .filter(|(_, why)| by_comparison(why))
            .collect();
        println!(
            "{bug:?}: {} scenarios fail, {} of them only in the comparison with the model",
            failures.len(),
            by_model.len(),
        );
        if let Some((scenario, why)) = by_model.first() {
            println!("  e.g. {scenario:?}: {why}");
        }
        assert!(!by_model.is_empty(), "the comparison misses {bug:?}");
        if *bug == Bug::RefreshKeepsSessionIndex {
            assert_eq!(by_model.len(), failures.len(), "{failures:?}");
        }
    }
}

/// The control: the copy itself is right, so what the checker finds below is the wrong bound.
/// A quarter of the CI budget (the prefix scans of the copy walk every key), with the edge
/// strings in every case class.
#[test]
fn a_faithful_copy_of_the_prefix_range_passes_the_checker() {
    let config = CheckConfig {
        cases: 32,
        ..CheckConfig::ci()
    };
    let report = check_backend(&planted(Bug::PrefixEndRight), &config);
    assert!(report.passed(), "{report}");
}

#[test]
fn the_checker_catches_a_wrong_prefix_range_bound_under_each_seed() {
    for bug in [Bug::PrefixEndIntoSurrogates, Bug::PrefixEndBmpOnly] {
        for seed in SEEDS {
            let config = CheckConfig {
                seed,
                failure_dir: None,
                ..CheckConfig::ci()
            };
            let report = check_backend(&planted(bug), &config);
            let failure = report.failure.as_ref();
            assert!(failure.is_some(), "{bug:?} passes under seed {seed:#x}");
            println!(
                "{bug:?} (seed {seed:#x}): caught in case {}, shrunk to {} ops",
                failure.map_or(0, |f| f.case),
                failure.map_or(0, |f| f.divergence.trace.len())
            );
        }
    }
}
