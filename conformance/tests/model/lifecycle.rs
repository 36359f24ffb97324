//! SPEC §5 Lifecycle (refresh, DB config), §3 handles and close, and the model as a backend.

use std::collections::BTreeMap;

use podstate_api::{
    ContainerState, ContainerStatus, DbConfig, ErrorKind, ExecSession, Payload, PodState, State,
    Timestamp,
};
use podstate_conformance::model::ModelFactory;
use podstate_conformance::{BackendFactory, dump};

use super::*;

fn busy_state(status: ContainerStatus) -> ContainerState {
    let t = Timestamp::new(1_600_000_000, 123_456_789).unwrap();
    ContainerState {
        status,
        pid: 10,
        conmon_pid: 11,
        mountpoint: "/mnt".into(),
        mounted: true,
        exec_sessions: BTreeMap::from([("s".into(), Payload::empty_object())]),
        bind_mounts: BTreeMap::from([("/etc/hosts".into(), "/run/hosts".into())]),
        stopped_by_user: true,
        restart_policy_match: true,
        restart_count: 3,
        exit_code: 137,
        exited: true,
        oom_killed: true,
        started_at: Some(t),
        finished_at: Some(t),
        netns_path: Some("/run/netns/x".into()),
        payload: Payload::from_json(r#"{"keep": true}"#).unwrap(),
    }
}

/// §5 refresh: status -> Configured unless Exited; the listed fields cleared; exit code, times,
/// oom flag and payload kept; `exited`, `infra_container_id` and payloads kept; pods'
/// `cgroup_path` cleared; volumes' `mount_count` = 0; exec registrations dropped; all namespaces.
#[test]
fn refresh_resets_exactly_the_listed_fields_in_every_namespace() {
    let (store, s) = fresh();
    let mut running = ctr_in("a", "run", "run");
    running.config.networks = strings(&["net"]);
    running.state = busy_state(ContainerStatus::Running);
    let mut exited = ctr_in("b", "exit", "exit");
    exited.state = busy_state(ContainerStatus::Exited);
    s.add_container(&running).unwrap();
    s.add_container(&exited).unwrap();
    s.add_exec_session(&running, &ExecSession::new("e", "run"))
        .unwrap();
    let mut p = pod("p", "p");
    p.state = PodState {
        cgroup_path: "/cg".into(),
        infra_container_id: "infra".into(),
        payload: Payload::from_json("[1]").unwrap(),
    };
    s.add_pod(&p).unwrap();
    let mut v = vol("v");
    v.state.mount_count = 5;
    v.state.payload = Payload::from_json("[2]").unwrap();
    s.add_volume(&v).unwrap();

    s.set_namespace("elsewhere").unwrap();
    s.refresh().unwrap();
    s.set_namespace("").unwrap();

    let reset = |status| ContainerState {
        status,
        pid: 0,
        conmon_pid: 0,
        mountpoint: String::new(),
        mounted: false,
        exec_sessions: BTreeMap::new(),
        bind_mounts: BTreeMap::new(),
        stopped_by_user: false,
        restart_policy_match: false,
        restart_count: 0,
        netns_path: None,
        ..busy_state(status)
    };
    assert_eq!(
        s.container("run").unwrap().state,
        reset(ContainerStatus::Configured)
    );
    assert_eq!(
        s.container("exit").unwrap().state,
        reset(ContainerStatus::Exited)
    );
    assert_eq!(
        s.pod("p").unwrap().state,
        PodState {
            cgroup_path: String::new(),
            ..p.state
        }
    );
    assert_eq!(s.volume("v").unwrap().state.mount_count, 0);
    assert_eq!(s.volume("v").unwrap().state.payload.as_str(), "[2]");
    assert_eq!(err(s.get_exec_session("e")), ErrorKind::NoSuchExecSession);
    assert_eq!(s.get_networks(&running).unwrap(), ["net"]);
    assert_invariants(&store);
}

fn db(values: [&str; 6]) -> DbConfig {
    let [
        libpod_root,
        libpod_tmp,
        storage_root,
        storage_tmp,
        graph_driver,
        volume_path,
    ] = values.map(String::from);
    DbConfig {
        libpod_root,
        libpod_tmp,
        storage_root,
        storage_tmp,
        graph_driver,
        volume_path,
    }
}

/// §5 validate_db_config: a non-empty value that differs from a pinned one -> DbBadConfig naming
/// the field (and nothing is pinned); otherwise pin every non-empty unpinned value. An empty value
/// never pins and never conflicts.
#[test]
fn validate_db_config_pins_all_or_nothing() {
    let (_store, s) = fresh();
    s.validate_db_config(&db(["/root", "", "", "", "overlay", ""]))
        .unwrap();
    assert_eq!(
        s.get_db_config().unwrap(),
        db(["/root", "", "", "", "overlay", ""])
    );

    // libpod_tmp would be newly pinned, but graph_driver conflicts afterwards: nothing is pinned.
    let e = s
        .validate_db_config(&db(["", "/tmp", "", "", "btrfs", ""]))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DbBadConfig);
    assert!(e.message().contains("graph_driver"), "{}", e.message());
    assert_eq!(
        s.get_db_config().unwrap(),
        db(["/root", "", "", "", "overlay", ""])
    );

    // Byte-for-byte: no path cleaning.
    assert_eq!(
        err(s.validate_db_config(&db(["/root/", "", "", "", "", ""]))),
        ErrorKind::DbBadConfig
    );
    s.validate_db_config(&db(["", "/tmp", "", "", "overlay", "/vol"]))
        .unwrap();
    assert_eq!(
        s.get_db_config().unwrap(),
        db(["/root", "/tmp", "", "", "overlay", "/vol"])
    );
}

/// §3: after close, every call answers DbClosed, except close itself, which is idempotent;
/// close affects only its own handle.
#[test]
fn a_closed_handle_answers_db_closed_and_others_carry_on() {
    let (store, s) = fresh();
    let other = store.open();
    s.add_container(&ctr("c", "c")).unwrap();
    s.close().unwrap();
    s.close().unwrap();

    assert_eq!(err(s.all_containers()), ErrorKind::DbClosed);
    // Step 1 comes before argument shape.
    assert_eq!(err(s.get_name("")), ErrorKind::DbClosed);
    assert_eq!(err(s.set_namespace("x\0")), ErrorKind::DbClosed);
    assert_eq!(err(s.refresh()), ErrorKind::DbClosed);
    assert_eq!(err(s.add_volume(&vol("v"))), ErrorKind::DbClosed);
    assert_eq!(
        err(s.validate_db_config(&DbConfig::default())),
        ErrorKind::DbClosed
    );

    assert!(other.has_container("c").unwrap());
    other.add_volume(&vol("v")).unwrap();
    assert!(store.open().has_volume("v").unwrap());
}

/// The factory hands the suite fresh, isolated model stores whose handles share data.
#[test]
fn the_factory_makes_isolated_stores_with_shared_handles() {
    let factory = ModelFactory;
    assert_eq!(factory.name(), "model");
    let caps = factory.capabilities();
    assert!(caps.reopen && !caps.persistent);

    let first = factory.create().unwrap();
    let (a, b) = (first.open_handle().unwrap(), first.open_handle().unwrap());
    a.add_pod(&pod("p", "p")).unwrap();
    assert!(b.has_pod("p").unwrap());
    a.close().unwrap();
    assert!(first.open_handle().unwrap().has_pod("p").unwrap());

    let second = factory.create().unwrap();
    assert_eq!(
        dump(second.open_handle().unwrap().as_ref())
            .unwrap()
            .pods
            .len(),
        0
    );
}
