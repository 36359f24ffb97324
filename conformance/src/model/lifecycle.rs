//! Store-wide calls (SPEC §5 Lifecycle): `refresh` and the DB config. They ignore namespaces.
//! `close` and `set_namespace` belong to the handle (`store.rs`). Step 1 (closed) is the handle's.

use podstate_api::{
    ContainerState, ContainerStatus, DbConfig, ErrorKind, PodState, Result, StateError,
};

use super::data::ModelData;

/// `refresh`: resets run-time state in every namespace. The new states are written out field by
/// field (no `..`), so a field added to a state type cannot slip through unreviewed.
pub(super) fn refresh(data: &mut ModelData) -> Result<()> {
    for stored in data.containers.values_mut() {
        let old = stored.container.state.clone();
        stored.container.state = ContainerState {
            status: match old.status {
                ContainerStatus::Exited => ContainerStatus::Exited,
                _ => ContainerStatus::Configured,
            },
            pid: 0,
            conmon_pid: 0,
            mountpoint: String::new(),
            mounted: false,
            exec_sessions: Default::default(),
            bind_mounts: Default::default(),
            stopped_by_user: false,
            restart_policy_match: false,
            restart_count: 0,
            exit_code: old.exit_code,
            exited: old.exited,
            oom_killed: old.oom_killed,
            started_at: old.started_at,
            finished_at: old.finished_at,
            netns_path: None,
            payload: old.payload,
        };
    }
    for pod in data.pods.values_mut() {
        let old = pod.state.clone();
        pod.state = PodState {
            cgroup_path: String::new(),
            infra_container_id: old.infra_container_id,
            payload: old.payload,
        };
    }
    for vol in data.volumes.values_mut() {
        vol.state.mount_count = 0;
    }
    data.exec_sessions.clear();
    Ok(())
}

/// `get_db_config`: the pinned values.
pub(super) fn db_config(data: &ModelData) -> Result<DbConfig> {
    Ok(data.db_config.clone())
}

/// The six fields in the order of SPEC §1, spelled out here rather than taken from
/// `podstate_api`, so the model owns the order it checks in.
fn fields(cfg: &mut DbConfig) -> [(&'static str, &mut String); 6] {
    [
        ("libpod_root", &mut cfg.libpod_root),
        ("libpod_tmp", &mut cfg.libpod_tmp),
        ("storage_root", &mut cfg.storage_root),
        ("storage_tmp", &mut cfg.storage_tmp),
        ("graph_driver", &mut cfg.graph_driver),
        ("volume_path", &mut cfg.volume_path),
    ]
}

/// `validate_db_config`: the first non-empty value that differs from a pinned one fails the call;
/// otherwise every non-empty unpinned value is pinned. Values are pinned as the walk goes: on a
/// failure the draft is thrown away by clone-and-commit, so nothing is pinned.
pub(super) fn validate_db_config(data: &mut ModelData, cfg: &DbConfig) -> Result<()> {
    let mut given = cfg.clone();
    for ((field, pinned), (_, value)) in fields(&mut data.db_config)
        .into_iter()
        .zip(fields(&mut given))
    {
        if value.is_empty() {
            continue;
        }
        if pinned.is_empty() {
            *pinned = value.clone();
        } else if pinned != value {
            return Err(StateError::new(
                ErrorKind::DbBadConfig,
                format!("{field} is pinned to {pinned:?}, given {value:?}"),
            ));
        }
    }
    Ok(())
}
