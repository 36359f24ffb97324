//! Item 2 at a small budget: power cuts at random I/O operations (some inside batches), the
//! surviving files rebooted and compared with the model.

use podstate_api::raw::group::GroupLimits;
use podstate_reliability::PersistentBackend;
use podstate_reliability::disk::Keep;
use podstate_reliability::grouped::{self, GroupedConfig};
use podstate_reliability::powercut::{self, PowerCutConfig};

fn run(backend: PersistentBackend) {
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
    run(PersistentBackend::Sqlite);
}

#[test]
fn redb_loses_nothing_acknowledged_at_a_power_cut() {
    run(PersistentBackend::Redb);
}

/// The run has teeth: on a disk that lies about syncs, acknowledged calls are lost, and the
/// trials say so.
#[test]
fn a_disk_that_ignores_syncs_fails_the_run() {
    for backend in PersistentBackend::ALL {
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

/// Several threads of one store writing at once share commits (group commit); a cut loses none
/// of their acknowledged calls.
fn grouped(
    backend: PersistentBackend,
    limits: GroupLimits,
    trials: u64,
) -> podstate_reliability::trials::Report {
    let config = GroupedConfig {
        backend,
        trials,
        threads: 4,
        calls: 24,
        seed: 0x6209,
        dir: None,
        keep: None,
        limits,
    };
    let report = grouped::run(&config, &mut |_| {});
    eprintln!("{report}");
    report
}

#[test]
fn grouped_writers_lose_nothing_acknowledged_at_a_power_cut() {
    for backend in PersistentBackend::ALL {
        let report = grouped(backend, GroupLimits::new(), 12);
        assert!(report.passed(), "{report}");
        assert!(report.interrupted >= 8, "{report}");
    }
}

/// The grouped run has teeth: a group that answers the calls which left their commit to others
/// before that commit is durable loses acknowledged calls at a cut, and the trials say so.
#[test]
fn a_group_that_acknowledges_before_its_commit_fails_the_run() {
    for backend in PersistentBackend::ALL {
        let report = grouped(
            backend,
            GroupLimits::new().acknowledging_before_commit(),
            16,
        );
        assert!(report.failed >= 3, "{report}");
        assert!(
            report
                .failures
                .iter()
                .any(|f| f.contains("acknowledged calls left them")),
            "{report}"
        );
    }
}
