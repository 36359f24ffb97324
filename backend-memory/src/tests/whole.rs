//! The whole-store operations: snapshot, restore all or nothing, verify reading the indexes.

use podstate_api::Store;
use podstate_api::snapshot::Snapshot;
use podstate_api::{ErrorKind, State};

use super::{ctr, member, pod, vol};
use crate::MemoryStore;

fn filled() -> MemoryStore {
    let store = MemoryStore::new();
    let s = store.open_handle().unwrap();
    s.add_volume(&vol("data")).unwrap();
    s.add_pod(&pod("p1", "pod", "")).unwrap();
    s.add_container_to_pod(&pod("p1", "pod", ""), &member("m1", "one", "", "p1"))
        .unwrap();
    s.add_container(&ctr("c1", "two", "")).unwrap();
    s.network_connect(&ctr("c1", "two", ""), "net", &["a".into()])
        .unwrap();
    store
}

#[test]
fn a_snapshot_restores_into_an_empty_store_as_it_was() {
    let snapshot = filled().snapshot().unwrap();
    let copy = MemoryStore::new();
    copy.restore(&snapshot).unwrap();
    assert_eq!(copy.snapshot().unwrap(), snapshot);
    assert_eq!(copy.verify().unwrap(), []);
    let aliases = copy
        .open_handle()
        .unwrap()
        .get_network_aliases(&ctr("c1", "two", ""), "net");
    assert_eq!(aliases.unwrap(), ["a"]);
}

#[test]
fn restore_refuses_a_store_that_is_not_empty_and_changes_nothing() {
    let store = filled();
    let before = store.snapshot().unwrap();
    let err = store.restore(&before).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArg);
    assert_eq!(store.snapshot().unwrap(), before);
}

#[test]
fn restore_refuses_a_broken_snapshot_whole() {
    let mut snapshot = filled().snapshot().unwrap();
    // The member's pod is gone, and a dependency cycle joins the two containers.
    snapshot.pods.clear();
    let copy = MemoryStore::new();
    let err = copy.restore(&snapshot).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArg);
    assert!(err.message().contains("SPEC §2"), "{err}");
    assert_eq!(copy.snapshot().unwrap(), Snapshot::default());

    let mut cycle = filled().snapshot().unwrap();
    cycle.containers[0].container.config.depends_on = vec!["m1".into()];
    cycle.containers[1].container.config.pod = None;
    cycle.containers[1].container.config.depends_on = vec!["c1".into()];
    let err = copy.restore(&cycle).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArg, "{err}");
    assert_eq!(copy.snapshot().unwrap(), Snapshot::default());
}

#[test]
fn verify_reads_the_indexes_not_the_api() {
    let store = filled();
    assert_eq!(store.verify().unwrap(), []);
    // A reverse edge no container backs, as a buggy removal would leave.
    {
        let mut data = store.engine_for_tests().data_mut();
        let c1 = data.containers.get_mut("c1").unwrap();
        c1.dependents.insert("ghost".into());
    }
    let found = store.verify().unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].invariant,
        podstate_api::verify::Invariant::NothingDangles
    );
}
