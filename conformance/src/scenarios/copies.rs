//! Objects in and out: independent copies, verbatim payloads and times, and the state-only calls
//! `save_container`, `update_container`, `save_pod`, `update_pod` (SPEC §1, §3: a passed object is
//! identified by its ID).

use podstate_api::ErrorKind::*;
use podstate_api::{ContainerStatus, Payload, Timestamp};

use crate::Call;
use crate::factory::BackendFactory;
use crate::scenarios::fixtures::*;
use crate::scenarios::harness::Tester;

/// This group's scenarios in the suite's order, which `__for_each_scenario!` chains.
#[macro_export]
#[doc(hidden)]
macro_rules! __scenarios_copies {
    ($cb:path, $($args:tt)*) => {
        $cb! { ($($args)*) copies: [
            mutating_a_returned_container_changes_nothing,
            mutating_an_added_object_afterwards_changes_nothing,
            mutating_returned_pods_and_volumes_changes_nothing,
            payloads_round_trip_byte_for_byte,
            timestamps_round_trip_to_the_nanosecond,
            config_lists_keep_their_order,
            save_container_stores_the_state_not_the_config,
            save_missing_container_is_no_such_ctr,
            update_container_reloads_only_the_state,
            update_missing_container_is_no_such_ctr_and_keeps_the_object,
            save_pod_then_update_pod_carries_the_state,
            save_missing_pod_is_no_such_pod,
            update_missing_pod_is_no_such_pod_and_keeps_the_object,
        ] }
    };
}

/// SPEC §1: retrievals return **independent copies** ... Nothing a caller does to a returned
/// object changes the store until it calls a mutating method.
pub fn mutating_a_returned_container_changes_nothing(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let c = ctr("c1", "one").with_networks(&["n"]);
    t.given(|s| s.add_container(&c));
    let mut got = t.ok(Call::LookupContainer, |s| s.lookup_container("one"));
    got.config.name = "changed".into();
    got.config.networks.push("m".into());
    got.state.pid = 99;
    let mut all = t.ok(Call::AllContainers, |s| s.all_containers());
    all[0].state.status = ContainerStatus::Running;
    assert_eq!(t.ok(Call::Container, |s| s.container("c1")), c);
}

/// SPEC §1: independent copies - the caller's object passed to `add_container` is not kept by
/// reference.
pub fn mutating_an_added_object_afterwards_changes_nothing(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let mut c = ctr("c1", "one");
    t.ok(Call::AddContainer, |s| s.add_container(&c));
    let original = c.clone();
    c.state.mounted = true;
    c.config.lock_id = 1;
    assert_eq!(t.ok(Call::Container, |s| s.container("c1")), original);
}

/// SPEC §1: independent copies - pods from `all_pods` and volumes from `lookup_volume`.
pub fn mutating_returned_pods_and_volumes_changes_nothing(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_pod(&pod("p1", "pod1"))?;
        s.add_volume(&vol("data"))
    });
    let mut pods = t.ok(Call::AllPods, |s| s.all_pods());
    pods[0].state.cgroup_path = "/x".into();
    let mut v = t.ok(Call::LookupVolume, |s| s.lookup_volume("da"));
    v.state.mount_count = 9;
    assert_eq!(t.ok(Call::Pod, |s| s.pod("p1")), pod("p1", "pod1"));
    assert_eq!(t.ok(Call::Volume, |s| s.volume("data")), vol("data"));
}

/// SPEC §1: payloads stay raw JSON text ... and round-trip byte for byte - whitespace, key
/// order, escapes and number spellings included.
pub fn payloads_round_trip_byte_for_byte(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let text = "{\"b\":1,  \"a\" :[2, 1.0e0, \"\\u00e9\\n\"],\t\"a\":null }";
    let mut c = ctr("c1", "one");
    c.config.payload = Payload::from_json(text).expect("valid JSON");
    c.state
        .exec_sessions
        .insert("e1".into(), Payload::from_json(" [ ] ").expect("valid"));
    t.ok(Call::AddContainer, |s| s.add_container(&c));
    let got = t.ok(Call::GetContainerConfig, |s| s.get_container_config("c1"));
    assert_eq!(got.payload.as_str(), text);
    assert_eq!(t.ok(Call::Container, |s| s.container("c1")), c);
}

/// SPEC §1: timestamps are UTC with nanosecond precision and round-trip exactly - before 1970
/// too.
pub fn timestamps_round_trip_to_the_nanosecond(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let mut c = ctr("c1", "one");
    c.config.created = Timestamp::new(-1, 999_999_999).expect("valid");
    c.state.finished_at = Some(Timestamp::new(4_102_444_800, 1).expect("valid"));
    t.ok(Call::AddContainer, |s| s.add_container(&c));
    assert_eq!(t.ok(Call::Container, |s| s.container("c1")), c);
}

/// SPEC §1: configs are returned verbatim as added (lists keep their order) while computed lists
/// are sorted.
pub fn config_lists_keep_their_order(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_volume(&vol("z"))?;
        s.add_volume(&vol("a"))?;
        s.add_container(&ctr("d2", "two"))?;
        s.add_container(&ctr("d1", "one"))
    });
    let c = ctr("c1", "x")
        .with_volumes(&["z", "a"])
        .with_deps(&["d2", "d1"])
        .with_networks(&["nz", "na"]);
    t.ok(Call::AddContainer, |s| s.add_container(&c));
    assert_eq!(
        t.ok(Call::GetContainerConfig, |s| s.get_container_config("c1")),
        c.config
    );
}

/// SPEC §5: `save_container(ctr)` stores its state (never its config).
pub fn save_container_stores_the_state_not_the_config(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let stored = ctr("c1", "one");
    t.given(|s| s.add_container(&stored));
    let mut mine = ctr("c1", "renamed-locally").with_status(ContainerStatus::Running);
    mine.state.pid = 1234;
    mine.state.payload = odd_payload("running");
    t.ok(Call::SaveContainer, |s| s.save_container(&mine));
    let got = t.ok(Call::Container, |s| s.container("c1"));
    assert_eq!((got.config, got.state), (stored.config, mine.state));
}

/// SPEC §4: `NoSuchCtr` - `save_container` of a container that is not stored.
pub fn save_missing_container_is_no_such_ctr(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c1", "one")));
    t.fails(Call::SaveContainer, NoSuchCtr, |s| {
        s.save_container(&ctr("c2", "one"))
    });
}

/// SPEC §5: `update_container(ctr)` reloads the state into the caller's object (the config is
/// left alone).
pub fn update_container_reloads_only_the_state(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let mut stored = ctr("c1", "one");
    stored.state.restart_count = 2;
    t.given(|s| s.add_container(&stored));
    let mut mine = ctr("c1", "local-name");
    t.ok(Call::UpdateContainer, |s| s.update_container(&mut mine));
    assert_eq!(mine.config, ctr("c1", "local-name").config);
    assert_eq!(mine.state, stored.state);
}

/// SPEC §4: `NoSuchCtr` for `update_container`; Errors leave `&mut` arguments unchanged.
pub fn update_missing_container_is_no_such_ctr_and_keeps_the_object(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let mut mine = ctr("c1", "one").with_status(ContainerStatus::Paused);
    let before = mine.clone();
    t.fails(Call::UpdateContainer, NoSuchCtr, |s| {
        s.update_container(&mut mine)
    });
    assert_eq!(mine, before);
}

/// SPEC §5: `save_pod` stores the passed pod's state; `update_pod` reloads it into another copy.
pub fn save_pod_then_update_pod_carries_the_state(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("p1", "pod1")));
    let mut mine = pod("p1", "pod1");
    mine.state.cgroup_path = "/sys/fs/cgroup/p1".into();
    mine.state.payload = odd_payload("pod state");
    t.ok(Call::SavePod, |s| s.save_pod(&mine));
    let mut other = pod("p1", "pod1");
    t.ok(Call::UpdatePod, |s| s.update_pod(&mut other));
    assert_eq!(other, mine);
}

/// SPEC §4: `NoSuchPod` - `save_pod` of a pod that is not stored.
pub fn save_missing_pod_is_no_such_pod(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.fails(Call::SavePod, NoSuchPod, |s| s.save_pod(&pod("p1", "pod1")));
}

/// SPEC §4: `NoSuchPod` for `update_pod`; Errors leave `&mut` arguments unchanged.
pub fn update_missing_pod_is_no_such_pod_and_keeps_the_object(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let mut mine = pod("p1", "pod1");
    mine.state.infra_container_id = "infra".into();
    let before = mine.clone();
    t.fails(Call::UpdatePod, NoSuchPod, |s| s.update_pod(&mut mine));
    assert_eq!(mine, before);
}
