//! The store functions through the boundary: snapshot, restore, verify, reopen, and the
//! calls every handle of a persistent store sees after them.

use podstate::{Container, ContainerConfig, ErrorKind, Pod, PodConfig, State, Store};
use podstate_capi::AbiStore;

#[test]
fn a_snapshot_restores_into_an_empty_store_and_not_into_a_full_one() {
    let from = AbiStore::wrap(podstate_memory::MemoryStore::new()).unwrap();
    let h = from.open_handle().unwrap();
    h.add_pod(&Pod::new(PodConfig::new("p1", "pod"))).unwrap();
    let mut c = ContainerConfig::new("c1", "web");
    c.pod = Some("p1".into());
    h.add_container_to_pod(&h.pod("p1").unwrap(), &Container::new(c))
        .unwrap();
    let snapshot = from.snapshot().unwrap();
    let to = AbiStore::open("memory:", None).unwrap();
    to.restore(&snapshot).unwrap();
    assert_eq!(to.snapshot().unwrap(), snapshot);
    assert!(to.verify().unwrap().is_empty());
    let err = to.restore(&snapshot).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArg);
}

#[test]
fn a_reopened_sqlite_store_through_the_boundary_keeps_what_was_committed() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}/state.db", dir.path().display());
    let store = AbiStore::open(&url, None).unwrap();
    assert_eq!(store.backend(), "capi-sqlite");
    assert!(store.capabilities().persistent);
    let h = store.open_handle().unwrap();
    h.add_container(&Container::new(ContainerConfig::new("c1", "web")))
        .unwrap();
    drop(h);
    let store = std::sync::Arc::new(store).reopen().unwrap();
    let h = store.open_handle().unwrap();
    assert_eq!(h.lookup_container_id("web").unwrap(), "c1");
    // A second store on the same file, as another process would open it, sees it too.
    let other = AbiStore::open(&url, Some(r#"{"read_only":true}"#)).unwrap();
    assert!(
        other
            .open_handle_in("")
            .unwrap()
            .has_container("c1")
            .unwrap()
    );
}
