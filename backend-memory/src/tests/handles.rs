//! Handles: their own namespace and closed flag, the check order's first steps, and threads.

use std::thread;

use podstate_api::{Container, ErrorKind, ExecSession, State};

use super::{assert_kind, ctr, member, pod};
use crate::MemoryStore;

#[test]
fn closing_one_handle_leaves_the_others_and_the_data() {
    let store = MemoryStore::new();
    let a = store.open_handle().unwrap();
    let b = store.open_handle().unwrap();
    a.add_container(&ctr("c", "n", "")).unwrap();
    a.close().unwrap();
    a.close().unwrap();
    assert_kind(a.has_container("c"), ErrorKind::DbClosed);
    // Closed wins over every other check, even a malformed argument.
    assert_kind(a.get_name(""), ErrorKind::DbClosed);
    assert_kind(a.set_namespace("a\0b"), ErrorKind::DbClosed);
    assert_kind(a.add_container(&ctr("", "", "")), ErrorKind::DbClosed);
    assert!(b.has_container("c").unwrap());
    // The store may go: a live handle keeps the data.
    drop(store);
    assert!(b.has_container("c").unwrap());
    // A new store is a new, empty world.
    assert!(
        MemoryStore::new()
            .open_handle()
            .unwrap()
            .all_containers()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn namespaces_belong_to_the_handle() {
    let store = MemoryStore::new();
    let x = store.open_handle().unwrap();
    x.set_namespace("x").unwrap();
    let all = store.open_handle().unwrap();
    x.add_container(&ctr("c", "n", "x")).unwrap();
    assert_kind(x.add_container(&ctr("d", "m", "y")), ErrorKind::NsMismatch);
    all.add_container(&ctr("d", "m", "y")).unwrap();
    assert_eq!(all.all_containers().unwrap().len(), 2);
    assert_eq!(x.all_containers().unwrap().len(), 1);
    assert!(!x.has_container("d").unwrap());
    assert_kind(x.set_namespace("bad\0"), ErrorKind::InvalidArg);
}

#[test]
fn passed_namespace_is_checked_before_existence_and_stored_namespace_after() {
    let store = MemoryStore::new();
    let all = store.open_handle().unwrap();
    all.add_container(&ctr("c", "n", "y")).unwrap();
    let x = store.open_handle().unwrap();
    x.set_namespace("x").unwrap();
    // Passed in "y": step 3 answers before step 4 would find nothing.
    assert_kind(
        x.save_container(&ctr("ghost", "g", "y")),
        ErrorKind::NsMismatch,
    );
    assert_kind(
        x.save_container(&ctr("ghost", "g", "x")),
        ErrorKind::NoSuchCtr,
    );
    // Passed in "x" but stored in "y": the stored namespace decides.
    assert_kind(x.save_container(&ctr("c", "n", "x")), ErrorKind::NsMismatch);
    // Exec calls other than add ignore namespaces.
    assert!(
        x.get_container_exec_sessions(&ctr("c", "n", "y"))
            .unwrap()
            .is_empty()
    );
    assert_kind(
        x.add_exec_session(&ctr("c", "n", "x"), &ExecSession::new("e", "c")),
        ErrorKind::NsMismatch,
    );
}

#[test]
fn pod_calls_check_the_pod_before_the_container() {
    let store = MemoryStore::new();
    let all = store.open_handle().unwrap();
    all.add_pod(&pod("p", "p-name", "x")).unwrap();
    let p = all.pod("p").unwrap();
    // The pod field is argument shape (step 2) and wins over a missing pod.
    assert_kind(
        all.add_container_to_pod(&pod("nope", "n", ""), &member("c", "c", "x", "p")),
        ErrorKind::InvalidArg,
    );
    assert_kind(
        all.add_container_to_pod(&pod("nope", "n", ""), &member("c", "c", "x", "nope")),
        ErrorKind::NoSuchPod,
    );
    // The container must share the pod's namespace.
    assert_kind(
        all.add_container_to_pod(&p, &member("c", "c", "y", "p")),
        ErrorKind::NsMismatch,
    );
    all.add_container_to_pod(&p, &member("c", "c", "x", "p"))
        .unwrap();
    let c: Container = all.container("c").unwrap();
    assert!(all.pod_has_container(&p, "c").unwrap());
    assert_kind(
        all.remove_container_from_pod(&pod("nope", "n", ""), &member("c", "c", "x", "nope")),
        ErrorKind::NoSuchPod,
    );
    all.remove_container_from_pod(&p, &c).unwrap();
    assert!(all.pod_containers(&p).unwrap().is_empty());
}

#[test]
fn handles_on_many_threads_see_each_others_writes() {
    let store = MemoryStore::new();
    thread::scope(|scope| {
        for t in 0..4 {
            let handle = store.open_handle().unwrap();
            scope.spawn(move || {
                for i in 0..50 {
                    let id = format!("{t:02}{i:03}");
                    handle
                        .add_container(&ctr(&id, &format!("n{id}"), ""))
                        .unwrap();
                }
            });
        }
    });
    let state = store.open_handle().unwrap();
    assert_eq!(state.all_containers().unwrap().len(), 200);
    assert_kind(state.lookup_container_id("01"), ErrorKind::Ambiguous);
    assert_eq!(state.lookup_container_id("01049").unwrap(), "01049");
    super::assert_indexes_consistent(&state.engine().snapshot());
}
