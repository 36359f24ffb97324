//! Joining and leaving a pod: `add_container_to_pod` and `remove_container_from_pod` (SPEC §5
//! "Pods", §2.2, §2.3).

use podstate_api::ErrorKind::*;

use crate::Call;
use crate::factory::BackendFactory;
use crate::scenarios::fixtures::*;
use crate::scenarios::harness::Tester;

/// This group's scenarios in the suite's order, which `__for_each_scenario!` chains.
#[macro_export]
#[doc(hidden)]
macro_rules! __scenarios_pod_members {
    ($cb:path, $($args:tt)*) => {
        $cb! { ($($args)*) pod_members: [
            add_container_to_pod_makes_it_a_member,
            add_container_to_pod_without_pod_field_is_invalid_arg,
            add_container_to_pod_naming_another_pod_is_invalid_arg,
            add_container_to_a_missing_pod_is_no_such_pod,
            add_container_to_pod_of_another_namespace_is_ns_mismatch,
            add_container_to_pod_with_taken_id_is_ctr_exists,
            add_container_to_pod_named_like_its_pod_is_pod_exists,
            add_container_to_pod_with_a_missing_dependency_is_no_such_ctr,
            add_container_to_pod_with_a_missing_volume_is_no_such_volume,
            remove_container_from_pod_drops_the_membership,
            remove_container_from_pod_passed_without_pod_is_invalid_arg,
            remove_container_from_pod_of_a_member_of_another_pod_is_invalid_arg,
            remove_missing_container_from_pod_is_no_such_ctr,
            remove_container_from_a_missing_pod_is_no_such_pod,
            remove_container_from_pod_with_a_dependent_is_in_use,
            remove_container_from_pod_of_a_container_outside_pods_is_invalid_arg,
        ] }
    };
}

/// SPEC §5: `add_container_to_pod(pod, ctr)` stores the member; `pod_has_container` then says so
/// and the container names its pod.
pub fn add_container_to_pod_makes_it_a_member(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("p1", "pod1")));
    let p1 = pod("p1", "pod1");
    let m1 = ctr("m1", "member1").in_pod("p1");
    t.ok(Call::AddContainerToPod, |s| {
        s.add_container_to_pod(&p1, &m1)
    });
    assert!(t.ok(Call::PodHasContainer, |s| s.pod_has_container(&p1, "m1")));
    assert_eq!(t.ok(Call::Container, |s| s.container("m1")), m1);
}

/// SPEC §5: `add_container_to_pod(pod, ctr)` - `ctr.pod` must equal the pod ID (`InvalidArg`,
/// step 2) - here it is unset.
pub fn add_container_to_pod_without_pod_field_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("p1", "pod1")));
    t.fails(Call::AddContainerToPod, InvalidArg, |s| {
        s.add_container_to_pod(&pod("p1", "pod1"), &ctr("m1", "member1"))
    });
}

/// SPEC §5: `ctr.pod` must equal the pod ID (`InvalidArg`) - here it names another stored pod.
pub fn add_container_to_pod_naming_another_pod_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_pod(&pod("p1", "pod1"))?;
        s.add_pod(&pod("p2", "pod2"))
    });
    t.fails(Call::AddContainerToPod, InvalidArg, |s| {
        s.add_container_to_pod(&pod("p1", "pod1"), &ctr("m1", "member1").in_pod("p2"))
    });
}

/// SPEC §5: `add_container_to_pod` - pod exists (`NoSuchPod`).
pub fn add_container_to_a_missing_pod_is_no_such_pod(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.fails(Call::AddContainerToPod, NoSuchPod, |s| {
        s.add_container_to_pod(&pod("p1", "pod1"), &ctr("m1", "member1").in_pod("p1"))
    });
}

/// SPEC §5: container namespace equals the pod's (`NsMismatch`), even for a handle in `""`.
pub fn add_container_to_pod_of_another_namespace_is_ns_mismatch(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("p1", "pod1").in_ns("a")));
    let p1 = pod("p1", "pod1").in_ns("a");
    t.fails(Call::AddContainerToPod, NsMismatch, |s| {
        s.add_container_to_pod(&p1, &ctr("m1", "member1").in_pod("p1").in_ns("b"))
    });
}

/// SPEC §5: then the rules of `add_container` - an ID held by a container is `CtrExists`.
pub fn add_container_to_pod_with_taken_id_is_ctr_exists(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_pod(&pod("p1", "pod1"))?;
        s.add_container(&ctr("c1", "one"))
    });
    t.fails(Call::AddContainerToPod, CtrExists, |s| {
        s.add_container_to_pod(&pod("p1", "pod1"), &ctr("c1", "member1").in_pod("p1"))
    });
}

/// SPEC §4: name held by a pod -> `PodExists` - a member may not take its own pod's name.
pub fn add_container_to_pod_named_like_its_pod_is_pod_exists(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("p1", "web")));
    t.fails(Call::AddContainerToPod, PodExists, |s| {
        s.add_container_to_pod(&pod("p1", "web"), &ctr("m1", "web").in_pod("p1"))
    });
}

/// SPEC §5: add_container's rules apply - a dependency that does not exist is `NoSuchCtr`.
pub fn add_container_to_pod_with_a_missing_dependency_is_no_such_ctr(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("p1", "pod1")));
    t.fails(Call::AddContainerToPod, NoSuchCtr, |s| {
        s.add_container_to_pod(
            &pod("p1", "pod1"),
            &ctr("m1", "member1").in_pod("p1").with_deps(&["m0"]),
        )
    });
}

/// SPEC §5: add_container's rules apply - each named volume (exists, else `NoSuchVolume`).
pub fn add_container_to_pod_with_a_missing_volume_is_no_such_volume(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("p1", "pod1")));
    t.fails(Call::AddContainerToPod, NoSuchVolume, |s| {
        s.add_container_to_pod(
            &pod("p1", "pod1"),
            &ctr("m1", "member1").in_pod("p1").with_volumes(&["data"]),
        )
    });
}

/// SPEC §5: "`remove_container_from_pod(pod, ctr)`" drops the container and its membership.
pub fn remove_container_from_pod_drops_the_membership(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let m1 = ctr("m1", "member1").in_pod("p1");
    t.given(|s| {
        s.add_pod(&pod("p1", "pod1"))?;
        s.add_container_to_pod(&s.pod("p1")?, &m1)
    });
    let p1 = pod("p1", "pod1");
    t.ok(Call::RemoveContainerFromPod, |s| {
        s.remove_container_from_pod(&p1, &m1)
    });
    assert!(!t.ok(Call::PodHasContainer, |s| s.pod_has_container(&p1, "m1")));
    t.ok(Call::RemovePod, |s| s.remove_pod(&p1));
}

/// SPEC §5: `ctr.pod` (passed and stored) must equal the pod ID (`InvalidArg`) - the passed copy
/// claims no pod.
pub fn remove_container_from_pod_passed_without_pod_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_pod(&pod("p1", "pod1"))?;
        s.add_container_to_pod(&s.pod("p1")?, &ctr("m1", "member1").in_pod("p1"))
    });
    t.fails(Call::RemoveContainerFromPod, InvalidArg, |s| {
        s.remove_container_from_pod(&pod("p1", "pod1"), &ctr("m1", "member1"))
    });
}

/// SPEC §5: `ctr.pod` (passed and stored) must equal the pod ID - the passed copy claims the
/// pod, but the stored container belongs to another pod.
pub fn remove_container_from_pod_of_a_member_of_another_pod_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_pod(&pod("p1", "pod1"))?;
        s.add_pod(&pod("p2", "pod2"))?;
        s.add_container_to_pod(&s.pod("p2")?, &ctr("m1", "member1").in_pod("p2"))
    });
    t.fails(Call::RemoveContainerFromPod, InvalidArg, |s| {
        s.remove_container_from_pod(&pod("p1", "pod1"), &ctr("m1", "member1").in_pod("p1"))
    });
}

/// SPEC §5: `remove_container_from_pod` as `remove_container` - the container must exist.
pub fn remove_missing_container_from_pod_is_no_such_ctr(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("p1", "pod1")));
    t.fails(Call::RemoveContainerFromPod, NoSuchCtr, |s| {
        s.remove_container_from_pod(&pod("p1", "pod1"), &ctr("m1", "member1").in_pod("p1"))
    });
}

/// SPEC §4: `NoSuchPod` - the pod passed to `remove_container_from_pod` is not stored.
pub fn remove_container_from_a_missing_pod_is_no_such_pod(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_pod(&pod("p1", "pod1"))?;
        s.add_container_to_pod(&s.pod("p1")?, &ctr("m1", "member1").in_pod("p1"))
    });
    t.fails(Call::RemoveContainerFromPod, NoSuchPod, |s| {
        s.remove_container_from_pod(&pod("p2", "pod2"), &ctr("m1", "member1").in_pod("p2"))
    });
}

/// SPEC §5: `remove_container_from_pod` as `remove_container`: a member with a dependent in the
/// pod is `InUse`.
pub fn remove_container_from_pod_with_a_dependent_is_in_use(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_pod(&pod("p1", "pod1"))?;
        let p1 = s.pod("p1")?;
        s.add_container_to_pod(&p1, &ctr("m1", "member1").in_pod("p1"))?;
        s.add_container_to_pod(&p1, &ctr("m2", "member2").in_pod("p1").with_deps(&["m1"]))
    });
    t.fails(Call::RemoveContainerFromPod, InUse, |s| {
        s.remove_container_from_pod(&pod("p1", "pod1"), &ctr("m1", "member1").in_pod("p1"))
    });
}

/// SPEC §5: `ctr.pod` (passed and stored) must equal the pod ID - the stored container is in no
/// pod at all.
pub fn remove_container_from_pod_of_a_container_outside_pods_is_invalid_arg(
    f: &dyn BackendFactory,
) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_pod(&pod("p1", "pod1"))?;
        s.add_container(&ctr("c1", "one"))
    });
    t.fails(Call::RemoveContainerFromPod, InvalidArg, |s| {
        s.remove_container_from_pod(&pod("p1", "pod1"), &ctr("c1", "one").in_pod("p1"))
    });
}
