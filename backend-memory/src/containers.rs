//! Containers: add, remove, state, dependents, listing and config rewrite, plus the insert and
//! drop helpers that keep every index in step (pods reuse them).

use std::collections::{BTreeMap, BTreeSet};

use podstate_api::rules::{self, visible};
use podstate_api::{Container, ContainerConfig, ContainerState, ErrorKind, Result, StateError};

use crate::store::{Data, Holder, HolderKind, StoredContainer};

impl Data {
    /// The rules of adding a container after its pod rule and namespace checks (step 5): ID and
    /// name free, aliases only for listed networks, then each dependency in sorted order through
    /// all its rules, then each named volume. `pod` is the pod the container joins, if any.
    pub(crate) fn check_new_container(
        &self,
        cfg: &ContainerConfig,
        pod: Option<&str>,
    ) -> Result<()> {
        let id = cfg.id.as_str();
        self.check_id_and_name_free("container", id, &cfg.name)?;
        if let Some(net) = cfg
            .network_aliases
            .keys()
            .find(|net| !cfg.networks.contains(net))
        {
            return Err(StateError::invalid(format!(
                "container {id:?} has aliases for network {net:?}, which it does not join"
            )));
        }
        for dep in cfg.dependencies() {
            self.check_dependency(cfg, &dep, pod)?;
        }
        for name in cfg.volume_names() {
            if !self.volumes.contains_key(&name) {
                return Err(StateError::new(
                    ErrorKind::NoSuchVolume,
                    format!("container {id:?} uses volume {name:?}, which does not exist"),
                ));
            }
        }
        Ok(())
    }

    /// One dependency `dep` of the new container `cfg` through all its rules.
    fn check_dependency(&self, cfg: &ContainerConfig, dep: &str, pod: Option<&str>) -> Result<()> {
        let id = cfg.id.as_str();
        if dep == id {
            return Err(StateError::invalid(format!(
                "container {id:?} cannot depend on itself"
            )));
        }
        let Some(stored) = self.containers.get(dep) else {
            return Err(StateError::new(
                ErrorKind::NoSuchCtr,
                format!("dependency {dep:?} of container {id:?} is not a container"),
            ));
        };
        let dep_ns = &stored.config.namespace;
        if *dep_ns != cfg.namespace {
            return Err(StateError::new(
                ErrorKind::NsMismatch,
                format!(
                    "dependency {dep:?} of container {id:?} is in namespace {dep_ns:?}, \
                     the container in {:?}",
                    cfg.namespace
                ),
            ));
        }
        let dep_pod = stored.config.pod.as_deref();
        match (pod, dep_pod) {
            (None, None) => Ok(()),
            (None, Some(p)) => Err(StateError::invalid(format!(
                "container {id:?} is not in a pod but its dependency {dep:?} is in pod {p:?}"
            ))),
            (Some(p), _) if dep_pod == Some(p) => Ok(()),
            (Some(p), _) => Err(StateError::invalid(format!(
                "container {id:?} is in pod {p:?} but its dependency {dep:?} is {}",
                dep_pod.map_or("not in a pod".to_owned(), |d| format!("in pod {d:?}"))
            ))),
        }
    }

    /// Stores a container that passed [`Data::check_new_container`], with every index: name,
    /// reverse dependency edges, volume users, pod membership, current networks and aliases.
    pub(crate) fn insert_container(&mut self, ctr: &Container) {
        let cfg = &ctr.config;
        let id = cfg.id.clone();
        for dep in cfg.dependencies() {
            if let Some(stored) = self.containers.get_mut(&dep) {
                stored.dependents.insert(id.clone());
            }
        }
        for name in cfg.volume_names() {
            if let Some(vol) = self.volumes.get_mut(&name) {
                vol.users.insert(id.clone());
            }
        }
        if let Some(pod) = cfg.pod.as_deref().and_then(|p| self.pods.get_mut(p)) {
            pod.members.insert(id.clone());
        }
        let networks: BTreeMap<String, BTreeSet<String>> = cfg
            .networks
            .iter()
            .map(|net| {
                let aliases = cfg.network_aliases.get(net).into_iter().flatten().cloned();
                (net.clone(), aliases.collect())
            })
            .collect();
        self.names.insert(
            cfg.name.clone(),
            Holder {
                kind: HolderKind::Container,
                id: id.clone(),
            },
        );
        self.containers.insert(
            id,
            StoredContainer {
                config: cfg.clone(),
                state: ctr.state.clone(),
                networks,
                dependents: BTreeSet::new(),
                exec_sessions: BTreeSet::new(),
            },
        );
    }

    /// Removes a container and every index entry that refers to it. Its own dependents are not
    /// checked here: callers refuse first, or remove them too (a whole pod).
    pub(crate) fn drop_container(&mut self, id: &str) {
        let Some(stored) = self.containers.remove(id) else {
            return;
        };
        let cfg = &stored.config;
        for dep in cfg.dependencies() {
            if let Some(dep) = self.containers.get_mut(&dep) {
                dep.dependents.remove(id);
            }
        }
        for name in cfg.volume_names() {
            if let Some(vol) = self.volumes.get_mut(&name) {
                vol.users.remove(id);
            }
        }
        for session in &stored.exec_sessions {
            self.exec_sessions.remove(session);
        }
        if let Some(pod) = cfg.pod.as_deref().and_then(|p| self.pods.get_mut(p)) {
            pod.members.remove(id);
        }
        if self.names.get(&cfg.name).is_some_and(|h| h.id == id) {
            self.names.remove(&cfg.name);
        }
    }

    /// The removal rules of step 5: no registered exec sessions, then no dependents (`InUse`).
    pub(crate) fn check_removable(stored: &StoredContainer) -> Result<()> {
        let id = &stored.config.id;
        if let Some(session) = stored.exec_sessions.first() {
            return Err(StateError::new(
                ErrorKind::InUse,
                format!("container {id:?} has registered exec sessions (e.g. {session:?})"),
            ));
        }
        if let Some(dependent) = stored.dependents.first() {
            return Err(StateError::new(
                ErrorKind::InUse,
                format!("container {id:?} has dependents (e.g. {dependent:?})"),
            ));
        }
        Ok(())
    }

    /// `add_container`.
    pub(crate) fn add_container(&mut self, ns: &str, ctr: &Container) -> Result<()> {
        let cfg = &ctr.config;
        rules::check_new_container(cfg)?;
        if let Some(pod) = &cfg.pod {
            return Err(StateError::invalid(format!(
                "container {:?} names pod {pod:?}: add it with add_container_to_pod",
                cfg.id
            )));
        }
        rules::check_visible(ns, "container", &cfg.id, &cfg.namespace)?;
        self.check_new_container(cfg, None)?;
        self.insert_container(ctr);
        Ok(())
    }

    /// `remove_container`.
    pub(crate) fn remove_container(&mut self, ns: &str, ctr: &Container) -> Result<()> {
        rules::check_passed_container(ctr)?;
        let id = ctr.id();
        if let Some(pod) = &ctr.config.pod {
            return Err(in_pod_error(id, pod));
        }
        let stored = self.passed_container(ns, ctr)?;
        if let Some(pod) = &stored.config.pod {
            return Err(in_pod_error(id, pod));
        }
        Self::check_removable(stored)?;
        self.drop_container(id);
        Ok(())
    }

    /// `update_container`: the stored state, for the caller to put into its object.
    pub(crate) fn container_state(&self, ns: &str, ctr: &Container) -> Result<ContainerState> {
        Ok(self.passed_container(ns, ctr)?.state.clone())
    }

    /// `save_container`.
    pub(crate) fn save_container(&mut self, ns: &str, ctr: &Container) -> Result<()> {
        self.passed_container(ns, ctr)?;
        if let Some(stored) = self.containers.get_mut(ctr.id()) {
            stored.state = ctr.state.clone();
        }
        Ok(())
    }

    /// `container_in_use`.
    pub(crate) fn container_in_use(&self, ns: &str, ctr: &Container) -> Result<Vec<String>> {
        let stored = self.passed_container(ns, ctr)?;
        Ok(stored.dependents.iter().cloned().collect())
    }

    /// `all_containers`.
    pub(crate) fn all_containers(&self, ns: &str) -> Vec<Container> {
        self.containers
            .values()
            .filter(|c| visible(ns, &c.config.namespace))
            .map(StoredContainer::to_container)
            .collect()
    }

    /// `rewrite_container_config`.
    pub(crate) fn rewrite_container_config(
        &mut self,
        ns: &str,
        ctr: &Container,
        cfg: &ContainerConfig,
    ) -> Result<()> {
        rules::check_passed_container(ctr)?;
        rules::check_new_container(cfg)?;
        let stored = &self.passed_container(ns, ctr)?.config;
        let id = ctr.id();
        let changed = if stored.id != cfg.id {
            Some("ID")
        } else if stored.name != cfg.name {
            Some("name")
        } else if stored.pod != cfg.pod {
            Some("pod")
        } else if stored.namespace != cfg.namespace {
            Some("namespace")
        } else if stored.dependencies() != cfg.dependencies() {
            Some("dependencies")
        } else if stored.volume_names() != cfg.volume_names() {
            Some("named volumes")
        } else {
            None
        };
        if let Some(field) = changed {
            return Err(StateError::invalid(format!(
                "the new config of container {id:?} changes its {field}"
            )));
        }
        if let Some(stored) = self.containers.get_mut(id) {
            stored.config = cfg.clone();
        }
        Ok(())
    }
}

/// `InvalidArg` for a pod member passed to `remove_container`.
fn in_pod_error(id: &str, pod: &str) -> StateError {
    StateError::invalid(format!(
        "container {id:?} is in pod {pod:?}: remove it with remove_container_from_pod"
    ))
}
