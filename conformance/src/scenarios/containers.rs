//! Containers outside pods: `add_container`, `remove_container`, `container_in_use`,
//! `all_containers`, `get_container_config` (SPEC §5 Containers, §2.1).

use podstate_api::ErrorKind::*;

use crate::Call;
use crate::factory::BackendFactory;
use crate::scenarios::fixtures::*;
use crate::scenarios::harness::Tester;

/// This group's scenarios in the suite's order, which `__for_each_scenario!` chains.
#[macro_export]
#[doc(hidden)]
macro_rules! __scenarios_containers {
    ($cb:path, $($args:tt)*) => {
        $cb! { ($($args)*) containers: [
            add_container_stores_config_and_state_verbatim,
            add_container_with_pod_set_is_invalid_arg,
            add_container_with_taken_container_id_is_ctr_exists,
            add_container_with_id_of_a_pod_is_pod_exists,
            add_container_with_name_of_a_pod_is_pod_exists,
            add_container_with_name_of_a_container_is_ctr_exists,
            add_container_named_like_another_id_succeeds,
            add_container_with_aliases_for_an_unlisted_network_is_invalid_arg,
            add_container_listing_a_network_twice_is_invalid_arg,
            add_container_mounting_a_missing_volume_is_no_such_volume,
            add_container_with_an_empty_sharing_field_is_invalid_arg,
            remove_container_frees_its_id_and_name,
            remove_container_of_a_pod_member_is_invalid_arg,
            remove_container_passed_with_a_pod_is_invalid_arg,
            remove_missing_container_is_no_such_ctr,
            remove_container_with_a_dependent_is_in_use,
            remove_container_drops_its_edges,
            container_in_use_of_a_missing_container_is_no_such_ctr,
            all_containers_are_sorted_by_id,
            all_containers_include_pod_members,
            get_container_config_returns_the_config_as_added,
            get_container_config_of_a_missing_id_is_no_such_ctr,
            container_with_a_pod_id_is_no_such_ctr,
        ] }
    };
}

/// SPEC §1: `add_*` stores the passed state verbatim; configs are returned verbatim as added.
pub fn add_container_stores_config_and_state_verbatim(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_volume(&vol("data")));
    let mut c = ctr("c1", "web")
        .with_volumes(&["data"])
        .with_networks(&["zeta", "alpha"])
        .with_aliases("zeta", &["z2", "z1"]);
    c.state.pid = 42;
    c.state.started_at = Some(at(9));
    t.ok(Call::AddContainer, |s| s.add_container(&c));
    assert_eq!(t.ok(Call::Container, |s| s.container("c1")), c);
}

/// SPEC §5: `add_container(ctr)` - `pod` must be unset (`InvalidArg`, step 2).
pub fn add_container_with_pod_set_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("p1", "pod1")));
    t.fails(Call::AddContainer, InvalidArg, |s| {
        s.add_container(&ctr("c1", "one").in_pod("p1"))
    });
}

/// SPEC §4: `CtrExists` - the ID/name is taken by a container.
pub fn add_container_with_taken_container_id_is_ctr_exists(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c1", "one")));
    t.fails(Call::AddContainer, CtrExists, |s| {
        s.add_container(&ctr("c1", "other"))
    });
}

/// SPEC §4: the kind names the **holder** (name held by a pod -> `PodExists`, even in
/// `add_container`) - here the ID is held by a pod.
pub fn add_container_with_id_of_a_pod_is_pod_exists(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("x1", "pod1")));
    t.fails(Call::AddContainer, PodExists, |s| {
        s.add_container(&ctr("x1", "ctr1"))
    });
}

/// SPEC §4: name held by a pod -> `PodExists`, even in `add_container`.
pub fn add_container_with_name_of_a_pod_is_pod_exists(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("p1", "web")));
    t.fails(Call::AddContainer, PodExists, |s| {
        s.add_container(&ctr("c1", "web"))
    });
}

/// SPEC §2.1: one name space for containers - a second container may not take a name.
pub fn add_container_with_name_of_a_container_is_ctr_exists(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c1", "web")));
    t.fails(Call::AddContainer, CtrExists, |s| {
        s.add_container(&ctr("c2", "web"))
    });
}

/// SPEC §2.1: a name may equal any ID: only ID-ID and name-name collisions count.
pub fn add_container_named_like_another_id_succeeds(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c1", "one")));
    t.ok(Call::AddContainer, |s| s.add_container(&ctr("c2", "c1")));
    assert_eq!(t.ok(Call::GetName, |s| s.get_name("c2")), "c1");
}

/// SPEC §5: aliases only for listed networks (`InvalidArg`).
pub fn add_container_with_aliases_for_an_unlisted_network_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let c = ctr("c1", "one")
        .with_networks(&["front"])
        .with_aliases("back", &["db"]);
    t.fails(Call::AddContainer, InvalidArg, |s| s.add_container(&c));
}

/// SPEC §5 Strings: a config may not list a network twice (`InvalidArg`).
pub fn add_container_listing_a_network_twice_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let c = ctr("c1", "one").with_networks(&["front", "back", "front"]);
    t.fails(Call::AddContainer, InvalidArg, |s| s.add_container(&c));
}

/// SPEC §5: each named volume (exists, else `NoSuchVolume`).
pub fn add_container_mounting_a_missing_volume_is_no_such_volume(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_volume(&vol("data")));
    let c = ctr("c1", "one").with_volumes(&["data", "logs"]);
    t.fails(Call::AddContainer, NoSuchVolume, |s| s.add_container(&c));
}

/// SPEC §5 Strings: a field set to an empty string is `InvalidArg` (a sharing field).
pub fn add_container_with_an_empty_sharing_field_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let mut c = ctr("c1", "one");
    c.config.pid_ns_ctr = Some(String::new());
    t.fails(Call::AddContainer, InvalidArg, |s| s.add_container(&c));
}

/// SPEC §5: "`remove_container(ctr)`" drops the container; its ID and name become free again.
pub fn remove_container_frees_its_id_and_name(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let c = ctr("c1", "web");
    t.given(|s| s.add_container(&c));
    t.ok(Call::RemoveContainer, |s| s.remove_container(&c));
    assert!(!t.ok(Call::HasContainer, |s| s.has_container("c1")));
    t.ok(Call::AddPod, |s| s.add_pod(&pod("c1", "web")));
}

/// SPEC §5: `remove_container(ctr)` - `pod` unset on the passed and the stored container
/// (`InvalidArg`) - the stored one is a pod member, the passed copy claims no pod.
pub fn remove_container_of_a_pod_member_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_pod(&pod("p1", "pod1"))?;
        s.add_container_to_pod(&s.pod("p1")?, &ctr("c1", "one").in_pod("p1"))
    });
    t.fails(Call::RemoveContainer, InvalidArg, |s| {
        s.remove_container(&ctr("c1", "one"))
    });
}

/// SPEC §5: `pod` unset on the passed ... container (`InvalidArg`) - even if the stored one is
/// not in a pod, and even if the pod named does not exist.
pub fn remove_container_passed_with_a_pod_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c1", "one")));
    t.fails(Call::RemoveContainer, InvalidArg, |s| {
        s.remove_container(&ctr("c1", "one").in_pod("p9"))
    });
}

/// SPEC §5: `remove_container` - "exists" (`NoSuchCtr`).
pub fn remove_missing_container_is_no_such_ctr(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c1", "one")));
    t.fails(Call::RemoveContainer, NoSuchCtr, |s| {
        s.remove_container(&ctr("c2", "two"))
    });
}

/// SPEC §5: `remove_container` - no dependents (`InUse`).
pub fn remove_container_with_a_dependent_is_in_use(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_container(&ctr("db", "db"))?;
        s.add_container(&ctr("app", "app").with_deps(&["db"]))
    });
    t.fails(Call::RemoveContainer, InUse, |s| {
        s.remove_container(&ctr("db", "db"))
    });
}

/// SPEC §2.7: nothing dangles after any removal - a removed container's volume use, networks and
/// dependency edges are gone, so its dependency becomes removable.
pub fn remove_container_drops_its_edges(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let app = ctr("app", "app").with_deps(&["db"]).with_volumes(&["data"]);
    t.given(|s| {
        s.add_volume(&vol("data"))?;
        s.add_container(&ctr("db", "db"))?;
        s.add_container(&app)
    });
    t.ok(Call::RemoveContainer, |s| s.remove_container(&app));
    let db = t.ok(Call::Container, |s| s.container("db"));
    assert!(
        t.ok(Call::ContainerInUse, |s| s.container_in_use(&db))
            .is_empty()
    );
    t.ok(Call::RemoveVolume, |s| s.remove_volume(&vol("data")));
}

/// SPEC §5: `container_in_use(ctr)` on a container that is not stored is `NoSuchCtr`.
pub fn container_in_use_of_a_missing_container_is_no_such_ctr(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.fails(Call::ContainerInUse, NoSuchCtr, |s| {
        s.container_in_use(&ctr("c1", "one"))
    });
}

/// SPEC §2.8: every list a call computes is sorted ascending ... objects by ID.
pub fn all_containers_are_sorted_by_id(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        for (id, name) in [("c3", "a"), ("c1", "c"), ("c2", "b")] {
            s.add_container(&ctr(id, name))?;
        }
        Ok(())
    });
    let all = t.ok(Call::AllContainers, |s| s.all_containers());
    let ids: Vec<&str> = all.iter().map(|c| c.id()).collect();
    assert_eq!(ids, ["c1", "c2", "c3"]);
}

/// SPEC §5: `all_containers()` includes pod members (pods never hide their containers).
pub fn all_containers_include_pod_members(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_pod(&pod("p1", "pod1"))?;
        s.add_container_to_pod(&s.pod("p1")?, &ctr("m1", "member").in_pod("p1"))?;
        s.add_container(&ctr("c1", "one"))
    });
    let all = t.ok(Call::AllContainers, |s| s.all_containers());
    let ids: Vec<&str> = all.iter().map(|c| c.id()).collect();
    assert_eq!(ids, ["c1", "m1"]);
}

/// SPEC §5: `container(id)`, `get_container_config(id)` - exact ID; the config is verbatim.
pub fn get_container_config_returns_the_config_as_added(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let c = ctr("c1", "one")
        .with_networks(&["b", "a"])
        .with_deps(&["c0"]);
    t.given(|s| {
        s.add_container(&ctr("c0", "zero"))?;
        s.add_container(&c)
    });
    let cfg = t.ok(Call::GetContainerConfig, |s| s.get_container_config("c1"));
    assert_eq!(cfg, c.config);
}

/// SPEC §5: `get_container_config(id)` - "exact ID"; an unknown ID is `NoSuchCtr`.
pub fn get_container_config_of_a_missing_id_is_no_such_ctr(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c1", "one")));
    t.fails(Call::GetContainerConfig, NoSuchCtr, |s| {
        s.get_container_config("c2")
    });
}

/// SPEC §5: `container(id)` - "exact ID": a pod's ID is not a container (`NoSuchCtr`).
pub fn container_with_a_pod_id_is_no_such_ctr(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("p1", "pod1")));
    t.fails(Call::Container, NoSuchCtr, |s| s.container("p1"));
}
