//! Lookups by name read the name's row once: its kind, ID and namespace come from the one probe
//! of the `name` key (`named_object`), and each of them still decides the answer.

use podstate_api::{Container, ContainerConfig, ErrorKind, Pod, PodConfig, State, Store};

use crate::SqliteStore;

#[test]
fn a_lookup_by_name_answers_by_the_kind_and_namespace_of_the_names_row() {
    let store = SqliteStore::temporary().unwrap();
    let in_a = store.open_handle_in("a").unwrap();
    let mut cfg = ContainerConfig::new("c1", "web");
    cfg.namespace = "a".into();
    in_a.add_container(&Container::new(cfg)).unwrap();
    let mut pod = PodConfig::new("p1", "group");
    pod.namespace = "a".into();
    in_a.add_pod(&Pod::new(pod)).unwrap();

    // The handle's own namespace and the empty one (which sees all) find both by name.
    let all = Store::open_handle(&store).unwrap();
    for state in [&in_a, &all] {
        assert_eq!(state.lookup_container_id("web").unwrap(), "c1");
        assert_eq!(state.lookup_container("web").unwrap().config.id, "c1");
        assert_eq!(state.lookup_pod("group").unwrap().config.id, "p1");
    }

    // Another namespace does not see the row: the name resolves to nothing.
    let in_b = store.open_handle_in("b").unwrap();
    let err = in_b.lookup_container_id("web").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NoSuchCtr, "{err}");
    assert_eq!(
        in_b.lookup_pod("group").unwrap_err().kind(),
        ErrorKind::NoSuchPod
    );

    // A name held by the other kind is not a match.
    let err = all.lookup_container("group").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NoSuchCtr, "{err}");
    assert!(err.message().contains("is a pod"), "{err}");
    let err = all.lookup_pod("web").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NoSuchPod, "{err}");
}
