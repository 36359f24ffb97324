//! Every index follows the stored objects through adds, removals, connects and rewrites.

use std::collections::BTreeMap;

use podstate_api::{ErrorKind, ExecSession, State};

use super::{assert_indexes_consistent, assert_kind, ctr, member, mount, pod, vol};
use crate::MemoryStore;

#[test]
fn removing_a_pods_containers_drops_every_trace_of_them() {
    let state = MemoryStore::new().open_handle().unwrap();
    state.add_volume(&vol("v")).unwrap();
    state.add_pod(&pod("p", "p-name", "ns")).unwrap();
    let p = state.pod("p").unwrap();
    state.set_namespace("ns").unwrap();
    let mut infra = member("infra", "infra-name", "ns", "p");
    // The same volume twice counts once.
    infra.config.named_volumes = vec![mount("v", "/a"), mount("v", "/b")];
    state.add_container_to_pod(&p, &infra).unwrap();
    let mut app = member("app", "app-name", "ns", "p");
    app.config.net_ns_ctr = Some("infra".into());
    app.config.depends_on = vec!["infra".into()];
    state.add_container_to_pod(&p, &app).unwrap();
    let infra = state.container("infra").unwrap();
    let app = state.container("app").unwrap();
    state
        .add_exec_session(&infra, &ExecSession::new("e1", "infra"))
        .unwrap();
    state
        .add_exec_session(&app, &ExecSession::new("e2", "app"))
        .unwrap();
    state
        .network_connect(&app, "n", &["x".into(), "x".into()])
        .unwrap();
    assert_eq!(state.volume_in_use(&vol("v")).unwrap(), ["infra"]);
    assert_eq!(state.container_in_use(&infra).unwrap(), ["app"]);
    assert_eq!(state.get_network_aliases(&app, "n").unwrap(), ["x"]);
    assert_indexes_consistent(&state.engine().snapshot());

    state.remove_pod_containers(&p).unwrap();
    assert_indexes_consistent(&state.engine().snapshot());
    assert!(state.pod_containers_by_id(&p).unwrap().is_empty());
    assert_kind(state.get_exec_session("e1"), ErrorKind::NoSuchExecSession);
    assert_kind(state.lookup_container_id("app-name"), ErrorKind::NoSuchCtr);
    state.remove_volume(&vol("v")).unwrap();
    state.remove_pod(&p).unwrap();
    // Names and IDs are free again.
    state.add_pod(&pod("app", "infra-name", "ns")).unwrap();
    assert_indexes_consistent(&state.engine().snapshot());
}

#[test]
fn names_and_ids_are_shared_by_containers_and_pods_and_kinds_name_the_holder() {
    let state = MemoryStore::new().open_handle().unwrap();
    state.add_pod(&pod("p1", "shared", "x")).unwrap();
    state.add_container(&ctr("c1", "taken", "y")).unwrap();
    assert_kind(
        state.add_container(&ctr("c2", "shared", "")),
        ErrorKind::PodExists,
    );
    assert_kind(
        state.add_container(&ctr("p1", "fresh", "")),
        ErrorKind::PodExists,
    );
    assert_kind(state.add_pod(&pod("p2", "taken", "")), ErrorKind::CtrExists);
    assert_kind(state.add_pod(&pod("c1", "fresh", "")), ErrorKind::CtrExists);
    // The ID is checked before the name.
    assert_kind(
        state.add_pod(&pod("c1", "shared", "")),
        ErrorKind::CtrExists,
    );
    // A name may equal an ID: only ID-ID and name-name collide.
    state.add_container(&ctr("c3", "p1", "")).unwrap();
    state.add_pod(&pod("taken2", "c1", "")).unwrap();
    assert_eq!(state.get_name("p1").unwrap(), "shared");
    assert_indexes_consistent(&state.engine().snapshot());
}

#[test]
fn networks_start_as_the_config_and_aliases_collapse_and_sort() {
    let state = MemoryStore::new().open_handle().unwrap();
    let mut c = ctr("c", "c-name", "");
    c.config.networks = vec!["zeta".into(), "alpha".into()];
    c.config.network_aliases =
        BTreeMap::from([("zeta".into(), vec!["b".into(), "a".into(), "b".into()])]);
    state.add_container(&c).unwrap();
    assert_eq!(state.get_networks(&c).unwrap(), ["alpha", "zeta"]);
    let all = state.get_all_network_aliases(&c).unwrap();
    assert_eq!(all["alpha"], Vec::<String>::new());
    assert_eq!(all["zeta"], ["a", "b"]);
    assert_kind(
        state.network_connect(&c, "alpha", &[]),
        ErrorKind::NetworkExists,
    );
    state.network_disconnect(&c, "zeta").unwrap();
    assert_kind(
        state.get_network_aliases(&c, "zeta"),
        ErrorKind::NoSuchNetwork,
    );
    // A rewrite keeps the current networks.
    let mut cfg = c.config.clone();
    cfg.networks = vec!["other".into()];
    cfg.network_aliases.clear();
    state.rewrite_container_config(&c, &cfg).unwrap();
    assert_eq!(state.get_networks(&c).unwrap(), ["alpha"]);
    assert_eq!(state.get_container_config("c").unwrap(), cfg);
    // Aliases only for listed networks.
    let mut bad = ctr("d", "d-name", "");
    bad.config.network_aliases = BTreeMap::from([("n".into(), Vec::new())]);
    assert_kind(state.add_container(&bad), ErrorKind::InvalidArg);
}

#[test]
fn dependency_rules_run_in_sorted_order_each_through_all_its_rules() {
    let state = MemoryStore::new().open_handle().unwrap();
    state
        .add_container(&ctr("a-other-ns", "n1", "other"))
        .unwrap();
    state.add_pod(&pod("p", "p-name", "")).unwrap();
    let p = state.pod("p").unwrap();
    state
        .add_container_to_pod(&p, &member("b-member", "n2", "", "p"))
        .unwrap();
    let mut c = ctr("c", "c-name", "");
    // "a-other-ns" sorts first and fails with NsMismatch before "b-member" (in a pod) or
    // "zz" (missing) are looked at.
    c.config.depends_on = vec!["zz".into(), "b-member".into(), "a-other-ns".into()];
    assert_kind(state.add_container(&c), ErrorKind::NsMismatch);
    c.config.depends_on = vec!["zz".into(), "b-member".into()];
    assert_kind(state.add_container(&c), ErrorKind::InvalidArg);
    c.config.depends_on = vec!["zz".into(), "c".into()];
    assert_kind(state.add_container(&c), ErrorKind::InvalidArg);
    c.config.depends_on = vec!["zz".into()];
    assert_kind(state.add_container(&c), ErrorKind::NoSuchCtr);
    // A pod ID is not a container.
    c.config.depends_on = vec!["p".into()];
    assert_kind(state.add_container(&c), ErrorKind::NoSuchCtr);
}
