//! Faults in adds, removals and rewrites.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::PoisonError;

use podstate_api::{Container, ContainerConfig, ErrorKind, ExecSession, Pod, Result};
use podstate_api::{StateError, Volume};

use super::Fault;
use super::handle::FaultyState;

/// Entries a faulty wrapper "forgot" to drop, keyed by the object they still point at.
#[derive(Debug, Default)]
pub(super) struct Ghosts {
    /// Container ID -> IDs of removed containers still listed as its dependents.
    pub(super) dependents: BTreeMap<String, BTreeSet<String>>,
    /// Volume name -> IDs of removed containers still listed as its users.
    pub(super) volume_users: BTreeMap<String, BTreeSet<String>>,
}

impl FaultyState {
    pub(super) fn ghosts(&self) -> std::sync::MutexGuard<'_, Ghosts> {
        self.shared
            .ghosts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn check_reserved_name(&self, name: &str) -> Result<()> {
        let reserved = self.shared.reserved_names.lock();
        let reserved = reserved.unwrap_or_else(PoisonError::into_inner);
        if self.is(Fault::FailedAddReservesName) && reserved.contains(name) {
            return Err(StateError::new(
                ErrorKind::CtrExists,
                format!("name {name:?} is in use"),
            ));
        }
        Ok(())
    }

    pub(super) fn map_holder_kind(&self, result: Result<()>) -> Result<()> {
        match result {
            Err(e) if e.kind() == ErrorKind::PodExists && self.is(Fault::HolderKindAlwaysCtr) => {
                Err(StateError::new(ErrorKind::CtrExists, e.message()))
            }
            other => other,
        }
    }

    /// `add_pod`: the holder kinds of [`Self::map_holder_kind`], and under
    /// [`Fault::HolderKindAlwaysPod`] any clash blamed on a pod.
    pub(super) fn faulty_add_pod(&self, pod: &Pod) -> Result<()> {
        self.check_reserved_name(&pod.config.name)?;
        match self.map_holder_kind(self.inner.add_pod(pod)) {
            Err(e) if e.kind() == ErrorKind::CtrExists && self.is(Fault::HolderKindAlwaysPod) => {
                Err(StateError::new(ErrorKind::PodExists, e.message()))
            }
            other => other,
        }
    }

    /// `remove_container_from_pod` before the removal faults of [`Self::faulty_remove`].
    pub(super) fn faulty_remove_member(&self, pod: &Pod, ctr: &Container) -> Result<()> {
        match self.inner.remove_container_from_pod(pod, ctr) {
            Err(e)
                if e.kind() == ErrorKind::InUse
                    && self.is(Fault::MemberRemovalIgnoresSessions)
                    && self.admin.container_in_use(ctr)?.is_empty() =>
            {
                // Refused for its sessions alone: drop them and remove the member anyway.
                self.admin.remove_container_exec_sessions(ctr)?;
                self.inner.remove_container_from_pod(pod, ctr)
            }
            other => other,
        }
    }

    /// `add_container` and `add_container_to_pod`, through `add`.
    pub(super) fn faulty_add(
        &self,
        ctr: &Container,
        add: impl Fn(&Container) -> Result<()>,
    ) -> Result<()> {
        self.check_reserved_name(&ctr.config.name)?;
        let result = self.map_holder_kind(add(ctr));
        let Err(err) = result else { return result };
        let self_dependent = ctr.config.dependencies().contains(&ctr.config.id);
        match (self.fault, err.kind()) {
            (Fault::SelfDependencyIsNoSuchCtr, ErrorKind::InvalidArg) if self_dependent => Err(
                StateError::new(ErrorKind::NoSuchCtr, format!("no container {:?}", ctr.id())),
            ),
            (Fault::PodDependencyUnchecked, ErrorKind::InvalidArg) => {
                match self.without_foreign_pod_dependencies(ctr) {
                    Some(stripped) => add(&stripped),
                    None => Err(err),
                }
            }
            (Fault::FailedAddReservesName, ErrorKind::NoSuchCtr | ErrorKind::NoSuchVolume) => {
                let reserved = self.shared.reserved_names.lock();
                let mut reserved = reserved.unwrap_or_else(PoisonError::into_inner);
                reserved.insert(ctr.config.name.clone());
                Err(err)
            }
            _ => Err(err),
        }
    }

    /// `ctr` without the dependencies that live in another pod than its own, if it has any.
    fn without_foreign_pod_dependencies(&self, ctr: &Container) -> Option<Container> {
        let foreign: BTreeSet<String> = ctr
            .config
            .dependencies()
            .into_iter()
            .filter(|dep| {
                self.admin
                    .container(dep)
                    .is_ok_and(|d| d.config.pod.is_some() && d.config.pod != ctr.config.pod)
            })
            .collect();
        if foreign.is_empty() {
            return None;
        }
        let mut stripped = ctr.clone();
        let cfg: &mut ContainerConfig = &mut stripped.config;
        cfg.depends_on.retain(|d| !foreign.contains(d));
        for field in [
            &mut cfg.ipc_ns_ctr,
            &mut cfg.mount_ns_ctr,
            &mut cfg.net_ns_ctr,
            &mut cfg.pid_ns_ctr,
            &mut cfg.user_ns_ctr,
            &mut cfg.uts_ns_ctr,
            &mut cfg.cgroup_ns_ctr,
        ] {
            if field.as_ref().is_some_and(|d| foreign.contains(d)) {
                *field = None;
            }
        }
        Some(stripped)
    }

    /// `remove_container` and `remove_container_from_pod`, through `remove`.
    pub(super) fn faulty_remove(
        &self,
        ctr: &Container,
        remove: impl Fn() -> Result<()>,
    ) -> Result<()> {
        let stored = self.admin.container(ctr.id());
        if self.is(Fault::RemovalLeavesDependentEdge)
            && stored.is_ok()
            && self
                .ghosts()
                .dependents
                .get(ctr.id())
                .is_some_and(|g| !g.is_empty())
        {
            return Err(StateError::new(
                ErrorKind::InUse,
                format!("container {:?} has dependents", ctr.id()),
            ));
        }
        match remove() {
            Err(e) if e.kind() == ErrorKind::InUse && self.is(Fault::RemovalIgnoresDependents) => {
                let has_dependents = !self.admin.container_in_use(ctr)?.is_empty();
                let has_sessions = !self.admin.get_container_exec_sessions(ctr)?.is_empty();
                if has_dependents && !has_sessions {
                    return Ok(());
                }
                Err(e)
            }
            Ok(()) if self.is(Fault::RemovalLeavesDependentEdge) => {
                if let Ok(stored) = stored {
                    let mut ghosts = self.ghosts();
                    for dep in stored.config.dependencies() {
                        let entry = ghosts.dependents.entry(dep).or_default();
                        entry.insert(stored.config.id.clone());
                    }
                }
                Ok(())
            }
            other => other,
        }
    }

    pub(super) fn faulty_remove_pod_containers(&self, pod: &Pod) -> Result<()> {
        let members = match self.is(Fault::PodRemovalKeepsVolumeUsers) {
            true => self.admin.pod_containers(pod).unwrap_or_default(),
            false => Vec::new(),
        };
        self.inner.remove_pod_containers(pod)?;
        let mut ghosts = self.ghosts();
        for member in members {
            for volume in member.config.volume_names() {
                let entry = ghosts.volume_users.entry(volume).or_default();
                entry.insert(member.config.id.clone());
            }
        }
        Ok(())
    }

    pub(super) fn faulty_remove_volume(&self, vol: &Volume) -> Result<()> {
        let ghost_users = self
            .ghosts()
            .volume_users
            .get(vol.name())
            .is_some_and(|g| !g.is_empty());
        if ghost_users && self.admin.has_volume(vol.name()).unwrap_or(false) {
            return Err(StateError::new(
                ErrorKind::InUse,
                format!("volume {:?} is in use", vol.name()),
            ));
        }
        self.inner.remove_volume(vol)
    }

    pub(super) fn faulty_remove_exec_session(&self, session: &ExecSession) -> Result<()> {
        match self.inner.remove_exec_session(session) {
            Err(e)
                if e.kind() == ErrorKind::InvalidArg
                    && self.is(Fault::RemoveExecSessionIgnoresOwner) =>
            {
                match self.admin.get_exec_session(&session.id) {
                    Ok(owner) => self
                        .admin
                        .remove_exec_session(&ExecSession::new(session.id.clone(), owner)),
                    Err(_) => Err(e),
                }
            }
            other => other,
        }
    }

    pub(super) fn faulty_rewrite_container_config(
        &self,
        ctr: &Container,
        cfg: &ContainerConfig,
    ) -> Result<()> {
        let result = self.inner.rewrite_container_config(ctr, cfg);
        let Err(err) = result else { return result };
        if err.kind() != ErrorKind::InvalidArg || !self.is(Fault::RewriteAcceptsRename) {
            return Err(err);
        }
        let Ok(stored) = self.admin.container(ctr.id()) else {
            return Err(err);
        };
        let mut renamed_back = cfg.clone();
        renamed_back.name = stored.config.name;
        match renamed_back != *cfg
            && self
                .inner
                .rewrite_container_config(ctr, &renamed_back)
                .is_ok()
        {
            true => Ok(()),
            false => Err(err),
        }
    }
}

impl FaultyState {
    pub(super) fn faulty_network_disconnect(&self, ctr: &Container, network: &str) -> Result<()> {
        self.inner.network_disconnect(ctr, network)?;
        if self.is(Fault::DisconnectDropsLaterNetworks) {
            for later in self.admin.get_networks(ctr)? {
                if later.as_str() > network {
                    self.admin.network_disconnect(ctr, &later)?;
                }
            }
        }
        Ok(())
    }
}
