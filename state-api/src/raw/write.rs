//! The apply phase: what a backend writes once every check of a call has passed.

use std::collections::BTreeMap;

use crate::{
    Container, ContainerConfig, ContainerState, DbConfig, ExecSession, Pod, PodConfig, PodState,
    Result, Volume, VolumeConfig, VolumeState,
};

/// What storing a checked new container needs beyond the container itself, derived once by
/// [`check::add_container`](super::check::add_container) and
/// [`check::add_container_to_pod`](super::check::add_container_to_pod).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewContainer {
    /// The container's dependencies (SPEC §1): sorted, no duplicates; every one is stored.
    pub dependencies: Vec<String>,
    /// The names of its named volumes: sorted, no duplicates; every one is stored.
    pub volumes: Vec<String>,
    /// Its current networks at creation, each with its aliases (sorted, no duplicates).
    pub networks: BTreeMap<String, Vec<String>>,
}

/// The writes of the apply phase, inside the transaction the checks ran in.
///
/// A call reaches these only after all its checks passed, so each method may assume what the
/// checks proved (the object exists, the ID and name are free, the container has no dependents
/// left outside the ones removed with it...). A method that fails (`Io`, `Corrupt`) makes the
/// whole transaction roll back: nothing of the call stays.
pub trait StoreWrite {
    /// Stores a new container with every index: its name, the reverse edges of its
    /// dependencies, its volume uses, its pod membership, its current networks and aliases.
    fn insert_container(&mut self, ctr: &Container, new: &NewContainer) -> Result<()>;

    /// Removes container `id` and every index entry that refers to it: its name, the reverse
    /// edges of its dependencies, its volume uses, its exec registrations, its membership, its
    /// networks and aliases.
    fn delete_container(&mut self, id: &str) -> Result<()>;

    /// Replaces the state of container `id`.
    fn set_container_state(&mut self, id: &str, state: &ContainerState) -> Result<()>;

    /// Replaces the config of the container `cfg.id` (identity, dependencies and volume names
    /// are unchanged, so no index moves; current networks are not touched).
    fn set_container_config(&mut self, cfg: &ContainerConfig) -> Result<()>;

    /// Connects container `id` to `network` with `aliases` (sorted, no duplicates).
    fn connect_network(&mut self, id: &str, network: &str, aliases: &[String]) -> Result<()>;

    /// Disconnects container `id` from `network`, dropping its aliases there.
    fn disconnect_network(&mut self, id: &str, network: &str) -> Result<()>;

    /// Registers `session` to its container.
    fn insert_exec_session(&mut self, session: &ExecSession) -> Result<()>;

    /// Drops the registration of exec session `id`.
    fn delete_exec_session(&mut self, id: &str) -> Result<()>;

    /// Drops every exec session registered to container `id`.
    fn delete_container_exec_sessions(&mut self, id: &str) -> Result<()>;

    /// Stores a new pod (no members yet) and its name.
    fn insert_pod(&mut self, pod: &Pod) -> Result<()>;

    /// Removes the empty pod `id` and its name.
    fn delete_pod(&mut self, id: &str) -> Result<()>;

    /// Replaces the state of pod `id`.
    fn set_pod_state(&mut self, id: &str, state: &PodState) -> Result<()>;

    /// Replaces the config of the pod `cfg.id` (identity unchanged).
    fn set_pod_config(&mut self, cfg: &PodConfig) -> Result<()>;

    /// Stores a new volume (no users yet).
    fn insert_volume(&mut self, vol: &Volume) -> Result<()>;

    /// Removes the unused volume `name`.
    fn delete_volume(&mut self, name: &str) -> Result<()>;

    /// Replaces the state of volume `name`.
    fn set_volume_state(&mut self, name: &str, state: &VolumeState) -> Result<()>;

    /// Replaces the config of the volume `cfg.name`.
    fn set_volume_config(&mut self, cfg: &VolumeConfig) -> Result<()>;

    /// Replaces the pinned DB config.
    fn set_db_config(&mut self, cfg: &DbConfig) -> Result<()>;

    /// Resets every container, pod and volume state with the helpers of
    /// [`lifecycle`](super::lifecycle) and drops every exec registration.
    fn refresh(&mut self) -> Result<()>;
}
