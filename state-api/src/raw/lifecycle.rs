//! Pure helpers for `refresh` and the DB config: the reset of SPEC §5 Lifecycle and the
//! validate-then-pin rule, so that every backend resets and pins the same fields.

use crate::VolumeState;
use crate::{ContainerState, ContainerStatus, DbConfig, ErrorKind, PodState, Result, StateError};

/// `refresh` for one container state: status `Configured` unless `Exited`; `pid`,
/// `conmon_pid`, `mountpoint`, `mounted`, `exec_sessions`, `bind_mounts`, `stopped_by_user`,
/// `restart_policy_match`, `restart_count` and `netns_path` cleared. Everything else (exit code,
/// times, OOM flag, `exited`, payload) is kept.
pub fn reset_container_state(state: &mut ContainerState) {
    if state.status != ContainerStatus::Exited {
        state.status = ContainerStatus::Configured;
    }
    state.pid = 0;
    state.conmon_pid = 0;
    state.mountpoint.clear();
    state.mounted = false;
    state.exec_sessions.clear();
    state.bind_mounts.clear();
    state.stopped_by_user = false;
    state.restart_policy_match = false;
    state.restart_count = 0;
    state.netns_path = None;
}

/// `refresh` for one pod state: `cgroup_path` cleared, the rest kept.
pub fn reset_pod_state(state: &mut PodState) {
    state.cgroup_path.clear();
}

/// `refresh` for one volume state: `mount_count` zeroed, the rest kept.
pub fn reset_volume_state(state: &mut VolumeState) {
    state.mount_count = 0;
}

/// `validate_db_config`: checks `given` against `pinned` field by field in the order of SPEC §1
/// and answers the new pinned config, or `DbBadConfig` naming the first field whose non-empty
/// value differs from a pinned one (then nothing may be pinned). An empty value never pins and
/// never conflicts. The answer equals `pinned` when nothing new is pinned.
pub fn pin_db_config(pinned: &DbConfig, given: &DbConfig) -> Result<DbConfig> {
    for ((field, pinned), (_, given)) in pinned.fields().into_iter().zip(given.fields()) {
        if !given.is_empty() && !pinned.is_empty() && given != pinned {
            return Err(StateError::new(
                ErrorKind::DbBadConfig,
                format!("database is pinned to {field} {pinned:?}, the runtime uses {given:?}"),
            ));
        }
    }
    let mut next = pinned.clone();
    for ((_, pinned), (_, given)) in next.fields_mut().into_iter().zip(given.fields()) {
        if pinned.is_empty() {
            given.clone_into(pinned);
        }
    }
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinning_fills_only_empty_fields_and_refuses_a_conflict_whole() {
        let pinned = DbConfig {
            libpod_root: "/a".into(),
            ..DbConfig::default()
        };
        let mut given = DbConfig {
            libpod_tmp: "/t".into(),
            ..DbConfig::default()
        };
        let next = pin_db_config(&pinned, &given).unwrap();
        assert_eq!(
            (next.libpod_root.as_str(), next.libpod_tmp.as_str()),
            ("/a", "/t")
        );

        given.volume_path = "/v".into();
        given.libpod_root = "/b".into();
        let err = pin_db_config(&next, &given).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::DbBadConfig);
        assert!(err.message().contains("libpod_root"), "{err}");
    }

    #[test]
    fn reset_keeps_exit_data_and_clears_run_time_data() {
        let mut state = ContainerState {
            status: ContainerStatus::Running,
            pid: 7,
            exit_code: 3,
            oom_killed: true,
            restart_count: 2,
            ..ContainerState::default()
        };
        reset_container_state(&mut state);
        assert_eq!(state.status, ContainerStatus::Configured);
        assert_eq!((state.pid, state.restart_count), (0, 0));
        assert_eq!((state.exit_code, state.oom_killed), (3, true));

        state.status = ContainerStatus::Exited;
        reset_container_state(&mut state);
        assert_eq!(state.status, ContainerStatus::Exited);
    }
}
