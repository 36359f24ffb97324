//! Item 3 at a small budget: three processes of two threads each on one database, the history
//! checked window by window for linearizability against the model.

use std::time::Duration;

use podstate_reliability::stress::{self, StressConfig};
use podstate_reliability::{Backend, Launcher};

fn run(backend: Backend) {
    let config = StressConfig {
        backend,
        procs: 3,
        threads: 2,
        ops: 80,
        window: 20,
        seed: 0x57e55,
        lock_timeout: Duration::from_secs(100),
        budget: Duration::from_secs(5),
        dir: None,
        failure_dir: None,
    };
    let launcher = Launcher::new(env!("CARGO_BIN_EXE_podstate-reliability-child"), &[]);
    let report = stress::run(&launcher, &config, &mut |_| {}).unwrap();
    eprintln!("{report}");
    assert!(report.passed(), "{report}");
    assert_eq!(report.calls, 3 * 80);
    assert_eq!(report.windows, 4);
    // Inconclusive windows are no pass; at this size the search settles every one.
    assert_eq!(report.linearizable, 4, "{report}");
}

#[test]
fn sqlite_histories_of_concurrent_processes_are_linearizable() {
    run(Backend::Sqlite);
}

#[test]
fn redb_histories_of_concurrent_processes_are_linearizable() {
    run(Backend::Redb);
}
