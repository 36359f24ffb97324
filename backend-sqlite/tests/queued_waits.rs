//! Issue 20: a write queued behind another write of its own store (group commit) counts its
//! time in the queue toward its lock timeout (SPEC §3); when that runs out, its answer says its
//! whole wait.

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use podstate_api::{Container, ContainerConfig, ErrorKind, State, StateError};
use podstate_sqlite::{SqliteOptions, SqliteStore};

fn ctr(id: &str) -> Container {
    Container::new(ContainerConfig::new(id, format!("name-{id}")))
}

/// The wait a lock-timeout message gives ("gave up after waiting 1.0s", or "300.0ms").
fn waited(err: &StateError) -> Duration {
    let message = err.message();
    let (_, after) = message
        .split_once("gave up after waiting ")
        .unwrap_or_else(|| panic!("{err} says no wait"));
    let text = after.split_whitespace().next().unwrap_or_default();
    let (number, scale) = match text.strip_suffix("ms") {
        Some(ms) => (ms, 1e-3),
        None => (text.strip_suffix('s').unwrap_or(text), 1.0),
    };
    let number: f64 = number
        .parse()
        .unwrap_or_else(|_| panic!("{err} gives no wait"));
    Duration::from_secs_f64(number * scale)
}

#[test]
fn a_write_queued_behind_its_own_group_says_its_whole_wait() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let timeout = Duration::from_secs(1);
    let options = SqliteOptions::for_tests().lock_timeout(timeout);
    let store = Arc::new(SqliteStore::open_with(&path, options).unwrap());
    store
        .open_handle()
        .unwrap()
        .add_container(&ctr("before"))
        .unwrap();
    let holder = rusqlite::Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    // Two threads of one store: whichever comes second queues behind the first one's wait.
    let writers: Vec<_> = ["first", "second"]
        .into_iter()
        .map(|id| {
            let store = Arc::clone(&store);
            let writer = thread::spawn(move || {
                let state = store.open_handle().unwrap();
                state.add_container(&ctr(id)).unwrap_err()
            });
            // Not needed for the outcome: it only makes the second call queue well inside the
            // first one's wait, whatever the machine's load.
            thread::sleep(Duration::from_millis(300));
            writer
        })
        .collect();
    let errors: Vec<StateError> = writers.into_iter().map(|w| w.join().unwrap()).collect();
    holder.execute_batch("ROLLBACK").unwrap();
    // The holder is a connection of this very process, which SQLite's lock listing does not
    // name (the stopped-process runs check that another process is named).
    for err in &errors {
        assert_eq!(err.kind(), ErrorKind::Io, "{err}");
        assert!(err.message().contains(&path.display().to_string()), "{err}");
        assert!(err.message().contains("is held by"), "{err}");
        assert!(
            waited(err) >= timeout,
            "{err} does not count the whole wait"
        );
    }
    assert_eq!(
        store.open_handle().unwrap().all_containers().unwrap().len(),
        1
    );
}
