//! Pods and their members: `add_pod`, `remove_pod`, `add_container_to_pod`,
//! `remove_container_from_pod`, `remove_pod_containers`, `pod_has_container`, `pod_containers*`,
//! `all_pods` (SPEC §5 Pods, §2.3).

use podstate_api::ErrorKind::*;
use podstate_api::{Result, State};

use crate::Call;
use crate::factory::BackendFactory;
use crate::scenarios::fixtures::*;
use crate::scenarios::harness::Tester;

/// This group's scenarios in the suite's order, which `__for_each_scenario!` chains.
#[macro_export]
#[doc(hidden)]
macro_rules! __scenarios_pods {
    ($cb:path, $($args:tt)*) => {
        $cb! { ($($args)*) pods: [
            add_pod_stores_config_and_state_verbatim,
            add_pod_with_id_of_a_container_is_ctr_exists,
            add_pod_with_taken_pod_id_is_pod_exists,
            add_pod_with_name_of_a_container_is_ctr_exists,
            add_pod_with_name_of_a_pod_is_pod_exists,
            add_pod_with_an_empty_name_is_invalid_arg,
            remove_empty_pod_frees_its_name,
            remove_pod_with_members_is_in_use,
            remove_missing_pod_is_no_such_pod,
            pod_containers_by_id_lists_members_sorted,
            pod_containers_returns_the_members,
            pod_containers_of_a_missing_pod_is_no_such_pod,
            pod_containers_by_id_of_a_missing_pod_is_no_such_pod,
            pod_has_container_is_false_for_a_member_of_another_pod,
            pod_has_container_on_a_missing_pod_is_no_such_pod,
            remove_pod_containers_removes_members_despite_their_dependencies,
            remove_pod_containers_of_a_missing_pod_is_no_such_pod,
            remove_pod_containers_frees_member_names,
            all_pods_are_sorted_by_id,
            pod_has_container_is_false_for_an_unknown_id,
            save_container_ignores_the_passed_pod_field,
        ] }
    };
}

/// Pod `p1` ("pod1") with members `m1` and `m2`.
fn pod_with_two_members(s: &dyn State) -> Result<()> {
    s.add_pod(&pod("p1", "pod1"))?;
    let p1 = s.pod("p1")?;
    s.add_container_to_pod(&p1, &ctr("m1", "member1").in_pod("p1"))?;
    s.add_container_to_pod(&p1, &ctr("m2", "member2").in_pod("p1"))
}

/// SPEC §1 and §5: `add_pod(pod)` stores config and state verbatim; `pod(id)` returns them.
pub fn add_pod_stores_config_and_state_verbatim(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let mut p = pod("p1", "web");
    p.state.cgroup_path = "/sys/fs/cgroup/p1".into();
    p.state.infra_container_id = "infra".into();
    t.ok(Call::AddPod, |s| s.add_pod(&p));
    assert_eq!(t.ok(Call::Pod, |s| s.pod("p1")), p);
}

/// SPEC §2.1: containers and pods share one ID space - kind names the holder (`CtrExists`).
pub fn add_pod_with_id_of_a_container_is_ctr_exists(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("x1", "one")));
    t.fails(Call::AddPod, CtrExists, |s| s.add_pod(&pod("x1", "pod1")));
}

/// SPEC §4: `PodExists` - the ID is taken by a pod.
pub fn add_pod_with_taken_pod_id_is_pod_exists(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("p1", "pod1")));
    t.fails(Call::AddPod, PodExists, |s| s.add_pod(&pod("p1", "pod2")));
}

/// SPEC §2.1: one name space for containers and pods - a pod may not take a container's name.
pub fn add_pod_with_name_of_a_container_is_ctr_exists(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c1", "web")));
    t.fails(Call::AddPod, CtrExists, |s| s.add_pod(&pod("p1", "web")));
}

/// SPEC §4: `PodExists` - the name is taken by a pod.
pub fn add_pod_with_name_of_a_pod_is_pod_exists(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("p1", "web")));
    t.fails(Call::AddPod, PodExists, |s| s.add_pod(&pod("p2", "web")));
}

/// SPEC §5 Strings: names are non-empty - `add_pod` with an empty name is `InvalidArg`.
pub fn add_pod_with_an_empty_name_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.fails(Call::AddPod, InvalidArg, |s| s.add_pod(&pod("p1", "")));
}

/// SPEC §5: `remove_pod(pod)` - an empty pod goes, and its name is free again.
pub fn remove_empty_pod_frees_its_name(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("p1", "web")));
    t.ok(Call::RemovePod, |s| s.remove_pod(&pod("p1", "web")));
    assert!(!t.ok(Call::HasPod, |s| s.has_pod("p1")));
    t.ok(Call::AddContainer, |s| s.add_container(&ctr("c1", "web")));
}

/// SPEC §5: `remove_pod(pod)` - must be empty (`InUse`).
pub fn remove_pod_with_members_is_in_use(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(pod_with_two_members);
    t.fails(Call::RemovePod, InUse, |s| s.remove_pod(&pod("p1", "pod1")));
}

/// SPEC §4: `NoSuchPod` - `remove_pod` of a pod that is not stored.
pub fn remove_missing_pod_is_no_such_pod(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c1", "one")));
    t.fails(Call::RemovePod, NoSuchPod, |s| {
        s.remove_pod(&pod("c1", "one"))
    });
}

/// SPEC §2.3: every member names its pod - membership shows in `pod_containers_by_id` (sorted).
pub fn pod_containers_by_id_lists_members_sorted(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_pod(&pod("p1", "pod1"))?;
        let p1 = s.pod("p1")?;
        s.add_container_to_pod(&p1, &ctr("m2", "b").in_pod("p1"))?;
        s.add_container_to_pod(&p1, &ctr("m1", "a").in_pod("p1"))?;
        s.add_container(&ctr("c0", "outside"))
    });
    let ids = t.ok(Call::PodContainersById, |s| {
        s.pod_containers_by_id(&pod("p1", "pod1"))
    });
    assert_eq!(ids, ["m1", "m2"]);
}

/// SPEC §5: `pod_containers(pod)` returns the members themselves, as stored.
pub fn pod_containers_returns_the_members(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let m1 = ctr("m1", "member1").in_pod("p1").with_networks(&["n"]);
    t.given(|s| {
        s.add_pod(&pod("p1", "pod1"))?;
        s.add_container_to_pod(&s.pod("p1")?, &m1)
    });
    let members = t.ok(Call::PodContainers, |s| {
        s.pod_containers(&pod("p1", "pod1"))
    });
    assert_eq!(members, [m1]);
}

/// SPEC §4: `NoSuchPod` for `pod_containers` of a pod that is not stored.
pub fn pod_containers_of_a_missing_pod_is_no_such_pod(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.fails(Call::PodContainers, NoSuchPod, |s| {
        s.pod_containers(&pod("p1", "pod1"))
    });
}

/// SPEC §4: `NoSuchPod` for `pod_containers_by_id` of a pod that is not stored.
pub fn pod_containers_by_id_of_a_missing_pod_is_no_such_pod(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("p1", "pod1")));
    t.fails(Call::PodContainersById, NoSuchPod, |s| {
        s.pod_containers_by_id(&pod("p2", "pod1"))
    });
}

/// SPEC §5: `pod_has_container(pod, id)` - false for a container of another pod.
pub fn pod_has_container_is_false_for_a_member_of_another_pod(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        pod_with_two_members(s)?;
        s.add_pod(&pod("p2", "pod2"))
    });
    let p2 = pod("p2", "pod2");
    assert!(!t.ok(Call::PodHasContainer, |s| s.pod_has_container(&p2, "m1")));
    assert!(t.ok(Call::PodHasContainer, |s| {
        s.pod_has_container(&pod("p1", "pod1"), "m1")
    }));
}

/// SPEC §4: `NoSuchPod` for `pod_has_container` on a pod that is not stored.
pub fn pod_has_container_on_a_missing_pod_is_no_such_pod(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c1", "one")));
    t.fails(Call::PodHasContainer, NoSuchPod, |s| {
        s.pod_has_container(&pod("p1", "pod1"), "c1")
    });
}

/// SPEC §5: `remove_pod_containers(pod)` - removes every member at once (dependencies among
/// members do not block) ... it never answers `InUse`; the pod itself stays, empty.
pub fn remove_pod_containers_removes_members_despite_their_dependencies(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_pod(&pod("p1", "pod1"))?;
        let p1 = s.pod("p1")?;
        s.add_container_to_pod(&p1, &ctr("m1", "member1").in_pod("p1"))?;
        s.add_container_to_pod(&p1, &ctr("m2", "member2").in_pod("p1").with_deps(&["m1"]))?;
        s.add_container(&ctr("c1", "outside"))
    });
    t.ok(Call::RemovePodContainers, |s| {
        s.remove_pod_containers(&pod("p1", "pod1"))
    });
    let all = t.ok(Call::AllContainers, |s| s.all_containers());
    assert_eq!(all.iter().map(|c| c.id()).collect::<Vec<_>>(), ["c1"]);
    assert!(t.ok(Call::HasPod, |s| s.has_pod("p1")));
}

/// SPEC §4: `NoSuchPod` for `remove_pod_containers` of a pod that is not stored.
pub fn remove_pod_containers_of_a_missing_pod_is_no_such_pod(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(pod_with_two_members);
    t.fails(Call::RemovePodContainers, NoSuchPod, |s| {
        s.remove_pod_containers(&pod("p2", "pod2"))
    });
}

/// SPEC §2.1: one name space - after `remove_pod_containers` the members' names are free.
pub fn remove_pod_containers_frees_member_names(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(pod_with_two_members);
    t.ok(Call::RemovePodContainers, |s| {
        s.remove_pod_containers(&pod("p1", "pod1"))
    });
    t.ok(Call::AddContainer, |s| {
        s.add_container(&ctr("m1", "member2"))
    });
}

/// SPEC §2.8: `all_pods()` is sorted by ID.
pub fn all_pods_are_sorted_by_id(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_pod(&pod("pb", "x"))?;
        s.add_pod(&pod("pa", "y"))?;
        s.add_container(&ctr("c1", "z"))
    });
    let all = t.ok(Call::AllPods, |s| s.all_pods());
    assert_eq!(all.iter().map(|p| p.id()).collect::<Vec<_>>(), ["pa", "pb"]);
}

/// SPEC §5: `pod_has_container(pod, id)` answers whether `id` is a member - `false`, not an
/// error, for an ID nothing holds.
pub fn pod_has_container_is_false_for_an_unknown_id(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(pod_with_two_members);
    let p1 = pod("p1", "pod1");
    assert!(!t.ok(Call::PodHasContainer, |s| s.pod_has_container(&p1, "m3")));
}

/// SPEC §3: after the existence check the stored object's namespace and pod are what count -
/// state calls ignore a passed member's wrong pod field.
pub fn save_container_ignores_the_passed_pod_field(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        pod_with_two_members(s)?;
        s.add_pod(&pod("p2", "pod2"))
    });
    let mut mine = ctr("m1", "member1").in_pod("p2");
    mine.state.restart_count = 4;
    t.ok(Call::SaveContainer, |s| s.save_container(&mine));
    let stored = t.ok(Call::Container, |s| s.container("m1"));
    assert_eq!(
        (stored.config.pod.as_deref(), stored.state.restart_count),
        (Some("p1"), 4)
    );
}
