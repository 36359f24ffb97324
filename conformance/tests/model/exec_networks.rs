//! SPEC §5 Exec sessions and Networks.

use podstate_api::{ErrorKind, ExecSession, Payload, State};

use super::*;

/// §5 add_exec_session: container exists (step 4); then `s.container_id` must equal the ctr ID
/// (InvalidArg); then the session ID is unused (ExecSessionExists).
#[test]
fn add_exec_session_checks_container_then_owner_then_id() {
    let (store, s) = fresh();
    let (c1, c2) = (ctr("c1", "c1"), ctr("c2", "c2"));
    s.add_container(&c1).unwrap();
    s.add_container(&c2).unwrap();
    s.add_exec_session(&c1, &ExecSession::new("e", "c1"))
        .unwrap();

    assert_eq!(
        err(s.add_exec_session(&ctr("ghost", ""), &ExecSession::new("e", "c1"))),
        ErrorKind::NoSuchCtr
    );
    assert_eq!(
        err(s.add_exec_session(&c2, &ExecSession::new("e", "c1"))),
        ErrorKind::InvalidArg
    );
    assert_eq!(
        err(s.add_exec_session(&c2, &ExecSession::new("e", "c2"))),
        ErrorKind::ExecSessionExists
    );
    assert_eq!(
        err(s.add_exec_session(&c2, &ExecSession::new("", "c2"))),
        ErrorKind::InvalidArg
    );
    assert_eq!(
        s.get_container_exec_sessions(&c2).unwrap(),
        Vec::<String>::new()
    );
    assert_invariants(&store);
}

/// §5 remove_exec_session: registered (else NoSuchExecSession), and to `s.container_id` (else
/// InvalidArg).
#[test]
fn remove_exec_session_needs_the_right_owner() {
    let (_store, s) = fresh();
    let c = ctr("c1", "c1");
    s.add_container(&c).unwrap();
    s.add_exec_session(&c, &ExecSession::new("e", "c1"))
        .unwrap();

    assert_eq!(
        err(s.remove_exec_session(&ExecSession::new("x", "c1"))),
        ErrorKind::NoSuchExecSession
    );
    assert_eq!(
        err(s.remove_exec_session(&ExecSession::new("e", "c2"))),
        ErrorKind::InvalidArg
    );
    s.remove_exec_session(&ExecSession::new("e", "c1")).unwrap();
    assert_eq!(err(s.get_exec_session("e")), ErrorKind::NoSuchExecSession);
}

/// §1: the registry and ContainerState.exec_sessions are independent: exec calls touch only the
/// registry, save_container only the state.
#[test]
fn the_exec_registry_and_the_state_sessions_are_independent() {
    let (_store, s) = fresh();
    let mut c = ctr("c1", "c1");
    s.add_container(&c).unwrap();
    s.add_exec_session(&c, &ExecSession::new("registered", "c1"))
        .unwrap();
    assert!(s.container("c1").unwrap().state.exec_sessions.is_empty());

    c.state
        .exec_sessions
        .insert("only-in-state".into(), Payload::empty_object());
    s.save_container(&c).unwrap();
    assert_eq!(s.get_container_exec_sessions(&c).unwrap(), ["registered"]);
    assert_eq!(
        err(s.get_exec_session("only-in-state")),
        ErrorKind::NoSuchExecSession
    );
    s.remove_container_exec_sessions(&c).unwrap();
    assert_eq!(s.container("c1").unwrap().state.exec_sessions.len(), 1);
}

/// §5 Networks: current networks start as the config's; connect fails on a joined network;
/// duplicate aliases collapse; disconnect drops the aliases; `[]` for a network without aliases.
#[test]
fn networks_start_from_the_config_and_change_only_by_connect_and_disconnect() {
    let (_store, s) = fresh();
    let mut c = ctr("c", "c");
    c.config.networks = strings(&["zeta", "alpha"]);
    c.config
        .network_aliases
        .insert("zeta".into(), strings(&["z2", "z1", "z2"]));
    s.add_container(&c).unwrap();

    assert_eq!(s.get_networks(&c).unwrap(), ["alpha", "zeta"]);
    assert_eq!(s.get_network_aliases(&c, "zeta").unwrap(), ["z1", "z2"]);
    assert!(s.get_network_aliases(&c, "alpha").unwrap().is_empty());
    assert_eq!(
        err(s.get_network_aliases(&c, "beta")),
        ErrorKind::NoSuchNetwork
    );

    assert_eq!(
        err(s.network_connect(&c, "zeta", &[])),
        ErrorKind::NetworkExists
    );
    assert_eq!(
        err(s.network_connect(&c, "beta", &strings(&[""]))),
        ErrorKind::InvalidArg
    );
    s.network_connect(&c, "beta", &strings(&["b", "b"]))
        .unwrap();
    s.network_disconnect(&c, "zeta").unwrap();
    assert_eq!(
        err(s.network_disconnect(&c, "zeta")),
        ErrorKind::NoSuchNetwork
    );
    s.network_connect(&c, "zeta", &[]).unwrap();

    let all = s.get_all_network_aliases(&c).unwrap();
    let expected = [
        ("alpha", vec![]),
        ("beta", strings(&["b"])),
        ("zeta", vec![]),
    ];
    let expected = expected
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    assert_eq!(all, expected);
    // The config keeps what was added.
    assert_eq!(s.get_container_config("c").unwrap(), c.config);
}

/// §4: the first failing step decides: a bad network name (step 2) beats a missing container
/// (step 4), which beats a network that is not joined (step 5).
#[test]
fn network_calls_follow_the_check_order() {
    let (_store, s) = fresh();
    let ghost = ctr("ghost", "");
    assert_eq!(err(s.network_disconnect(&ghost, "")), ErrorKind::InvalidArg);
    assert_eq!(
        err(s.network_disconnect(&ghost, "net")),
        ErrorKind::NoSuchCtr
    );
    assert_eq!(
        err(s.get_network_aliases(&ghost, "net\0")),
        ErrorKind::InvalidArg
    );
    s.add_container(&ctr("ghost", "g")).unwrap();
    assert_eq!(
        err(s.network_disconnect(&ghost, "net")),
        ErrorKind::NoSuchNetwork
    );
}
