//! Config rewrites: `rewrite_container_config`, `rewrite_pod_config`, `rewrite_volume_config`
//! (SPEC §5), which replace a stored config verbatim but may not change its identity.

use podstate_api::ErrorKind::*;
use podstate_api::{ContainerConfig, State};

use crate::Call;
use crate::factory::BackendFactory;
use crate::scenarios::fixtures::*;
use crate::scenarios::harness::Tester;

/// This group's scenarios in the suite's order, which `__for_each_scenario!` chains.
#[macro_export]
#[doc(hidden)]
macro_rules! __scenarios_rewrite {
    ($cb:path, $($args:tt)*) => {
        $cb! { ($($args)*) rewrite: [
            rewrite_container_config_replaces_it_but_not_the_networks,
            rewrite_moving_a_dependency_between_fields_succeeds,
            rewrite_changing_the_container_name_is_invalid_arg,
            rewrite_dropping_a_dependency_is_invalid_arg,
            rewrite_adding_a_volume_is_invalid_arg,
            rewrite_setting_a_pod_is_invalid_arg,
            rewrite_changing_the_namespace_is_invalid_arg,
            rewrite_config_of_a_missing_container_is_no_such_ctr,
            rewrite_config_of_another_namespace_is_ns_mismatch,
            rewrite_pod_config_replaces_it,
            rewrite_pod_config_renaming_is_invalid_arg,
            rewrite_config_of_a_missing_pod_is_no_such_pod,
            rewrite_config_of_a_pod_of_another_namespace_is_ns_mismatch,
            rewrite_volume_config_replaces_it,
            rewrite_volume_config_renaming_is_invalid_arg,
            rewrite_config_of_a_missing_volume_is_no_such_volume,
            rewrite_with_another_containers_id_is_invalid_arg,
            rewrite_listing_a_network_twice_is_invalid_arg,
            rewrite_pod_config_with_another_pods_id_is_invalid_arg,
            rewrite_pod_config_changing_the_namespace_is_invalid_arg,
        ] }
    };
}

/// `db`, and `app` depending on it through `depends_on`, mounting `data`, on network `n`.
fn app_and_db(s: &dyn State) -> podstate_api::Result<()> {
    s.add_volume(&vol("data"))?;
    s.add_volume(&vol("logs"))?;
    s.add_container(&ctr("db", "db"))?;
    let app = ctr("app", "app")
        .with_deps(&["db"])
        .with_volumes(&["data"])
        .with_networks(&["n"]);
    s.add_container(&app)
}

fn app_config(s: &dyn State) -> ContainerConfig {
    s.get_container_config("app").expect("app is stored")
}

/// SPEC §5: `rewrite_container_config` replaces the stored config verbatim (current networks and
/// aliases are not touched).
pub fn rewrite_container_config_replaces_it_but_not_the_networks(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(app_and_db);
    let mut cfg = app_config(t.admin());
    cfg.payload = odd_payload("rewritten");
    cfg.lock_id = 77;
    cfg.networks = strings(&["other"]);
    cfg.created = at(50);
    t.ok(Call::RewriteContainerConfig, |s| {
        s.rewrite_container_config(&ctr("app", "app"), &cfg)
    });
    assert_eq!(
        t.ok(Call::GetContainerConfig, |s| s.get_container_config("app")),
        cfg
    );
    let nets = t.ok(Call::GetNetworks, |s| s.get_networks(&ctr("app", "app")));
    assert_eq!(nets, ["n"]);
}

/// SPEC §5: the rewrite must keep dependencies (as the derived set) - moving a dependency from
/// `depends_on` to a sharing field keeps the set, so it is allowed.
pub fn rewrite_moving_a_dependency_between_fields_succeeds(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(app_and_db);
    let mut cfg = app_config(t.admin());
    cfg.depends_on.clear();
    cfg.pid_ns_ctr = Some("db".into());
    cfg.named_volumes.push(cfg.named_volumes[0].clone());
    t.ok(Call::RewriteContainerConfig, |s| {
        s.rewrite_container_config(&ctr("app", "app"), &cfg)
    });
    assert_eq!(
        t.ok(Call::GetContainerConfig, |s| s.get_container_config("app")),
        cfg
    );
}

/// SPEC §5: it must keep the stored config's ... name ... else `InvalidArg`.
pub fn rewrite_changing_the_container_name_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(app_and_db);
    let cfg = ContainerConfig {
        name: "renamed".into(),
        ..app_config(t.admin())
    };
    t.fails(Call::RewriteContainerConfig, InvalidArg, |s| {
        s.rewrite_container_config(&ctr("app", "app"), &cfg)
    });
}

/// SPEC §5: the rewrite must keep dependencies (as the derived set) - dropping one is
/// `InvalidArg`.
pub fn rewrite_dropping_a_dependency_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(app_and_db);
    let mut cfg = app_config(t.admin());
    cfg.depends_on.clear();
    t.fails(Call::RewriteContainerConfig, InvalidArg, |s| {
        s.rewrite_container_config(&ctr("app", "app"), &cfg)
    });
}

/// SPEC §5: the rewrite must keep named-volume names (as a set) - adding one is `InvalidArg`.
pub fn rewrite_adding_a_volume_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(app_and_db);
    let cfg = app_config(t.admin());
    let cfg = podstate_api::Container::new(cfg)
        .with_volumes(&["logs"])
        .config;
    t.fails(Call::RewriteContainerConfig, InvalidArg, |s| {
        s.rewrite_container_config(&ctr("app", "app"), &cfg)
    });
}

/// SPEC §5: the rewrite must keep the stored "pod" - putting the container in a pod is
/// `InvalidArg`.
pub fn rewrite_setting_a_pod_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        app_and_db(s)?;
        s.add_pod(&pod("p1", "pod1"))
    });
    let cfg = ContainerConfig {
        pod: Some("p1".into()),
        ..app_config(t.admin())
    };
    t.fails(Call::RewriteContainerConfig, InvalidArg, |s| {
        s.rewrite_container_config(&ctr("app", "app"), &cfg)
    });
}

/// SPEC §5: the rewrite must keep the stored "namespace" - `InvalidArg` (the handle is in `""`).
pub fn rewrite_changing_the_namespace_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(app_and_db);
    let cfg = ContainerConfig {
        namespace: "elsewhere".into(),
        ..app_config(t.admin())
    };
    t.fails(Call::RewriteContainerConfig, InvalidArg, |s| {
        s.rewrite_container_config(&ctr("app", "app"), &cfg)
    });
}

/// SPEC §4: `NoSuchCtr` - rewriting the config of a container that is not stored.
pub fn rewrite_config_of_a_missing_container_is_no_such_ctr(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let c = ctr("c1", "one");
    t.fails(Call::RewriteContainerConfig, NoSuchCtr, |s| {
        s.rewrite_container_config(&c, &c.config)
    });
}

/// SPEC §3: `rewrite_container_config` on a container of another namespace is `NsMismatch`.
pub fn rewrite_config_of_another_namespace_is_ns_mismatch(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let c = ctr("c1", "one").in_ns("a");
    t.given(|s| s.add_container(&c));
    t.set_ns("b");
    t.fails(Call::RewriteContainerConfig, NsMismatch, |s| {
        s.rewrite_container_config(&c, &c.config)
    });
}

/// SPEC §5: `rewrite_pod_config(pod, cfg)` replaces the stored config verbatim.
pub fn rewrite_pod_config_replaces_it(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("p1", "pod1")));
    let mut cfg = pod("p1", "pod1").config;
    cfg.payload = odd_payload("new pod config");
    cfg.lock_id = 12;
    t.ok(Call::RewritePodConfig, |s| {
        s.rewrite_pod_config(&pod("p1", "pod1"), &cfg)
    });
    assert_eq!(t.ok(Call::Pod, |s| s.pod("p1")).config, cfg);
}

/// SPEC §5: `rewrite_pod_config` must keep the stored id, name, namespace - a rename is
/// `InvalidArg`.
pub fn rewrite_pod_config_renaming_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("p1", "pod1")));
    let cfg = pod("p1", "renamed").config;
    t.fails(Call::RewritePodConfig, InvalidArg, |s| {
        s.rewrite_pod_config(&pod("p1", "pod1"), &cfg)
    });
}

/// SPEC §4: `NoSuchPod` - rewriting the config of a pod that is not stored.
pub fn rewrite_config_of_a_missing_pod_is_no_such_pod(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let p = pod("p1", "pod1");
    t.fails(Call::RewritePodConfig, NoSuchPod, |s| {
        s.rewrite_pod_config(&p, &p.config)
    });
}

/// SPEC §3: `rewrite_pod_config` on a pod of another namespace is `NsMismatch`.
pub fn rewrite_config_of_a_pod_of_another_namespace_is_ns_mismatch(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let p = pod("p1", "pod1").in_ns("a");
    t.given(|s| s.add_pod(&p));
    t.set_ns("b");
    t.fails(Call::RewritePodConfig, NsMismatch, |s| {
        s.rewrite_pod_config(&p, &p.config)
    });
}

/// SPEC §5: `rewrite_volume_config(vol, cfg)` replaces the stored config verbatim.
pub fn rewrite_volume_config_replaces_it(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_volume(&vol("data")));
    let mut cfg = vol("data").config;
    cfg.payload = odd_payload("new volume config");
    t.ok(Call::RewriteVolumeConfig, |s| {
        s.rewrite_volume_config(&vol("data"), &cfg)
    });
    assert_eq!(t.ok(Call::Volume, |s| s.volume("data")).config, cfg);
}

/// SPEC §5: `rewrite_volume_config` (keeps name) - a rename is `InvalidArg`.
pub fn rewrite_volume_config_renaming_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_volume(&vol("data")));
    t.fails(Call::RewriteVolumeConfig, InvalidArg, |s| {
        s.rewrite_volume_config(&vol("data"), &vol("data2").config)
    });
}

/// SPEC §4: `NoSuchVolume` - rewriting the config of a volume that is not stored.
pub fn rewrite_config_of_a_missing_volume_is_no_such_volume(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.fails(Call::RewriteVolumeConfig, NoSuchVolume, |s| {
        s.rewrite_volume_config(&vol("data"), &vol("data").config)
    });
}

/// SPEC §5: the rewrite must keep the stored "id" - a config carrying the ID of another stored
/// container is `InvalidArg` (and neither container changes).
pub fn rewrite_with_another_containers_id_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(app_and_db);
    let cfg = ContainerConfig {
        id: "db".into(),
        ..app_config(t.admin())
    };
    t.fails(Call::RewriteContainerConfig, InvalidArg, |s| {
        s.rewrite_container_config(&ctr("app", "app"), &cfg)
    });
}

/// SPEC §5 Strings: a config may not list a network twice (`InvalidArg`) - a rewritten config
/// neither.
pub fn rewrite_listing_a_network_twice_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(app_and_db);
    let mut cfg = app_config(t.admin());
    cfg.networks = strings(&["n", "m", "n"]);
    t.fails(Call::RewriteContainerConfig, InvalidArg, |s| {
        s.rewrite_container_config(&ctr("app", "app"), &cfg)
    });
}

/// SPEC §5: `rewrite_pod_config` must keep the stored id - a config carrying another stored
/// pod's ID is `InvalidArg`.
pub fn rewrite_pod_config_with_another_pods_id_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_pod(&pod("p1", "pod1"))?;
        s.add_pod(&pod("p2", "pod2"))
    });
    let cfg = pod("p2", "pod1").config;
    t.fails(Call::RewritePodConfig, InvalidArg, |s| {
        s.rewrite_pod_config(&pod("p1", "pod1"), &cfg)
    });
}

/// SPEC §5: `rewrite_pod_config` "must keep the stored ... namespace" - `InvalidArg`.
pub fn rewrite_pod_config_changing_the_namespace_is_invalid_arg(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_pod(&pod("p1", "pod1")));
    let cfg = pod("p1", "pod1").in_ns("a").config;
    t.fails(Call::RewritePodConfig, InvalidArg, |s| {
        s.rewrite_pod_config(&pod("p1", "pod1"), &cfg)
    });
}
