//! The memory backend at the CI budget, and the coverage that budget reaches.

use podstate_conformance::checker::{CheckConfig, check_backend};

use super::memory;

/// The memory backend agrees with the model on 128 cases of 200 operations, and those cases drive
/// it into every (call, outcome) pair SPEC makes reachable and grow a store past 64 containers
/// (past any small-list special case a backend might have).
#[test]
fn memory_passes_the_ci_budget_and_reaches_every_outcome() {
    let config = CheckConfig {
        failure_dir: None,
        ..CheckConfig::ci()
    };
    let report = check_backend(&memory(), &config);
    println!("{}", report.summary());
    println!("{}", report.coverage.table());
    report.assert_passed();
    let unreached = report.coverage.unreached();
    assert!(unreached.is_empty(), "never reached: {unreached:?}");
    assert!(
        report.largest.containers > 64,
        "no case grew past 64 containers: {}",
        report.summary()
    );
}
