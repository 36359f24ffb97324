//! The apply phase: writes that keep every index of [`Data`] in step. None of them can fail, so
//! a call that passed its checks always applies whole.

use std::collections::BTreeSet;

use podstate_api::raw::{Holder, HolderKind, NewContainer, StoreWrite, lifecycle};
use podstate_api::{
    Container, ContainerConfig, ContainerState, DbConfig, ExecSession, Pod, PodConfig, PodState,
    Result, Volume, VolumeConfig, VolumeState,
};

use crate::data::{Data, StoredContainer, StoredPod, StoredVolume};

impl Data {
    /// Drops `name` from the name index if `id` holds it.
    fn release_name(&mut self, name: &str, id: &str) {
        if self.names.get(name).is_some_and(|h| h.id == id) {
            self.names.remove(name);
        }
    }
}

impl StoreWrite for Data {
    fn insert_container(&mut self, ctr: &Container, new: &NewContainer) -> Result<()> {
        let cfg = &ctr.config;
        let id = &cfg.id;
        for dep in &new.dependencies {
            if let Some(stored) = self.containers.get_mut(dep) {
                stored.dependents.insert(id.clone());
            }
        }
        for name in &new.volumes {
            if let Some(vol) = self.volumes.get_mut(name) {
                vol.users.insert(id.clone());
            }
        }
        if let Some(pod) = cfg.pod.as_deref().and_then(|p| self.pods.get_mut(p)) {
            pod.members.insert(id.clone());
        }
        let holder = Holder {
            kind: HolderKind::Container,
            id: id.clone(),
        };
        self.names.insert(cfg.name.clone(), holder);
        let networks = new
            .networks
            .iter()
            .map(|(net, aliases)| (net.clone(), aliases.iter().cloned().collect()))
            .collect();
        self.containers.insert(
            id.clone(),
            StoredContainer {
                config: cfg.clone(),
                state: ctr.state.clone(),
                networks,
                dependents: BTreeSet::new(),
                exec_sessions: BTreeSet::new(),
            },
        );
        Ok(())
    }

    fn delete_container(&mut self, id: &str) -> Result<()> {
        let Some(stored) = self.containers.remove(id) else {
            return Ok(());
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
        self.release_name(&cfg.name, id);
        Ok(())
    }

    fn set_container_state(&mut self, id: &str, state: &ContainerState) -> Result<()> {
        if let Some(stored) = self.containers.get_mut(id) {
            stored.state = state.clone();
        }
        Ok(())
    }

    fn set_container_config(&mut self, cfg: &ContainerConfig) -> Result<()> {
        if let Some(stored) = self.containers.get_mut(&cfg.id) {
            stored.config = cfg.clone();
        }
        Ok(())
    }

    fn connect_network(&mut self, id: &str, network: &str, aliases: &[String]) -> Result<()> {
        if let Some(stored) = self.containers.get_mut(id) {
            let aliases = aliases.iter().cloned().collect();
            stored.networks.insert(network.to_owned(), aliases);
        }
        Ok(())
    }

    fn disconnect_network(&mut self, id: &str, network: &str) -> Result<()> {
        if let Some(stored) = self.containers.get_mut(id) {
            stored.networks.remove(network);
        }
        Ok(())
    }

    fn insert_exec_session(&mut self, session: &ExecSession) -> Result<()> {
        let owner = &session.container_id;
        self.exec_sessions.insert(session.id.clone(), owner.clone());
        if let Some(stored) = self.containers.get_mut(owner) {
            stored.exec_sessions.insert(session.id.clone());
        }
        Ok(())
    }

    fn delete_exec_session(&mut self, id: &str) -> Result<()> {
        if let Some(owner) = self.exec_sessions.remove(id)
            && let Some(stored) = self.containers.get_mut(&owner)
        {
            stored.exec_sessions.remove(id);
        }
        Ok(())
    }

    fn delete_container_exec_sessions(&mut self, id: &str) -> Result<()> {
        let sessions = self
            .containers
            .get_mut(id)
            .map(|stored| std::mem::take(&mut stored.exec_sessions))
            .unwrap_or_default();
        for session in &sessions {
            self.exec_sessions.remove(session);
        }
        Ok(())
    }

    fn insert_pod(&mut self, pod: &Pod) -> Result<()> {
        let cfg = &pod.config;
        let holder = Holder {
            kind: HolderKind::Pod,
            id: cfg.id.clone(),
        };
        self.names.insert(cfg.name.clone(), holder);
        self.pods.insert(
            cfg.id.clone(),
            StoredPod {
                config: cfg.clone(),
                state: pod.state.clone(),
                members: BTreeSet::new(),
            },
        );
        Ok(())
    }

    fn delete_pod(&mut self, id: &str) -> Result<()> {
        if let Some(removed) = self.pods.remove(id) {
            self.release_name(&removed.config.name, id);
        }
        Ok(())
    }

    fn set_pod_state(&mut self, id: &str, state: &PodState) -> Result<()> {
        if let Some(stored) = self.pods.get_mut(id) {
            stored.state = state.clone();
        }
        Ok(())
    }

    fn set_pod_config(&mut self, cfg: &PodConfig) -> Result<()> {
        if let Some(stored) = self.pods.get_mut(&cfg.id) {
            stored.config = cfg.clone();
        }
        Ok(())
    }

    fn insert_volume(&mut self, vol: &Volume) -> Result<()> {
        self.volumes.insert(
            vol.name().to_owned(),
            StoredVolume {
                config: vol.config.clone(),
                state: vol.state.clone(),
                users: BTreeSet::new(),
            },
        );
        Ok(())
    }

    fn delete_volume(&mut self, name: &str) -> Result<()> {
        self.volumes.remove(name);
        Ok(())
    }

    fn set_volume_state(&mut self, name: &str, state: &VolumeState) -> Result<()> {
        if let Some(stored) = self.volumes.get_mut(name) {
            stored.state = state.clone();
        }
        Ok(())
    }

    fn set_volume_config(&mut self, cfg: &VolumeConfig) -> Result<()> {
        if let Some(stored) = self.volumes.get_mut(&cfg.name) {
            stored.config = cfg.clone();
        }
        Ok(())
    }

    fn set_db_config(&mut self, cfg: &DbConfig) -> Result<()> {
        self.db_config = cfg.clone();
        Ok(())
    }

    fn refresh(&mut self) -> Result<()> {
        for stored in self.containers.values_mut() {
            lifecycle::reset_container_state(&mut stored.state);
            stored.exec_sessions.clear();
        }
        for pod in self.pods.values_mut() {
            lifecycle::reset_pod_state(&mut pod.state);
        }
        for vol in self.volumes.values_mut() {
            lifecycle::reset_volume_state(&mut vol.state);
        }
        self.exec_sessions.clear();
        Ok(())
    }
}
