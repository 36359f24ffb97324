//! Dependencies between containers (SPEC §1 on the dependencies of a container, §2.2, and the
//! dependency rules of `add_container` and `add_container_to_pod`).

use podstate_api::ErrorKind::*;

use crate::Call;
use crate::factory::BackendFactory;
use crate::scenarios::fixtures::*;
use crate::scenarios::harness::Tester;

/// This group's scenarios in the suite's order, which `__for_each_scenario!` chains.
#[macro_export]
#[doc(hidden)]
macro_rules! __scenarios_dependencies {
    ($cb:path, $($args:tt)*) => {
        $cb! { ($($args)*) dependencies: [
            container_in_use_lists_dependents_sorted,
            a_dependency_named_twice_counts_once,
            depending_on_itself_is_invalid_arg,
            sharing_a_namespace_with_itself_is_invalid_arg,
            depending_on_a_missing_container_is_no_such_ctr,
            depending_on_a_pod_is_no_such_ctr,
            depending_on_a_name_is_no_such_ctr,
            depending_on_an_id_prefix_is_no_such_ctr,
            depending_on_another_namespace_is_ns_mismatch,
            depending_on_the_empty_namespace_from_a_namespace_is_ns_mismatch,
            depending_on_a_pod_member_from_outside_is_invalid_arg,
            member_depending_on_a_container_outside_pods_is_invalid_arg,
            member_depending_on_a_member_of_another_pod_is_invalid_arg,
            member_depending_on_a_member_of_its_pod_succeeds,
            removing_the_dependent_first_frees_the_dependency,
        ] }
    };
}

/// SPEC §5: `container_in_use(ctr)` -> dependent IDs, sorted (§2.8).
pub fn container_in_use_lists_dependents_sorted(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_container(&ctr("db", "db"))?;
        s.add_container(&ctr("web2", "w2").with_deps(&["db"]))?;
        s.add_container(&ctr("web1", "w1").with_net_ns("db"))
    });
    let deps = t.ok(Call::ContainerInUse, |s| {
        s.container_in_use(&ctr("db", "db"))
    });
    assert_eq!(deps, ["web1", "web2"]);
}

/// SPEC §1: dependencies = the set of the namespace-sharing fields that are set, plus
/// `depends_on`, de-duplicated - one dependent listed once.
pub fn a_dependency_named_twice_counts_once(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_container(&ctr("db", "db"))?;
        let mut app = ctr("app", "app").with_net_ns("db").with_deps(&["db", "db"]);
        app.config.ipc_ns_ctr = Some("db".into());
        s.add_container(&app)
    });
    let deps = t.ok(Call::ContainerInUse, |s| {
        s.container_in_use(&ctr("db", "db"))
    });
    assert_eq!(deps, ["app"]);
}

/// SPEC §5: each dependency not itself, else `InvalidArg` - through `depends_on`.
pub fn depending_on_itself_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.fails(Call::AddContainer, InvalidArg, |s| {
        s.add_container(&ctr("c1", "one").with_deps(&["c1"]))
    });
}

/// SPEC §5: not itself, else `InvalidArg` - through a namespace-sharing field (the container is
/// not stored yet, yet the answer is `InvalidArg`, not `NoSuchCtr`).
pub fn sharing_a_namespace_with_itself_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.fails(Call::AddContainer, InvalidArg, |s| {
        s.add_container(&ctr("c1", "one").with_net_ns("c1"))
    });
}

/// SPEC §5: exists as a container, else `NoSuchCtr`.
pub fn depending_on_a_missing_container_is_no_such_ctr(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.fails(Call::AddContainer, NoSuchCtr, |s| {
        s.add_container(&ctr("c1", "one").with_deps(&["c0"]))
    });
}

/// SPEC §5: exists as a container, else `NoSuchCtr` - a pod's ID is not a container.
pub fn depending_on_a_pod_is_no_such_ctr(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("p1", "pod1")));
    t.fails(Call::AddContainer, NoSuchCtr, |s| {
        s.add_container(&ctr("c1", "one").with_deps(&["p1"]))
    });
}

/// SPEC §1: dependencies are container IDs - a container's name does not resolve.
pub fn depending_on_a_name_is_no_such_ctr(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c0", "db")));
    t.fails(Call::AddContainer, NoSuchCtr, |s| {
        s.add_container(&ctr("c1", "one").with_deps(&["db"]))
    });
}

/// SPEC §1: dependencies are full container IDs - a unique prefix does not resolve.
pub fn depending_on_an_id_prefix_is_no_such_ctr(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("c0123", "db")));
    t.fails(Call::AddContainer, NoSuchCtr, |s| {
        s.add_container(&ctr("c1", "one").with_net_ns("c01"))
    });
}

/// SPEC §5: same namespace, else `NsMismatch` - the dependency is in another namespace.
pub fn depending_on_another_namespace_is_ns_mismatch(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("db", "db").in_ns("a")));
    t.fails(Call::AddContainer, NsMismatch, |s| {
        s.add_container(&ctr("app", "app").in_ns("b").with_deps(&["db"]))
    });
}

/// SPEC §2.2: every dependency of a stored container is a stored container in the same namespace
/// - the empty namespace is a namespace too.
pub fn depending_on_the_empty_namespace_from_a_namespace_is_ns_mismatch(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&ctr("db", "db")));
    t.fails(Call::AddContainer, NsMismatch, |s| {
        s.add_container(&ctr("app", "app").in_ns("a").with_net_ns("db"))
    });
}

/// SPEC §5: not in a pod, else `InvalidArg` - a container outside pods may not depend on a
/// member.
pub fn depending_on_a_pod_member_from_outside_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_pod(&pod("p1", "pod1"))?;
        s.add_container_to_pod(&s.pod("p1")?, &ctr("m1", "member1").in_pod("p1"))
    });
    t.fails(Call::AddContainer, InvalidArg, |s| {
        s.add_container(&ctr("c1", "one").with_deps(&["m1"]))
    });
}

/// SPEC §5: `add_container_to_pod` - every dependency must be in the same pod (`InvalidArg`) -
/// here it is outside any pod.
pub fn member_depending_on_a_container_outside_pods_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_pod(&pod("p1", "pod1"))?;
        s.add_container(&ctr("c1", "one"))
    });
    t.fails(Call::AddContainerToPod, InvalidArg, |s| {
        s.add_container_to_pod(
            &pod("p1", "pod1"),
            &ctr("m1", "member1").in_pod("p1").with_deps(&["c1"]),
        )
    });
}

/// SPEC §5: every dependency must be in the same pod - a member of another pod will not do.
pub fn member_depending_on_a_member_of_another_pod_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_pod(&pod("p1", "pod1"))?;
        s.add_pod(&pod("p2", "pod2"))?;
        s.add_container_to_pod(&s.pod("p2")?, &ctr("m2", "member2").in_pod("p2"))
    });
    t.fails(Call::AddContainerToPod, InvalidArg, |s| {
        s.add_container_to_pod(
            &pod("p1", "pod1"),
            &ctr("m1", "member1").in_pod("p1").with_net_ns("m2"),
        )
    });
}

/// SPEC §2.2: a container in a pod depends only on containers of the same pod - allowed.
pub fn member_depending_on_a_member_of_its_pod_succeeds(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_pod(&pod("p1", "pod1"))?;
        s.add_container_to_pod(&s.pod("p1")?, &ctr("m1", "member1").in_pod("p1"))
    });
    let m2 = ctr("m2", "member2").in_pod("p1").with_net_ns("m1");
    t.ok(Call::AddContainerToPod, |s| {
        s.add_container_to_pod(&pod("p1", "pod1"), &m2)
    });
    let deps = t.ok(Call::ContainerInUse, |s| {
        s.container_in_use(&ctr("m1", "x"))
    });
    assert_eq!(deps, ["m2"]);
}

/// SPEC §5: removing the dependent first lets the dependency go.
pub fn removing_the_dependent_first_frees_the_dependency(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let app = ctr("app", "app").with_deps(&["db"]);
    t.given(|s| {
        s.add_container(&ctr("db", "db"))?;
        s.add_container(&app)?;
        s.remove_container(&app)
    });
    t.ok(Call::RemoveContainer, |s| {
        s.remove_container(&ctr("db", "db"))
    });
}
