//! SPEC §4 check order across steps: 1 closed; 2 argument shape ...; 3 namespace of each passed
//! object vs the handle (pod before container); 4 existence of the target (pod before container
//! where both are named), then the stored object's namespace (`NsMismatch`) and pod (`InvalidArg`);
//! 5 the call's own rules. Each story breaks two rules at once; the one ordered first answers.
//! The order within step 5 is in [`check_order_rules`](super::check_order_rules).

use podstate_api::ErrorKind::*;

use crate::Call;
use crate::factory::BackendFactory;
use crate::scenarios::fixtures::*;
use crate::scenarios::harness::Tester;

/// This group's scenarios in the suite's order, which `__for_each_scenario!` chains.
#[macro_export]
#[doc(hidden)]
macro_rules! __scenarios_check_order {
    ($cb:path, $($args:tt)*) => {
        $cb! { ($($args)*) check_order: [
            closed_beats_an_empty_id,
            closed_beats_pod_misuse,
            closed_beats_a_nul_namespace,
            empty_name_beats_a_foreign_namespace,
            pod_misuse_beats_a_foreign_namespace,
            remove_pod_misuse_beats_a_foreign_namespace,
            member_pod_mismatch_beats_a_foreign_pod,
            bad_rewrite_config_beats_a_foreign_container,
            empty_network_beats_a_missing_container,
            foreign_passed_container_beats_a_missing_one,
            foreign_passed_pod_beats_a_missing_one,
            foreign_member_beats_a_missing_pod,
            foreign_update_beats_a_missing_container,
            missing_pod_beats_a_missing_member,
            missing_member_beats_a_pod_stored_elsewhere,
            stored_namespace_beats_stored_pod,
            stored_pod_beats_dependents,
            missing_pod_beats_a_taken_id,
            member_namespace_beats_a_taken_id,
            missing_container_beats_a_mismatched_session,
            missing_container_beats_an_identity_change,
            stored_namespace_beats_network_exists,
        ] }
    };
}

/// SPEC §4 step 1 before 2: a closed handle answers `DbClosed` to `get_name("")`.
pub fn closed_beats_an_empty_id(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.ok(Call::Close, |s| s.close());
    t.fails(Call::GetName, DbClosed, |s| s.get_name(""));
}

/// SPEC §4 step 1 before 2: a closed handle answers `DbClosed` to `add_container` with `pod` set.
pub fn closed_beats_pod_misuse(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.ok(Call::Close, |s| s.close());
    t.fails(Call::AddContainer, DbClosed, |s| {
        s.add_container(&ctr("c1", "one").in_pod("p1"))
    });
}

/// SPEC §4 step 1 before 2: a closed handle answers `DbClosed` to `set_namespace` with a NUL.
pub fn closed_beats_a_nul_namespace(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.ok(Call::Close, |s| s.close());
    t.fails(Call::SetNamespace, DbClosed, |s| s.set_namespace("a\0"));
}

/// SPEC §4 step 2 before 3: an empty name beats a namespace that differs from the handle's.
pub fn empty_name_beats_a_foreign_namespace(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.set_ns("a");
    t.fails(Call::AddContainer, InvalidArg, |s| {
        s.add_container(&ctr("c1", "").in_ns("b"))
    });
}

/// SPEC §4 step 2 before 3: pod-field misuse of the passed object beats a foreign namespace.
pub fn pod_misuse_beats_a_foreign_namespace(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.set_ns("a");
    t.fails(Call::AddContainer, InvalidArg, |s| {
        s.add_container(&ctr("c1", "one").in_ns("b").in_pod("p1"))
    });
}

/// SPEC §4 step 2 before 3: `remove_container` of a passed pod member in a foreign namespace.
pub fn remove_pod_misuse_beats_a_foreign_namespace(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c1", "one").in_ns("b")));
    t.set_ns("a");
    t.fails(Call::RemoveContainer, InvalidArg, |s| {
        s.remove_container(&ctr("c1", "one").in_ns("b").in_pod("p9"))
    });
}

/// SPEC §4 step 2 before 3: `ctr.pod` not the pod's ID beats a passed pod of a foreign namespace.
pub fn member_pod_mismatch_beats_a_foreign_pod(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("p1", "pod1").in_ns("b")));
    t.set_ns("a");
    t.fails(Call::AddContainerToPod, InvalidArg, |s| {
        s.add_container_to_pod(
            &pod("p1", "pod1").in_ns("b"),
            &ctr("m1", "member1").in_ns("a").in_pod("p2"),
        )
    });
}

/// SPEC §4 step 2 before 3: a bad new config beats a foreign container in
/// `rewrite_container_config`.
pub fn bad_rewrite_config_beats_a_foreign_container(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let c = ctr("c1", "one").in_ns("b");
    t.given(|s| s.add_container(&c));
    t.set_ns("a");
    let cfg = ctr("c1", "").in_ns("b").config;
    t.fails(Call::RewriteContainerConfig, InvalidArg, |s| {
        s.rewrite_container_config(&c, &cfg)
    });
}

/// SPEC §4 step 2 before 4: an empty network beats a container that does not exist.
pub fn empty_network_beats_a_missing_container(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.fails(Call::GetNetworkAliases, InvalidArg, |s| {
        s.get_network_aliases(&ctr("c1", "one"), "")
    });
}

/// SPEC §4 step 3 before 4: a passed container of a foreign namespace beats its absence.
pub fn foreign_passed_container_beats_a_missing_one(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.set_ns("a");
    t.fails(Call::RemoveContainer, NsMismatch, |s| {
        s.remove_container(&ctr("c1", "one").in_ns("b"))
    });
}

/// SPEC §4 step 3 before 4: a passed pod of a foreign namespace beats its absence.
pub fn foreign_passed_pod_beats_a_missing_one(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.set_ns("a");
    t.fails(Call::RemovePod, NsMismatch, |s| {
        s.remove_pod(&pod("p1", "pod1").in_ns("b"))
    });
}

/// SPEC §4 step 3 before 4: in `add_container_to_pod`, a container of a foreign namespace beats a
/// pod that does not exist.
pub fn foreign_member_beats_a_missing_pod(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.set_ns("a");
    t.fails(Call::AddContainerToPod, NsMismatch, |s| {
        s.add_container_to_pod(
            &pod("p1", "pod1").in_ns("a"),
            &ctr("m1", "member1").in_ns("b").in_pod("p1"),
        )
    });
}

/// SPEC §4 step 3 before 4: `update_container` of a missing container passed in a foreign
/// namespace.
pub fn foreign_update_beats_a_missing_container(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.set_ns("a");
    let mut mine = ctr("c1", "one").in_ns("b");
    t.fails(Call::UpdateContainer, NsMismatch, |s| {
        s.update_container(&mut mine)
    });
}

/// SPEC §4 step 4, pod before container: both missing in `remove_container_from_pod` is
/// `NoSuchPod`.
pub fn missing_pod_beats_a_missing_member(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.fails(Call::RemoveContainerFromPod, NoSuchPod, |s| {
        s.remove_container_from_pod(&pod("p1", "pod1"), &ctr("m1", "member1").in_pod("p1"))
    });
}

/// SPEC §4 step 4, existence ... then the stored object's namespace: a missing member beats a pod
/// stored in another namespace.
pub fn missing_member_beats_a_pod_stored_elsewhere(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("p1", "pod1").in_ns("b")));
    t.set_ns("a");
    t.fails(Call::RemoveContainerFromPod, NoSuchCtr, |s| {
        s.remove_container_from_pod(
            &pod("p1", "pod1").in_ns("a"),
            &ctr("m1", "member1").in_ns("a").in_pod("p1"),
        )
    });
}

/// SPEC §4 step 4, stored namespace before stored pod: a container stored in another namespace and
/// in a pod is `NsMismatch` for `remove_container`.
pub fn stored_namespace_beats_stored_pod(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_pod(&pod("p1", "pod1").in_ns("b"))?;
        s.add_container_to_pod(&s.pod("p1")?, &ctr("m1", "member1").in_ns("b").in_pod("p1"))
    });
    t.set_ns("a");
    t.fails(Call::RemoveContainer, NsMismatch, |s| {
        s.remove_container(&ctr("m1", "member1").in_ns("a"))
    });
}

/// SPEC §4 step 4 before 5: the stored container's pod (`InvalidArg`) beats its dependents
/// (`InUse`).
pub fn stored_pod_beats_dependents(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_pod(&pod("p1", "pod1"))?;
        let p1 = s.pod("p1")?;
        s.add_container_to_pod(&p1, &ctr("m1", "member1").in_pod("p1"))?;
        s.add_container_to_pod(&p1, &ctr("m2", "member2").in_pod("p1").with_deps(&["m1"]))
    });
    t.fails(Call::RemoveContainer, InvalidArg, |s| {
        s.remove_container(&ctr("m1", "member1"))
    });
}

/// SPEC §4 step 4 before 5: a missing pod beats a taken container ID in `add_container_to_pod`.
pub fn missing_pod_beats_a_taken_id(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c1", "one")));
    t.fails(Call::AddContainerToPod, NoSuchPod, |s| {
        s.add_container_to_pod(&pod("p1", "pod1"), &ctr("c1", "member1").in_pod("p1"))
    });
}

/// SPEC §4 step 4 before 5: a container namespace unlike the pod's beats a taken container ID.
pub fn member_namespace_beats_a_taken_id(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_pod(&pod("p1", "pod1").in_ns("a"))?;
        s.add_container(&ctr("c1", "one"))
    });
    t.fails(Call::AddContainerToPod, NsMismatch, |s| {
        s.add_container_to_pod(
            &pod("p1", "pod1").in_ns("a"),
            &ctr("c1", "member1").in_ns("b").in_pod("p1"),
        )
    });
}

/// SPEC §5: `add_exec_session` - container exists (step 4); then `s.container_id` must equal:
/// a missing container beats a mismatched session.
pub fn missing_container_beats_a_mismatched_session(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c2", "two")));
    t.fails(Call::AddExecSession, NoSuchCtr, |s| {
        s.add_exec_session(&ctr("c1", "one"), &exec("e1", "c2"))
    });
}

/// SPEC §5: `rewrite_container_config` - identity is compared after the existence check.
pub fn missing_container_beats_an_identity_change(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let cfg = ctr("c1", "renamed").config;
    t.fails(Call::RewriteContainerConfig, NoSuchCtr, |s| {
        s.rewrite_container_config(&ctr("c1", "one"), &cfg)
    });
}

/// SPEC §4 step 4 before 5: a container stored in another namespace beats an already connected
/// network.
pub fn stored_namespace_beats_network_exists(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c1", "one").in_ns("b").with_networks(&["n"])));
    t.set_ns("a");
    t.fails(Call::NetworkConnect, NsMismatch, |s| {
        s.network_connect(&ctr("c1", "one").in_ns("a"), "n", &[])
    });
}
