//! `refresh` resets exactly the run-time fields SPEC §5 lists, in every namespace.

use std::collections::BTreeMap;

use podstate_api::{ContainerStatus, ErrorKind, ExecSession, Payload, State, Timestamp};

use super::{assert_indexes_consistent, ctr, mount, pod, vol};
use crate::MemoryStore;

#[test]
fn refresh_clears_run_time_state_and_keeps_the_rest() {
    let store = MemoryStore::new();
    let state = store.open_handle().unwrap();
    let mut v = vol("v");
    v.state.mount_count = 3;
    v.state.payload = Payload::from_json(r#"{"chown":true}"#).unwrap();
    state.add_volume(&v).unwrap();
    let mut p = pod("p", "p-name", "ns1");
    p.state.cgroup_path = "/cg".into();
    p.state.infra_container_id = "infra".into();
    state.add_pod(&p).unwrap();

    let started = Timestamp::new(10, 5).unwrap();
    let mut c = ctr("c", "c-name", "ns1");
    c.config.networks = vec!["n".into()];
    c.config.network_aliases = BTreeMap::from([("n".into(), vec!["al".into()])]);
    c.config.named_volumes = vec![mount("v", "/v")];
    c.state.status = ContainerStatus::Running;
    c.state.pid = 100;
    c.state.conmon_pid = 99;
    c.state.mountpoint = "/mnt".into();
    c.state.mounted = true;
    c.state.exec_sessions = BTreeMap::from([("s".into(), Payload::empty_object())]);
    c.state.bind_mounts = BTreeMap::from([("/etc/hosts".into(), "/run/hosts".into())]);
    c.state.stopped_by_user = true;
    c.state.restart_policy_match = true;
    c.state.restart_count = 4;
    c.state.exit_code = 3;
    c.state.exited = true;
    c.state.oom_killed = true;
    c.state.started_at = Some(started);
    c.state.netns_path = Some("/run/netns/x".into());
    c.state.payload = Payload::from_json(r#"{"keep": 1}"#).unwrap();
    state.add_container(&c).unwrap();
    let mut exited = ctr("d", "d-name", "ns2");
    exited.state.status = ContainerStatus::Exited;
    state.add_container(&exited).unwrap();
    state
        .add_exec_session(&c, &ExecSession::new("e1", "c"))
        .unwrap();

    // A handle in an unrelated namespace still refreshes everything.
    let other = store.open_handle().unwrap();
    other.set_namespace("ns3").unwrap();
    other.refresh().unwrap();

    let got = state.container("c").unwrap();
    let mut expected = c.state.clone();
    expected.status = ContainerStatus::Configured;
    expected.pid = 0;
    expected.conmon_pid = 0;
    expected.mountpoint.clear();
    expected.mounted = false;
    expected.exec_sessions.clear();
    expected.bind_mounts.clear();
    expected.stopped_by_user = false;
    expected.restart_policy_match = false;
    expected.restart_count = 0;
    expected.netns_path = None;
    assert_eq!(got.state, expected);
    assert_eq!(got.config, c.config);
    assert_eq!(
        state.container("d").unwrap().state.status,
        ContainerStatus::Exited
    );

    let got_pod = state.pod("p").unwrap();
    assert_eq!(got_pod.state.cgroup_path, "");
    assert_eq!(got_pod.state.infra_container_id, "infra");
    let got_vol = state.volume("v").unwrap();
    assert_eq!(got_vol.state.mount_count, 0);
    assert_eq!(got_vol.state.payload, v.state.payload);

    assert_eq!(
        state.get_exec_session("e1").unwrap_err().kind(),
        ErrorKind::NoSuchExecSession
    );
    assert!(state.get_container_exec_sessions(&got).unwrap().is_empty());
    assert_eq!(state.get_network_aliases(&got, "n").unwrap(), ["al"]);
    assert_eq!(state.volume_in_use(&got_vol).unwrap(), ["c"]);
    assert_indexes_consistent(&state.engine().snapshot());
}
