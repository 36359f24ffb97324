//! Handle and store lifecycle: `refresh`, `get_db_config`, `validate_db_config`, `close`
//! (SPEC §5 Lifecycle, §3 handles).

use std::collections::BTreeMap;

use podstate_api::ErrorKind::*;
use podstate_api::{Container, ContainerState, ContainerStatus, DbConfig};

use crate::Call;
use crate::factory::BackendFactory;
use crate::scenarios::fixtures::*;
use crate::scenarios::harness::Tester;

/// This group's scenarios in the suite's order, which `__for_each_scenario!` chains.
#[macro_export]
#[doc(hidden)]
macro_rules! __scenarios_lifecycle {
    ($cb:path, $($args:tt)*) => {
        $cb! { ($($args)*) lifecycle: [
            refresh_resets_a_running_container,
            refresh_keeps_an_exited_container_exited,
            refresh_clears_pod_cgroups_only,
            refresh_zeroes_volume_mount_counts,
            refresh_drops_exec_registrations_in_every_namespace,
            refresh_keeps_every_relation,
            a_new_store_has_an_empty_db_config,
            validate_pins_the_non_empty_values,
            validate_fills_unpinned_fields_later,
            validate_mismatch_is_db_bad_config_and_pins_nothing,
            validate_does_not_clean_paths,
            refresh_after_close_is_db_closed,
            validate_after_close_is_db_closed,
            close_leaves_other_handles_open,
            handles_on_one_store_see_each_others_writes,
        ] }
    };
}

/// A container whose every state field is set.
fn busy(id: &str, status: ContainerStatus) -> Container {
    let mut c = ctr(id, &format!("name-{id}")).with_status(status);
    c.state = ContainerState {
        status,
        pid: 10,
        conmon_pid: 11,
        mountpoint: "/var/lib/m".into(),
        mounted: true,
        exec_sessions: BTreeMap::from([("e1".to_owned(), odd_payload("exec"))]),
        bind_mounts: BTreeMap::from([("/etc/hosts".to_owned(), "/run/hosts".to_owned())]),
        stopped_by_user: true,
        restart_policy_match: true,
        restart_count: 3,
        exit_code: 137,
        exited: true,
        oom_killed: true,
        started_at: Some(at(10)),
        finished_at: Some(at(11)),
        netns_path: Some("/run/netns/x".into()),
        payload: c.state.payload.clone(),
    };
    c
}

/// What SPEC §5 `refresh` leaves of `c`'s state.
fn refreshed(c: &Container, status: ContainerStatus) -> ContainerState {
    ContainerState {
        status,
        exit_code: c.state.exit_code,
        exited: c.state.exited,
        oom_killed: c.state.oom_killed,
        started_at: c.state.started_at,
        finished_at: c.state.finished_at,
        payload: c.state.payload.clone(),
        ..ContainerState::default()
    }
}

/// SPEC §5 `refresh`: status -> Configured unless Exited, and `pid`, ... `netns_path` cleared
/// (exit code, times, oom flag and payload kept).
pub fn refresh_resets_a_running_container(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let c = busy("c1", ContainerStatus::Running);
    t.given(|s| s.add_container(&c));
    t.ok(Call::Refresh, |s| s.refresh());
    let after = t.ok(Call::Container, |s| s.container("c1"));
    assert_eq!(after.state, refreshed(&c, ContainerStatus::Configured));
    assert_eq!(after.config, c.config);
}

/// SPEC §5 `refresh`: status -> Configured unless Exited - an exited container stays Exited.
pub fn refresh_keeps_an_exited_container_exited(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let c = busy("c1", ContainerStatus::Exited);
    t.given(|s| s.add_container(&c));
    t.ok(Call::Refresh, |s| s.refresh());
    let after = t.ok(Call::Container, |s| s.container("c1"));
    assert_eq!(after.state, refreshed(&c, ContainerStatus::Exited));
}

/// SPEC §5 `refresh`: every pod's `cgroup_path` cleared; `infra_container_id` and payload kept.
pub fn refresh_clears_pod_cgroups_only(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let mut p = pod("p1", "pod1");
    p.state.cgroup_path = "/sys/fs/cgroup/p1".into();
    p.state.infra_container_id = "infra1".into();
    t.given(|s| s.add_pod(&p));
    t.ok(Call::Refresh, |s| s.refresh());
    p.state.cgroup_path.clear();
    assert_eq!(t.ok(Call::Pod, |s| s.pod("p1")), p);
}

/// SPEC §5 `refresh`: every volume's `mount_count` = 0 (payload kept).
pub fn refresh_zeroes_volume_mount_counts(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let mut v = vol("data");
    v.state.mount_count = 5;
    t.given(|s| s.add_volume(&v));
    t.ok(Call::Refresh, |s| s.refresh());
    v.state.mount_count = 0;
    assert_eq!(t.ok(Call::Volume, |s| s.volume("data")), v);
}

/// SPEC §5 `refresh`: all exec registrations dropped; all namespaces - even from a handle in
/// another namespace.
pub fn refresh_drops_exec_registrations_in_every_namespace(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        let c = ctr("c1", "one").in_ns("b");
        s.add_container(&c)?;
        s.add_exec_session(&c, &exec("e1", "c1"))
    });
    t.set_ns("a");
    t.ok(Call::Refresh, |s| s.refresh());
    t.fails(Call::GetExecSession, NoSuchExecSession, |s| {
        s.get_exec_session("e1")
    });
}

/// SPEC §5 `refresh`: configs, names, memberships, dependencies, current networks and aliases,
/// and volume users are untouched - a dump differs only in the states.
pub fn refresh_keeps_every_relation(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.add_volume(&vol("data"))?;
        s.add_pod(&pod("p1", "pod1"))?;
        let m1 = ctr("m1", "member1").in_pod("p1").with_volumes(&["data"]);
        s.add_container_to_pod(&s.pod("p1")?, &m1)?;
        s.add_container(&busy("c1", ContainerStatus::Paused).with_networks(&["n"]))?;
        s.add_container(&ctr("c2", "two").with_deps(&["c1"]))?;
        s.network_connect(&ctr("c2", "two"), "side", &strings(&["x"]))
    });
    let mut before = t.snapshot().dump;
    t.ok(Call::Refresh, |s| s.refresh());
    let mut after = t.snapshot().dump;
    for c in before
        .containers
        .iter_mut()
        .chain(after.containers.iter_mut())
    {
        c.container.state = ContainerState::default();
    }
    assert_eq!(before, after);
}

/// SPEC §5: `get_db_config` - the pinned values (empty where unpinned) - a new store pins
/// nothing.
pub fn a_new_store_has_an_empty_db_config(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    assert_eq!(
        t.ok(Call::GetDbConfig, |s| s.get_db_config()),
        DbConfig::default()
    );
}

/// SPEC §5 `validate_db_config`: pin every non-empty unpinned value. An empty value never pins.
pub fn validate_pins_the_non_empty_values(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let cfg = DbConfig {
        libpod_root: "/var/lib/containers/storage/libpod".into(),
        graph_driver: "overlay".into(),
        ..DbConfig::default()
    };
    t.ok(Call::ValidateDbConfig, |s| s.validate_db_config(&cfg));
    let other = t.open("");
    assert_eq!(
        t.ok_on(other.as_ref(), Call::GetDbConfig, |s| s.get_db_config()),
        cfg
    );
}

/// SPEC §5 `validate_db_config`: an empty value "never conflicts", and a later call pins what was
/// still unpinned.
pub fn validate_fills_unpinned_fields_later(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let first = DbConfig {
        libpod_root: "/root".into(),
        ..DbConfig::default()
    };
    t.given(|s| s.validate_db_config(&first));
    let second = DbConfig {
        volume_path: "/vols".into(),
        ..DbConfig::default()
    };
    t.ok(Call::ValidateDbConfig, |s| s.validate_db_config(&second));
    let pinned = t.ok(Call::GetDbConfig, |s| s.get_db_config());
    assert_eq!(
        pinned,
        DbConfig {
            libpod_root: "/root".into(),
            volume_path: "/vols".into(),
            ..DbConfig::default()
        }
    );
}

/// SPEC §5 `validate_db_config`: a non-empty value that differs from a pinned one ->
/// `DbBadConfig` ... (and nothing is pinned) - not even the new unpinned field of the same call.
pub fn validate_mismatch_is_db_bad_config_and_pins_nothing(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.validate_db_config(&DbConfig {
            storage_root: "/graph".into(),
            ..DbConfig::default()
        })
    });
    let clash = DbConfig {
        libpod_tmp: "/tmp/libpod".into(),
        storage_root: "/other".into(),
        ..DbConfig::default()
    };
    let err = t.fails(Call::ValidateDbConfig, DbBadConfig, |s| {
        s.validate_db_config(&clash)
    });
    assert!(
        err.message().contains("storage_root"),
        "message: {}",
        err.message()
    );
}

/// SPEC §5 Strings: `DbConfig` values compare byte for byte (no path cleaning).
pub fn validate_does_not_clean_paths(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| {
        s.validate_db_config(&DbConfig {
            libpod_root: "/var/lib".into(),
            ..DbConfig::default()
        })
    });
    let trailing_slash = DbConfig {
        libpod_root: "/var/lib/".into(),
        ..DbConfig::default()
    };
    t.fails(Call::ValidateDbConfig, DbBadConfig, |s| {
        s.validate_db_config(&trailing_slash)
    });
}

/// SPEC §3: after `close`, every call answers `DbClosed` - here `refresh`, which would otherwise
/// have reset the running container.
pub fn refresh_after_close_is_db_closed(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.given(|s| s.add_container(&busy("c1", ContainerStatus::Running)));
    t.ok(Call::Close, |s| s.close());
    t.fails(Call::Refresh, DbClosed, |s| s.refresh());
}

/// SPEC §3: after `close`, `validate_db_config` answers `DbClosed` and pins nothing.
pub fn validate_after_close_is_db_closed(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    t.ok(Call::Close, |s| s.close());
    let cfg = DbConfig {
        graph_driver: "vfs".into(),
        ..DbConfig::default()
    };
    t.fails(Call::ValidateDbConfig, DbClosed, |s| {
        s.validate_db_config(&cfg)
    });
}

/// SPEC §3: `close` affects only its own handle - another handle keeps adding and reading.
pub fn close_leaves_other_handles_open(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let other = t.open("");
    t.ok(Call::Close, |s| s.close());
    t.ok_on(other.as_ref(), Call::AddContainer, |s| {
        s.add_container(&ctr("c1", "one"))
    });
    assert!(t.ok_on(other.as_ref(), Call::HasContainer, |s| {
        s.has_container("c1")
    }));
}

/// SPEC §3: several handles may share one store - what one handle adds, another sees at once.
pub fn handles_on_one_store_see_each_others_writes(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    let other = t.open("");
    t.ok(Call::AddPod, |s| s.add_pod(&pod("p1", "pod1")));
    let seen = t.ok_on(other.as_ref(), Call::LookupPod, |s| s.lookup_pod("pod1"));
    assert_eq!(seen, pod("p1", "pod1"));
}
