//! Item 3 at a small budget: three processes of two threads each on one database, the history
//! checked window by window for linearizability against the model; the same in hot mode (issue
//! 17: few objects, add/remove/rewrite loops against lookups, across processes); and hot mode
//! with a random process stopped once per window (issue 16: no wait past the lock timeout, a
//! lock timeout names a stopped holder).

use std::time::Duration;

use podstate_reliability::stress::stops::StopConfig;
use podstate_reliability::stress::{self, StressConfig, StressReport};
use podstate_reliability::{Launcher, PersistentBackend};

fn config(backend: PersistentBackend) -> StressConfig {
    StressConfig {
        backend,
        procs: 3,
        threads: 2,
        ops: 80,
        window: 20,
        seed: 0x57e55,
        hot: false,
        stops: None,
        lock_timeout: Duration::from_secs(100),
        budget: Duration::from_secs(5),
        dir: None,
        failure_dir: None,
    }
}

fn run(config: &StressConfig) -> StressReport {
    let launcher = Launcher::new(env!("CARGO_BIN_EXE_podstate-reliability-child"), &[]);
    let report = stress::run(&launcher, config, &mut |_| {}).unwrap();
    eprintln!("{report}");
    assert!(report.passed(), "{report}");
    assert_eq!(report.calls, 3 * 80);
    assert_eq!(report.windows, 4);
    // Inconclusive windows are no pass; at this size the search settles every one.
    assert_eq!(report.linearizable, 4, "{report}");
    report
}

#[test]
fn sqlite_histories_of_concurrent_processes_are_linearizable() {
    run(&config(PersistentBackend::Sqlite));
}

#[test]
fn redb_histories_of_concurrent_processes_are_linearizable() {
    run(&config(PersistentBackend::Redb));
}

/// Hot mode: the processes meet on four containers; many of their calls are refused by the
/// contract's rules (a collision, a missing object), and every window is still linearizable.
fn hot(backend: PersistentBackend) {
    let report = run(&StressConfig {
        hot: true,
        ..config(backend)
    });
    assert!(report.refused > 0, "{report}");
}

#[test]
fn sqlite_hot_histories_are_linearizable() {
    hot(PersistentBackend::Sqlite);
}

#[test]
fn redb_hot_histories_are_linearizable() {
    hot(PersistentBackend::Redb);
}

/// Hot mode with a process stopped in each window for longer than the lock timeout.
fn stopped(backend: PersistentBackend) {
    let report = run(&StressConfig {
        hot: true,
        stops: Some(StopConfig {
            slack: Duration::from_secs(1),
        }),
        lock_timeout: Duration::from_millis(300),
        ..config(backend)
    });
    let figures = report.stops.clone().unwrap();
    assert_eq!(figures.stops, 4, "{report}");
    assert!(
        figures.longest_wait <= Duration::from_millis(1_300),
        "{report}"
    );
}

#[test]
fn sqlite_stopped_processes_hold_no_one_past_the_lock_timeout() {
    stopped(PersistentBackend::Sqlite);
}

#[test]
fn redb_stopped_processes_hold_no_one_past_the_lock_timeout() {
    stopped(PersistentBackend::Redb);
}
