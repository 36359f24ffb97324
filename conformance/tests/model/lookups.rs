//! SPEC §2.1 (one ID and one name space) and §5 Names and lookups.

use podstate_api::{ErrorKind, State};

use super::*;

/// §2.1 + §4: for the shared container/pod spaces the kind names the holder (name held by a pod
/// -> PodExists, even in add_container).
#[test]
fn taken_ids_and_names_answer_with_the_kind_of_their_holder() {
    let (store, s) = fresh();
    s.add_container(&ctr("c1", "web")).unwrap();
    s.add_pod(&pod("p1", "db")).unwrap();

    assert_eq!(
        err(s.add_container(&ctr("p1", "other"))),
        ErrorKind::PodExists
    );
    assert_eq!(err(s.add_container(&ctr("c2", "db"))), ErrorKind::PodExists);
    assert_eq!(err(s.add_pod(&pod("c1", "other"))), ErrorKind::CtrExists);
    assert_eq!(err(s.add_pod(&pod("p2", "web"))), ErrorKind::CtrExists);
    assert_invariants(&store);
}

/// §2.1: only ID-ID and name-name collisions count, and the ID is checked before the name.
#[test]
fn a_name_may_equal_an_id_and_the_id_is_checked_first() {
    let (store, s) = fresh();
    s.add_container(&ctr("c1", "web")).unwrap();
    s.add_pod(&pod("p1", "c1")).unwrap();
    s.add_container(&ctr("web", "p1")).unwrap();

    // ID held by a pod and name held by a container: the ID decides.
    assert_eq!(
        err(s.add_container(&ctr("p1", "web"))),
        ErrorKind::PodExists
    );
    assert_invariants(&store);
}

/// §5: in order: exact container ID; exact container name; unique prefix of container IDs.
#[test]
fn lookup_prefers_exact_id_then_exact_name_then_unique_prefix() {
    let (_store, s) = fresh();
    s.add_container(&ctr("abc", "x")).unwrap();
    s.add_container(&ctr("x1", "abc")).unwrap();

    assert_eq!(s.lookup_container_id("abc").unwrap(), "abc");
    assert_eq!(s.lookup_container_id("x").unwrap(), "abc");
    assert_eq!(s.lookup_container_id("x1").unwrap(), "x1");
    assert_eq!(s.lookup_container("ab").unwrap().config.name, "x");
}

/// §5: several prefix matches -> Ambiguous; none -> NoSuchCtr; Names are never
/// prefix-matched.
#[test]
fn prefixes_match_ids_only_and_must_be_unique() {
    let (_store, s) = fresh();
    s.add_container(&ctr("aa11", "longname")).unwrap();
    s.add_container(&ctr("aa22", "other")).unwrap();

    assert_eq!(err(s.lookup_container_id("aa")), ErrorKind::Ambiguous);
    assert_eq!(s.lookup_container_id("aa2").unwrap(), "aa22");
    assert_eq!(err(s.lookup_container_id("long")), ErrorKind::NoSuchCtr);
    assert_eq!(err(s.lookup_container_id("")), ErrorKind::InvalidArg);
}

/// §5: "Pods never match a container lookup", and the message says so.
#[test]
fn pods_never_match_container_lookups_nor_containers_pod_lookups() {
    let (_store, s) = fresh();
    s.add_pod(&pod("p1", "pods-name")).unwrap();
    s.add_container(&ctr("c1", "ctrs-name")).unwrap();

    let e = s.lookup_container_id("pods-name").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NoSuchCtr);
    assert!(e.message().contains("pod"), "{}", e.message());
    assert_eq!(err(s.lookup_container("p1")), ErrorKind::NoSuchCtr);
    assert_eq!(err(s.lookup_pod("ctrs-name")), ErrorKind::NoSuchPod);
    assert_eq!(err(s.lookup_pod("c")), ErrorKind::NoSuchPod);
    assert_eq!(s.lookup_pod("pods-name").unwrap().config.id, "p1");
    assert!(!s.has_container("p1").unwrap());
    assert!(!s.has_pod("c1").unwrap());
}

/// §5: `get_name(id)` - exact ID of a visible container or pod -> its name, else NoSuchCtr
/// (also for pods); `get_name("")` is InvalidArg.
#[test]
fn get_name_answers_for_containers_and_pods_and_no_such_ctr_for_both() {
    let (_store, s) = fresh();
    s.add_container(&ctr("c1", "web")).unwrap();
    s.add_pod(&pod("p1", "group")).unwrap();

    assert_eq!(s.get_name("c1").unwrap(), "web");
    assert_eq!(s.get_name("p1").unwrap(), "group");
    assert_eq!(err(s.get_name("p")), ErrorKind::NoSuchCtr);
    assert_eq!(err(s.get_name("web")), ErrorKind::NoSuchCtr);
    assert_eq!(err(s.get_name("")), ErrorKind::InvalidArg);
    assert_eq!(err(s.get_name("c\0x")), ErrorKind::InvalidArg);
}

/// §3: an invisible object is skipped at every lookup step, and resolution goes on to the next
/// step; §5: an exact hit in another namespace is NoSuchCtr here (unlike container(id)).
#[test]
fn invisible_containers_are_skipped_by_lookups_but_mismatch_for_exact_getters() {
    let (_store, s) = fresh();
    s.add_container(&ctr_in("b", "abc", "hidden")).unwrap();
    s.add_container(&ctr_in("a", "abcd", "shown")).unwrap();
    s.set_namespace("a").unwrap();

    assert_eq!(s.lookup_container_id("abc").unwrap(), "abcd");
    assert_eq!(err(s.lookup_container_id("hidden")), ErrorKind::NoSuchCtr);
    assert_eq!(err(s.container("abc")), ErrorKind::NsMismatch);
    assert_eq!(err(s.get_container_config("abc")), ErrorKind::NsMismatch);
    assert_eq!(err(s.container("zzz")), ErrorKind::NoSuchCtr);
    assert!(!s.has_container("abc").unwrap());
    assert_eq!(err(s.get_name("abc")), ErrorKind::NoSuchCtr);
    // Only the visible container is a candidate, so "ab" is not ambiguous.
    assert_eq!(s.lookup_container_id("ab").unwrap(), "abcd");
    assert_eq!(s.all_containers().unwrap().len(), 1);

    s.set_namespace("").unwrap();
    assert_eq!(err(s.lookup_container_id("ab")), ErrorKind::Ambiguous);
    assert_eq!(s.lookup_container_id("hidden").unwrap(), "abc");
}

/// §5: `pod(id)`, `has_pod(id)`, `lookup_pod(s)` likewise for pods.
#[test]
fn pods_follow_the_same_visibility_rules() {
    let (_store, s) = fresh();
    s.add_pod(&pod_in("b", "p1", "hidden")).unwrap();
    s.add_pod(&pod_in("a", "p12", "shown")).unwrap();
    s.set_namespace("a").unwrap();

    assert_eq!(err(s.pod("p1")), ErrorKind::NsMismatch);
    assert_eq!(err(s.pod("p9")), ErrorKind::NoSuchPod);
    assert!(!s.has_pod("p1").unwrap());
    assert_eq!(s.lookup_pod("p1").unwrap().config.id, "p12");
    assert_eq!(err(s.lookup_pod("hidden")), ErrorKind::NoSuchPod);
    assert_eq!(err(s.get_name("p1")), ErrorKind::NoSuchCtr);
    let all: Vec<_> = s
        .all_pods()
        .unwrap()
        .into_iter()
        .map(|p| p.config.id)
        .collect();
    assert_eq!(all, ["p12"]);
}

/// §5: `lookup_volume(s)` - exact name, then unique name prefix; volumes ignore namespaces.
#[test]
fn volume_lookup_prefers_the_exact_name_and_ignores_namespaces() {
    let (_store, s) = fresh();
    s.add_volume(&vol("data")).unwrap();
    s.add_volume(&vol("data2")).unwrap();
    s.add_volume(&vol("logs")).unwrap();
    s.set_namespace("anything").unwrap();

    assert_eq!(s.lookup_volume("data").unwrap().config.name, "data");
    assert_eq!(err(s.lookup_volume("dat")), ErrorKind::Ambiguous);
    assert_eq!(s.lookup_volume("l").unwrap().config.name, "logs");
    assert_eq!(err(s.lookup_volume("x")), ErrorKind::NoSuchVolume);
    assert_eq!(err(s.volume("dat")), ErrorKind::NoSuchVolume);
    assert!(s.has_volume("data2").unwrap());
    assert_eq!(err(s.has_volume("")), ErrorKind::InvalidArg);
}
