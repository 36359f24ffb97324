//! SPEC §3 namespaces: passed versus stored namespaces, and the calls that ignore them.

use podstate_api::{ErrorKind, ExecSession, State};

use super::*;

/// §3: every other call on a passed container or pod answers NsMismatch when the passed **or
/// the stored** object's namespace differs; §4: the passed one (step 3) before existence (4).
#[test]
fn passed_and_stored_namespaces_both_count() {
    let (_store, s) = fresh();
    s.add_container(&ctr_in("b", "c", "c")).unwrap();
    s.set_namespace("a").unwrap();

    // The passed object claims the handle's namespace, the stored one is elsewhere.
    assert_eq!(
        err(s.get_networks(&ctr_in("a", "c", ""))),
        ErrorKind::NsMismatch
    );
    // The passed object's namespace differs: NsMismatch even for a container that is not there.
    assert_eq!(
        err(s.save_container(&ctr_in("b", "ghost", ""))),
        ErrorKind::NsMismatch
    );
    assert_eq!(
        err(s.save_container(&ctr_in("a", "ghost", ""))),
        ErrorKind::NoSuchCtr
    );

    // With namespace "" nothing differs: the passed namespace is ignored.
    s.set_namespace("").unwrap();
    assert!(s.get_networks(&ctr_in("zzz", "c", "")).unwrap().is_empty());
}

/// §3: add_container, add_container_to_pod and add_pod require the object's namespace to equal
/// the handle's (step 3, before the ID and name rules of step 5).
#[test]
fn adds_require_the_handles_namespace_before_checking_ids() {
    let (_store, s) = fresh();
    s.add_container(&ctr("taken", "taken")).unwrap();
    s.set_namespace("a").unwrap();

    assert_eq!(
        err(s.add_container(&ctr("taken", "taken"))),
        ErrorKind::NsMismatch
    );
    assert_eq!(
        err(s.add_pod(&pod("taken", "taken"))),
        ErrorKind::NsMismatch
    );
    // In the right namespace the shared ID space spans namespaces.
    assert_eq!(
        err(s.add_pod(&pod_in("a", "taken", "x"))),
        ErrorKind::CtrExists
    );
    s.add_pod(&pod_in("a", "p", "p")).unwrap();
    s.add_container(&ctr_in("a", "c", "c")).unwrap();
}

/// §2.2: every dependency of a stored container is a stored container in the same namespace,
/// checked against the new container's namespace even with handle namespace "".
#[test]
fn dependencies_stay_within_one_namespace() {
    let (_store, s) = fresh();
    s.add_container(&ctr_in("a", "base", "base")).unwrap();
    let mut c = ctr_with_deps("c", "c", &["base"]);
    c.config.namespace = "b".into();
    assert_eq!(err(s.add_container(&c)), ErrorKind::NsMismatch);
    c.config.namespace = "a".into();
    s.add_container(&c).unwrap();
}

/// §3: volumes, all exec-session calls except add_exec_session, refresh and DB config ignore
/// namespaces; `volume_in_use` lists users "whatever the handle's namespace".
#[test]
fn volumes_and_most_exec_calls_ignore_namespaces() {
    let (_store, s) = fresh();
    s.add_volume(&vol("v")).unwrap();
    let c = with_volume(ctr_in("b", "c", "c"), "v");
    s.add_container(&c).unwrap();
    s.add_exec_session(&c, &ExecSession::new("e", "c")).unwrap();
    s.set_namespace("a").unwrap();

    assert_eq!(s.volume_in_use(&vol("v")).unwrap(), ["c"]);
    assert_eq!(err(s.remove_volume(&vol("v"))), ErrorKind::InUse);
    assert_eq!(s.get_exec_session("e").unwrap(), "c");
    assert_eq!(s.get_container_exec_sessions(&c).unwrap(), ["e"]);
    // add_exec_session honours namespaces.
    assert_eq!(
        err(s.add_exec_session(&c, &ExecSession::new("e2", "c"))),
        ErrorKind::NsMismatch
    );
    s.remove_container_exec_sessions(&c).unwrap();
    assert!(s.get_container_exec_sessions(&c).unwrap().is_empty());
    assert_eq!(
        err(s.remove_exec_session(&ExecSession::new("e", "c"))),
        ErrorKind::NoSuchExecSession
    );
}

/// §3: a handle shared by threads shares its namespace; open one handle per namespace
/// instead; a new handle starts in "". `set_namespace` rejects a NUL.
#[test]
fn each_handle_has_its_own_namespace() {
    let (store, s) = fresh();
    s.add_container(&ctr_in("a", "ca", "ca")).unwrap();
    s.add_container(&ctr_in("b", "cb", "cb")).unwrap();
    let other = store.open();
    s.set_namespace("a").unwrap();
    other.set_namespace("b").unwrap();

    assert_eq!(s.lookup_container_id("c").unwrap(), "ca");
    assert_eq!(other.lookup_container_id("c").unwrap(), "cb");
    assert_eq!(store.open().all_containers().unwrap().len(), 2);
    assert_eq!(err(s.set_namespace("x\0y")), ErrorKind::InvalidArg);
    assert_eq!(s.lookup_container_id("c").unwrap(), "ca");
}

/// §4: the first failing step decides when two rules break at once: shape (2) before passed
/// namespaces (3), passed namespaces before existence (4), existence before stored namespaces
/// and the stored pod field.
#[test]
fn when_two_rules_break_the_earlier_step_wins() {
    let (_store, s) = fresh();
    s.add_pod(&pod_in("b", "p", "p")).unwrap();
    s.add_container(&ctr_in("b", "c", "c")).unwrap();
    s.set_namespace("a").unwrap();

    // 2 before 3: the passed pod field is wrong and the pod is in another namespace.
    let wrong_field = ctr_in("b", "c", "");
    assert_eq!(
        err(s.remove_container_from_pod(&pod_in("b", "p", ""), &wrong_field)),
        ErrorKind::InvalidArg
    );
    // 3 before 4: the passed container is in another namespace and the pod does not exist.
    let mut elsewhere = member("ghost", "c", "");
    elsewhere.config.namespace = "b".into();
    assert_eq!(
        err(s.remove_container_from_pod(&pod_in("a", "ghost", ""), &elsewhere)),
        ErrorKind::NsMismatch
    );
    // 4: existence of both targets before either stored namespace.
    let mut claims_a = member("p", "ghost", "");
    claims_a.config.namespace = "a".into();
    assert_eq!(
        err(s.remove_container_from_pod(&pod_in("a", "p", ""), &claims_a)),
        ErrorKind::NoSuchCtr
    );
    // 4: stored namespace before the stored pod field (c is not in pod p either).
    claims_a.config.id = "c".into();
    assert_eq!(
        err(s.remove_container_from_pod(&pod_in("a", "p", ""), &claims_a)),
        ErrorKind::NsMismatch
    );
    s.set_namespace("b").unwrap();
    let mut claims_b = member("p", "c", "");
    claims_b.config.namespace = "b".into();
    assert_eq!(
        err(s.remove_container_from_pod(&pod_in("b", "p", ""), &claims_b)),
        ErrorKind::InvalidArg
    );
    // 2 before 3 on a plain container call: an empty ID beats a namespace mismatch.
    assert_eq!(
        err(s.save_container(&ctr_in("zzz", "", ""))),
        ErrorKind::InvalidArg
    );
}
