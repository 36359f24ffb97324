//! Containers: the immutable config, the mutable state, and the dependency derivation of SPEC §1.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::{Payload, Timestamp};

/// A named volume mounted by a container. Only `name` means anything to the state; `dest` and
/// `options` are carried verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NamedVolume {
    /// Name of a stored volume; the container is recorded as its user.
    pub name: String,
    /// Mount destination inside the container.
    pub dest: String,
    /// Mount options.
    pub options: Vec<String>,
}

/// A container's configuration: immutable after `add_container`, except through
/// `rewrite_container_config`. Returned verbatim as added (lists keep their order).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ContainerConfig {
    /// Full ID; shares one ID space with pods, across all namespaces.
    pub id: String,
    /// Name; shares one name space with pods, across all namespaces.
    pub name: String,
    /// ID of the pod the container belongs to, if any.
    pub pod: Option<String>,
    /// Libpod namespace; empty means none.
    pub namespace: String,
    /// Lock number in the runtime's lock manager (carried, never interpreted).
    pub lock_id: u32,
    /// Container whose IPC namespace this one joins.
    pub ipc_ns_ctr: Option<String>,
    /// Container whose mount namespace this one joins.
    pub mount_ns_ctr: Option<String>,
    /// Container whose network namespace this one joins.
    pub net_ns_ctr: Option<String>,
    /// Container whose PID namespace this one joins.
    pub pid_ns_ctr: Option<String>,
    /// Container whose user namespace this one joins.
    pub user_ns_ctr: Option<String>,
    /// Container whose UTS namespace this one joins.
    pub uts_ns_ctr: Option<String>,
    /// Container whose cgroup namespace this one joins.
    pub cgroup_ns_ctr: Option<String>,
    /// Generic dependencies (container IDs).
    pub depends_on: Vec<String>,
    /// Named volumes the container mounts.
    pub named_volumes: Vec<NamedVolume>,
    /// Networks joined at creation; they seed the current networks.
    pub networks: Vec<String>,
    /// Aliases per network at creation; every key must be one of `networks`.
    pub network_aliases: BTreeMap<String, Vec<String>>,
    /// Creation time.
    pub created: Timestamp,
    /// Everything else the runtime keeps (spec, image, labels, ...), never read by the state.
    pub payload: Payload,
}

impl ContainerConfig {
    /// A config with the given ID and name, no pod, no namespace, and nothing else set.
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        ContainerConfig {
            id: id.into(),
            name: name.into(),
            ..ContainerConfig::default()
        }
    }

    /// The seven namespace-sharing fields, in the order of SPEC §1, with their names.
    pub fn namespace_sharing(&self) -> [(&'static str, Option<&str>); 7] {
        [
            ("ipc_ns_ctr", self.ipc_ns_ctr.as_deref()),
            ("mount_ns_ctr", self.mount_ns_ctr.as_deref()),
            ("net_ns_ctr", self.net_ns_ctr.as_deref()),
            ("pid_ns_ctr", self.pid_ns_ctr.as_deref()),
            ("user_ns_ctr", self.user_ns_ctr.as_deref()),
            ("uts_ns_ctr", self.uts_ns_ctr.as_deref()),
            ("cgroup_ns_ctr", self.cgroup_ns_ctr.as_deref()),
        ]
    }

    /// The seven namespace-sharing fields, mutable, in the order of SPEC §1, with their names:
    /// for code that sets one of them by position or name.
    pub fn namespace_sharing_mut(&mut self) -> [(&'static str, &mut Option<String>); 7] {
        [
            ("ipc_ns_ctr", &mut self.ipc_ns_ctr),
            ("mount_ns_ctr", &mut self.mount_ns_ctr),
            ("net_ns_ctr", &mut self.net_ns_ctr),
            ("pid_ns_ctr", &mut self.pid_ns_ctr),
            ("user_ns_ctr", &mut self.user_ns_ctr),
            ("uts_ns_ctr", &mut self.uts_ns_ctr),
            ("cgroup_ns_ctr", &mut self.cgroup_ns_ctr),
        ]
    }

    /// The container's dependencies (SPEC §1): every namespace-sharing field that is set, plus
    /// `depends_on`, de-duplicated and sorted by bytes.
    pub fn dependencies(&self) -> Vec<String> {
        let shared = self.namespace_sharing().into_iter().filter_map(|(_, v)| v);
        let all: BTreeSet<&str> = shared
            .chain(self.depends_on.iter().map(String::as_str))
            .collect();
        all.into_iter().map(str::to_owned).collect()
    }

    /// The names of the named volumes, de-duplicated and sorted.
    pub fn volume_names(&self) -> Vec<String> {
        let names: BTreeSet<&str> = self.named_volumes.iter().map(|v| v.name.as_str()).collect();
        names.into_iter().map(str::to_owned).collect()
    }
}

/// The lifecycle status of a container.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub enum ContainerStatus {
    /// Not known.
    Unknown,
    /// Created in the state only; `refresh` resets to this.
    #[default]
    Configured,
    /// Created in the OCI runtime.
    Created,
    /// Running.
    Running,
    /// Stopped.
    Stopped,
    /// Paused.
    Paused,
    /// Exited; kept by `refresh`.
    Exited,
    /// Being removed.
    Removing,
}

/// A container's mutable state, written by `save_container` and reset by `refresh`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ContainerState {
    /// Lifecycle status.
    pub status: ContainerStatus,
    /// PID of the container's init process (0 = none).
    pub pid: u32,
    /// PID of conmon (0 = none).
    pub conmon_pid: u32,
    /// Where the root file system is mounted.
    pub mountpoint: String,
    /// Whether the root file system is mounted.
    pub mounted: bool,
    /// Exec sessions as the runtime keeps them (session ID -> payload); independent of the exec
    /// registry.
    pub exec_sessions: BTreeMap<String, Payload>,
    /// Bind mounts the runtime created (destination -> source).
    pub bind_mounts: BTreeMap<String, String>,
    /// Whether the user stopped the container.
    pub stopped_by_user: bool,
    /// Whether the restart policy matched on the last exit.
    pub restart_policy_match: bool,
    /// Restarts so far.
    pub restart_count: u32,
    /// Exit code of the last run.
    pub exit_code: i32,
    /// Whether the container has exited.
    pub exited: bool,
    /// Whether the kernel OOM killer ended the container.
    pub oom_killed: bool,
    /// When the container last started.
    pub started_at: Option<Timestamp>,
    /// When the container last finished.
    pub finished_at: Option<Timestamp>,
    /// Path of the network namespace, if one is attached.
    pub netns_path: Option<String>,
    /// Everything else the runtime keeps, never read by the state.
    pub payload: Payload,
}

/// A container: config plus current state. Every retrieval returns an independent copy.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Container {
    /// The configuration.
    pub config: ContainerConfig,
    /// The current state.
    pub state: ContainerState,
}

impl Container {
    /// A container with `config` and a default (`Configured`) state.
    pub fn new(config: ContainerConfig) -> Self {
        Container {
            config,
            state: ContainerState::default(),
        }
    }

    /// The container's ID.
    pub fn id(&self) -> &str {
        &self.config.id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies_merge_sharing_fields_and_depends_on_sorted_without_duplicates() {
        let mut cfg = ContainerConfig::new("c", "n");
        cfg.net_ns_ctr = Some("zeta".into());
        cfg.ipc_ns_ctr = Some("alpha".into());
        cfg.pid_ns_ctr = Some("zeta".into());
        cfg.depends_on = vec!["mid".into(), "alpha".into()];
        assert_eq!(cfg.dependencies(), ["alpha", "mid", "zeta"]);
    }

    #[test]
    fn a_config_without_dependencies_derives_none() {
        assert!(ContainerConfig::new("c", "n").dependencies().is_empty());
    }
}
