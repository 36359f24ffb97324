//! Item 2 at a small budget: power cuts at random I/O operations (some inside batches), the
//! surviving files rebooted and compared with the model.

use podstate_reliability::Backend;
use podstate_reliability::disk::Keep;
use podstate_reliability::powercut::{self, PowerCutConfig};

fn run(backend: Backend) {
    let config = PowerCutConfig {
        backend,
        trials: 16,
        ops: 40,
        seed: 0x90e4,
        dir: None,
        keep: None,
    };
    let report = powercut::run(&config, &mut |_| {});
    eprintln!("{report}");
    assert!(report.passed(), "{report}");
    assert!(report.interrupted >= 12, "{report}");
    // Half the cuts of cases with batches fall inside one: each found whole or not at all.
    assert!(report.in_flight_batches >= 2, "{report}");
}

#[test]
fn sqlite_loses_nothing_acknowledged_at_a_power_cut() {
    run(Backend::Sqlite);
}

#[test]
fn redb_loses_nothing_acknowledged_at_a_power_cut() {
    run(Backend::Redb);
}

/// The run has teeth: on a disk that lies about syncs, acknowledged calls are lost, and the
/// trials say so.
#[test]
fn a_disk_that_ignores_syncs_fails_the_run() {
    for backend in Backend::ALL {
        let config = PowerCutConfig {
            backend,
            trials: 6,
            ops: 40,
            seed: 0x1e,
            dir: None,
            keep: Some(Keep::Lying),
        };
        let report = powercut::run(&config, &mut |_| {});
        assert!(report.failed >= 3, "{report}");
        assert!(
            report
                .failures
                .iter()
                .any(|f| f.contains("neither candidate")),
            "{report}"
        );
    }
}
