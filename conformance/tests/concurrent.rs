//! The concurrent class on a correct backend: every window proven, none inconclusive; and a
//! backend whose handles are not shared has nothing to race.

use podstate_api::StateError;
use podstate_conformance::concurrent::{ConcurrentConfig, check_concurrent};
use podstate_conformance::{BackendFactory, Capabilities, Store};

mod support;

#[test]
fn every_window_of_a_correct_backend_is_proven_linearizable() {
    let config = ConcurrentConfig::ci();
    let report = check_concurrent(&support::memory(), &config);
    assert!(report.passed(), "{report}");
    assert_eq!(report.cases, config.cases);
    assert_eq!(report.windows, config.cases * config.windows, "{report}");
    assert_eq!(report.linearizable, report.windows, "{report}");
    assert_eq!(report.inconclusive, 0, "{report}");
    // The hot spots collide: many calls are refused by the contract's rules, not all.
    assert!(
        report.refused > report.calls / 4 && report.refused < report.calls,
        "{report}"
    );
}

/// A backend of one handle at a time.
struct OneHandle;

impl BackendFactory for OneHandle {
    fn name(&self) -> &str {
        "one-handle"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::single_handle()
    }

    fn create(&self) -> Result<Box<dyn Store>, StateError> {
        unreachable!("a backend without shared handles is never raced")
    }
}

#[test]
fn a_backend_without_shared_handles_is_skipped_and_says_why() {
    let report = check_concurrent(&OneHandle, &ConcurrentConfig::ci());
    assert!(report.passed());
    assert_eq!(report.windows, 0);
    let why = report.skipped.as_deref().unwrap_or_default();
    assert!(why.contains("not shared"), "{report}");
    assert!(report.to_string().contains("skipped"), "{report}");
}
