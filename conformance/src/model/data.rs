//! The model's data: objects in ordered maps, plus what SPEC says is stored beside them. Anything
//! derived (dependents, volume users, pod members, a container's sessions) is found by scanning.

use std::collections::{BTreeMap, BTreeSet};

use podstate_api::{Container, ContainerConfig, DbConfig, Pod, Volume};

/// Everything one store holds. Cloned whole by every mutating call (see the module docs).
#[derive(Debug, Clone, Default)]
pub(super) struct ModelData {
    /// Containers by ID.
    pub containers: BTreeMap<String, StoredContainer>,
    /// Pods by ID.
    pub pods: BTreeMap<String, Pod>,
    /// Volumes by name.
    pub volumes: BTreeMap<String, Volume>,
    /// The exec registry: session ID -> container ID.
    pub exec_sessions: BTreeMap<String, String>,
    /// The pinned DB config (empty fields are unpinned).
    pub db_config: DbConfig,
}

/// A container as stored: what the caller gave, plus its current networks with their aliases.
#[derive(Debug, Clone)]
pub(super) struct StoredContainer {
    /// Config and state, as added, rewritten and saved.
    pub container: Container,
    /// Current networks, each with its aliases (a network without aliases maps to an empty set).
    pub networks: BTreeMap<String, BTreeSet<String>>,
}

impl StoredContainer {
    /// The stored container's libpod namespace.
    pub fn namespace(&self) -> &str {
        &self.container.config.namespace
    }

    /// The stored container's pod, if any.
    pub fn pod(&self) -> Option<&str> {
        self.container.config.pod.as_deref()
    }
}

/// SPEC §1: the seven namespace-sharing fields that are set, plus `depends_on`, de-duplicated and
/// sorted. Written out here (not taken from `podstate_api`) so the model owns its reading.
pub(super) fn dependencies(cfg: &ContainerConfig) -> BTreeSet<String> {
    let sharing = [
        &cfg.ipc_ns_ctr,
        &cfg.mount_ns_ctr,
        &cfg.net_ns_ctr,
        &cfg.pid_ns_ctr,
        &cfg.user_ns_ctr,
        &cfg.uts_ns_ctr,
        &cfg.cgroup_ns_ctr,
    ];
    sharing
        .into_iter()
        .flatten()
        .chain(cfg.depends_on.iter())
        .cloned()
        .collect()
}

/// The names of a config's named volumes, de-duplicated and sorted.
pub(super) fn volume_names(cfg: &ContainerConfig) -> BTreeSet<String> {
    cfg.named_volumes.iter().map(|v| v.name.clone()).collect()
}

/// Whether an object in namespace `object_ns` is visible to a handle in namespace `handle_ns`.
pub(super) fn visible(handle_ns: &str, object_ns: &str) -> bool {
    handle_ns.is_empty() || handle_ns == object_ns
}

impl ModelData {
    /// IDs of the containers that depend on `id`, by scanning every container.
    pub fn dependents(&self, id: &str) -> Vec<String> {
        self.containers
            .values()
            .filter(|c| dependencies(&c.container.config).contains(id))
            .map(|c| c.container.config.id.clone())
            .collect()
    }

    /// IDs of the containers using volume `name`, by scanning every container.
    pub fn volume_users(&self, name: &str) -> Vec<String> {
        self.containers
            .values()
            .filter(|c| volume_names(&c.container.config).contains(name))
            .map(|c| c.container.config.id.clone())
            .collect()
    }

    /// IDs of the members of pod `pod_id`: the containers whose pod field names it.
    pub fn members(&self, pod_id: &str) -> Vec<String> {
        self.containers
            .values()
            .filter(|c| c.pod() == Some(pod_id))
            .map(|c| c.container.config.id.clone())
            .collect()
    }

    /// IDs of the exec sessions registered to container `ctr_id`.
    pub fn sessions_of(&self, ctr_id: &str) -> Vec<String> {
        self.exec_sessions
            .iter()
            .filter(|(_, ctr)| ctr.as_str() == ctr_id)
            .map(|(session, _)| session.clone())
            .collect()
    }

    /// Drops container `id` and everything that refers to it: its networks and aliases go with
    /// the stored container, volume uses and dependents are derived, exec registrations are
    /// dropped here.
    pub fn drop_container(&mut self, id: &str) {
        self.containers.remove(id);
        self.exec_sessions.retain(|_, ctr| ctr != id);
    }
}
