//! The shared data, the store that owns it, and the handle that locks it for each call.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use podstate_api::{
    ContainerConfig, ContainerState, DbConfig, PodConfig, PodState, Result, StateError,
    VolumeConfig, VolumeState,
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

/// Which kind of object holds an ID or a name of the shared container/pod spaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HolderKind {
    Container,
    Pod,
}

/// The holder of a name: its kind and its ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Holder {
    pub(crate) kind: HolderKind,
    pub(crate) id: String,
}

/// Everything one store keeps. Containers and pods live in separate ordered maps (so that prefix
/// lookups of one kind are range scans of its own map) but share the ID space, which the add
/// calls enforce by checking both maps, and the name space, which `names` indexes.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Data {
    pub(crate) containers: BTreeMap<String, StoredContainer>,
    pub(crate) pods: BTreeMap<String, StoredPod>,
    /// The shared container/pod name space: name -> holder.
    pub(crate) names: BTreeMap<String, Holder>,
    pub(crate) volumes: BTreeMap<String, StoredVolume>,
    /// The exec registry: session ID -> container ID.
    pub(crate) exec_sessions: BTreeMap<String, String>,
    pub(crate) db_config: DbConfig,
}

/// The data shared by every handle of one store.
type Shared = Arc<RwLock<Data>>;

/// An in-memory store. Every handle [`open`](MemoryStore::open)ed from it (or from a clone of it)
/// sees the same data, which lives as long as the store or any handle does. Nothing is persisted.
#[derive(Clone, Default)]
pub struct MemoryStore {
    data: Shared,
}

impl MemoryStore {
    /// A new, empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// A new handle on this store's data: open, in namespace `""`.
    pub fn open(&self) -> MemoryState {
        MemoryState {
            data: Arc::clone(&self.data),
            namespace: Mutex::new(String::new()),
            closed: AtomicBool::new(false),
        }
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("handles_and_stores", &Arc::strong_count(&self.data))
            .finish()
    }
}

/// A handle on a [`MemoryStore`]: implements [`State`](podstate_api::State).
///
/// Each handle has its own namespace and closed flag; threads sharing one handle share its
/// namespace. Every call takes the store's lock once, so calls are serializable.
pub struct MemoryState {
    data: Shared,
    namespace: Mutex<String>,
    closed: AtomicBool,
}

impl fmt::Debug for MemoryState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryState")
            .field("namespace", &self.namespace())
            .field("closed", &self.closed.load(Ordering::SeqCst))
            .finish()
    }
}

impl MemoryState {
    /// Step 1 of every call but `close`.
    pub(crate) fn ensure_open(&self) -> Result<()> {
        if self.closed.load(Ordering::SeqCst) {
            return Err(StateError::closed());
        }
        Ok(())
    }

    /// Marks this handle closed (idempotent).
    pub(crate) fn mark_closed(&self) {
        self.closed.store(true, Ordering::SeqCst);
    }

    /// The handle's namespace, copied so that no lock is held while the data lock is taken.
    pub(crate) fn namespace(&self) -> String {
        self.namespace
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Replaces the handle's namespace.
    pub(crate) fn replace_namespace(&self, ns: &str) {
        let mut guard = self
            .namespace
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        ns.clone_into(&mut guard);
    }

    /// A copy of the whole store, for tests that prove a failed call changed nothing.
    #[cfg(test)]
    pub(crate) fn snapshot(&self) -> Data {
        self.data
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Runs a read-only call: closed check, then `f` under the shared lock with the namespace.
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Data, &str) -> Result<T>) -> Result<T> {
        self.ensure_open()?;
        let ns = self.namespace();
        // A panic in another call cannot leave `Data` half-changed (every mutation checks first
        // and then applies infallibly), so a poisoned lock is still consistent.
        let data = self.data.read().unwrap_or_else(PoisonError::into_inner);
        f(&data, &ns)
    }

    /// Runs a mutating call: closed check, then `f` under the exclusive lock with the namespace.
    /// `f` must change nothing when it returns an error.
    pub(crate) fn write<T>(&self, f: impl FnOnce(&mut Data, &str) -> Result<T>) -> Result<T> {
        self.ensure_open()?;
        let ns = self.namespace();
        let mut data = self.data.write().unwrap_or_else(PoisonError::into_inner);
        f(&mut data, &ns)
    }
}
