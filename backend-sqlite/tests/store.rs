//! The store and its handles: one connection per handle, one state for all of them, reopen,
//! close, and waiting for another connection's lock instead of failing.

use std::sync::Arc;
use std::time::Duration;

use podstate_api::Store;
use podstate_api::{Container, ContainerConfig, ErrorKind, State};
use podstate_sqlite::{Durability, SqliteOptions, SqliteStore};

fn ctr(id: &str) -> Container {
    Container::new(ContainerConfig::new(id, format!("name-{id}")))
}

#[test]
fn the_defaults_are_durable_with_podmans_lock_timeout() {
    let options = SqliteOptions::default();
    assert_eq!(options.lock_timeout, Duration::from_secs(100));
    assert_eq!(options.durability, Durability::Full);
    assert_eq!(SqliteOptions::for_tests().durability, Durability::NoSync);
    let store = SqliteStore::temporary().unwrap();
    assert_eq!(store.options().durability, Durability::NoSync);
    assert!(store.capabilities().persistent);
}

#[test]
fn handles_on_threads_see_one_state() {
    let store = Arc::new(SqliteStore::temporary().unwrap());
    let shared: Arc<dyn State> = Arc::new(store.open_handle().unwrap());
    let threads: Vec<_> = (0..6)
        .map(|t| {
            let store = Arc::clone(&store);
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || {
                // Threads 0-3 have a handle (a connection) each; 4 and 5 share one.
                let own = store.open_handle().unwrap();
                let state: &dyn State = if t < 4 { &own } else { &*shared };
                for i in 0..25 {
                    state.add_container(&ctr(&format!("t{t}-{i:02}"))).unwrap();
                    assert_eq!(
                        state.lookup_container_id(&format!("t{t}-{i:02}")).unwrap(),
                        format!("t{t}-{i:02}")
                    );
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(shared.all_containers().unwrap().len(), 150);
    assert_eq!(store.verify().unwrap(), []);
}

#[test]
fn reopen_keeps_everything_and_the_temporary_directory() {
    let store: std::sync::Arc<dyn Store> = std::sync::Arc::new(SqliteStore::temporary().unwrap());
    let state = store.open_handle().unwrap();
    state.add_container(&ctr("c1")).unwrap();
    state.close().unwrap();
    drop(state);
    // Reopened through a shared `Arc`: the other owner keeps the old store working meanwhile.
    let other_owner = std::sync::Arc::clone(&store);
    let store = store.reopen().unwrap();
    let state = store.open_handle().unwrap();
    assert_eq!(state.lookup_container_id("c1").unwrap(), "c1");
    assert_eq!(
        other_owner
            .open_handle()
            .unwrap()
            .all_containers()
            .unwrap()
            .len(),
        1
    );
    drop(other_owner);
    let store = std::sync::Arc::<dyn Store>::from(store).reopen().unwrap();
    assert_eq!(
        store.open_handle().unwrap().all_containers().unwrap().len(),
        1
    );
}

#[test]
fn close_drops_only_its_own_connection() {
    let store = SqliteStore::temporary().unwrap();
    let (a, b) = (store.open_handle().unwrap(), store.open_handle().unwrap());
    a.add_container(&ctr("c1")).unwrap();
    a.close().unwrap();
    a.close().unwrap();
    assert_eq!(a.all_containers().unwrap_err().kind(), ErrorKind::DbClosed);
    assert_eq!(b.all_containers().unwrap().len(), 1);
}

#[test]
fn a_write_waits_for_another_connections_lock() {
    let store = SqliteStore::temporary().unwrap();
    let state = store.open_handle().unwrap();
    let holder = rusqlite::Connection::open(store.path()).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let release = std::thread::spawn(move || {
        // Commit only once the writer is waiting (or soon after it started).
        let _ = rx.recv_timeout(Duration::from_millis(200));
        holder.execute_batch("COMMIT").unwrap();
    });
    let writer = std::thread::scope(|s| {
        let waiting = s.spawn(|| state.add_container(&ctr("c1")));
        std::thread::sleep(Duration::from_millis(20));
        tx.send(()).unwrap();
        waiting.join().unwrap()
    });
    release.join().unwrap();
    writer.unwrap();
    assert_eq!(state.all_containers().unwrap().len(), 1);
}

#[test]
fn a_lock_held_past_the_timeout_is_io_naming_the_lock_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let options = SqliteOptions::for_tests().lock_timeout(Duration::from_millis(50));
    let store = SqliteStore::open_with(&path, options).unwrap();
    let state = store.open_handle().unwrap();
    let holder = rusqlite::Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let err = state.add_container(&ctr("c1")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io);
    assert!(
        err.message().contains("lock") && err.message().contains(&path.display().to_string()),
        "{err}"
    );
    holder.execute_batch("ROLLBACK").unwrap();
    assert!(state.all_containers().unwrap().is_empty());
    state.add_container(&ctr("c1")).unwrap();
}

#[test]
fn a_lock_timeout_too_long_to_reach_means_waiting_for_ever_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let options = SqliteOptions::for_tests().lock_timeout(Duration::MAX);
    let store = SqliteStore::open_with(dir.path().join("state.db"), options).unwrap();
    let state = store.open_handle().unwrap();
    state.add_container(&ctr("c1")).unwrap();
    assert_eq!(state.container("c1").unwrap().config.id, "c1");
}
