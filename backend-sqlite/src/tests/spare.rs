//! The store's one spare connection: the first handle uses the connection the store opened,
//! and a handle that closes or goes gives its connection back while the store has none.

use podstate_api::{Container, ContainerConfig, State, Store};

use crate::SqliteStore;

#[test]
fn the_first_handle_uses_the_stores_connection_and_gives_it_back() {
    let store = SqliteStore::temporary().unwrap();
    assert!(
        store.spare.holds_one(),
        "the store keeps the connection it opened"
    );

    let first = store.open_handle().unwrap();
    assert!(!store.spare.holds_one(), "the first handle took it");
    let second = store.open_handle().unwrap();
    first
        .add_container(&Container::new(ContainerConfig::new("c1", "one")))
        .unwrap();

    first.close().unwrap();
    assert!(store.spare.holds_one(), "close gave it back");
    assert_eq!(second.lookup_container_id("one").unwrap(), "c1");
    drop(second);
    assert!(
        store.spare.holds_one(),
        "one spare, the other connection closed"
    );

    // A whole-store operation borrows the spare and gives it back.
    assert_eq!(store.snapshot().unwrap().containers.len(), 1);
    assert!(store.spare.holds_one());
    let third = store.open_handle().unwrap();
    assert!(!store.spare.holds_one());
    drop(third);
    assert!(
        store.spare.holds_one(),
        "a dropped handle gives it back too"
    );
}

#[test]
fn a_handle_that_outlives_its_store_keeps_working() {
    let store = SqliteStore::temporary().unwrap();
    let handle = store.open_handle().unwrap();
    drop(store);
    handle
        .add_container(&Container::new(ContainerConfig::new("c1", "one")))
        .unwrap();
    assert_eq!(handle.all_containers().unwrap().len(), 1);
}

/// The WAL beside the database at `path`.
fn wal_of(path: &std::path::Path) -> std::path::PathBuf {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    wal.into()
}

#[test]
fn only_the_last_connection_to_close_removes_the_wal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let store = SqliteStore::open_with(&path, crate::SqliteOptions::for_tests()).unwrap();
    let first = store.open_handle().unwrap();
    let second = store.open_handle().unwrap();
    // The write runs on the store's writer, beside the lent connection `first` reads on.
    first
        .add_container(&Container::new(ContainerConfig::new("c1", "one")))
        .unwrap();
    assert_eq!(first.lookup_container_id("one").unwrap(), "c1");
    first.close().unwrap();
    drop(first);
    drop(second);
    assert!(
        wal_of(&path).exists(),
        "the store still has a connection: nothing checkpointed the WAL away"
    );
    let last = store.open_handle().unwrap();
    drop(store);
    assert!(wal_of(&path).exists(), "a handle outlives its store");
    assert_eq!(last.lookup_container_id("one").unwrap(), "c1");
    drop(last);
    assert!(
        !wal_of(&path).exists(),
        "the last connection to close checkpoints and removes the WAL"
    );
    let store = SqliteStore::open_with(&path, crate::SqliteOptions::for_tests()).unwrap();
    assert_eq!(
        store
            .open_handle()
            .unwrap()
            .lookup_container_id("c1")
            .unwrap(),
        "c1"
    );
}
