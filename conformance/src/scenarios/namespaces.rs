//! Libpod namespaces on a handle (SPEC §3): what a handle in a namespace sees, and which calls
//! answer `NsMismatch`.

use podstate_api::ErrorKind::*;
use podstate_api::State;

use crate::Call;
use crate::factory::BackendFactory;
use crate::scenarios::fixtures::*;
use crate::scenarios::harness::Tester;

/// This group's scenarios in the suite's order, which `__for_each_scenario!` chains.
#[macro_export]
#[doc(hidden)]
macro_rules! __scenarios_namespaces {
    ($cb:path, $($args:tt)*) => {
        $cb! { ($($args)*) namespaces: [
            all_containers_lists_only_the_handle_namespace,
            all_pods_lists_only_the_handle_namespace,
            the_empty_namespace_sees_everything,
            has_container_is_false_outside_the_namespace,
            has_pod_is_false_outside_the_namespace,
            container_of_another_namespace_is_ns_mismatch,
            container_config_of_another_namespace_is_ns_mismatch,
            pod_of_another_namespace_is_ns_mismatch,
            lookup_of_a_foreign_exact_id_is_no_such_ctr,
            lookup_pod_of_a_foreign_name_is_no_such_pod,
            get_name_of_a_foreign_id_is_no_such_ctr,
            add_container_in_another_namespace_is_ns_mismatch,
            add_pod_in_another_namespace_is_ns_mismatch,
            add_container_to_pod_in_another_namespace_is_ns_mismatch,
            save_container_stored_in_another_namespace_is_ns_mismatch,
            remove_container_passed_with_another_namespace_is_ns_mismatch,
            update_container_of_another_namespace_is_ns_mismatch,
            container_in_use_of_another_namespace_is_ns_mismatch,
            pod_containers_of_another_namespace_is_ns_mismatch,
            pod_containers_by_id_of_a_pod_stored_elsewhere_is_ns_mismatch,
            pod_has_container_of_another_namespace_is_ns_mismatch,
            remove_pod_of_another_namespace_is_ns_mismatch,
            remove_pod_containers_of_another_namespace_is_ns_mismatch,
            save_pod_of_another_namespace_is_ns_mismatch,
            update_pod_of_another_namespace_is_ns_mismatch,
            remove_member_of_a_pod_of_another_namespace_is_ns_mismatch,
            ids_are_shared_across_namespaces,
            names_are_shared_across_namespaces,
            a_new_handle_starts_in_the_empty_namespace,
            set_namespace_with_a_nul_is_invalid_arg,
        ] }
    };
}

/// Container `ca` and pod `pa` in namespace `a`, container `cb` and pod `pb` in `b`, container
/// `c0` in none.
fn two_namespaces(s: &dyn State) -> podstate_api::Result<()> {
    s.add_container(&ctr("ca", "in-a").in_ns("a"))?;
    s.add_container(&ctr("cb", "in-b").in_ns("b"))?;
    s.add_container(&ctr("c0", "in-none"))?;
    s.add_pod(&pod("pa", "pod-a").in_ns("a"))?;
    s.add_pod(&pod("pb", "pod-b").in_ns("b"))
}

/// SPEC §3: with a namespace set: list/lookup calls see only that namespace - `all_containers`.
pub fn all_containers_lists_only_the_handle_namespace(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(two_namespaces);
    t.set_ns("a");
    let all = t.ok(Call::AllContainers, |s| s.all_containers());
    assert_eq!(all, [ctr("ca", "in-a").in_ns("a")]);
}

/// SPEC §3: list calls see only the handle's namespace - `all_pods`.
pub fn all_pods_lists_only_the_handle_namespace(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(two_namespaces);
    t.set_ns("b");
    let all = t.ok(Call::AllPods, |s| s.all_pods());
    assert_eq!(all, [pod("pb", "pod-b").in_ns("b")]);
}

/// SPEC §3: a handle has a namespace (... default empty = see everything).
pub fn the_empty_namespace_sees_everything(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(two_namespaces);
    t.set_ns("a");
    t.set_ns("");
    let all = t.ok(Call::AllContainers, |s| s.all_containers());
    assert_eq!(all.len(), 3);
}

/// SPEC §3: `has_*` answers false for other namespaces - also for an object in no namespace.
pub fn has_container_is_false_outside_the_namespace(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(two_namespaces);
    t.set_ns("a");
    assert!(!t.ok(Call::HasContainer, |s| s.has_container("c0")));
    assert!(t.ok(Call::HasContainer, |s| s.has_container("ca")));
}

/// SPEC §3: `has_*` answers false for other namespaces - pods.
pub fn has_pod_is_false_outside_the_namespace(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(two_namespaces);
    t.set_ns("a");
    assert!(!t.ok(Call::HasPod, |s| s.has_pod("pb")));
}

/// SPEC §3: exact-ID getters (`container`, `pod`, `get_container_config`) answer `NsMismatch`.
pub fn container_of_another_namespace_is_ns_mismatch(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(two_namespaces);
    t.set_ns("a");
    t.fails(Call::Container, NsMismatch, |s| s.container("cb"));
}

/// SPEC §3: `get_container_config` of another namespace is `NsMismatch`.
pub fn container_config_of_another_namespace_is_ns_mismatch(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(two_namespaces);
    t.set_ns("a");
    t.fails(Call::GetContainerConfig, NsMismatch, |s| {
        s.get_container_config("c0")
    });
}

/// SPEC §3: `pod(id)` of another namespace is `NsMismatch`.
pub fn pod_of_another_namespace_is_ns_mismatch(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(two_namespaces);
    t.set_ns("a");
    t.fails(Call::Pod, NsMismatch, |s| s.pod("pb"));
}

/// SPEC §5: an exact hit in another namespace is `NoSuchCtr` here (unlike `container(id)`).
pub fn lookup_of_a_foreign_exact_id_is_no_such_ctr(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(two_namespaces);
    t.set_ns("a");
    t.fails(Call::LookupContainerId, NoSuchCtr, |s| {
        s.lookup_container_id("cb")
    });
}

/// SPEC §5: `lookup_pod` - only visible pods take part: a foreign name is `NoSuchPod`.
pub fn lookup_pod_of_a_foreign_name_is_no_such_pod(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(two_namespaces);
    t.set_ns("a");
    t.fails(Call::LookupPod, NoSuchPod, |s| s.lookup_pod("pod-b"));
}

/// SPEC §5: `get_name` - exact ID of a visible container or pod, else `NoSuchCtr`.
pub fn get_name_of_a_foreign_id_is_no_such_ctr(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(two_namespaces);
    t.set_ns("b");
    t.fails(Call::GetName, NoSuchCtr, |s| s.get_name("pa"));
}

/// SPEC §3: `add_container`, `add_container_to_pod` and `add_pod` require the object's namespace
/// to equal the handle's - `add_container`.
pub fn add_container_in_another_namespace_is_ns_mismatch(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.set_ns("a");
    t.fails(Call::AddContainer, NsMismatch, |s| {
        s.add_container(&ctr("c1", "one"))
    });
}

/// SPEC §3: `add_pod` requires the pod's namespace to equal the handle's.
pub fn add_pod_in_another_namespace_is_ns_mismatch(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.set_ns("a");
    t.fails(Call::AddPod, NsMismatch, |s| {
        s.add_pod(&pod("p1", "one").in_ns("b"))
    });
}

/// SPEC §3: `add_container_to_pod` requires the container's namespace to equal the handle's.
pub fn add_container_to_pod_in_another_namespace_is_ns_mismatch(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("p1", "pod1").in_ns("a")));
    t.set_ns("a");
    let m1 = ctr("m1", "member1").in_pod("p1").in_ns("b");
    t.fails(Call::AddContainerToPod, NsMismatch, |s| {
        s.add_container_to_pod(&pod("p1", "pod1").in_ns("a"), &m1)
    });
}

/// SPEC §3: every other call on a passed container ... answers `NsMismatch` when the passed **or
/// the stored** object's namespace differs - the stored one differs here.
pub fn save_container_stored_in_another_namespace_is_ns_mismatch(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c1", "one").in_ns("b")));
    t.set_ns("a");
    t.fails(Call::SaveContainer, NsMismatch, |s| {
        s.save_container(&ctr("c1", "one").in_ns("a"))
    });
}

/// SPEC §3: `NsMismatch` when "the passed ... object's namespace differs" - the stored one matches.
pub fn remove_container_passed_with_another_namespace_is_ns_mismatch(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c1", "one").in_ns("a")));
    t.set_ns("a");
    t.fails(Call::RemoveContainer, NsMismatch, |s| {
        s.remove_container(&ctr("c1", "one").in_ns("b"))
    });
}

/// SPEC §3: `update_container` on a stored container of another namespace is `NsMismatch`.
pub fn update_container_of_another_namespace_is_ns_mismatch(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c1", "one").in_ns("b")));
    t.set_ns("a");
    let mut mine = ctr("c1", "one").in_ns("b");
    t.fails(Call::UpdateContainer, NsMismatch, |s| {
        s.update_container(&mut mine)
    });
}

/// SPEC §3: `container_in_use` on a container of another namespace is `NsMismatch`.
pub fn container_in_use_of_another_namespace_is_ns_mismatch(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(two_namespaces);
    t.set_ns("a");
    t.fails(Call::ContainerInUse, NsMismatch, |s| {
        s.container_in_use(&ctr("cb", "in-b").in_ns("b"))
    });
}

/// SPEC §3: a passed pod of another namespace is `NsMismatch` - `pod_containers`.
pub fn pod_containers_of_another_namespace_is_ns_mismatch(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(two_namespaces);
    t.set_ns("a");
    t.fails(Call::PodContainers, NsMismatch, |s| {
        s.pod_containers(&pod("pb", "pod-b").in_ns("b"))
    });
}

/// SPEC §3: the stored pod's namespace counts - `pod_containers_by_id` of a pod stored in
/// another namespace, passed as if it were ours.
pub fn pod_containers_by_id_of_a_pod_stored_elsewhere_is_ns_mismatch(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(two_namespaces);
    t.set_ns("a");
    t.fails(Call::PodContainersById, NsMismatch, |s| {
        s.pod_containers_by_id(&pod("pb", "pod-b").in_ns("a"))
    });
}

/// SPEC §3: `pod_has_container` on a pod of another namespace is `NsMismatch`.
pub fn pod_has_container_of_another_namespace_is_ns_mismatch(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(two_namespaces);
    t.set_ns("a");
    t.fails(Call::PodHasContainer, NsMismatch, |s| {
        s.pod_has_container(&pod("pb", "pod-b").in_ns("b"), "cb")
    });
}

/// SPEC §3: `remove_pod` of a pod of another namespace is `NsMismatch`.
pub fn remove_pod_of_another_namespace_is_ns_mismatch(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(two_namespaces);
    t.set_ns("a");
    t.fails(Call::RemovePod, NsMismatch, |s| {
        s.remove_pod(&pod("pb", "pod-b").in_ns("b"))
    });
}

/// SPEC §3: `remove_pod_containers` of a pod of another namespace is `NsMismatch`.
pub fn remove_pod_containers_of_another_namespace_is_ns_mismatch(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(two_namespaces);
    t.set_ns("a");
    t.fails(Call::RemovePodContainers, NsMismatch, |s| {
        s.remove_pod_containers(&pod("pb", "pod-b").in_ns("a"))
    });
}

/// SPEC §3: `save_pod` of a pod of another namespace is `NsMismatch`.
pub fn save_pod_of_another_namespace_is_ns_mismatch(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(two_namespaces);
    t.set_ns("a");
    t.fails(Call::SavePod, NsMismatch, |s| {
        s.save_pod(&pod("pb", "pod-b").in_ns("b"))
    });
}

/// SPEC §3: `update_pod` of a pod of another namespace is `NsMismatch`.
pub fn update_pod_of_another_namespace_is_ns_mismatch(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(two_namespaces);
    t.set_ns("b");
    let mut mine = pod("pa", "pod-a").in_ns("a");
    t.fails(Call::UpdatePod, NsMismatch, |s| s.update_pod(&mut mine));
}

/// SPEC §3: `remove_container_from_pod` with a pod of another namespace is `NsMismatch`.
pub fn remove_member_of_a_pod_of_another_namespace_is_ns_mismatch(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let m = ctr("m1", "member1").in_pod("pa").in_ns("a");
    t.given(|s| {
        two_namespaces(s)?;
        s.add_container_to_pod(&s.pod("pa")?, &m)
    });
    t.set_ns("b");
    t.fails(Call::RemoveContainerFromPod, NsMismatch, |s| {
        s.remove_container_from_pod(&pod("pa", "pod-a").in_ns("a"), &m)
    });
}

/// SPEC §2.1: one ID space ... across all namespaces - an ID taken in `a` is taken in `b`.
pub fn ids_are_shared_across_namespaces(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(two_namespaces);
    t.set_ns("b");
    t.fails(Call::AddContainer, CtrExists, |s| {
        s.add_container(&ctr("ca", "fresh").in_ns("b"))
    });
}

/// SPEC §2.1: one name space, across all namespaces - a pod name taken in `a` is taken in `b`.
pub fn names_are_shared_across_namespaces(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(two_namespaces);
    t.set_ns("b");
    t.fails(Call::AddPod, PodExists, |s| {
        s.add_pod(&pod("p9", "pod-a").in_ns("b"))
    });
}

/// SPEC §3: a newly opened handle starts in namespace `""`, whatever other handles did.
pub fn a_new_handle_starts_in_the_empty_namespace(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(two_namespaces);
    t.set_ns("a");
    let fresh = t.open("");
    let all = t.ok_on(fresh.as_ref(), Call::AllContainers, |s| s.all_containers());
    assert_eq!(all.len(), 3);
}

/// SPEC §5 Strings: non-empty namespaces ... without NUL - `set_namespace` with a NUL is
/// `InvalidArg`.
pub fn set_namespace_with_a_nul_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(two_namespaces);
    t.fails(Call::SetNamespace, InvalidArg, |s| s.set_namespace("a\0"));
    let all = t.ok(Call::AllContainers, |s| s.all_containers());
    assert_eq!(
        all.len(),
        3,
        "the failed call left the handle in namespace \"\""
    );
}
