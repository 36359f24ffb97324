//! Sharp edges of namespace visibility (SPEC §3: an invisible object is skipped at every lookup
//! step, and resolution goes on to the next step): exact IDs and names in other namespaces,
//! ambiguity among visible objects only, and dependencies across namespaces.

use podstate_api::ErrorKind::*;

use crate::Call;
use crate::factory::BackendFactory;
use crate::scenarios::fixtures::*;
use crate::scenarios::harness::Tester;

/// This group's scenarios in the suite's order, which `__for_each_scenario!` chains.
#[macro_export]
#[doc(hidden)]
macro_rules! __scenarios_visibility {
    ($cb:path, $($args:tt)*) => {
        $cb! { ($($args)*) visibility: [
            an_invisible_exact_id_falls_through_to_a_visible_prefix,
            an_invisible_name_falls_through_to_a_visible_prefix,
            an_invisible_exact_id_falls_through_to_a_visible_name,
            ambiguity_counts_visible_containers_only,
            pod_ambiguity_counts_visible_pods_only,
            an_invisible_unique_prefix_is_no_such_ctr,
            an_invisible_exact_id_is_ns_mismatch_for_container,
            an_object_without_namespace_is_invisible_to_a_namespaced_handle,
            an_invisible_dependency_is_ns_mismatch_not_missing,
            an_invisible_holder_still_holds_its_id,
            an_invisible_user_keeps_a_volume_in_use,
            a_session_of_an_invisible_container_resolves,
            removing_sessions_of_an_invisible_container_works,
            a_handle_without_namespace_ignores_the_passed_namespace,
            adding_to_a_pod_stored_in_another_namespace_is_ns_mismatch,
            without_namespace_prefix_matches_across_namespaces_are_ambiguous,
        ] }
    };
}

/// SPEC §3: an invisible exact ID is skipped and the prefix step finds the visible `abcd`.
pub fn an_invisible_exact_id_falls_through_to_a_visible_prefix(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_container(&ctr("abc", "one").in_ns("b"))?;
        s.add_container(&ctr("abcd", "two").in_ns("a"))
    });
    t.set_ns("a");
    assert_eq!(
        t.ok(Call::LookupContainerId, |s| s.lookup_container_id("abc")),
        "abcd"
    );
}

/// SPEC §3: an invisible exact name is skipped and the prefix step finds the visible `abc`.
pub fn an_invisible_name_falls_through_to_a_visible_prefix(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_container(&ctr("x", "ab").in_ns("b"))?;
        s.add_container(&ctr("abc", "two").in_ns("a"))
    });
    t.set_ns("a");
    assert_eq!(
        t.ok(Call::LookupContainer, |s| s.lookup_container("ab"))
            .id(),
        "abc"
    );
}

/// SPEC §3: an invisible exact ID is skipped and the name step finds the visible container named
/// like it.
pub fn an_invisible_exact_id_falls_through_to_a_visible_name(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_container(&ctr("c1", "one").in_ns("b"))?;
        s.add_container(&ctr("zz", "c1").in_ns("a"))
    });
    t.set_ns("a");
    assert_eq!(
        t.ok(Call::LookupContainerId, |s| s.lookup_container_id("c1")),
        "zz"
    );
}

/// SPEC §5: only visible containers take part - two IDs share the prefix, one is invisible:
/// not ambiguous.
pub fn ambiguity_counts_visible_containers_only(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_container(&ctr("abc1", "one").in_ns("a"))?;
        s.add_container(&ctr("abc2", "two").in_ns("b"))
    });
    t.set_ns("a");
    assert_eq!(
        t.ok(Call::LookupContainerId, |s| s.lookup_container_id("abc")),
        "abc1"
    );
}

/// SPEC §5 `lookup_pod` "likewise": ambiguity counts visible pods only.
pub fn pod_ambiguity_counts_visible_pods_only(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_pod(&pod("pa1", "one").in_ns("a"))?;
        s.add_pod(&pod("pa2", "two"))
    });
    t.set_ns("a");
    assert_eq!(t.ok(Call::LookupPod, |s| s.lookup_pod("pa")).id(), "pa1");
}

/// SPEC §5: the handle's namespace holds nothing matching: `NoSuchCtr`, although another
/// namespace holds a unique match.
pub fn an_invisible_unique_prefix_is_no_such_ctr(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("abc1", "one").in_ns("b")));
    t.set_ns("a");
    t.fails(Call::LookupContainer, NoSuchCtr, |s| {
        s.lookup_container("abc")
    });
}

/// SPEC §3: the exact-ID getter `container(id)` answers `NsMismatch` where the lookup answered
/// `NoSuchCtr` - the same invisible container, two different kinds.
pub fn an_invisible_exact_id_is_ns_mismatch_for_container(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("abc", "one").in_ns("b")));
    t.set_ns("a");
    t.fails(Call::Container, NsMismatch, |s| s.container("abc"));
}

/// SPEC §3: an object in no namespace is invisible to a handle in a namespace (`NsMismatch` for
/// the exact getter).
pub fn an_object_without_namespace_is_invisible_to_a_namespaced_handle(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("p1", "pod1")));
    t.set_ns("a");
    t.fails(Call::Pod, NsMismatch, |s| s.pod("p1"));
}

/// SPEC §5 `add_container`: a dependency the handle cannot see still exists - it is in another
/// namespace (`NsMismatch`), not missing (`NoSuchCtr`).
pub fn an_invisible_dependency_is_ns_mismatch_not_missing(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("db", "db").in_ns("b")));
    t.set_ns("a");
    t.fails(Call::AddContainer, NsMismatch, |s| {
        s.add_container(&ctr("app", "app").in_ns("a").with_deps(&["db"]))
    });
}

/// SPEC §2.1: IDs are global - a handle in `a` cannot add a pod whose ID an invisible container
/// in `b` holds (`CtrExists`, naming the holder).
pub fn an_invisible_holder_still_holds_its_id(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("x1", "one").in_ns("b")));
    t.set_ns("a");
    assert!(!t.ok(Call::HasContainer, |s| s.has_container("x1")));
    t.fails(Call::AddPod, CtrExists, |s| {
        s.add_pod(&pod("x1", "pod1").in_ns("a"))
    });
}

/// SPEC §5: `volume_in_use(vol)` -> IDs of every stored container using it, whatever the
/// handle's namespace - so an invisible user still blocks `remove_volume`.
pub fn an_invisible_user_keeps_a_volume_in_use(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_volume(&vol("data"))?;
        s.add_container(&ctr("c1", "one").in_ns("b").with_volumes(&["data"]))
    });
    t.set_ns("a");
    t.fails(Call::RemoveVolume, InUse, |s| s.remove_volume(&vol("data")));
}

/// SPEC §3: `get_exec_session` ignores namespaces - a session of an invisible container resolves.
pub fn a_session_of_an_invisible_container_resolves(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        let c = ctr("c1", "one").in_ns("b");
        s.add_container(&c)?;
        s.add_exec_session(&c, &exec("e1", "c1"))
    });
    t.set_ns("a");
    assert_eq!(
        t.ok(Call::GetExecSession, |s| s.get_exec_session("e1")),
        "c1"
    );
}

/// SPEC §3: `remove_container_exec_sessions` ignores namespaces - it clears a foreign
/// container's sessions.
pub fn removing_sessions_of_an_invisible_container_works(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let c = ctr("c1", "one").in_ns("b");
    t.given(|s| {
        s.add_container(&c)?;
        s.add_exec_session(&c, &exec("e1", "c1"))
    });
    t.set_ns("a");
    t.ok(Call::RemoveContainerExecSessions, |s| {
        s.remove_container_exec_sessions(&c)
    });
    let left = t.ok(Call::GetContainerExecSessions, |s| {
        s.get_container_exec_sessions(&c)
    });
    assert!(left.is_empty());
}

/// SPEC §3: the `NsMismatch` rules hold with a namespace set - a handle in `""` ignores the
/// passed namespace: "the stored object's namespace and pod are what count".
pub fn a_handle_without_namespace_ignores_the_passed_namespace(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c1", "one").in_ns("a")));
    let mut mine = ctr("c1", "one").in_ns("elsewhere");
    mine.state.pid = 5;
    t.ok(Call::SaveContainer, |s| s.save_container(&mine));
    let stored = t.ok(Call::Container, |s| s.container("c1"));
    assert_eq!(
        (stored.config.namespace.as_str(), stored.state.pid),
        ("a", 5)
    );
}

/// SPEC §4 step 4: `add_container_to_pod` checks the stored pod against the
/// handle - a pod stored in `b`, passed as if in `a`, is `NsMismatch`.
pub fn adding_to_a_pod_stored_in_another_namespace_is_ns_mismatch(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("p1", "pod1").in_ns("b")));
    t.set_ns("a");
    t.fails(Call::AddContainerToPod, NsMismatch, |s| {
        s.add_container_to_pod(
            &pod("p1", "pod1").in_ns("a"),
            &ctr("m1", "member1").in_ns("a").in_pod("p1"),
        )
    });
}

/// SPEC §3: with no namespace set every container is visible, so a prefix matching one
/// container in `a` and one in `b` is `Ambiguous`, not a hit on the first namespace's.
pub fn without_namespace_prefix_matches_across_namespaces_are_ambiguous(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_container(&ctr("f00a", "web").in_ns("a"))?;
        s.add_container(&ctr("f00b", "db").in_ns("b"))
    });
    t.fails(Call::LookupContainerId, Ambiguous, |s| {
        s.lookup_container_id("f00")
    });
}
