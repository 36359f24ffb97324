//! A whole store as one value: what `export` writes and `import` reads, and what a migration
//! moves from one backend to another.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Container, DbConfig, ExecSession, Pod, Volume};

/// Everything a store holds, read in one transaction: every object with its config and state
/// (payloads byte for byte), each container's current networks and aliases, the exec
/// registrations and the pinned DB config. Lists are sorted by key.
///
/// What a store derives from these (names, dependents, members, volume users, a container's
/// sessions) is not part of it: a store rebuilds them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Snapshot {
    /// The pinned DB config.
    pub db_config: DbConfig,
    /// Every volume, by name.
    pub volumes: Vec<Volume>,
    /// Every pod, by ID.
    pub pods: Vec<Pod>,
    /// Every container, by ID, with its current networks.
    pub containers: Vec<SnapshotContainer>,
    /// Every exec registration, by session ID.
    pub exec_sessions: Vec<ExecSession>,
}

/// A container in a [`Snapshot`]: config, state, and the networks it is connected to now (which
/// `network_connect` and `network_disconnect` may have moved away from its config's).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SnapshotContainer {
    /// Config and state.
    pub container: Container,
    /// Each connected network with its aliases (sorted, no duplicates).
    pub networks: BTreeMap<String, Vec<String>>,
}

impl Snapshot {
    /// Whether the snapshot holds nothing at all (no object, no registration, nothing pinned).
    pub fn is_empty(&self) -> bool {
        self.volumes.is_empty()
            && self.pods.is_empty()
            && self.containers.is_empty()
            && self.exec_sessions.is_empty()
            && self.db_config == DbConfig::default()
    }
}
