//! Everything the store holds, as one value that is the JSON file, and the reads and writes of
//! `podstate_api::raw` over it.
//!
//! Only the records are kept: containers (with the networks they are connected to now), pods,
//! volumes, the exec registry and the pinned DB config. Every index a call needs (who holds a
//! name, a container's dependents, a pod's members, a volume's users) is computed by scanning
//! the records. That is slow for a large store and impossible to get out of step, which is the
//! right trade for a template: a real engine keeps indexes, and `Store::verify` then checks
//! them against the records (see `podstate_api::verify::Indexes`).

use std::collections::BTreeMap;
use std::ops::Bound;

use podstate_api::raw::rules::visible;
use podstate_api::raw::{
    Holder, HolderKind, NewContainer, ObjectMeta, StoreLoad, StoreRead, StoreWrite, lifecycle,
};
use podstate_api::{
    Container, ContainerConfig, ContainerState, DbConfig, ExecSession, Pod, PodConfig, PodState,
    Result, Volume, VolumeConfig, VolumeState,
};
use serde::{Deserialize, Serialize};

/// The version of the file's layout; a file of another version is refused, never guessed at.
pub const FORMAT: u32 = 1;

/// The whole store: the JSON file's content.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Data {
    /// [`FORMAT`] when written by this crate.
    pub format: u32,
    /// Containers by ID.
    pub containers: BTreeMap<String, StoredContainer>,
    /// Pods by ID.
    pub pods: BTreeMap<String, Pod>,
    /// Volumes by name.
    pub volumes: BTreeMap<String, Volume>,
    /// The exec registry: session ID -> container ID.
    pub exec_sessions: BTreeMap<String, String>,
    /// The pinned DB config.
    pub db_config: DbConfig,
}

/// A container and the networks it is connected to now, which `network_connect` and
/// `network_disconnect` move away from its config's.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredContainer {
    /// Config and state, as the calls pass and return them.
    pub container: Container,
    /// Each connected network with its aliases (sorted, no duplicates: the checks made them so).
    pub networks: BTreeMap<String, Vec<String>>,
}

impl Data {
    /// An empty store.
    pub fn new() -> Data {
        Data {
            format: FORMAT,
            ..Data::default()
        }
    }

    fn container_mut(&mut self, id: &str) -> Option<&mut StoredContainer> {
        self.containers.get_mut(id)
    }
}

/// The first two keys of `map` that start with `prefix` and pass `keep`: what a prefix lookup
/// needs to tell "one match" from "ambiguous". A `BTreeMap` range starts right at the prefix.
fn first_two<V>(map: &BTreeMap<String, V>, prefix: &str, keep: impl Fn(&V) -> bool) -> Vec<String> {
    map.range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
        .take_while(|(k, _)| k.starts_with(prefix))
        .filter(|(_, v)| keep(v))
        .map(|(k, _)| k.clone())
        .take(2)
        .collect()
}

// Reads. The checks of `podstate_api::raw::check` decide every answer from these; an engine only
// has to answer them from its storage, in the transaction it is given.
impl StoreRead for Data {
    fn container_meta(&self, id: &str) -> Result<Option<ObjectMeta>> {
        Ok(self.containers.get(id).map(|c| {
            let cfg = &c.container.config;
            ObjectMeta {
                name: cfg.name.clone(),
                namespace: cfg.namespace.clone(),
                pod: cfg.pod.clone(),
            }
        }))
    }

    fn container_config(&self, id: &str) -> Result<Option<ContainerConfig>> {
        Ok(self.containers.get(id).map(|c| c.container.config.clone()))
    }

    fn pod_meta(&self, id: &str) -> Result<Option<ObjectMeta>> {
        Ok(self.pods.get(id).map(|p| ObjectMeta {
            name: p.config.name.clone(),
            namespace: p.config.namespace.clone(),
            pod: None,
        }))
    }

    fn name_holder(&self, name: &str) -> Result<Option<Holder>> {
        let container = (self.containers.values())
            .find(|c| c.container.config.name == name)
            .map(|c| (HolderKind::Container, c.container.id()));
        let pod = (self.pods.values())
            .find(|p| p.config.name == name)
            .map(|p| (HolderKind::Pod, p.id()));
        Ok(container.or(pod).map(|(kind, id)| Holder {
            kind,
            id: id.to_owned(),
        }))
    }

    fn container_id_prefix(&self, prefix: &str, ns: &str) -> Result<Vec<String>> {
        Ok(first_two(&self.containers, prefix, |c| {
            visible(ns, &c.container.config.namespace)
        }))
    }

    fn pod_id_prefix(&self, prefix: &str, ns: &str) -> Result<Vec<String>> {
        Ok(first_two(&self.pods, prefix, |p| {
            visible(ns, &p.config.namespace)
        }))
    }

    fn volume_exists(&self, name: &str) -> Result<bool> {
        Ok(self.volumes.contains_key(name))
    }

    fn volume_name_prefix(&self, prefix: &str) -> Result<Vec<String>> {
        Ok(first_two(&self.volumes, prefix, |_| true))
    }

    fn networks(&self, id: &str) -> Result<BTreeMap<String, Vec<String>>> {
        Ok(self
            .containers
            .get(id)
            .map(|c| c.networks.clone())
            .unwrap_or_default())
    }

    // The scans below walk a `BTreeMap` in key order, so their answers come sorted, as
    // SPEC §2.8 wants every computed list.
    fn dependents(&self, id: &str) -> Result<Vec<String>> {
        Ok(self
            .containers
            .iter()
            .filter(|(_, c)| c.container.config.dependencies().iter().any(|d| d == id))
            .map(|(k, _)| k.clone())
            .collect())
    }

    fn pod_members(&self, id: &str) -> Result<Vec<String>> {
        Ok(self
            .containers
            .iter()
            .filter(|(_, c)| c.container.config.pod.as_deref() == Some(id))
            .map(|(k, _)| k.clone())
            .collect())
    }

    fn volume_users(&self, name: &str) -> Result<Vec<String>> {
        Ok(self
            .containers
            .iter()
            .filter(|(_, c)| c.container.config.volume_names().iter().any(|v| v == name))
            .map(|(k, _)| k.clone())
            .collect())
    }

    fn container_exec_sessions(&self, id: &str) -> Result<Vec<String>> {
        Ok(self
            .exec_sessions
            .iter()
            .filter(|(_, owner)| *owner == id)
            .map(|(session, _)| session.clone())
            .collect())
    }

    fn exec_session_owner(&self, id: &str) -> Result<Option<String>> {
        Ok(self.exec_sessions.get(id).cloned())
    }

    fn db_config(&self) -> Result<DbConfig> {
        Ok(self.db_config.clone())
    }
}

// Whole objects for the retrieval calls. Each answer is a copy: the caller may change it.
impl StoreLoad for Data {
    fn load_container(&self, id: &str) -> Result<Option<Container>> {
        Ok(self.containers.get(id).map(|c| c.container.clone()))
    }

    fn load_container_state(&self, id: &str) -> Result<Option<ContainerState>> {
        Ok(self.containers.get(id).map(|c| c.container.state.clone()))
    }

    fn load_pod(&self, id: &str) -> Result<Option<Pod>> {
        Ok(self.pods.get(id).cloned())
    }

    fn load_volume(&self, name: &str) -> Result<Option<Volume>> {
        Ok(self.volumes.get(name).cloned())
    }

    fn load_all_containers(&self, ns: &str) -> Result<Vec<Container>> {
        Ok(self
            .containers
            .values()
            .filter(|c| visible(ns, &c.container.config.namespace))
            .map(|c| c.container.clone())
            .collect())
    }

    fn load_all_pods(&self, ns: &str) -> Result<Vec<Pod>> {
        Ok(self
            .pods
            .values()
            .filter(|p| visible(ns, &p.config.namespace))
            .cloned()
            .collect())
    }

    fn load_all_volumes(&self) -> Result<Vec<Volume>> {
        Ok(self.volumes.values().cloned().collect())
    }
}

// The apply phase. Every check has passed when these run (the object exists, the name is
// free, nothing depends on what is removed...), so they only change records. With the indexes
// computed by scanning, "every index entry" of the trait's docs is nothing to do here.
impl StoreWrite for Data {
    fn insert_container(&mut self, ctr: &Container, new: &NewContainer) -> Result<()> {
        let stored = StoredContainer {
            container: ctr.clone(),
            networks: new.networks.clone(),
        };
        self.containers.insert(ctr.id().to_owned(), stored);
        Ok(())
    }

    fn delete_container(&mut self, id: &str) -> Result<()> {
        self.containers.remove(id);
        self.exec_sessions.retain(|_, owner| owner != id);
        Ok(())
    }

    fn set_container_state(&mut self, id: &str, state: &ContainerState) -> Result<()> {
        if let Some(c) = self.container_mut(id) {
            c.container.state = state.clone();
        }
        Ok(())
    }

    fn set_container_config(&mut self, cfg: &ContainerConfig) -> Result<()> {
        if let Some(c) = self.container_mut(&cfg.id) {
            c.container.config = cfg.clone();
        }
        Ok(())
    }

    fn connect_network(&mut self, id: &str, network: &str, aliases: &[String]) -> Result<()> {
        if let Some(c) = self.container_mut(id) {
            c.networks.insert(network.to_owned(), aliases.to_vec());
        }
        Ok(())
    }

    fn disconnect_network(&mut self, id: &str, network: &str) -> Result<()> {
        if let Some(c) = self.container_mut(id) {
            c.networks.remove(network);
        }
        Ok(())
    }

    fn insert_exec_session(&mut self, session: &ExecSession) -> Result<()> {
        let (id, owner) = (session.id.clone(), session.container_id.clone());
        self.exec_sessions.insert(id, owner);
        Ok(())
    }

    fn delete_exec_session(&mut self, id: &str) -> Result<()> {
        self.exec_sessions.remove(id);
        Ok(())
    }

    fn delete_container_exec_sessions(&mut self, id: &str) -> Result<()> {
        self.exec_sessions.retain(|_, owner| owner != id);
        Ok(())
    }

    fn insert_pod(&mut self, pod: &Pod) -> Result<()> {
        self.pods.insert(pod.id().to_owned(), pod.clone());
        Ok(())
    }

    fn delete_pod(&mut self, id: &str) -> Result<()> {
        self.pods.remove(id);
        Ok(())
    }

    fn set_pod_state(&mut self, id: &str, state: &PodState) -> Result<()> {
        if let Some(p) = self.pods.get_mut(id) {
            p.state = state.clone();
        }
        Ok(())
    }

    fn set_pod_config(&mut self, cfg: &PodConfig) -> Result<()> {
        if let Some(p) = self.pods.get_mut(&cfg.id) {
            p.config = cfg.clone();
        }
        Ok(())
    }

    fn insert_volume(&mut self, vol: &Volume) -> Result<()> {
        self.volumes.insert(vol.name().to_owned(), vol.clone());
        Ok(())
    }

    fn delete_volume(&mut self, name: &str) -> Result<()> {
        self.volumes.remove(name);
        Ok(())
    }

    fn set_volume_state(&mut self, name: &str, state: &VolumeState) -> Result<()> {
        if let Some(v) = self.volumes.get_mut(name) {
            v.state = state.clone();
        }
        Ok(())
    }

    fn set_volume_config(&mut self, cfg: &VolumeConfig) -> Result<()> {
        if let Some(v) = self.volumes.get_mut(&cfg.name) {
            v.config = cfg.clone();
        }
        Ok(())
    }

    fn set_db_config(&mut self, cfg: &DbConfig) -> Result<()> {
        self.db_config = cfg.clone();
        Ok(())
    }

    // What refresh resets is decided once, in `lifecycle`, for every backend.
    fn refresh(&mut self) -> Result<()> {
        for c in self.containers.values_mut() {
            lifecycle::reset_container_state(&mut c.container.state);
        }
        for p in self.pods.values_mut() {
            lifecycle::reset_pod_state(&mut p.state);
        }
        for v in self.volumes.values_mut() {
            lifecycle::reset_volume_state(&mut v.state);
        }
        self.exec_sessions.clear();
        Ok(())
    }
}
