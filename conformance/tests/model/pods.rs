//! SPEC §5 Pods: membership rules, removal of members, and pod queries.

use podstate_api::{ErrorKind, ExecSession, State};

use super::*;

/// §5 add_container_to_pod: `ctr.pod` must equal the pod ID (InvalidArg, step 2); pod exists;
/// container namespace equals the pod's (NsMismatch).
#[test]
fn add_to_pod_checks_the_pod_field_then_the_pod_then_the_namespaces() {
    let (store, s) = fresh();
    let p = pod_in("ns", "p", "p");
    s.add_pod(&p).unwrap();

    // Wrong pod field beats the missing pod.
    assert_eq!(
        err(s.add_container_to_pod(&pod("ghost", ""), &member("p", "c", "c"))),
        ErrorKind::InvalidArg
    );
    assert_eq!(
        err(s.add_container_to_pod(&p, &ctr("c", "c"))),
        ErrorKind::InvalidArg
    );
    assert_eq!(
        err(s.add_container_to_pod(&pod("ghost", ""), &member("ghost", "c", "c"))),
        ErrorKind::NoSuchPod
    );
    // Handle namespace "": only the container against the stored pod counts.
    assert_eq!(
        err(s.add_container_to_pod(&p, &member("p", "c", "c"))),
        ErrorKind::NsMismatch
    );
    // Strict equality: a pod without namespace does not take a container with one.
    s.add_pod(&pod("bare", "bare")).unwrap();
    let mut stray = member("bare", "c", "c");
    stray.config.namespace = "ns".into();
    assert_eq!(
        err(s.add_container_to_pod(&pod("bare", ""), &stray)),
        ErrorKind::NsMismatch
    );
    let mut ok = member("p", "c", "c");
    ok.config.namespace = "ns".into();
    s.add_container_to_pod(&pod("p", "ignored"), &ok).unwrap();
    assert_eq!(s.pod_containers_by_id(&p).unwrap(), ["c"]);
    assert_invariants(&store);
}

/// §4 step 3 precedes step 4: with a namespace set, a passed container in another namespace is
/// NsMismatch even when the pod does not exist.
#[test]
fn add_to_pod_checks_passed_namespaces_before_the_pod_exists() {
    let (_store, s) = fresh();
    s.set_namespace("a").unwrap();
    let mut c = member("ghost", "c", "c");
    c.config.namespace = "b".into();
    assert_eq!(
        err(s.add_container_to_pod(&pod_in("a", "ghost", ""), &c)),
        ErrorKind::NsMismatch
    );
    c.config.namespace = "a".into();
    assert_eq!(
        err(s.add_container_to_pod(&pod_in("a", "ghost", ""), &c)),
        ErrorKind::NoSuchPod
    );
}

/// §5 add_container_to_pod: then the rules of add_container after its pod rule, except that
/// every dependency must be in the same pod (InvalidArg).
#[test]
fn members_depend_only_on_members_of_the_same_pod() {
    let (store, s) = fresh();
    let (p, q) = (pod("p", "p"), pod("q", "q"));
    s.add_pod(&p).unwrap();
    s.add_pod(&q).unwrap();
    s.add_container(&ctr("free", "free")).unwrap();
    s.add_container_to_pod(&p, &member("p", "p1", "p1"))
        .unwrap();
    s.add_container_to_pod(&q, &member("q", "q1", "q1"))
        .unwrap();

    let mut on_free = member("p", "p2", "p2");
    on_free.config.depends_on = strings(&["free"]);
    assert_eq!(
        err(s.add_container_to_pod(&p, &on_free)),
        ErrorKind::InvalidArg
    );
    let mut on_other_pod = member("p", "p2", "p2");
    on_other_pod.config.uts_ns_ctr = Some("q1".into());
    assert_eq!(
        err(s.add_container_to_pod(&p, &on_other_pod)),
        ErrorKind::InvalidArg
    );
    // The namespace rule of a dependency still comes before the pod rule.
    s.add_container(&ctr_in("elsewhere", "far", "far")).unwrap();
    let mut on_far = member("p", "p2", "p2");
    on_far.config.depends_on = strings(&["far"]);
    assert_eq!(
        err(s.add_container_to_pod(&p, &on_far)),
        ErrorKind::NsMismatch
    );
    // The shared ID space still applies inside a pod, before dependencies.
    let mut taken = member("p", "q", "p2");
    taken.config.depends_on = strings(&["free"]);
    assert_eq!(
        err(s.add_container_to_pod(&p, &taken)),
        ErrorKind::PodExists
    );

    let mut ok = member("p", "p2", "p2");
    ok.config.depends_on = strings(&["p1"]);
    s.add_container_to_pod(&p, &ok).unwrap();
    assert_eq!(s.container_in_use(&ctr("p1", "")).unwrap(), ["p2"]);
    assert_invariants(&store);
}

/// §5 remove_pod_containers: removes every member at once (dependencies among members do not
/// block ...) with all their networks, aliases, volume uses and exec registrations; it never
/// answers InUse.
#[test]
fn remove_pod_containers_drops_every_member_and_all_it_held() {
    let (store, s) = fresh();
    let p = pod("p", "p");
    s.add_pod(&p).unwrap();
    s.add_volume(&vol("v")).unwrap();
    s.add_container(&ctr("outside", "outside")).unwrap();
    s.add_container_to_pod(&p, &with_volume(member("p", "m1", "m1"), "v"))
        .unwrap();
    let mut m2 = member("p", "m2", "m2");
    m2.config.depends_on = strings(&["m1"]);
    m2.config.networks = strings(&["net"]);
    s.add_container_to_pod(&p, &m2).unwrap();
    s.add_exec_session(&m2, &ExecSession::new("e2", "m2"))
        .unwrap();
    s.add_exec_session(&ctr("outside", ""), &ExecSession::new("e0", "outside"))
        .unwrap();

    assert_eq!(err(s.remove_pod(&p)), ErrorKind::InUse);
    s.remove_pod_containers(&p).unwrap();

    assert!(s.pod_containers(&p).unwrap().is_empty());
    assert!(!s.has_container("m1").unwrap());
    assert_eq!(err(s.get_exec_session("e2")), ErrorKind::NoSuchExecSession);
    assert_eq!(s.get_exec_session("e0").unwrap(), "outside");
    assert!(s.volume_in_use(&vol("v")).unwrap().is_empty());
    // The names are free again.
    s.add_container(&ctr("m9", "m2")).unwrap();
    s.remove_pod_containers(&p).unwrap();
    s.remove_pod(&p).unwrap();
    s.remove_volume(&vol("v")).unwrap();
    assert_invariants(&store);
}

/// §5 remove_container_from_pod: `ctr.pod` (passed and stored) must equal the pod ID
/// (InvalidArg); §4 step 4: existence of the target (pod before container where both are
/// named).
#[test]
fn remove_from_pod_checks_pod_fields_and_existence_in_order() {
    let (store, s) = fresh();
    let (p, q) = (pod("p", "p"), pod("q", "q"));
    s.add_pod(&p).unwrap();
    s.add_pod(&q).unwrap();
    s.add_container_to_pod(&p, &member("p", "m", "m")).unwrap();

    assert_eq!(
        err(s.remove_container_from_pod(&pod("ghost", ""), &member("ghost", "nope", ""))),
        ErrorKind::NoSuchPod
    );
    assert_eq!(
        err(s.remove_container_from_pod(&q, &member("q", "nope", ""))),
        ErrorKind::NoSuchCtr
    );
    assert_eq!(
        err(s.remove_container_from_pod(&q, &member("p", "m", ""))),
        ErrorKind::InvalidArg
    );
    // The passed container claims pod q, the stored one is in p.
    assert_eq!(
        err(s.remove_container_from_pod(&q, &member("q", "m", ""))),
        ErrorKind::InvalidArg
    );
    s.remove_container_from_pod(&p, &member("p", "m", ""))
        .unwrap();
    assert!(!s.pod_has_container(&p, "m").unwrap());
    s.remove_pod(&p).unwrap();
    assert_invariants(&store);
}

/// §5 remove_container_from_pod: then as remove_container after its pod rule.
#[test]
fn a_member_with_dependents_or_sessions_stays() {
    let (_store, s) = fresh();
    let p = pod("p", "p");
    s.add_pod(&p).unwrap();
    s.add_container_to_pod(&p, &member("p", "m1", "m1"))
        .unwrap();
    let mut m2 = member("p", "m2", "m2");
    m2.config.depends_on = strings(&["m1"]);
    s.add_container_to_pod(&p, &m2).unwrap();

    assert_eq!(
        err(s.remove_container_from_pod(&p, &member("p", "m1", ""))),
        ErrorKind::InUse
    );
    s.add_exec_session(&m2, &ExecSession::new("e", "m2"))
        .unwrap();
    assert_eq!(err(s.remove_container_from_pod(&p, &m2)), ErrorKind::InUse);
    s.remove_container_exec_sessions(&m2).unwrap();
    s.remove_container_from_pod(&p, &m2).unwrap();
    s.remove_container_from_pod(&p, &member("p", "m1", ""))
        .unwrap();
}

/// §5 `pod_has_container(pod, id)`: membership of the exact ID; the pod must exist.
#[test]
fn pod_has_container_answers_membership_of_an_exact_id() {
    let (_store, s) = fresh();
    let p = pod("p", "p");
    s.add_pod(&p).unwrap();
    s.add_container_to_pod(&p, &member("p", "m1", "name"))
        .unwrap();
    s.add_container(&ctr("free", "free")).unwrap();

    assert!(s.pod_has_container(&p, "m1").unwrap());
    assert!(!s.pod_has_container(&p, "m").unwrap());
    assert!(!s.pod_has_container(&p, "name").unwrap());
    assert!(!s.pod_has_container(&p, "free").unwrap());
    assert_eq!(err(s.pod_has_container(&p, "")), ErrorKind::InvalidArg);
    assert_eq!(
        err(s.pod_has_container(&pod("q", ""), "m1")),
        ErrorKind::NoSuchPod
    );
    assert_eq!(
        err(s.pod_has_container(&pod("q", ""), "")),
        ErrorKind::InvalidArg
    );
}

/// §5 rewrite_pod_config: must keep the stored id, name, namespace; update and save touch
/// only the state.
#[test]
fn rewrite_pod_keeps_identity_and_save_update_move_only_state() {
    let (_store, s) = fresh();
    let p = pod("p", "p");
    s.add_pod(&p).unwrap();

    let mut cfg = p.config.clone();
    cfg.lock_id = 3;
    s.rewrite_pod_config(&p, &cfg).unwrap();
    cfg.name = "q".into();
    assert_eq!(err(s.rewrite_pod_config(&p, &cfg)), ErrorKind::InvalidArg);
    cfg.name = "p".into();
    cfg.namespace = "ns".into();
    assert_eq!(err(s.rewrite_pod_config(&p, &cfg)), ErrorKind::InvalidArg);
    assert_eq!(s.pod("p").unwrap().config.lock_id, 3);

    let mut changed = pod("p", "ignored");
    changed.state.cgroup_path = "/cg".into();
    s.save_pod(&changed).unwrap();
    let mut mine = pod("p", "mine");
    s.update_pod(&mut mine).unwrap();
    assert_eq!(
        (mine.config.name.as_str(), mine.state.cgroup_path.as_str()),
        ("mine", "/cg")
    );
    assert_eq!(s.pod("p").unwrap().config.name, "p");
}
