//! Pods: config and state. Membership is kept by the state, not in the pod.

use serde::{Deserialize, Serialize};

use crate::{Payload, Timestamp};

/// A pod's configuration: immutable after `add_pod`, except through `rewrite_pod_config`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PodConfig {
    /// Full ID; shares one ID space with containers, across all namespaces.
    pub id: String,
    /// Name; shares one name space with containers, across all namespaces.
    pub name: String,
    /// Libpod namespace; empty means none. Members share it.
    pub namespace: String,
    /// Lock number in the runtime's lock manager (carried, never interpreted).
    pub lock_id: u32,
    /// Creation time.
    pub created: Timestamp,
    /// Everything else the runtime keeps, never read by the state.
    pub payload: Payload,
}

impl PodConfig {
    /// A config with the given ID and name, no namespace, and nothing else set.
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        PodConfig {
            id: id.into(),
            name: name.into(),
            ..PodConfig::default()
        }
    }
}

/// A pod's mutable state.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PodState {
    /// The pod's cgroup; cleared by `refresh`.
    pub cgroup_path: String,
    /// ID of the infra container, if any (kept by `refresh`).
    pub infra_container_id: String,
    /// Everything else the runtime keeps, never read by the state.
    pub payload: Payload,
}

/// A pod: config plus current state. Every retrieval returns an independent copy.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Pod {
    /// The configuration.
    pub config: PodConfig,
    /// The current state.
    pub state: PodState,
}

impl Pod {
    /// A pod with `config` and an empty state.
    pub fn new(config: PodConfig) -> Self {
        Pod {
            config,
            state: PodState::default(),
        }
    }

    /// The pod's ID.
    pub fn id(&self) -> &str {
        &self.config.id
    }
}
