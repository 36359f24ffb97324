//! Names and lookups: `get_name`, `container`, `lookup_container_id`, `lookup_container`,
//! `has_container`, `pod`, `lookup_pod`, `has_pod`, `lookup_volume` (SPEC §5 Names and lookups).

use podstate_api::ErrorKind::*;

use crate::Call;
use crate::factory::BackendFactory;
use crate::scenarios::fixtures::*;
use crate::scenarios::harness::Tester;

/// This group's scenarios in the suite's order, which `__for_each_scenario!` chains.
#[macro_export]
#[doc(hidden)]
macro_rules! __scenarios_lookups {
    ($cb:path, $($args:tt)*) => {
        $cb! { ($($args)*) lookups: [
            lookup_container_by_full_id,
            lookup_container_by_exact_name,
            lookup_container_by_unique_prefix,
            lookup_container_id_by_shared_prefix_is_ambiguous,
            lookup_container_by_shared_prefix_is_ambiguous,
            lookup_container_matching_nothing_is_no_such_ctr,
            exact_id_beats_a_longer_id_sharing_the_prefix,
            exact_id_beats_an_exact_name,
            names_are_never_prefix_matched,
            container_lookup_of_a_pod_name_is_no_such_ctr_saying_so,
            container_lookup_never_matches_a_pod_id_prefix,
            lookup_pod_by_exact_name,
            lookup_pod_by_unique_prefix_ignores_containers,
            lookup_pod_by_shared_prefix_is_ambiguous,
            pod_lookup_of_a_container_name_is_no_such_pod,
            pod_by_a_prefix_is_no_such_pod,
            container_by_a_prefix_is_no_such_ctr,
            get_name_of_a_pod_id_is_its_name,
            get_name_of_a_prefix_is_no_such_ctr,
            get_name_of_a_name_is_no_such_ctr,
            has_container_is_false_for_a_pod_id,
            has_pod_is_false_for_a_container_id_and_a_pod_name,
            lookup_volume_exact_name_beats_a_longer_name,
            lookup_volume_by_unique_prefix,
            lookup_volume_by_shared_prefix_is_ambiguous,
            lookup_volume_matching_nothing_is_no_such_volume,
        ] }
    };
}

/// SPEC §5: `lookup_container_id(s)` - exact container ID first.
pub fn lookup_container_by_full_id(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("abc123", "web")));
    let id = t.ok(Call::LookupContainerId, |s| s.lookup_container_id("abc123"));
    assert_eq!(id, "abc123");
}

/// SPEC §5: lookup order - exact container name second.
pub fn lookup_container_by_exact_name(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("abc123", "web")));
    let id = t.ok(Call::LookupContainerId, |s| s.lookup_container_id("web"));
    assert_eq!(id, "abc123");
}

/// SPEC §5: lookup order - unique prefix of container IDs third.
pub fn lookup_container_by_unique_prefix(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_container(&ctr("abc123", "web"))?;
        s.add_container(&ctr("abd456", "db"))
    });
    let c = t.ok(Call::LookupContainer, |s| s.lookup_container("abc"));
    assert_eq!(c, ctr("abc123", "web"));
}

/// SPEC §5: several prefix matches -> `Ambiguous` (`lookup_container_id`).
pub fn lookup_container_id_by_shared_prefix_is_ambiguous(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_container(&ctr("abc123", "web"))?;
        s.add_container(&ctr("abd456", "db"))
    });
    t.fails(Call::LookupContainerId, Ambiguous, |s| {
        s.lookup_container_id("ab")
    });
}

/// SPEC §5: several prefix matches -> `Ambiguous` (`lookup_container`).
pub fn lookup_container_by_shared_prefix_is_ambiguous(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_container(&ctr("abc123", "web"))?;
        s.add_container(&ctr("abd456", "db"))
    });
    t.fails(Call::LookupContainer, Ambiguous, |s| {
        s.lookup_container("a")
    });
}

/// SPEC §5: none -> `NoSuchCtr` (`lookup_container`).
pub fn lookup_container_matching_nothing_is_no_such_ctr(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("abc123", "web")));
    t.fails(Call::LookupContainer, NoSuchCtr, |s| {
        s.lookup_container("b")
    });
}

/// SPEC §5: exact ID comes before prefixes - an ID that is a prefix of a longer ID is not
/// ambiguous.
pub fn exact_id_beats_a_longer_id_sharing_the_prefix(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_container(&ctr("ab", "short"))?;
        s.add_container(&ctr("abc", "long"))
    });
    assert_eq!(
        t.ok(Call::LookupContainerId, |s| s.lookup_container_id("ab")),
        "ab"
    );
}

/// SPEC §5: exact ID comes before exact name - a container named like another's ID loses.
pub fn exact_id_beats_an_exact_name(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_container(&ctr("c1", "c2"))?;
        s.add_container(&ctr("c2", "two"))
    });
    assert_eq!(
        t.ok(Call::LookupContainerId, |s| s.lookup_container_id("c2")),
        "c2"
    );
}

/// SPEC §5: names are never prefix-matched for containers and pods.
pub fn names_are_never_prefix_matched(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c1", "webserver")));
    t.fails(Call::LookupContainerId, NoSuchCtr, |s| {
        s.lookup_container_id("web")
    });
}

/// SPEC §5: "Pods never match a container lookup" - and the message says the string names a pod.
pub fn container_lookup_of_a_pod_name_is_no_such_ctr_saying_so(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("p1", "web")));
    let err = t.fails(Call::LookupContainerId, NoSuchCtr, |s| {
        s.lookup_container_id("web")
    });
    assert!(err.message().contains("pod"), "message: {}", err.message());
}

/// SPEC §5: "Pods never match a container lookup" - not by ID prefix either.
pub fn container_lookup_never_matches_a_pod_id_prefix(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("p123", "web")));
    t.fails(Call::LookupContainer, NoSuchCtr, |s| {
        s.lookup_container("p1")
    });
}

/// SPEC §5: `pod(id)`, `has_pod(id)`, `lookup_pod(s)` likewise for pods - by name.
pub fn lookup_pod_by_exact_name(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("p123", "web")));
    assert_eq!(
        t.ok(Call::LookupPod, |s| s.lookup_pod("web")),
        pod("p123", "web")
    );
}

/// SPEC §5: `lookup_pod` by unique ID prefix; a container's ID does not compete.
pub fn lookup_pod_by_unique_prefix_ignores_containers(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_pod(&pod("ab1", "pod1"))?;
        s.add_container(&ctr("ab2", "ctr2"))
    });
    assert_eq!(t.ok(Call::LookupPod, |s| s.lookup_pod("ab")).id(), "ab1");
}

/// SPEC §5: `lookup_pod` - several pod IDs share the prefix: `Ambiguous`.
pub fn lookup_pod_by_shared_prefix_is_ambiguous(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_pod(&pod("ab1", "pod1"))?;
        s.add_pod(&pod("ab2", "pod2"))
    });
    t.fails(Call::LookupPod, Ambiguous, |s| s.lookup_pod("ab"));
}

/// SPEC §5: `lookup_pod` of a container's name is `NoSuchPod`.
pub fn pod_lookup_of_a_container_name_is_no_such_pod(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c1", "web")));
    t.fails(Call::LookupPod, NoSuchPod, |s| s.lookup_pod("web"));
}

/// SPEC §5: "`pod(id)`" - exact ID; a prefix is `NoSuchPod`.
pub fn pod_by_a_prefix_is_no_such_pod(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("p123", "web")));
    t.fails(Call::Pod, NoSuchPod, |s| s.pod("p12"));
}

/// SPEC §5: `container(id)` - "exact ID"; a prefix is `NoSuchCtr`.
pub fn container_by_a_prefix_is_no_such_ctr(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c123", "web")));
    t.fails(Call::Container, NoSuchCtr, |s| s.container("c12"));
}

/// SPEC §5: `get_name(id)` - exact ID of a visible container or pod -> its name (a pod here).
pub fn get_name_of_a_pod_id_is_its_name(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("p1", "web")));
    assert_eq!(t.ok(Call::GetName, |s| s.get_name("p1")), "web");
}

/// SPEC §5: `get_name` takes an exact ID only - a prefix is `NoSuchCtr`.
pub fn get_name_of_a_prefix_is_no_such_ctr(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c123", "web")));
    t.fails(Call::GetName, NoSuchCtr, |s| s.get_name("c12"));
}

/// SPEC §5: `get_name` - else `NoSuchCtr` (also for pods): a name is not an ID.
pub fn get_name_of_a_name_is_no_such_ctr(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("p1", "web")));
    t.fails(Call::GetName, NoSuchCtr, |s| s.get_name("web"));
}

/// SPEC §5: `has_container(id)` - exact, visible - false for a pod's ID.
pub fn has_container_is_false_for_a_pod_id(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("p1", "web")));
    assert!(!t.ok(Call::HasContainer, |s| s.has_container("p1")));
}

/// SPEC §5: `has_pod(id)` - false for a container's ID and for a pod's name.
pub fn has_pod_is_false_for_a_container_id_and_a_pod_name(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_container(&ctr("c1", "one"))?;
        s.add_pod(&pod("p1", "web"))
    });
    assert!(!t.ok(Call::HasPod, |s| s.has_pod("c1")));
    assert!(!t.ok(Call::HasPod, |s| s.has_pod("web")));
}

/// SPEC §5: `lookup_volume(s)` (exact name, then unique name prefix) - exact beats a longer name.
pub fn lookup_volume_exact_name_beats_a_longer_name(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_volume(&vol("data"))?;
        s.add_volume(&vol("data2"))
    });
    assert_eq!(
        t.ok(Call::LookupVolume, |s| s.lookup_volume("data")),
        vol("data")
    );
}

/// SPEC §5: `lookup_volume` by unique name prefix.
pub fn lookup_volume_by_unique_prefix(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_volume(&vol("data"))?;
        s.add_volume(&vol("logs"))
    });
    assert_eq!(
        t.ok(Call::LookupVolume, |s| s.lookup_volume("lo")),
        vol("logs")
    );
}

/// SPEC §5: `lookup_volume` - several names share the prefix: `Ambiguous`.
pub fn lookup_volume_by_shared_prefix_is_ambiguous(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_volume(&vol("data1"))?;
        s.add_volume(&vol("data2"))
    });
    t.fails(Call::LookupVolume, Ambiguous, |s| s.lookup_volume("data"));
}

/// SPEC §5: `lookup_volume` matching nothing is `NoSuchVolume`.
pub fn lookup_volume_matching_nothing_is_no_such_volume(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_volume(&vol("data")));
    t.fails(Call::LookupVolume, NoSuchVolume, |s| {
        s.lookup_volume("datas")
    });
}
