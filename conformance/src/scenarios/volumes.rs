//! Volumes and their users: `add_volume`, `remove_volume`, `volume_in_use`, `volume`,
//! `has_volume`, `all_volumes`, `save_volume`, `update_volume` (SPEC §5 Volumes, §2.4).

use podstate_api::ErrorKind::*;

use crate::Call;
use crate::factory::BackendFactory;
use crate::scenarios::fixtures::*;
use crate::scenarios::harness::Tester;

/// This group's scenarios in the suite's order, which `__for_each_scenario!` chains.
#[macro_export]
#[doc(hidden)]
macro_rules! __scenarios_volumes {
    ($cb:path, $($args:tt)*) => {
        $cb! { ($($args)*) volumes: [
            add_volume_stores_config_and_state_verbatim,
            add_volume_with_a_taken_name_is_volume_exists,
            volume_named_like_a_container_is_fine,
            remove_volume_in_use_is_in_use,
            remove_missing_volume_is_no_such_volume,
            remove_unused_volume_removes_it,
            volume_in_use_lists_users_of_every_namespace,
            a_volume_mounted_twice_counts_one_user,
            volume_in_use_of_a_missing_volume_is_no_such_volume,
            volume_is_free_after_its_user_leaves_the_pod,
            volume_is_free_after_remove_pod_containers,
            volume_by_a_prefix_is_no_such_volume,
            volumes_ignore_the_handle_namespace,
            save_volume_stores_only_the_state,
            save_missing_volume_is_no_such_volume,
            update_volume_reloads_the_state,
            update_missing_volume_is_no_such_volume_and_keeps_the_object,
        ] }
    };
}

/// SPEC §1: `add_*` stores the passed state verbatim; `volume(name)` returns it.
pub fn add_volume_stores_config_and_state_verbatim(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let mut v = vol("data");
    v.state.mount_count = 3;
    t.ok(Call::AddVolume, |s| s.add_volume(&v));
    assert_eq!(t.ok(Call::Volume, |s| s.volume("data")), v);
}

/// SPEC §4: `VolumeExists` - the ID/name is taken.
pub fn add_volume_with_a_taken_name_is_volume_exists(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_volume(&vol("data")));
    t.fails(Call::AddVolume, VolumeExists, |s| {
        s.add_volume(&vol("data"))
    });
}

/// SPEC §2.1: volume names are a separate space - a volume may be named like a container.
pub fn volume_named_like_a_container_is_fine(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("data", "data")));
    t.ok(Call::AddVolume, |s| s.add_volume(&vol("data")));
    assert!(t.ok(Call::HasVolume, |s| s.has_volume("data")));
}

/// SPEC §5: `remove_volume(vol)` (`InUse` while a stored container uses it).
pub fn remove_volume_in_use_is_in_use(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_volume(&vol("data"))?;
        s.add_container(&ctr("c1", "one").with_volumes(&["data"]))
    });
    t.fails(Call::RemoveVolume, InUse, |s| s.remove_volume(&vol("data")));
}

/// SPEC §4: `NoSuchVolume` for `remove_volume` of a volume that is not stored.
pub fn remove_missing_volume_is_no_such_volume(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_volume(&vol("data")));
    t.fails(Call::RemoveVolume, NoSuchVolume, |s| {
        s.remove_volume(&vol("dat"))
    });
}

/// SPEC §5: `remove_volume` of an unused volume removes it.
pub fn remove_unused_volume_removes_it(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_volume(&vol("data")));
    t.ok(Call::RemoveVolume, |s| s.remove_volume(&vol("data")));
    assert!(!t.ok(Call::HasVolume, |s| s.has_volume("data")));
}

/// SPEC §5: `volume_in_use(vol)` -> IDs of every stored container using it, whatever the
/// handle's namespace, sorted.
pub fn volume_in_use_lists_users_of_every_namespace(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_volume(&vol("data"))?;
        s.add_container(&ctr("c2", "two").in_ns("b").with_volumes(&["data"]))?;
        s.add_container(&ctr("c1", "one").in_ns("a").with_volumes(&["data"]))?;
        s.add_container(&ctr("c3", "three"))
    });
    t.set_ns("a");
    let users = t.ok(Call::VolumeInUse, |s| s.volume_in_use(&vol("data")));
    assert_eq!(users, ["c1", "c2"]);
}

/// SPEC §5 Strings: duplicate ... named-volume names collapse - a container mounting a volume
/// twice is one user.
pub fn a_volume_mounted_twice_counts_one_user(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_volume(&vol("data"))?;
        s.add_container(&ctr("c1", "one").with_volumes(&["data", "data"]))
    });
    let users = t.ok(Call::VolumeInUse, |s| s.volume_in_use(&vol("data")));
    assert_eq!(users, ["c1"]);
}

/// SPEC §4: `NoSuchVolume` for `volume_in_use` of a volume that is not stored.
pub fn volume_in_use_of_a_missing_volume_is_no_such_volume(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.fails(Call::VolumeInUse, NoSuchVolume, |s| {
        s.volume_in_use(&vol("data"))
    });
}

/// SPEC §2.7: nothing dangles after any removal: no ... volume-user - after
/// `remove_container_from_pod` the volume is free (podman's in-memory state kept it "in use").
pub fn volume_is_free_after_its_user_leaves_the_pod(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let m1 = ctr("m1", "member1").in_pod("p1").with_volumes(&["data"]);
    t.given(|s| {
        s.add_volume(&vol("data"))?;
        s.add_pod(&pod("p1", "pod1"))?;
        s.add_container_to_pod(&s.pod("p1")?, &m1)?;
        s.remove_container_from_pod(&s.pod("p1")?, &m1)
    });
    t.ok(Call::RemoveVolume, |s| s.remove_volume(&vol("data")));
}

/// SPEC §5: `remove_pod_containers` removes members "with all their ... volume uses".
pub fn volume_is_free_after_remove_pod_containers(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_volume(&vol("data"))?;
        s.add_pod(&pod("p1", "pod1"))?;
        let m1 = ctr("m1", "member1").in_pod("p1").with_volumes(&["data"]);
        s.add_container_to_pod(&s.pod("p1")?, &m1)?;
        s.remove_pod_containers(&s.pod("p1")?)
    });
    let users = t.ok(Call::VolumeInUse, |s| s.volume_in_use(&vol("data")));
    assert!(users.is_empty());
}

/// SPEC §5: "`volume(name)`" - exact name; a prefix is `NoSuchVolume`.
pub fn volume_by_a_prefix_is_no_such_volume(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_volume(&vol("data")));
    t.fails(Call::Volume, NoSuchVolume, |s| s.volume("dat"));
}

/// SPEC §3: "Volumes ... ignore namespaces" - a handle in a namespace sees every volume.
pub fn volumes_ignore_the_handle_namespace(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_volume(&vol("b"))?;
        s.add_volume(&vol("a"))
    });
    t.set_ns("ns1");
    let all = t.ok(Call::AllVolumes, |s| s.all_volumes());
    assert_eq!(all, [vol("a"), vol("b")]);
}

/// SPEC §5: `save_volume` stores the passed state; its config is not touched.
pub fn save_volume_stores_only_the_state(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_volume(&vol("data")));
    let mut v = vol("data");
    v.state.mount_count = 2;
    v.state.payload = odd_payload("mounted twice");
    v.config.lock_id = 99;
    t.ok(Call::SaveVolume, |s| s.save_volume(&v));
    let stored = t.ok(Call::Volume, |s| s.volume("data"));
    assert_eq!((stored.config, stored.state), (vol("data").config, v.state));
}

/// SPEC §4: `NoSuchVolume` for `save_volume` of a volume that is not stored.
pub fn save_missing_volume_is_no_such_volume(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.fails(Call::SaveVolume, NoSuchVolume, |s| {
        s.save_volume(&vol("data"))
    });
}

/// SPEC §5: `update_volume` replaces the caller's state with the stored one.
pub fn update_volume_reloads_the_state(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let mut stored = vol("data");
    stored.state.mount_count = 4;
    t.given(|s| s.add_volume(&stored));
    let mut mine = vol("data");
    t.ok(Call::UpdateVolume, |s| s.update_volume(&mut mine));
    assert_eq!(mine, stored);
}

/// SPEC §4: `NoSuchVolume` for `update_volume`; Errors leave `&mut` arguments unchanged.
pub fn update_missing_volume_is_no_such_volume_and_keeps_the_object(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let mut mine = vol("data");
    mine.state.mount_count = 8;
    let before = mine.clone();
    t.fails(Call::UpdateVolume, NoSuchVolume, |s| {
        s.update_volume(&mut mine)
    });
    assert_eq!(mine, before);
}
