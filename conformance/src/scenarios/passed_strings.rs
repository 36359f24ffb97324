//! The string rules on *passed* objects (SPEC §5 Strings: the rule covers the identity strings
//! of a passed object; SPEC §4 step 2 names them: a container's ID, namespace and pod when set,
//! a pod's ID and namespace, a volume's name). The object a truncating backend would reach is
//! stored each time.

use podstate_api::ErrorKind::*;
use podstate_api::State;

use crate::Call;
use crate::factory::BackendFactory;
use crate::scenarios::fixtures::*;
use crate::scenarios::harness::Tester;

/// This group's scenarios in the suite's order, which `__for_each_scenario!` chains.
#[macro_export]
#[doc(hidden)]
macro_rules! __scenarios_passed_strings {
    ($cb:path, $($args:tt)*) => {
        $cb! { ($($args)*) passed_strings: [
            save_container_with_an_empty_id_is_invalid_arg,
            update_container_with_a_nul_namespace_is_invalid_arg,
            container_in_use_with_an_empty_pod_is_invalid_arg,
            get_networks_with_a_nul_suffixed_id_is_invalid_arg,
            all_network_aliases_with_an_empty_id_is_invalid_arg,
            container_sessions_with_a_nul_suffixed_id_is_invalid_arg,
            remove_container_sessions_with_an_empty_id_is_invalid_arg,
            pod_containers_by_id_with_a_nul_suffixed_id_is_invalid_arg,
            pod_containers_with_an_empty_id_is_invalid_arg,
            remove_pod_with_a_nul_suffixed_id_is_invalid_arg,
            remove_pod_containers_with_a_nul_namespace_is_invalid_arg,
            update_pod_with_an_empty_id_is_invalid_arg,
            save_pod_with_a_nul_suffixed_id_is_invalid_arg,
            volume_in_use_with_an_empty_name_is_invalid_arg,
            remove_volume_with_a_nul_suffixed_name_is_invalid_arg,
            update_volume_with_an_empty_name_is_invalid_arg,
            save_volume_with_a_nul_suffixed_name_is_invalid_arg,
            a_passed_container_with_an_empty_name_is_fine,
            a_passed_pod_with_a_bad_name_is_fine,
        ] }
    };
}

/// Container `c1` ("one"), empty pod `p1`, unused volume `data`.
fn stored(s: &dyn State) -> podstate_api::Result<()> {
    s.add_container(&ctr("c1", "one"))?;
    s.add_pod(&pod("p1", "pod1"))?;
    s.add_volume(&vol("data"))
}

/// SPEC §5 Strings: a passed container's ID is non-empty - `save_container`.
pub fn save_container_with_an_empty_id_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(stored);
    t.fails(Call::SaveContainer, InvalidArg, |s| {
        s.save_container(&ctr("", "one"))
    });
}

/// SPEC §5 Strings: non-empty namespaces ... without NUL - a passed container's namespace, read
/// by `update_container`, which then leaves the object alone.
pub fn update_container_with_a_nul_namespace_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(stored);
    let mut mine = ctr("c1", "one").in_ns("\0");
    let before = mine.clone();
    t.fails(Call::UpdateContainer, InvalidArg, |s| {
        s.update_container(&mut mine)
    });
    assert_eq!(mine, before);
}

/// SPEC §4 step 2: a passed container's pod is checked when set - `Some("")` is
/// `InvalidArg` for `container_in_use`.
pub fn container_in_use_with_an_empty_pod_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(stored);
    t.fails(Call::ContainerInUse, InvalidArg, |s| {
        s.container_in_use(&ctr("c1", "one").in_pod(""))
    });
}

/// SPEC §5 Strings: a passed container's ID is without NUL - `get_networks`.
pub fn get_networks_with_a_nul_suffixed_id_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(stored);
    t.fails(Call::GetNetworks, InvalidArg, |s| {
        s.get_networks(&ctr("c1\0", "one"))
    });
}

/// SPEC §5 Strings: a passed container's ID is non-empty - `get_all_network_aliases`.
pub fn all_network_aliases_with_an_empty_id_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(stored);
    t.fails(Call::GetAllNetworkAliases, InvalidArg, |s| {
        s.get_all_network_aliases(&ctr("", "one"))
    });
}

/// SPEC §5 Strings: exec calls that ignore namespaces still check the container ID -
/// `get_container_exec_sessions`.
pub fn container_sessions_with_a_nul_suffixed_id_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(stored);
    t.fails(Call::GetContainerExecSessions, InvalidArg, |s| {
        s.get_container_exec_sessions(&ctr("c1\0", "one"))
    });
}

/// SPEC §5 Strings: `remove_container_exec_sessions` with an empty container ID.
pub fn remove_container_sessions_with_an_empty_id_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(stored);
    t.fails(Call::RemoveContainerExecSessions, InvalidArg, |s| {
        s.remove_container_exec_sessions(&ctr("", "one"))
    });
}

/// SPEC §5 Strings: a passed pod's ID is without NUL - `pod_containers_by_id`.
pub fn pod_containers_by_id_with_a_nul_suffixed_id_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(stored);
    t.fails(Call::PodContainersById, InvalidArg, |s| {
        s.pod_containers_by_id(&pod("p1\0", "pod1"))
    });
}

/// SPEC §5 Strings: a passed pod's ID is non-empty - `pod_containers`.
pub fn pod_containers_with_an_empty_id_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(stored);
    t.fails(Call::PodContainers, InvalidArg, |s| {
        s.pod_containers(&pod("", "pod1"))
    });
}

/// SPEC §5 Strings: `remove_pod` of `"p1\0"` does not remove `p1`.
pub fn remove_pod_with_a_nul_suffixed_id_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(stored);
    t.fails(Call::RemovePod, InvalidArg, |s| {
        s.remove_pod(&pod("p1\0", "pod1"))
    });
}

/// SPEC §5 Strings: a passed pod's namespace is without NUL - `remove_pod_containers`.
pub fn remove_pod_containers_with_a_nul_namespace_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(stored);
    t.fails(Call::RemovePodContainers, InvalidArg, |s| {
        s.remove_pod_containers(&pod("p1", "pod1").in_ns("a\0"))
    });
}

/// SPEC §5 Strings: `update_pod` with an empty ID; the object is left alone.
pub fn update_pod_with_an_empty_id_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(stored);
    let mut mine = pod("", "pod1");
    t.fails(Call::UpdatePod, InvalidArg, |s| s.update_pod(&mut mine));
    assert_eq!(mine, pod("", "pod1"));
}

/// SPEC §5 Strings: `save_pod` of `"p1\0"` does not overwrite `p1`.
pub fn save_pod_with_a_nul_suffixed_id_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(stored);
    let mut mine = pod("p1\0", "pod1");
    mine.state.cgroup_path = "/x".into();
    t.fails(Call::SavePod, InvalidArg, |s| s.save_pod(&mine));
}

/// SPEC §5 Strings: a passed volume's name is non-empty - `volume_in_use`.
pub fn volume_in_use_with_an_empty_name_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(stored);
    t.fails(Call::VolumeInUse, InvalidArg, |s| s.volume_in_use(&vol("")));
}

/// SPEC §5 Strings: `remove_volume` of `"data\0"` does not remove `data`.
pub fn remove_volume_with_a_nul_suffixed_name_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(stored);
    t.fails(Call::RemoveVolume, InvalidArg, |s| {
        s.remove_volume(&vol("data\0"))
    });
}

/// SPEC §5 Strings: `update_volume` with an empty name; the object is left alone.
pub fn update_volume_with_an_empty_name_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(stored);
    let mut mine = vol("");
    t.fails(Call::UpdateVolume, InvalidArg, |s| {
        s.update_volume(&mut mine)
    });
    assert_eq!(mine, vol(""));
}

/// SPEC §5 Strings: `save_volume` of `"data\0"` does not overwrite `data`.
pub fn save_volume_with_a_nul_suffixed_name_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(stored);
    let mut mine = vol("data\0");
    mine.state.mount_count = 1;
    t.fails(Call::SaveVolume, InvalidArg, |s| s.save_volume(&mine));
}

/// SPEC §4 step 2: a passed name is not read - a passed container with an empty name
/// is identified by its ID and removed.
pub fn a_passed_container_with_an_empty_name_is_fine(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(stored);
    t.ok(Call::RemoveContainer, |s| {
        s.remove_container(&ctr("c1", ""))
    });
    assert!(!t.ok(Call::HasContainer, |s| s.has_container("c1")));
}

/// SPEC §3: every other config field of a passed object is ignored - a passed pod with a NUL in
/// its name still works.
pub fn a_passed_pod_with_a_bad_name_is_fine(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(stored);
    t.ok(Call::RemovePod, |s| s.remove_pod(&pod("p1", "bad\0name")));
}
