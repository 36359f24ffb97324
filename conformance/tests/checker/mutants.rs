//! Deliberately broken backends: the memory backend behind a wrapper that gets one thing wrong.
//! The checker must catch each of them and shrink the case to a handful of operations.

use std::collections::BTreeMap;
use std::sync::Mutex;

use podstate_api::{
    Container, ContainerConfig, DbConfig, ErrorKind, ExecSession, Pod, PodConfig, Result, State,
    StateError, Volume, VolumeConfig,
};
use podstate_conformance::{BackendFactory, Capabilities, TestStore};
use podstate_memory::MemoryStore;

/// One injected bug.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bug {
    /// `lookup_container_id` answers the first of several prefix matches instead of `Ambiguous`.
    IgnoresSecondPrefixMatch,
    /// `add_pod` reports a name held by a container as `PodExists`.
    WrongHolderKind,
    /// `has_container` sees containers of every namespace.
    HasContainerIgnoresNamespace,
    /// `all_volumes` lists volumes in reverse order.
    UnsortedVolumes,
    /// `update_container` scribbles on the caller's container even when it fails.
    UpdateScribblesOnError,
    /// `remove_exec_session` removes a session registered to another container.
    RemovesForeignSession,
    /// `get_name` answers only for containers.
    GetNameMissesPods,
    /// `refresh` forgets to zero the volumes' mount counts.
    RefreshKeepsMountCounts,
    /// `container_in_use` leaves out dependents that are pod members.
    DependentsMissPodMembers,
    /// A lookup whose string is the exact ID of an invisible container stops there
    /// (`NoSuchCtr`) instead of going on to visible prefix matches.
    LookupStopsAtInvisibleExactId,
    /// `remove_container_from_pod` removes a member that still has exec sessions.
    MemberRemovalIgnoresSessions,
}

/// Makes memory stores wrapped with `bug`.
pub struct MutantFactory(pub Bug);

struct MutantStore {
    store: MemoryStore,
    bug: Bug,
}

impl BackendFactory for MutantFactory {
    fn name(&self) -> &str {
        "mutant"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            persistent: false,
            reopen: true,
            multi_process: false,
        }
    }

    fn create(&self) -> Result<Box<dyn TestStore>, StateError> {
        Ok(Box::new(MutantStore {
            store: MemoryStore::new(),
            bug: self.0,
        }))
    }
}

impl TestStore for MutantStore {
    fn open(&self) -> Result<Box<dyn State>, StateError> {
        Ok(Box::new(Mutant {
            inner: self.store.open(),
            raw: self.store.open(),
            bug: self.bug,
            ns: Mutex::new(String::new()),
        }))
    }
}

/// A memory handle with one bug; `raw` is a second handle in namespace "" for the bugs that
/// need to see past the namespace.
#[derive(Debug)]
struct Mutant {
    inner: podstate_memory::MemoryState,
    raw: podstate_memory::MemoryState,
    bug: Bug,
    /// The handle's namespace, as last set.
    ns: Mutex<String>,
}

impl Mutant {
    fn has(&self, bug: Bug) -> bool {
        self.bug == bug
    }
}

impl State for Mutant {
    fn close(&self) -> Result<()> {
        self.inner.close()
    }
    fn refresh(&self) -> Result<()> {
        let counts: Vec<Volume> = self.inner.all_volumes().unwrap_or_default();
        self.inner.refresh()?;
        if self.has(Bug::RefreshKeepsMountCounts) {
            for vol in counts {
                self.inner.save_volume(&vol)?;
            }
        }
        Ok(())
    }
    fn get_db_config(&self) -> Result<DbConfig> {
        self.inner.get_db_config()
    }
    fn validate_db_config(&self, cfg: &DbConfig) -> Result<()> {
        self.inner.validate_db_config(cfg)
    }
    fn set_namespace(&self, ns: &str) -> Result<()> {
        self.inner.set_namespace(ns)?;
        *self.ns.lock().unwrap() = ns.to_owned();
        Ok(())
    }
    fn get_name(&self, id: &str) -> Result<String> {
        let name = self.inner.get_name(id)?;
        if self.has(Bug::GetNameMissesPods) && self.inner.has_pod(id)? {
            return Err(StateError::no_such_ctr(id));
        }
        Ok(name)
    }
    fn container(&self, id: &str) -> Result<Container> {
        self.inner.container(id)
    }
    fn lookup_container_id(&self, s: &str) -> Result<String> {
        if self.has(Bug::LookupStopsAtInvisibleExactId) {
            let ns = self.ns.lock().unwrap().clone();
            if let Ok(found) = self.raw.container(s)
                && !ns.is_empty()
                && found.config.namespace != ns
            {
                return Err(StateError::no_such_ctr(s));
            }
        }
        match self.inner.lookup_container_id(s) {
            Err(e)
                if e.kind() == ErrorKind::Ambiguous && self.has(Bug::IgnoresSecondPrefixMatch) =>
            {
                let all = self.inner.all_containers()?;
                let first = all.iter().find(|c| c.id().starts_with(s));
                Ok(first.map(|c| c.id().to_owned()).unwrap_or_default())
            }
            other => other,
        }
    }
    fn lookup_container(&self, s: &str) -> Result<Container> {
        self.inner.lookup_container(s)
    }
    fn has_container(&self, id: &str) -> Result<bool> {
        if self.has(Bug::HasContainerIgnoresNamespace) {
            return self.raw.has_container(id);
        }
        self.inner.has_container(id)
    }
    fn get_container_config(&self, id: &str) -> Result<ContainerConfig> {
        self.inner.get_container_config(id)
    }
    fn add_container(&self, ctr: &Container) -> Result<()> {
        self.inner.add_container(ctr)
    }
    fn remove_container(&self, ctr: &Container) -> Result<()> {
        self.inner.remove_container(ctr)
    }
    fn update_container(&self, ctr: &mut Container) -> Result<()> {
        if self.has(Bug::UpdateScribblesOnError) {
            ctr.state.pid = 4242;
        }
        self.inner.update_container(ctr)
    }
    fn save_container(&self, ctr: &Container) -> Result<()> {
        self.inner.save_container(ctr)
    }
    fn container_in_use(&self, ctr: &Container) -> Result<Vec<String>> {
        let mut ids = self.inner.container_in_use(ctr)?;
        if self.has(Bug::DependentsMissPodMembers) {
            ids.retain(|id| self.raw.container(id).is_ok_and(|c| c.config.pod.is_none()));
        }
        Ok(ids)
    }
    fn all_containers(&self) -> Result<Vec<Container>> {
        self.inner.all_containers()
    }
    fn rewrite_container_config(&self, ctr: &Container, cfg: &ContainerConfig) -> Result<()> {
        self.inner.rewrite_container_config(ctr, cfg)
    }
    fn get_networks(&self, ctr: &Container) -> Result<Vec<String>> {
        self.inner.get_networks(ctr)
    }
    fn get_network_aliases(&self, ctr: &Container, network: &str) -> Result<Vec<String>> {
        self.inner.get_network_aliases(ctr, network)
    }
    fn get_all_network_aliases(&self, ctr: &Container) -> Result<BTreeMap<String, Vec<String>>> {
        self.inner.get_all_network_aliases(ctr)
    }
    fn network_connect(&self, ctr: &Container, network: &str, aliases: &[String]) -> Result<()> {
        self.inner.network_connect(ctr, network, aliases)
    }
    fn network_disconnect(&self, ctr: &Container, network: &str) -> Result<()> {
        self.inner.network_disconnect(ctr, network)
    }
    fn add_exec_session(&self, ctr: &Container, session: &ExecSession) -> Result<()> {
        self.inner.add_exec_session(ctr, session)
    }
    fn get_exec_session(&self, id: &str) -> Result<String> {
        self.inner.get_exec_session(id)
    }
    fn remove_exec_session(&self, session: &ExecSession) -> Result<()> {
        match self.inner.remove_exec_session(session) {
            Err(e) if e.kind() == ErrorKind::InvalidArg && self.has(Bug::RemovesForeignSession) => {
                let owner = self.inner.get_exec_session(&session.id)?;
                self.inner
                    .remove_exec_session(&ExecSession::new(session.id.clone(), owner))
            }
            other => other,
        }
    }
    fn get_container_exec_sessions(&self, ctr: &Container) -> Result<Vec<String>> {
        self.inner.get_container_exec_sessions(ctr)
    }
    fn remove_container_exec_sessions(&self, ctr: &Container) -> Result<()> {
        self.inner.remove_container_exec_sessions(ctr)
    }
    fn pod(&self, id: &str) -> Result<Pod> {
        self.inner.pod(id)
    }
    fn lookup_pod(&self, s: &str) -> Result<Pod> {
        self.inner.lookup_pod(s)
    }
    fn has_pod(&self, id: &str) -> Result<bool> {
        self.inner.has_pod(id)
    }
    fn pod_has_container(&self, pod: &Pod, ctr_id: &str) -> Result<bool> {
        self.inner.pod_has_container(pod, ctr_id)
    }
    fn pod_containers_by_id(&self, pod: &Pod) -> Result<Vec<String>> {
        self.inner.pod_containers_by_id(pod)
    }
    fn pod_containers(&self, pod: &Pod) -> Result<Vec<Container>> {
        self.inner.pod_containers(pod)
    }
    fn add_pod(&self, pod: &Pod) -> Result<()> {
        match self.inner.add_pod(pod) {
            Err(e) if e.kind() == ErrorKind::CtrExists && self.has(Bug::WrongHolderKind) => {
                let taken_by_id = self.raw.has_container(&pod.config.id)?;
                let kind = if taken_by_id {
                    ErrorKind::CtrExists
                } else {
                    ErrorKind::PodExists
                };
                Err(StateError::new(kind, e.message()))
            }
            other => other,
        }
    }
    fn remove_pod(&self, pod: &Pod) -> Result<()> {
        self.inner.remove_pod(pod)
    }
    fn remove_pod_containers(&self, pod: &Pod) -> Result<()> {
        self.inner.remove_pod_containers(pod)
    }
    fn add_container_to_pod(&self, pod: &Pod, ctr: &Container) -> Result<()> {
        self.inner.add_container_to_pod(pod, ctr)
    }
    fn remove_container_from_pod(&self, pod: &Pod, ctr: &Container) -> Result<()> {
        match self.inner.remove_container_from_pod(pod, ctr) {
            Err(e)
                if e.kind() == ErrorKind::InUse && self.has(Bug::MemberRemovalIgnoresSessions) =>
            {
                if self.inner.container_in_use(ctr)?.is_empty() {
                    self.inner.remove_container_exec_sessions(ctr)?;
                    return self.inner.remove_container_from_pod(pod, ctr);
                }
                Err(e)
            }
            other => other,
        }
    }
    fn update_pod(&self, pod: &mut Pod) -> Result<()> {
        self.inner.update_pod(pod)
    }
    fn save_pod(&self, pod: &Pod) -> Result<()> {
        self.inner.save_pod(pod)
    }
    fn all_pods(&self) -> Result<Vec<Pod>> {
        self.inner.all_pods()
    }
    fn rewrite_pod_config(&self, pod: &Pod, cfg: &PodConfig) -> Result<()> {
        self.inner.rewrite_pod_config(pod, cfg)
    }
    fn volume(&self, name: &str) -> Result<Volume> {
        self.inner.volume(name)
    }
    fn lookup_volume(&self, name: &str) -> Result<Volume> {
        self.inner.lookup_volume(name)
    }
    fn has_volume(&self, name: &str) -> Result<bool> {
        self.inner.has_volume(name)
    }
    fn volume_in_use(&self, vol: &Volume) -> Result<Vec<String>> {
        self.inner.volume_in_use(vol)
    }
    fn add_volume(&self, vol: &Volume) -> Result<()> {
        self.inner.add_volume(vol)
    }
    fn remove_volume(&self, vol: &Volume) -> Result<()> {
        self.inner.remove_volume(vol)
    }
    fn update_volume(&self, vol: &mut Volume) -> Result<()> {
        self.inner.update_volume(vol)
    }
    fn save_volume(&self, vol: &Volume) -> Result<()> {
        self.inner.save_volume(vol)
    }
    fn all_volumes(&self) -> Result<Vec<Volume>> {
        let mut all = self.inner.all_volumes()?;
        if self.has(Bug::UnsortedVolumes) {
            all.reverse();
        }
        Ok(all)
    }
    fn rewrite_volume_config(&self, vol: &Volume, cfg: &VolumeConfig) -> Result<()> {
        self.inner.rewrite_volume_config(vol, cfg)
    }
}
