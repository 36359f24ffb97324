//! Exact-then-name-then-prefix resolution, with namespaces skipping invisible objects at every
//! step, as range scans of the ordered maps.

use std::collections::BTreeMap;

use podstate_api::{ErrorKind, State};

use super::{assert_kind, ctr, pod};
use crate::MemoryStore;
use crate::read::first_two_with_prefix;

#[test]
fn prefix_scan_visits_only_keys_with_the_prefix_and_stops_at_the_second_match() {
    let map: BTreeMap<String, u32> = [("ab", 1), ("abc", 2), ("abd", 3), ("b", 4), ("a", 5)]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    assert_eq!(first_two_with_prefix(&map, "ab", |_| true), ["ab", "abc"]);
    assert_eq!(first_two_with_prefix(&map, "abd", |_| true), ["abd"]);
    assert!(first_two_with_prefix(&map, "abz", |_| true).is_empty());
    // The filter applies inside the range: only odd values remain under "ab".
    assert_eq!(
        first_two_with_prefix(&map, "ab", |v| v % 2 == 1),
        ["ab", "abd"]
    );
    assert_eq!(first_two_with_prefix(&map, "ab", |v| *v == 2), ["abc"]);
    assert!(first_two_with_prefix(&map, "b", |v| *v == 1).is_empty());
}

#[test]
fn a_prefix_is_ambiguous_only_among_visible_containers() {
    let store = MemoryStore::new();
    let all = store.open_handle().unwrap();
    all.add_container(&ctr("aa1", "one", "x")).unwrap();
    all.add_container(&ctr("aa2", "two", "y")).unwrap();
    assert_kind(all.lookup_container_id("aa"), ErrorKind::Ambiguous);

    let x = store.open_handle().unwrap();
    x.set_namespace("x").unwrap();
    assert_eq!(x.lookup_container_id("aa").unwrap(), "aa1");
    let z = store.open_handle().unwrap();
    z.set_namespace("z").unwrap();
    assert_kind(z.lookup_container_id("aa"), ErrorKind::NoSuchCtr);
}

#[test]
fn an_invisible_exact_id_is_skipped_and_resolution_goes_on() {
    let store = MemoryStore::new();
    let all = store.open_handle().unwrap();
    all.add_container(&ctr("ab", "hidden", "y")).unwrap();
    all.add_container(&ctr("abc", "shown", "x")).unwrap();
    let x = store.open_handle().unwrap();
    x.set_namespace("x").unwrap();
    assert_eq!(x.lookup_container_id("ab").unwrap(), "abc");
    // The exact getter does not skip: it names the namespace clash.
    assert_kind(x.container("ab"), ErrorKind::NsMismatch);
    assert_eq!(all.lookup_container_id("ab").unwrap(), "ab");
}

#[test]
fn exact_id_beats_name_beats_prefix() {
    let state = MemoryStore::new().open_handle().unwrap();
    state.add_container(&ctr("abc", "zzz", "")).unwrap();
    state.add_container(&ctr("abd", "abc1", "")).unwrap();
    state.add_container(&ctr("abc1", "other", "")).unwrap();
    // "abc" is an exact ID and a prefix of "abc1": the exact ID wins.
    assert_eq!(state.lookup_container_id("abc").unwrap(), "abc");
    // "abc1" is an exact ID and the name of "abd": the ID wins.
    assert_eq!(state.lookup_container_id("abc1").unwrap(), "abc1");
    // "zzz" is only a name.
    assert_eq!(state.lookup_container_id("zzz").unwrap(), "abc");
    assert_kind(state.lookup_container_id("ab"), ErrorKind::Ambiguous);
}

#[test]
fn names_are_never_prefix_matched_and_pods_never_match_containers() {
    let state = MemoryStore::new().open_handle().unwrap();
    state.add_container(&ctr("c1", "webserver", "")).unwrap();
    state.add_pod(&pod("c2", "webpod", "")).unwrap();
    assert_kind(state.lookup_container_id("web"), ErrorKind::NoSuchCtr);
    // The pod's ID shares the prefix but pods take no part in container lookups.
    assert_eq!(state.lookup_container_id("c").unwrap(), "c1");
    let err = state.lookup_container_id("webpod").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NoSuchCtr);
    assert!(err.message().contains("is a pod"), "{err}");
    assert_eq!(state.lookup_pod("c").unwrap().config.id, "c2");
    assert_eq!(state.lookup_pod("webpod").unwrap().config.id, "c2");
}

#[test]
fn pod_prefixes_skip_other_namespaces() {
    let store = MemoryStore::new();
    let all = store.open_handle().unwrap();
    all.add_pod(&pod("p1", "one", "x")).unwrap();
    all.add_pod(&pod("p2", "two", "y")).unwrap();
    assert_kind(all.lookup_pod("p"), ErrorKind::Ambiguous);
    let y = store.open_handle().unwrap();
    y.set_namespace("y").unwrap();
    assert_eq!(y.lookup_pod("p").unwrap().config.id, "p2");
    assert_kind(y.lookup_pod("one"), ErrorKind::NoSuchPod);
    assert!(!y.has_pod("p1").unwrap());
    assert_kind(y.pod("p1"), ErrorKind::NsMismatch);
    assert_kind(y.get_name("p1"), ErrorKind::NoSuchCtr);
    assert_eq!(y.get_name("p2").unwrap(), "two");
}

#[test]
fn volume_lookups_use_exact_name_then_unique_prefix() {
    let state = MemoryStore::new().open_handle().unwrap();
    for name in ["data", "data2", "logs"] {
        state.add_volume(&super::vol(name)).unwrap();
    }
    assert_eq!(state.lookup_volume("data").unwrap().config.name, "data");
    assert_kind(state.lookup_volume("dat"), ErrorKind::Ambiguous);
    assert_eq!(state.lookup_volume("l").unwrap().config.name, "logs");
    assert_kind(state.lookup_volume("x"), ErrorKind::NoSuchVolume);
    assert_kind(state.lookup_volume(""), ErrorKind::InvalidArg);
}
