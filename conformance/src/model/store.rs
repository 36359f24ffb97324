//! The store and its handles: step 1 of every call (closed), the handle's namespace, and the
//! clone-and-commit that makes every mutating call atomic. Each call is one line handing its
//! arguments to the function of its concern.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use podstate_api::{
    Container, ContainerConfig, DbConfig, ExecSession, Pod, PodConfig, Result, State, StateError,
    Volume, VolumeConfig,
};

use super::data::ModelData;
use super::{checks, containers, exec, lifecycle, lookup, membership, networks, pods, volumes};

/// One model store: the data every handle opened on it shares.
#[derive(Debug, Clone, Default)]
pub struct ModelStore {
    data: Arc<Mutex<ModelData>>,
}

/// A handle on a [`ModelStore`]: shared data plus this handle's namespace and closed flag.
#[derive(Debug)]
pub struct ModelState {
    data: Arc<Mutex<ModelData>>,
    handle: Mutex<Handle>,
}

#[derive(Debug, Default)]
struct Handle {
    namespace: String,
    closed: bool,
    /// The handle a batch's closure is given (SPEC §3, Batches).
    in_batch: bool,
}

/// Locks a mutex, ignoring poisoning: the shared data only ever holds committed states (a call
/// works on a clone), so a panic elsewhere cannot have left it half-written.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl ModelStore {
    /// A new, empty store.
    pub fn new() -> Self {
        ModelStore::default()
    }

    /// A new handle on this store's data: open, in namespace `""`.
    pub fn open(&self) -> ModelState {
        ModelState {
            data: Arc::clone(&self.data),
            handle: Mutex::new(Handle::default()),
        }
    }

    /// Every SPEC §2 invariant the model's data breaks, described; empty when all hold. A
    /// non-empty answer is a bug in the model.
    pub fn invariant_violations(&self) -> Vec<String> {
        lock(&self.data).invariant_violations()
    }

    /// Reads the whole data.
    pub(super) fn with_data<T>(&self, f: impl FnOnce(&ModelData) -> T) -> T {
        f(&lock(&self.data))
    }

    /// Replaces the whole data with what `f` makes of it, unless `f` fails.
    pub(super) fn replace_data(
        &self,
        f: impl FnOnce(&ModelData) -> Result<ModelData>,
    ) -> Result<()> {
        let mut data = lock(&self.data);
        let next = f(&data)?;
        *data = next;
        Ok(())
    }
}

impl ModelState {
    /// Step 1: the handle is open. Returns the handle's namespace for the call to use, read once
    /// so the call sees one namespace throughout.
    fn open_namespace(&self) -> Result<String> {
        let handle = lock(&self.handle);
        if handle.closed {
            return Err(StateError::closed());
        }
        Ok(handle.namespace.clone())
    }

    /// `InvalidArg` on a batch's handle, for the calls that belong to a handle.
    fn refuse_in_batch(&self, call: &str) -> Result<()> {
        if lock(&self.handle).in_batch {
            return Err(StateError::invalid(format!(
                "{call} cannot be called inside a batch"
            )));
        }
        Ok(())
    }

    /// Runs a read-only call on the shared data.
    fn read<T>(&self, call: impl FnOnce(&ModelData, &str) -> Result<T>) -> Result<T> {
        let ns = self.open_namespace()?;
        let data = lock(&self.data);
        call(&data, &ns)
    }

    /// Runs a mutating call on a clone of the shared data, committing the clone only on success.
    fn mutate<T>(&self, call: impl FnOnce(&mut ModelData, &str) -> Result<T>) -> Result<T> {
        let ns = self.open_namespace()?;
        let mut committed = lock(&self.data);
        let mut draft = committed.clone();
        let answer = call(&mut draft, &ns)?;
        *committed = draft;
        Ok(answer)
    }
}

impl State for ModelState {
    fn close(&self) -> Result<()> {
        self.refuse_in_batch("close")?;
        lock(&self.handle).closed = true;
        Ok(())
    }

    /// The batch's calls run on a handle of their own over a copy of the data, which replaces
    /// the shared data only when the closure answers `Ok`: all or nothing.
    fn batch(&self, f: &mut dyn FnMut(&dyn State) -> Result<()>) -> Result<()> {
        let ns = self.open_namespace()?;
        self.refuse_in_batch("batch")?;
        let mut committed = lock(&self.data);
        let inside = ModelState {
            data: Arc::new(Mutex::new(committed.clone())),
            handle: Mutex::new(Handle {
                namespace: ns,
                closed: false,
                in_batch: true,
            }),
        };
        f(&inside)?;
        *committed = lock(&inside.data).clone();
        Ok(())
    }

    fn refresh(&self) -> Result<()> {
        self.mutate(|d, _| lifecycle::refresh(d))
    }

    fn get_db_config(&self) -> Result<DbConfig> {
        self.read(|d, _| lifecycle::db_config(d))
    }

    fn validate_db_config(&self, cfg: &DbConfig) -> Result<()> {
        self.mutate(|d, _| lifecycle::validate_db_config(d, cfg))
    }

    fn set_namespace(&self, ns: &str) -> Result<()> {
        self.open_namespace()?;
        self.refuse_in_batch("set_namespace")?;
        checks::no_nul("namespace", ns)?;
        lock(&self.handle).namespace = ns.to_owned();
        Ok(())
    }

    fn get_name(&self, id: &str) -> Result<String> {
        self.read(|d, ns| lookup::get_name(d, ns, id))
    }

    fn container(&self, id: &str) -> Result<Container> {
        self.read(|d, ns| lookup::container(d, ns, id))
    }

    fn lookup_container_id(&self, id_or_name: &str) -> Result<String> {
        self.read(|d, ns| lookup::lookup_container_id(d, ns, id_or_name))
    }

    fn lookup_container(&self, id_or_name: &str) -> Result<Container> {
        self.read(|d, ns| lookup::lookup_container(d, ns, id_or_name))
    }

    fn has_container(&self, id: &str) -> Result<bool> {
        self.read(|d, ns| lookup::has_container(d, ns, id))
    }

    fn get_container_config(&self, id: &str) -> Result<ContainerConfig> {
        self.read(|d, ns| Ok(lookup::container(d, ns, id)?.config))
    }

    fn add_container(&self, ctr: &Container) -> Result<()> {
        self.mutate(|d, ns| containers::add(d, ns, ctr))
    }

    fn remove_container(&self, ctr: &Container) -> Result<()> {
        self.mutate(|d, ns| containers::remove(d, ns, ctr))
    }

    fn update_container(&self, ctr: &mut Container) -> Result<()> {
        ctr.state = self.read(|d, ns| containers::update(d, ns, ctr))?;
        Ok(())
    }

    fn save_container(&self, ctr: &Container) -> Result<()> {
        self.mutate(|d, ns| containers::save(d, ns, ctr))
    }

    fn container_in_use(&self, ctr: &Container) -> Result<Vec<String>> {
        self.read(|d, ns| containers::in_use(d, ns, ctr))
    }

    fn all_containers(&self) -> Result<Vec<Container>> {
        self.read(containers::all)
    }

    fn rewrite_container_config(&self, ctr: &Container, cfg: &ContainerConfig) -> Result<()> {
        self.mutate(|d, ns| containers::rewrite(d, ns, ctr, cfg))
    }

    fn get_networks(&self, ctr: &Container) -> Result<Vec<String>> {
        self.read(|d, ns| networks::networks(d, ns, ctr))
    }

    fn get_network_aliases(&self, ctr: &Container, network: &str) -> Result<Vec<String>> {
        self.read(|d, ns| networks::aliases(d, ns, ctr, network))
    }

    fn get_all_network_aliases(&self, ctr: &Container) -> Result<BTreeMap<String, Vec<String>>> {
        self.read(|d, ns| networks::all_aliases(d, ns, ctr))
    }

    fn network_connect(&self, ctr: &Container, network: &str, aliases: &[String]) -> Result<()> {
        self.mutate(|d, ns| networks::connect(d, ns, ctr, network, aliases))
    }

    fn network_disconnect(&self, ctr: &Container, network: &str) -> Result<()> {
        self.mutate(|d, ns| networks::disconnect(d, ns, ctr, network))
    }

    fn add_exec_session(&self, ctr: &Container, session: &ExecSession) -> Result<()> {
        self.mutate(|d, ns| exec::add(d, ns, ctr, session))
    }

    fn get_exec_session(&self, id: &str) -> Result<String> {
        self.read(|d, _| exec::get(d, id))
    }

    fn remove_exec_session(&self, session: &ExecSession) -> Result<()> {
        self.mutate(|d, _| exec::remove(d, session))
    }

    fn get_container_exec_sessions(&self, ctr: &Container) -> Result<Vec<String>> {
        self.read(|d, _| exec::of_container(d, ctr))
    }

    fn remove_container_exec_sessions(&self, ctr: &Container) -> Result<()> {
        self.mutate(|d, _| exec::remove_of_container(d, ctr))
    }

    fn pod(&self, id: &str) -> Result<Pod> {
        self.read(|d, ns| lookup::pod(d, ns, id))
    }

    fn lookup_pod(&self, id_or_name: &str) -> Result<Pod> {
        self.read(|d, ns| lookup::lookup_pod(d, ns, id_or_name))
    }

    fn has_pod(&self, id: &str) -> Result<bool> {
        self.read(|d, ns| lookup::has_pod(d, ns, id))
    }

    fn pod_has_container(&self, pod: &Pod, ctr_id: &str) -> Result<bool> {
        self.read(|d, ns| pods::has_container(d, ns, pod, ctr_id))
    }

    fn pod_containers_by_id(&self, pod: &Pod) -> Result<Vec<String>> {
        self.read(|d, ns| pods::members_by_id(d, ns, pod))
    }

    fn pod_containers(&self, pod: &Pod) -> Result<Vec<Container>> {
        self.read(|d, ns| pods::members(d, ns, pod))
    }

    fn add_pod(&self, pod: &Pod) -> Result<()> {
        self.mutate(|d, ns| pods::add(d, ns, pod))
    }

    fn remove_pod(&self, pod: &Pod) -> Result<()> {
        self.mutate(|d, ns| pods::remove(d, ns, pod))
    }

    fn remove_pod_containers(&self, pod: &Pod) -> Result<()> {
        self.mutate(|d, ns| pods::remove_containers(d, ns, pod))
    }

    fn add_container_to_pod(&self, pod: &Pod, ctr: &Container) -> Result<()> {
        self.mutate(|d, ns| membership::add(d, ns, pod, ctr))
    }

    fn remove_container_from_pod(&self, pod: &Pod, ctr: &Container) -> Result<()> {
        self.mutate(|d, ns| membership::remove(d, ns, pod, ctr))
    }

    fn update_pod(&self, pod: &mut Pod) -> Result<()> {
        pod.state = self.read(|d, ns| pods::update(d, ns, pod))?;
        Ok(())
    }

    fn save_pod(&self, pod: &Pod) -> Result<()> {
        self.mutate(|d, ns| pods::save(d, ns, pod))
    }

    fn all_pods(&self) -> Result<Vec<Pod>> {
        self.read(pods::all)
    }

    fn rewrite_pod_config(&self, pod: &Pod, cfg: &PodConfig) -> Result<()> {
        self.mutate(|d, ns| pods::rewrite(d, ns, pod, cfg))
    }

    fn volume(&self, name: &str) -> Result<Volume> {
        self.read(|d, _| volumes::get(d, name))
    }

    fn lookup_volume(&self, name: &str) -> Result<Volume> {
        self.read(|d, _| volumes::lookup(d, name))
    }

    fn has_volume(&self, name: &str) -> Result<bool> {
        self.read(|d, _| volumes::has(d, name))
    }

    fn volume_in_use(&self, vol: &Volume) -> Result<Vec<String>> {
        self.read(|d, _| volumes::in_use(d, vol))
    }

    fn add_volume(&self, vol: &Volume) -> Result<()> {
        self.mutate(|d, _| volumes::add(d, vol))
    }

    fn remove_volume(&self, vol: &Volume) -> Result<()> {
        self.mutate(|d, _| volumes::remove(d, vol))
    }

    fn update_volume(&self, vol: &mut Volume) -> Result<()> {
        vol.state = self.read(|d, _| volumes::update(d, vol))?;
        Ok(())
    }

    fn save_volume(&self, vol: &Volume) -> Result<()> {
        self.mutate(|d, _| volumes::save(d, vol))
    }

    fn all_volumes(&self) -> Result<Vec<Volume>> {
        self.read(|d, _| volumes::all(d))
    }

    fn rewrite_volume_config(&self, vol: &Volume, cfg: &VolumeConfig) -> Result<()> {
        self.mutate(|d, _| volumes::rewrite(d, vol, cfg))
    }
}
