//! The exec-session registry: `add_exec_session`, `get_exec_session`, `remove_exec_session`,
//! `get_container_exec_sessions`, `remove_container_exec_sessions` (SPEC §5 Exec sessions,
//! §1 on exec sessions, §2.5).

use podstate_api::ErrorKind::*;

use crate::Call;
use crate::factory::BackendFactory;
use crate::scenarios::fixtures::*;
use crate::scenarios::harness::Tester;

/// This group's scenarios in the suite's order, which `__for_each_scenario!` chains.
#[macro_export]
#[doc(hidden)]
macro_rules! __scenarios_exec {
    ($cb:path, $($args:tt)*) => {
        $cb! { ($($args)*) exec: [
            added_session_resolves_to_its_container,
            add_session_to_a_missing_container_is_no_such_ctr,
            add_session_naming_another_container_is_invalid_arg,
            add_session_with_an_id_used_by_another_container_is_exec_session_exists,
            session_id_may_equal_a_container_id,
            add_session_leaves_the_container_state_alone,
            sessions_in_the_state_are_not_registered,
            removed_session_is_no_longer_registered,
            remove_unregistered_session_is_no_such_exec_session,
            remove_session_of_another_container_is_invalid_arg,
            remove_session_ignores_the_handle_namespace,
            container_sessions_are_listed_sorted_whatever_the_namespace,
            container_sessions_of_a_missing_container_is_no_such_ctr,
            removing_all_sessions_unblocks_container_removal,
            remove_sessions_of_a_missing_container_is_no_such_ctr,
            remove_container_with_a_session_is_in_use,
            remove_member_with_a_session_is_in_use,
            remove_pod_containers_drops_their_sessions,
            add_session_to_a_container_of_another_namespace_is_ns_mismatch,
        ] }
    };
}

/// SPEC §5: `get_exec_session(id)` -> container ID of a registered session.
pub fn added_session_resolves_to_its_container(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c1", "one")));
    t.ok(Call::AddExecSession, |s| {
        s.add_exec_session(&ctr("c1", "one"), &exec("e1", "c1"))
    });
    assert_eq!(
        t.ok(Call::GetExecSession, |s| s.get_exec_session("e1")),
        "c1"
    );
}

/// SPEC §5: `add_exec_session(ctr, s)` - container exists (step 4).
pub fn add_session_to_a_missing_container_is_no_such_ctr(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.fails(Call::AddExecSession, NoSuchCtr, |s| {
        s.add_exec_session(&ctr("c1", "one"), &exec("e1", "c1"))
    });
}

/// SPEC §5: then `s.container_id` must equal the ctr ID (`InvalidArg`).
pub fn add_session_naming_another_container_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_container(&ctr("c1", "one"))?;
        s.add_container(&ctr("c2", "two"))
    });
    t.fails(Call::AddExecSession, InvalidArg, |s| {
        s.add_exec_session(&ctr("c1", "one"), &exec("e1", "c2"))
    });
}

/// SPEC §5: then the session ID is unused (`ExecSessionExists`) - across containers.
pub fn add_session_with_an_id_used_by_another_container_is_exec_session_exists(
    f: &dyn BackendFactory,
) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_container(&ctr("c1", "one"))?;
        s.add_container(&ctr("c2", "two"))?;
        s.add_exec_session(&s.container("c1")?, &exec("e1", "c1"))
    });
    t.fails(Call::AddExecSession, ExecSessionExists, |s| {
        s.add_exec_session(&ctr("c2", "two"), &exec("e1", "c2"))
    });
}

/// SPEC §2.1: exec session IDs are a separate space - a session may be named like a container.
pub fn session_id_may_equal_a_container_id(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c1", "one")));
    t.ok(Call::AddExecSession, |s| {
        s.add_exec_session(&ctr("c1", "one"), &exec("c1", "c1"))
    });
    assert_eq!(
        t.ok(Call::GetExecSession, |s| s.get_exec_session("c1")),
        "c1"
    );
}

/// SPEC §1: exec calls touch only the registry - the container's state is unchanged.
pub fn add_session_leaves_the_container_state_alone(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let c = ctr("c1", "one");
    t.given(|s| s.add_container(&c));
    t.ok(Call::AddExecSession, |s| {
        s.add_exec_session(&c, &exec("e1", "c1"))
    });
    assert_eq!(t.ok(Call::Container, |s| s.container("c1")), c);
}

/// SPEC §1: exec calls touch only the registry, `save_container` only the state - a session in
/// the state is not registered.
pub fn sessions_in_the_state_are_not_registered(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let mut c = ctr("c1", "one");
    t.given(|s| s.add_container(&c));
    c.state
        .exec_sessions
        .insert("e1".into(), odd_payload("exec e1"));
    t.given(|s| s.save_container(&c));
    t.fails(Call::GetExecSession, NoSuchExecSession, |s| {
        s.get_exec_session("e1")
    });
}

/// SPEC §5: `remove_exec_session(s)` - the registration is gone afterwards.
pub fn removed_session_is_no_longer_registered(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_container(&ctr("c1", "one"))?;
        s.add_exec_session(&s.container("c1")?, &exec("e1", "c1"))?;
        s.add_exec_session(&s.container("c1")?, &exec("e2", "c1"))
    });
    t.ok(Call::RemoveExecSession, |s| {
        s.remove_exec_session(&exec("e1", "c1"))
    });
    let left = t.ok(Call::GetContainerExecSessions, |s| {
        s.get_container_exec_sessions(&ctr("c1", "one"))
    });
    assert_eq!(left, ["e2"]);
}

/// SPEC §5: `remove_exec_session(s)` - registered (else `NoSuchExecSession`).
pub fn remove_unregistered_session_is_no_such_exec_session(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_container(&ctr("c1", "one"))?;
        s.add_exec_session(&s.container("c1")?, &exec("e1", "c1"))
    });
    t.fails(Call::RemoveExecSession, NoSuchExecSession, |s| {
        s.remove_exec_session(&exec("e2", "c1"))
    });
}

/// SPEC §5: `remove_exec_session(s)` - and to `s.container_id` (else `InvalidArg`).
pub fn remove_session_of_another_container_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_container(&ctr("c1", "one"))?;
        s.add_container(&ctr("c2", "two"))?;
        s.add_exec_session(&s.container("c1")?, &exec("e1", "c1"))
    });
    t.fails(Call::RemoveExecSession, InvalidArg, |s| {
        s.remove_exec_session(&exec("e1", "c2"))
    });
}

/// SPEC §3: all exec-session calls except `add_exec_session` ... ignore namespaces.
pub fn remove_session_ignores_the_handle_namespace(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_container(&ctr("c1", "one").in_ns("a"))?;
        s.add_exec_session(&s.container("c1")?, &exec("e1", "c1"))
    });
    t.set_ns("b");
    t.ok(Call::RemoveExecSession, |s| {
        s.remove_exec_session(&exec("e1", "c1"))
    });
    t.fails(Call::GetExecSession, NoSuchExecSession, |s| {
        s.get_exec_session("e1")
    });
}

/// SPEC §3: `get_container_exec_sessions` ignores namespaces - a foreign container's sessions are
/// listed, sorted, with no `NsMismatch`.
pub fn container_sessions_are_listed_sorted_whatever_the_namespace(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let c = ctr("c1", "one").in_ns("a");
    t.given(|s| {
        s.add_container(&c)?;
        s.add_exec_session(&c, &exec("e3", "c1"))?;
        s.add_exec_session(&c, &exec("e1", "c1"))
    });
    t.set_ns("b");
    let ids = t.ok(Call::GetContainerExecSessions, |s| {
        s.get_container_exec_sessions(&c)
    });
    assert_eq!(ids, ["e1", "e3"]);
}

/// SPEC §4: `NoSuchCtr` for `get_container_exec_sessions` of a container that is not stored.
pub fn container_sessions_of_a_missing_container_is_no_such_ctr(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.fails(Call::GetContainerExecSessions, NoSuchCtr, |s| {
        s.get_container_exec_sessions(&ctr("c1", "one"))
    });
}

/// SPEC §5: `remove_container_exec_sessions(ctr)` drops every registration, so the container can
/// go (`remove_container` refuses while sessions are registered).
pub fn removing_all_sessions_unblocks_container_removal(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let c = ctr("c1", "one");
    t.given(|s| {
        s.add_container(&c)?;
        s.add_exec_session(&c, &exec("e1", "c1"))?;
        s.add_exec_session(&c, &exec("e2", "c1"))
    });
    t.ok(Call::RemoveContainerExecSessions, |s| {
        s.remove_container_exec_sessions(&c)
    });
    t.ok(Call::RemoveContainer, |s| s.remove_container(&c));
}

/// SPEC §4: `NoSuchCtr` for `remove_container_exec_sessions` of a container that is not stored.
pub fn remove_sessions_of_a_missing_container_is_no_such_ctr(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.fails(Call::RemoveContainerExecSessions, NoSuchCtr, |s| {
        s.remove_container_exec_sessions(&ctr("c1", "one"))
    });
}

/// SPEC §5: `remove_container(ctr)` - ... no registered exec sessions (`InUse`).
pub fn remove_container_with_a_session_is_in_use(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_container(&ctr("c1", "one"))?;
        s.add_exec_session(&s.container("c1")?, &exec("e1", "c1"))
    });
    t.fails(Call::RemoveContainer, InUse, |s| {
        s.remove_container(&ctr("c1", "one"))
    });
}

/// SPEC §5: `remove_container_from_pod` as `remove_container`: registered sessions are `InUse`.
pub fn remove_member_with_a_session_is_in_use(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let m1 = ctr("m1", "member1").in_pod("p1");
    t.given(|s| {
        s.add_pod(&pod("p1", "pod1"))?;
        s.add_container_to_pod(&s.pod("p1")?, &m1)?;
        s.add_exec_session(&m1, &exec("e1", "m1"))
    });
    t.fails(Call::RemoveContainerFromPod, InUse, |s| {
        s.remove_container_from_pod(&pod("p1", "pod1"), &m1)
    });
}

/// SPEC §5: `remove_pod_containers` removes members "with all their ... exec registrations".
pub fn remove_pod_containers_drops_their_sessions(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let m1 = ctr("m1", "member1").in_pod("p1");
    t.given(|s| {
        s.add_pod(&pod("p1", "pod1"))?;
        s.add_container_to_pod(&s.pod("p1")?, &m1)?;
        s.add_exec_session(&m1, &exec("e1", "m1"))
    });
    t.ok(Call::RemovePodContainers, |s| {
        s.remove_pod_containers(&pod("p1", "pod1"))
    });
    t.fails(Call::GetExecSession, NoSuchExecSession, |s| {
        s.get_exec_session("e1")
    });
}

/// SPEC §3: `add_exec_session` honours namespaces - a container of another namespace is
/// `NsMismatch`.
pub fn add_session_to_a_container_of_another_namespace_is_ns_mismatch(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let c = ctr("c1", "one").in_ns("a");
    t.given(|s| s.add_container(&c));
    t.set_ns("b");
    t.fails(Call::AddExecSession, NsMismatch, |s| {
        s.add_exec_session(&c, &exec("e1", "c1"))
    });
}
