//! What one store keeps: the objects in ordered maps keyed by ID (volumes by name), and the
//! indexes that hang off them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::keyed::Keyed;
use podstate_api::raw::Holder;
use podstate_api::{
    ContainerConfig, ContainerState, DbConfig, PodConfig, PodState, VolumeConfig, VolumeState,
};

/// A stored container with the indexes that hang off it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StoredContainer {
    pub(crate) config: ContainerConfig,
    pub(crate) state: ContainerState,
    /// Current networks with their aliases (seeded from the config, then moved by connect and
    /// disconnect).
    pub(crate) networks: BTreeMap<String, BTreeSet<String>>,
    /// Reverse dependency edges: the containers that depend on this one.
    pub(crate) dependents: BTreeSet<String>,
    /// Exec sessions registered to this container (the registry's per-container index).
    pub(crate) exec_sessions: BTreeSet<String>,
}

/// A stored pod with its membership index.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StoredPod {
    pub(crate) config: PodConfig,
    pub(crate) state: PodState,
    /// IDs of the member containers.
    pub(crate) members: BTreeSet<String>,
}

/// A stored volume with its users index.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StoredVolume {
    pub(crate) config: VolumeConfig,
    pub(crate) state: VolumeState,
    /// IDs of the stored containers whose config names this volume.
    pub(crate) users: BTreeSet<String>,
}

/// Everything one store keeps (the view of its transactions). Containers and pods live in
/// separate maps (so that prefix lookups of one kind are range scans of its own keys) but share
/// the ID space, which the add checks enforce through both maps, and the name space, which
/// `names` indexes. The containers and the names, which every lookup probes, are hashed for
/// exact access (see [`Keyed`]); pods, volumes and exec sessions are few and stay in ordered
/// maps.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Data {
    pub(crate) containers: Keyed<StoredContainer>,
    pub(crate) pods: BTreeMap<String, StoredPod>,
    /// The shared container/pod name space: name -> holder.
    pub(crate) names: HashMap<String, Holder>,
    pub(crate) volumes: BTreeMap<String, StoredVolume>,
    /// The exec registry: session ID -> container ID.
    pub(crate) exec_sessions: BTreeMap<String, String>,
    pub(crate) db_config: DbConfig,
}
