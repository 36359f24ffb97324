//! The store that owns the data, and the engine each handle runs its transactions on.

use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};

use podstate_api::raw::{Engine, Handle, trace, whole};
use podstate_api::snapshot::Snapshot;
use podstate_api::verify::{Inventory, Violation, violations};
use podstate_api::{Capabilities, Store};
use podstate_api::{Result, State};

use crate::data::Data;

/// An in-memory store. Every handle [opened](MemoryStore::open_handle) from it (or from a clone of it)
/// sees the same data, which lives as long as the store or any handle does. Nothing is persisted.
#[derive(Clone, Default)]
pub struct MemoryStore {
    engine: MemoryEngine,
}

/// A handle on a [`MemoryStore`]: implements [`State`], with its own namespace and closed flag.
pub type MemoryState = Handle<MemoryEngine>;

impl MemoryStore {
    /// A new, empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// A fresh, empty store for a test: the same as [`MemoryStore::new`], with the signature of
    /// the persistent backends' `temporary()`, so that every backend plugs into the conformance
    /// suite the same way (`StoreFactory::new(MemoryStore::temporary)`).
    ///
    /// # Errors
    /// None: an in-memory store cannot fail to be made.
    #[cfg(feature = "testing")]
    pub fn temporary() -> Result<MemoryStore> {
        Ok(MemoryStore::new())
    }

    /// The engine, for tests that look inside.
    #[cfg(test)]
    pub(crate) fn engine_for_tests(&self) -> &MemoryEngine {
        &self.engine
    }

    /// A new handle on this store's data: open, in namespace `""`; typed, where
    /// [`Store::open_handle`] answers a `Box<dyn State>`.
    ///
    /// # Errors
    /// None: an in-memory handle cannot fail to be made (the `Result` is that of every
    /// backend's `open_handle`).
    pub fn open_handle(&self) -> Result<MemoryState> {
        Ok(Handle::new(self.engine.clone()))
    }

    /// The old name of [`open_handle`](MemoryStore::open_handle).
    #[deprecated(since = "0.1.0", note = "use `open_handle`, which every backend has")]
    pub fn open(&self) -> MemoryState {
        Handle::new(self.engine.clone())
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("handles_and_stores", &Arc::strong_count(&self.engine.data))
            .finish()
    }
}

impl Store for MemoryStore {
    fn backend(&self) -> &'static str {
        "memory"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::in_memory()
    }

    fn open_handle(&self) -> Result<Box<dyn State>> {
        Ok(Box::new(MemoryStore::open_handle(self)?))
    }

    /// The data lives in this store, so a reopen keeps it: only the handles went.
    fn reopen(self: Arc<Self>) -> Result<Box<dyn Store>> {
        Ok(Box::new(MemoryStore::clone(&self)))
    }

    fn snapshot(&self) -> Result<Snapshot> {
        whole::snapshot_of(&self.engine)
    }

    fn restore(&self, snapshot: &Snapshot) -> Result<()> {
        whole::restore_into(&self.engine, snapshot)
    }

    fn replace(&self, snapshot: &Snapshot) -> Result<()> {
        whole::replace_into(&self.engine, snapshot)
    }

    fn verify(&self) -> Result<Vec<Violation>> {
        Ok(violations(&self.inventory()?))
    }

    fn inventory(&self) -> Result<Inventory> {
        trace::call("inventory", MemoryEngine::BACKEND, |_| {
            self.engine.read(|data| Ok(data.inventory()))
        })
    }
}

/// The data of one store behind one `RwLock`: a read transaction shares it, a write
/// transaction holds it exclusively, so every call is serializable.
#[derive(Clone, Default)]
pub struct MemoryEngine {
    data: Arc<RwLock<Data>>,
}

impl fmt::Debug for MemoryEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MemoryEngine")
    }
}

impl MemoryEngine {
    /// The data itself, for tests that plant damage.
    #[cfg(test)]
    pub(crate) fn data_mut(&self) -> std::sync::RwLockWriteGuard<'_, Data> {
        self.data.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// A copy of the whole store, for tests that prove a failed call changed nothing.
    #[cfg(test)]
    pub(crate) fn snapshot(&self) -> Data {
        self.data
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Engine for MemoryEngine {
    const BACKEND: &'static str = "memory";

    type Read<'a> = Data;
    type Write<'a> = Data;

    fn read<T>(&self, f: impl FnOnce(&Data) -> Result<T>) -> Result<T> {
        // Every call checks before it writes and its writes cannot fail, so a panic in another
        // call cannot have left `Data` half-changed: a poisoned lock is still consistent.
        let data = self.data.read().unwrap_or_else(PoisonError::into_inner);
        f(&data)
    }

    fn write<T>(&self, f: impl FnOnce(&mut Data) -> Result<T>) -> Result<T> {
        let mut data = self.data.write().unwrap_or_else(PoisonError::into_inner);
        f(&mut data)
    }

    /// A batch may fail after it wrote, and these writes cannot be undone one by one: it runs
    /// on a copy that replaces the data only when the batch succeeds. The copy costs a clone of
    /// the store per batch, which an in-memory store of a runtime's size affords.
    fn batch<T>(&self, f: impl FnOnce(&mut Data) -> Result<T>) -> Result<T> {
        let mut data = self.data.write().unwrap_or_else(PoisonError::into_inner);
        let mut draft = data.clone();
        let value = f(&mut draft)?;
        *data = draft;
        Ok(value)
    }
}
