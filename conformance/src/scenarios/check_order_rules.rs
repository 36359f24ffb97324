//! SPEC §4 check order inside step 5: the call's own rules in the order listed in §5.
//! Dependencies are checked one at a time in sorted order, each through all its rules before the
//! next. Each story breaks two of a call's own rules; the one listed first answers.

use podstate_api::DbConfig;
use podstate_api::ErrorKind::*;

use crate::Call;
use crate::factory::BackendFactory;
use crate::scenarios::fixtures::*;
use crate::scenarios::harness::Tester;

/// This group's scenarios in the suite's order, which `__for_each_scenario!` chains.
#[macro_export]
#[doc(hidden)]
macro_rules! __scenarios_check_order_rules {
    ($cb:path, $($args:tt)*) => {
        $cb! { ($($args)*) check_order_rules: [
            taken_id_beats_a_taken_name,
            add_pod_taken_id_beats_a_taken_name,
            taken_name_beats_a_stray_alias,
            stray_alias_beats_a_missing_dependency,
            missing_dependency_beats_a_missing_volume,
            dependencies_are_checked_in_sorted_order,
            the_first_dependency_in_byte_order_answers,
            each_dependency_is_checked_whole_before_the_next,
            an_earlier_missing_dependency_beats_self_dependency,
            self_dependency_beats_a_later_missing_one,
            member_dependency_outside_the_pod_beats_a_missing_volume,
            mismatched_session_beats_a_taken_session_id,
            validate_names_the_first_mismatching_field,
            unregistered_session_beats_a_missing_container,
        ] }
    };
}

/// SPEC §5 `add_container`: then ID, name - an ID held by a pod beats a name held by a
/// container (`PodExists`, naming the ID's holder).
pub fn taken_id_beats_a_taken_name(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_pod(&pod("x1", "pod1"))?;
        s.add_container(&ctr("c1", "web"))
    });
    t.fails(Call::AddContainer, PodExists, |s| {
        s.add_container(&ctr("x1", "web"))
    });
}

/// SPEC §5 `add_pod`: "ID, name" - an ID held by a container beats a name held by a pod.
pub fn add_pod_taken_id_beats_a_taken_name(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_container(&ctr("x1", "one"))?;
        s.add_pod(&pod("p1", "web"))
    });
    t.fails(Call::AddPod, CtrExists, |s| s.add_pod(&pod("x1", "web")));
}

/// SPEC §5 `add_container`: name, aliases only for listed networks - a taken name beats an
/// alias for an unlisted network.
pub fn taken_name_beats_a_stray_alias(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c1", "web")));
    let c = ctr("c2", "web").with_aliases("n", &["a"]);
    t.fails(Call::AddContainer, CtrExists, |s| s.add_container(&c));
}

/// SPEC §5 `add_container`: aliases come before dependencies - a stray alias beats a missing
/// dependency.
pub fn stray_alias_beats_a_missing_dependency(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let c = ctr("c1", "one")
        .with_aliases("n", &["a"])
        .with_deps(&["c0"]);
    t.fails(Call::AddContainer, InvalidArg, |s| s.add_container(&c));
}

/// SPEC §5 `add_container`: dependencies come before named volumes.
pub fn missing_dependency_beats_a_missing_volume(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let c = ctr("c1", "one").with_deps(&["c0"]).with_volumes(&["data"]);
    t.fails(Call::AddContainer, NoSuchCtr, |s| s.add_container(&c));
}

/// SPEC §4: "Dependencies are checked ... in sorted order" - `a` (another namespace) is checked
/// before `b` (missing), whatever order the config lists them in.
pub fn dependencies_are_checked_in_sorted_order(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("a", "dep-a").in_ns("x")));
    let c = ctr("c1", "one").with_deps(&["b", "a"]);
    t.fails(Call::AddContainer, NsMismatch, |s| s.add_container(&c));
}

/// SPEC §4: sorted order, the other way round - `a` missing beats `b` in another namespace, even
/// when `b` is named through a sharing field.
pub fn the_first_dependency_in_byte_order_answers(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("b", "dep-b").in_ns("x")));
    let c = ctr("c1", "one").with_net_ns("b").with_deps(&["a"]);
    t.fails(Call::AddContainer, NoSuchCtr, |s| s.add_container(&c));
}

/// SPEC §4: each dependency goes "through all its rules before the next" - `a` in a pod
/// (`InvalidArg`) beats `b` missing (`NoSuchCtr`).
pub fn each_dependency_is_checked_whole_before_the_next(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_pod(&pod("p1", "pod1"))?;
        s.add_container_to_pod(&s.pod("p1")?, &ctr("a", "dep-a").in_pod("p1"))
    });
    let c = ctr("c1", "one").with_deps(&["b", "a"]);
    t.fails(Call::AddContainer, InvalidArg, |s| s.add_container(&c));
}

/// SPEC §4: sorted order applies to the self-dependency rule too - missing `a` comes before
/// the container itself, `m`.
pub fn an_earlier_missing_dependency_beats_self_dependency(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let c = ctr("m", "one").with_deps(&["m", "a"]);
    t.fails(Call::AddContainer, NoSuchCtr, |s| s.add_container(&c));
}

/// SPEC §4: sorted order - the container itself, `a`, comes before missing `b`.
pub fn self_dependency_beats_a_later_missing_one(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let c = ctr("a", "one").with_deps(&["b"]).with_net_ns("a");
    t.fails(Call::AddContainer, InvalidArg, |s| s.add_container(&c));
}

/// SPEC §5 `add_container_to_pod`: dependency rules (same pod) come before named volumes.
pub fn member_dependency_outside_the_pod_beats_a_missing_volume(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_pod(&pod("p1", "pod1"))?;
        s.add_container(&ctr("c1", "one"))
    });
    let m1 = ctr("m1", "member1")
        .in_pod("p1")
        .with_deps(&["c1"])
        .with_volumes(&["data"]);
    t.fails(Call::AddContainerToPod, InvalidArg, |s| {
        s.add_container_to_pod(&pod("p1", "pod1"), &m1)
    });
}

/// SPEC §5 `add_exec_session`: then `s.container_id` must equal the ctr ID (`InvalidArg`); then
/// the session ID is unused - the mismatch answers first.
pub fn mismatched_session_beats_a_taken_session_id(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_container(&ctr("c1", "one"))?;
        s.add_exec_session(&ctr("c1", "one"), &exec("e1", "c1"))
    });
    t.fails(Call::AddExecSession, InvalidArg, |s| {
        s.add_exec_session(&ctr("c1", "one"), &exec("e1", "c9"))
    });
}

/// SPEC §5 `validate_db_config`: for each field in the order of §1 ... `DbBadConfig` naming the
/// field - the first mismatching field is named, not a later one.
pub fn validate_names_the_first_mismatching_field(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let pinned = DbConfig {
        libpod_root: "/a".into(),
        libpod_tmp: "/b".into(),
        storage_root: "/c".into(),
        storage_tmp: "/d".into(),
        graph_driver: "overlay".into(),
        volume_path: "/v".into(),
    };
    t.given(|s| s.validate_db_config(&pinned));
    let clash = DbConfig {
        libpod_tmp: "/b2".into(),
        volume_path: "/v2".into(),
        ..pinned.clone()
    };
    let err = t.fails(Call::ValidateDbConfig, DbBadConfig, |s| {
        s.validate_db_config(&clash)
    });
    assert!(
        err.message().contains("libpod_tmp"),
        "message: {}",
        err.message()
    );
    assert!(
        !err.message().contains("volume_path"),
        "message: {}",
        err.message()
    );
}

/// SPEC §5 `remove_exec_session`: registered (else `NoSuchExecSession`) is its first rule and
/// it ignores containers - an unregistered session naming a missing container is not `NoSuchCtr`.
pub fn unregistered_session_beats_a_missing_container(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.fails(Call::RemoveExecSession, NoSuchExecSession, |s| {
        s.remove_exec_session(&exec("e1", "c9"))
    });
}
