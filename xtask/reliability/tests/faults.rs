//! Item 5 at a small budget: one failing read, write or sync per trial; every call that meets
//! it answers Io and changes nothing (a failed sync: either outcome), the reopened database
//! matches the model and goes on working.

use podstate_reliability::PersistentBackend;
use podstate_reliability::faults::{self, FaultConfig};

fn run(backend: PersistentBackend) {
    let config = FaultConfig {
        backend,
        trials: 24,
        ops: 40,
        seed: 0xfa17,
        dir: None,
    };
    let report = faults::run(&config, &mut |_| {});
    eprintln!("{report}");
    assert!(report.passed(), "{report}");
    assert!(report.interrupted >= 12, "{report}");
}

#[test]
fn sqlite_io_faults_answer_io_and_change_nothing() {
    run(PersistentBackend::Sqlite);
}

#[test]
fn redb_io_faults_answer_io_and_change_nothing() {
    run(PersistentBackend::Redb);
}
