//! A failed call changes nothing, even when it fails late, after earlier checks passed.

use podstate_api::{DbConfig, ErrorKind, ExecSession, State};

use super::{assert_kind, ctr, member, mount, pod, vol};
use crate::{MemoryState, MemoryStore};

/// A store with volume "v", containers "a" (using "v") and "b" (depending on "a"), and pod "p"
/// with member "m".
fn populated() -> MemoryState {
    let state = MemoryStore::new().open_handle().unwrap();
    state.add_volume(&vol("v")).unwrap();
    let mut a = ctr("a", "a-name", "");
    a.config.named_volumes = vec![mount("v", "/v")];
    state.add_container(&a).unwrap();
    let mut b = ctr("b", "b-name", "");
    b.config.depends_on = vec!["a".into()];
    state.add_container(&b).unwrap();
    state.add_pod(&pod("p", "p-name", "")).unwrap();
    let p = state.pod("p").unwrap();
    state
        .add_container_to_pod(&p, &member("m", "m-name", "", "p"))
        .unwrap();
    state
}

#[test]
fn an_add_failing_at_its_second_dependency_leaves_no_edge_on_the_first() {
    let state = populated();
    let before = state.engine().snapshot();
    let mut c = ctr("c", "c-name", "");
    // Sorted order checks "a" (fine) before "zzz-missing".
    c.config.depends_on = vec!["zzz-missing".into(), "a".into()];
    c.config.named_volumes = vec![mount("v", "/v")];
    c.config.networks = vec!["net".into()];
    assert_kind(state.add_container(&c), ErrorKind::NoSuchCtr);
    assert_eq!(state.engine().snapshot(), before);
}

#[test]
fn an_add_failing_at_its_volumes_registers_neither_name_nor_edges() {
    let state = populated();
    let before = state.engine().snapshot();
    let mut c = ctr("c", "c-name", "");
    c.config.net_ns_ctr = Some("a".into());
    c.config.named_volumes = vec![mount("v", "/v"), mount("nope", "/n")];
    assert_kind(state.add_container(&c), ErrorKind::NoSuchVolume);
    assert_eq!(state.engine().snapshot(), before);
    assert!(!state.has_container("c").unwrap());
}

#[test]
fn a_pod_add_failing_on_a_dependency_outside_the_pod_changes_nothing() {
    let state = populated();
    let before = state.engine().snapshot();
    let mut c = member("c", "c-name", "", "p");
    c.config.depends_on = vec!["m".into(), "a".into()];
    let p = state.pod("p").unwrap();
    assert_kind(state.add_container_to_pod(&p, &c), ErrorKind::InvalidArg);
    assert_eq!(state.engine().snapshot(), before);
}

#[test]
fn refused_removals_and_rewrites_change_nothing() {
    let state = populated();
    state
        .add_exec_session(&state.container("m").unwrap(), &ExecSession::new("e", "m"))
        .unwrap();
    let before = state.engine().snapshot();
    let p = state.pod("p").unwrap();
    assert_kind(
        state.remove_container(&state.container("a").unwrap()),
        ErrorKind::InUse,
    );
    assert_kind(state.remove_pod(&p), ErrorKind::InUse);
    assert_kind(state.remove_volume(&vol("v")), ErrorKind::InUse);
    let m = state.container("m").unwrap();
    assert_kind(state.remove_container_from_pod(&p, &m), ErrorKind::InUse);
    assert_kind(state.remove_container(&m), ErrorKind::InvalidArg);
    let mut cfg = state.get_container_config("b").unwrap();
    cfg.depends_on.clear();
    let b = state.container("b").unwrap();
    assert_kind(
        state.rewrite_container_config(&b, &cfg),
        ErrorKind::InvalidArg,
    );
    assert_kind(
        state.network_disconnect(&b, "none"),
        ErrorKind::NoSuchNetwork,
    );
    assert_kind(
        state.remove_exec_session(&ExecSession::new("e", "a")),
        ErrorKind::InvalidArg,
    );
    assert_eq!(state.engine().snapshot(), before);
}

#[test]
fn a_db_config_conflict_on_a_late_field_pins_nothing() {
    let state = MemoryStore::new().open_handle().unwrap();
    let pinned = DbConfig {
        volume_path: "/vols".into(),
        ..DbConfig::default()
    };
    state.validate_db_config(&pinned).unwrap();
    let conflicting = DbConfig {
        libpod_root: "/root".into(),
        volume_path: "/elsewhere".into(),
        ..DbConfig::default()
    };
    let err = state.validate_db_config(&conflicting).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DbBadConfig);
    assert!(err.message().contains("volume_path"), "{err}");
    assert_eq!(state.get_db_config().unwrap(), pinned);
    // An empty value never conflicts and never pins; a new value pins.
    let more = DbConfig {
        graph_driver: "overlay".into(),
        ..DbConfig::default()
    };
    state.validate_db_config(&more).unwrap();
    let cfg = state.get_db_config().unwrap();
    assert_eq!(
        (cfg.graph_driver.as_str(), cfg.volume_path.as_str()),
        ("overlay", "/vols")
    );
    assert_eq!(cfg.libpod_root, "");
}

#[test]
fn a_failed_update_leaves_the_callers_object_alone() {
    let state = populated();
    let mut ghost = ctr("ghost", "ghost", "");
    ghost.state.pid = 42;
    let copy = ghost.clone();
    assert_kind(state.update_container(&mut ghost), ErrorKind::NoSuchCtr);
    assert_eq!(ghost, copy);
    let other = MemoryStore::new().open_handle().unwrap();
    other.set_namespace("elsewhere").unwrap();
    let mut a = state.container("a").unwrap();
    a.state.pid = 7;
    let copy = a.clone();
    assert_kind(other.update_container(&mut a), ErrorKind::NsMismatch);
    assert_eq!(a, copy);
}
