//! Refresh after a reboot, the pinned DB config, and the handle's own namespace and closing.

use podstate_api::{ContainerStatus, DbConfig, ErrorKind, Result, StateError, rules};

use crate::store::{Data, MemoryState};

impl Data {
    /// `refresh` (SPEC §5 Lifecycle), in every namespace. Only run-time state is reset;
    /// configs, names, memberships, dependencies, networks, aliases and volume users stay.
    pub(crate) fn refresh(&mut self) {
        for stored in self.containers.values_mut() {
            let state = &mut stored.state;
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
            stored.exec_sessions.clear();
        }
        for pod in self.pods.values_mut() {
            pod.state.cgroup_path.clear();
        }
        for vol in self.volumes.values_mut() {
            vol.state.mount_count = 0;
        }
        self.exec_sessions.clear();
    }

    /// `get_db_config`.
    pub(crate) fn get_db_config(&self) -> DbConfig {
        self.db_config.clone()
    }

    /// `validate_db_config`: every field is checked before anything is pinned.
    pub(crate) fn validate_db_config(&mut self, cfg: &DbConfig) -> Result<()> {
        let pinned = self.db_config.fields();
        for ((field, pinned), (_, given)) in pinned.iter().zip(cfg.fields()) {
            if !given.is_empty() && !pinned.is_empty() && given != *pinned {
                return Err(StateError::new(
                    ErrorKind::DbBadConfig,
                    format!("database is pinned to {field} {pinned:?}, the runtime uses {given:?}"),
                ));
            }
        }
        for ((_, pinned), (_, given)) in self.db_config.fields_mut().into_iter().zip(cfg.fields()) {
            if pinned.is_empty() && !given.is_empty() {
                given.clone_into(pinned);
            }
        }
        Ok(())
    }
}

impl MemoryState {
    /// `close`: only this handle; the store lives on for the others.
    pub(crate) fn close_handle(&self) {
        self.mark_closed();
    }

    /// `set_namespace`.
    pub(crate) fn set_handle_namespace(&self, ns: &str) -> Result<()> {
        self.ensure_open()?;
        rules::check_namespace(ns)?;
        self.replace_namespace(ns);
        Ok(())
    }
}
