//! SPEC §5 Containers: add and remove rules, their check order, rewrite, save and update.

use podstate_api::{ContainerStatus, ErrorKind, ExecSession, State};
use podstate_conformance::dump;

use super::*;

/// §4: dependencies are checked one at a time in sorted order, each through all its rules before
/// the next: the first dependency's namespace rule beats the second one's existence rule.
#[test]
fn each_dependency_goes_through_all_its_rules_before_the_next() {
    let (store, s) = fresh();
    s.add_container(&ctr_in("other", "a", "a-name")).unwrap();
    // "a" (sorted first) breaks the namespace rule, "b" does not exist.
    assert_eq!(
        err(s.add_container(&ctr_with_deps("c", "c-name", &["b", "a"]))),
        ErrorKind::NsMismatch
    );

    // Swapped roles: "a" is missing, "b" is in another namespace.
    let (_store2, s2) = fresh();
    s2.add_container(&ctr_in("other", "b", "b-name")).unwrap();
    assert_eq!(
        err(s2.add_container(&ctr_with_deps("c", "c-name", &["b", "a"]))),
        ErrorKind::NoSuchCtr
    );
    assert_invariants(&store);
}

/// §1: dependencies are the set of the namespace-sharing fields that are set, plus depends_on,
/// de-duplicated, sorted; §5: not itself, else InvalidArg, checked before existence.
#[test]
fn dependencies_merge_sharing_fields_and_a_self_dependency_is_invalid() {
    let (_store, s) = fresh();
    s.add_container(&ctr("base", "base")).unwrap();
    let mut c = ctr_with_deps("c", "c", &["base", "base"]);
    c.config.net_ns_ctr = Some("base".into());
    s.add_container(&c).unwrap();
    assert_eq!(s.container_in_use(&ctr("base", "")).unwrap(), ["c"]);

    // Sorted, "a-self" comes first: the self rule answers although "zz" is missing too.
    let mut selfish = ctr_with_deps("a-self", "selfish", &["zz"]);
    selfish.config.ipc_ns_ctr = Some("a-self".into());
    assert_eq!(err(s.add_container(&selfish)), ErrorKind::InvalidArg);
    // A dependency on a pod's ID is not a container.
    s.add_pod(&pod("p", "p")).unwrap();
    assert_eq!(
        err(s.add_container(&ctr_with_deps("d", "d", &["p"]))),
        ErrorKind::NoSuchCtr
    );
}

/// §5 add_container: each dependency ... not in a pod, else InvalidArg, and dependencies come
/// before named volumes.
#[test]
fn a_container_outside_pods_cannot_depend_on_a_member_and_dependencies_precede_volumes() {
    let (_store, s) = fresh();
    s.add_pod(&pod("p", "p")).unwrap();
    s.add_container_to_pod(&pod("p", "p"), &member("p", "m", "m"))
        .unwrap();

    let on_member = with_volume(ctr_with_deps("c", "c", &["m"]), "missing");
    assert_eq!(err(s.add_container(&on_member)), ErrorKind::InvalidArg);
    let on_missing = with_volume(ctr_with_deps("c", "c", &["zz"]), "missing");
    assert_eq!(err(s.add_container(&on_missing)), ErrorKind::NoSuchCtr);
    assert_eq!(
        err(s.add_container(&with_volume(ctr("c", "c"), "missing"))),
        ErrorKind::NoSuchVolume
    );
}

/// §5 add_container: then ID, name, aliases only for listed networks (InvalidArg); §5 Strings:
/// A config may not list a network twice (InvalidArg) is step 2, before everything else.
#[test]
fn network_rules_sit_at_their_steps_of_the_check_order() {
    let (_store, s) = fresh();
    s.add_container(&ctr("c1", "taken")).unwrap();

    let mut stray_alias = ctr("c2", "taken");
    stray_alias.config.networks = strings(&["net1"]);
    stray_alias
        .config
        .network_aliases
        .insert("net2".into(), strings(&["x"]));
    assert_eq!(err(s.add_container(&stray_alias)), ErrorKind::CtrExists);
    stray_alias.config.name = "free".into();
    assert_eq!(err(s.add_container(&stray_alias)), ErrorKind::InvalidArg);

    let mut twice = ctr_in("elsewhere", "c1", "taken");
    twice.config.networks = strings(&["net1", "net1"]);
    s.set_namespace("ns").unwrap();
    // Step 2 beats step 3 (namespace) and step 5 (ID and name taken).
    assert_eq!(err(s.add_container(&twice)), ErrorKind::InvalidArg);
    twice.config.networks = strings(&["net1"]);
    assert_eq!(err(s.add_container(&twice)), ErrorKind::NsMismatch);
}

/// §5 remove_container: `pod` unset on the passed and the stored container (InvalidArg);
/// exists; no registered exec sessions (InUse); no dependents (InUse).
#[test]
fn remove_container_checks_pod_fields_then_existence_then_use() {
    let (store, s) = fresh();
    s.add_pod(&pod("p", "p")).unwrap();
    s.add_container_to_pod(&pod("p", "p"), &member("p", "m", "m"))
        .unwrap();
    s.add_container(&ctr("base", "base")).unwrap();
    s.add_container(&ctr_with_deps("user", "user", &["base"]))
        .unwrap();

    // Passed pod set: step 2, before existence.
    assert_eq!(
        err(s.remove_container(&member("p", "ghost", ""))),
        ErrorKind::InvalidArg
    );
    assert_eq!(
        err(s.remove_container(&ctr("ghost", ""))),
        ErrorKind::NoSuchCtr
    );
    // Stored pod set although the passed one is not: step 4.
    assert_eq!(
        err(s.remove_container(&ctr("m", ""))),
        ErrorKind::InvalidArg
    );

    s.add_exec_session(&ctr("base", ""), &ExecSession::new("e1", "base"))
        .unwrap();
    assert_eq!(err(s.remove_container(&ctr("base", ""))), ErrorKind::InUse);
    s.remove_exec_session(&ExecSession::new("e1", "base"))
        .unwrap();
    assert_eq!(err(s.remove_container(&ctr("base", ""))), ErrorKind::InUse);
    s.remove_container(&ctr("user", "")).unwrap();
    s.remove_container(&ctr("base", "")).unwrap();
    assert!(!s.has_container("base").unwrap());
    assert_invariants(&store);
}

/// §5 rewrite_container_config: it must keep the stored config's id, name, pod and namespace
/// (equal), dependencies (as the derived set) and named-volume names (as a set).
#[test]
fn rewrite_keeps_identity_but_compares_dependencies_and_volumes_as_sets() {
    let (_store, s) = fresh();
    s.add_volume(&vol("v")).unwrap();
    s.add_container(&ctr("base", "base")).unwrap();
    let mut c = with_volume(ctr_with_deps("c", "c", &["base"]), "v");
    c.config.networks = strings(&["net1"]);
    s.add_container(&c).unwrap();

    let mut same = c.config.clone();
    same.depends_on.clear();
    same.pid_ns_ctr = Some("base".into());
    same.named_volumes.push(same.named_volumes[0].clone());
    same.networks = strings(&["net9"]);
    same.lock_id = 7;
    s.rewrite_container_config(&c, &same).unwrap();
    assert_eq!(s.get_container_config("c").unwrap(), same);
    // Current networks are not touched by a rewrite.
    assert_eq!(s.get_networks(&c).unwrap(), ["net1"]);

    let changes: [fn(&mut podstate_api::ContainerConfig); 5] = [
        |cfg| cfg.name = "renamed".into(),
        |cfg| cfg.namespace = "ns".into(),
        |cfg| cfg.pod = Some("p".into()),
        |cfg| cfg.pid_ns_ctr = None,
        |cfg| cfg.named_volumes.clear(),
    ];
    for change in changes {
        let mut cfg = same.clone();
        change(&mut cfg);
        assert_eq!(
            err(s.rewrite_container_config(&c, &cfg)),
            ErrorKind::InvalidArg
        );
    }
    assert_eq!(s.get_container_config("c").unwrap(), same);
}

/// §4 order for rewrite: the new config's strings (step 2) before existence (step 4), existence
/// before the identity rules (step 5).
#[test]
fn rewrite_checks_strings_then_existence_then_identity() {
    let (_store, s) = fresh();
    let mut bad = ctr("ghost", "ghost").config;
    bad.name = String::new();
    assert_eq!(
        err(s.rewrite_container_config(&ctr("ghost", ""), &bad)),
        ErrorKind::InvalidArg
    );
    let renamed = ctr("ghost", "other").config;
    assert_eq!(
        err(s.rewrite_container_config(&ctr("ghost", ""), &renamed)),
        ErrorKind::NoSuchCtr
    );
}

/// §3: `save_*` stores only the passed state; `update_*` replaces only the passed object's
/// state; the API docs: On error `ctr` is unchanged.
#[test]
fn save_stores_only_state_and_update_reloads_only_state() {
    let (_store, s) = fresh();
    let c = ctr("c", "c");
    s.add_container(&c).unwrap();

    let mut changed = c.clone();
    changed.config.name = "ignored".into();
    changed.state.status = ContainerStatus::Running;
    changed.state.pid = 42;
    s.save_container(&changed).unwrap();
    let stored = s.container("c").unwrap();
    assert_eq!(stored.config, c.config);
    assert_eq!(stored.state, changed.state);

    let mut mine = ctr("c", "mine");
    s.update_container(&mut mine).unwrap();
    assert_eq!(mine.config.name, "mine");
    assert_eq!(mine.state.pid, 42);

    let mut ghost = ctr("ghost", "ghost");
    ghost.state.pid = 7;
    let before = ghost.clone();
    assert_eq!(err(s.update_container(&mut ghost)), ErrorKind::NoSuchCtr);
    assert_eq!(ghost, before);
}

/// §3: a failed call changes nothing: a call that fails at its last rule leaves no trace.
#[test]
fn a_call_failing_late_leaves_the_store_untouched() {
    let (store, s) = fresh();
    s.add_volume(&vol("v1")).unwrap();
    s.add_container(&ctr("base", "base")).unwrap();
    let before = dump(&s).unwrap();

    let mut late = with_volume(with_volume(ctr_with_deps("c", "c", &["base"]), "v1"), "v2");
    late.config.networks = strings(&["net"]);
    assert_eq!(err(s.add_container(&late)), ErrorKind::NoSuchVolume);
    assert_eq!(dump(&s).unwrap(), before);
    assert_invariants(&store);
}
