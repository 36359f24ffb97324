//! The reads of one transaction: map look-ups and range scans over [`Data`].

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

use podstate_api::raw::rules::visible;
use podstate_api::raw::{Holder, HolderKind, ObjectMeta, StoreLoad, StoreRead};
use podstate_api::{Container, ContainerConfig, ContainerState, DbConfig, Pod, Result, Volume};

use crate::data::{Data, StoredContainer, StoredPod, StoredVolume};

/// The first two keys of `map` that start with `prefix` and whose value passes `keep`, as a
/// range scan: only keys sharing the prefix are visited, and the scan stops at the second match.
pub(crate) fn first_two_with_prefix<V>(
    map: &BTreeMap<String, V>,
    prefix: &str,
    keep: impl Fn(&V) -> bool,
) -> Vec<String> {
    first_two(
        map.range::<str, _>((Bound::Included(prefix), Bound::Unbounded)),
        prefix,
        keep,
    )
}

/// The first two keys of an ordered walk from `prefix` that start with it and pass `keep`: only
/// keys sharing the prefix are visited, and the walk stops at the second match.
fn first_two<'a, V: 'a>(
    walk: impl Iterator<Item = (&'a String, &'a V)>,
    prefix: &str,
    keep: impl Fn(&V) -> bool,
) -> Vec<String> {
    walk.take_while(|(key, _)| key.starts_with(prefix))
        .filter(|(_, value)| keep(value))
        .map(|(key, _)| key.clone())
        .take(2)
        .collect()
}

/// The IDs of an index set, or none for an object that is not stored.
fn ids(set: Option<&BTreeSet<String>>) -> Vec<String> {
    set.map(|set| set.iter().cloned().collect())
        .unwrap_or_default()
}

impl StoredContainer {
    /// An independent copy of config and state (payloads are shared, immutable text).
    pub(crate) fn to_container(&self) -> Container {
        Container {
            config: self.config.clone(),
            state: self.state.clone(),
        }
    }
}

impl StoredPod {
    /// An independent copy of config and state.
    fn to_pod(&self) -> Pod {
        Pod {
            config: self.config.clone(),
            state: self.state.clone(),
        }
    }
}

impl StoredVolume {
    /// An independent copy of config and state.
    fn to_volume(&self) -> Volume {
        Volume {
            config: self.config.clone(),
            state: self.state.clone(),
        }
    }
}

impl StoreRead for Data {
    fn container_meta(&self, id: &str) -> Result<Option<ObjectMeta>> {
        Ok(self.containers.get(id).map(|c| ObjectMeta {
            name: c.config.name.clone(),
            namespace: c.config.namespace.clone(),
            pod: c.config.pod.clone(),
        }))
    }

    fn container_namespace(&self, id: &str) -> Result<Option<String>> {
        Ok(self.containers.get(id).map(|c| c.config.namespace.clone()))
    }

    fn pod_namespace(&self, id: &str) -> Result<Option<String>> {
        Ok(self.pods.get(id).map(|p| p.config.namespace.clone()))
    }

    fn container_config(&self, id: &str) -> Result<Option<ContainerConfig>> {
        Ok(self.containers.get(id).map(|c| c.config.clone()))
    }

    fn pod_meta(&self, id: &str) -> Result<Option<ObjectMeta>> {
        Ok(self.pods.get(id).map(|p| ObjectMeta {
            name: p.config.name.clone(),
            namespace: p.config.namespace.clone(),
            pod: None,
        }))
    }

    fn id_holder(&self, id: &str) -> Result<Option<HolderKind>> {
        if self.containers.contains_key(id) {
            return Ok(Some(HolderKind::Container));
        }
        Ok(self.pods.contains_key(id).then_some(HolderKind::Pod))
    }

    fn name_holder(&self, name: &str) -> Result<Option<Holder>> {
        Ok(self.names.get(name).cloned())
    }

    fn container_id_prefix(&self, prefix: &str, ns: &str) -> Result<Vec<String>> {
        Ok(first_two(self.containers.range_from(prefix), prefix, |c| {
            visible(ns, &c.config.namespace)
        }))
    }

    fn pod_id_prefix(&self, prefix: &str, ns: &str) -> Result<Vec<String>> {
        Ok(first_two_with_prefix(&self.pods, prefix, |p| {
            visible(ns, &p.config.namespace)
        }))
    }

    fn volume_exists(&self, name: &str) -> Result<bool> {
        Ok(self.volumes.contains_key(name))
    }

    fn volume_name_prefix(&self, prefix: &str) -> Result<Vec<String>> {
        Ok(first_two_with_prefix(&self.volumes, prefix, |_| true))
    }

    fn networks(&self, id: &str) -> Result<BTreeMap<String, Vec<String>>> {
        let Some(stored) = self.containers.get(id) else {
            return Ok(BTreeMap::new());
        };
        Ok(stored
            .networks
            .iter()
            .map(|(net, aliases)| (net.clone(), aliases.iter().cloned().collect()))
            .collect())
    }

    fn dependents(&self, id: &str) -> Result<Vec<String>> {
        Ok(ids(self.containers.get(id).map(|c| &c.dependents)))
    }

    fn pod_members(&self, id: &str) -> Result<Vec<String>> {
        Ok(ids(self.pods.get(id).map(|p| &p.members)))
    }

    fn volume_users(&self, name: &str) -> Result<Vec<String>> {
        Ok(ids(self.volumes.get(name).map(|v| &v.users)))
    }

    fn container_exec_sessions(&self, id: &str) -> Result<Vec<String>> {
        Ok(ids(self.containers.get(id).map(|c| &c.exec_sessions)))
    }

    fn exec_session_owner(&self, id: &str) -> Result<Option<String>> {
        Ok(self.exec_sessions.get(id).cloned())
    }

    fn db_config(&self) -> Result<DbConfig> {
        Ok(self.db_config.clone())
    }
}

impl StoreLoad for Data {
    fn load_container(&self, id: &str) -> Result<Option<Container>> {
        Ok(self.containers.get(id).map(StoredContainer::to_container))
    }

    fn load_container_state(&self, id: &str) -> Result<Option<ContainerState>> {
        Ok(self.containers.get(id).map(|c| c.state.clone()))
    }

    fn load_pod(&self, id: &str) -> Result<Option<Pod>> {
        Ok(self.pods.get(id).map(StoredPod::to_pod))
    }

    fn load_volume(&self, name: &str) -> Result<Option<Volume>> {
        Ok(self.volumes.get(name).map(StoredVolume::to_volume))
    }

    fn load_all_containers(&self, ns: &str) -> Result<Vec<Container>> {
        // Sized up front: growing a vector of 10,000 containers copied it a dozen times over.
        let mut all = Vec::with_capacity(self.containers.len());
        all.extend(
            self.containers
                .values()
                .filter(|c| visible(ns, &c.config.namespace))
                .map(StoredContainer::to_container),
        );
        Ok(all)
    }

    fn load_all_pods(&self, ns: &str) -> Result<Vec<Pod>> {
        Ok(self
            .pods
            .values()
            .filter(|p| visible(ns, &p.config.namespace))
            .map(StoredPod::to_pod)
            .collect())
    }

    fn load_all_volumes(&self) -> Result<Vec<Volume>> {
        Ok(self.volumes.values().map(StoredVolume::to_volume).collect())
    }
}
