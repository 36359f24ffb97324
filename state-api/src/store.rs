//! A store: one database (or one in-memory area) that hands out [`State`] handles.

use std::fmt::Debug;
use std::sync::Arc;

use crate::snapshot::Snapshot;
use crate::verify::{Inventory, Violation};
use crate::{Result, State};

/// What a backend's stores can do. The conformance suite generates only what every backend in a
/// run can do; the aim is that real backends differ in nothing else.
///
/// Built from a constructor and the `with_*` setters, never a struct literal, so that a new field
/// never breaks a third-party backend.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Capabilities {
    /// Data survives every handle and the store object being dropped (a file on disk).
    pub persistent: bool,
    /// [`Store::reopen`] gives a store on the same data, and handles opened after all others
    /// were closed see everything committed before.
    pub reopen: bool,
    /// Several handles may be open on one store at once, each with its own namespace and closed
    /// flag, all seeing one state.
    pub shared_handles: bool,
}

impl Capabilities {
    /// One handle at a time, nothing else: the least a backend can be.
    pub const fn single_handle() -> Capabilities {
        Capabilities {
            persistent: false,
            reopen: false,
            shared_handles: false,
        }
    }

    /// An in-memory store: shared handles, and a reopen that keeps the data while the store
    /// lives; nothing persisted, one process.
    pub const fn in_memory() -> Capabilities {
        Capabilities::single_handle()
            .with_shared_handles(true)
            .with_reopen(true)
    }

    /// A database file shared by handles, threads and processes, surviving every reopen. (That
    /// several processes may share it is a fact of the persistent backends, not a field: the
    /// conformance suite runs threads of one process, so no field would gate anything.)
    pub const fn persistent() -> Capabilities {
        Capabilities {
            persistent: true,
            reopen: true,
            shared_handles: true,
        }
    }

    /// Sets [`persistent`](Capabilities::persistent).
    pub const fn with_persistent(mut self, yes: bool) -> Capabilities {
        self.persistent = yes;
        self
    }

    /// Sets [`reopen`](Capabilities::reopen).
    pub const fn with_reopen(mut self, yes: bool) -> Capabilities {
        self.reopen = yes;
        self
    }

    /// Sets [`shared_handles`](Capabilities::shared_handles).
    pub const fn with_shared_handles(mut self, yes: bool) -> Capabilities {
        self.shared_handles = yes;
        self
    }

    /// What both can do: the capabilities a differential run over two backends may use.
    pub const fn intersect(self, other: Capabilities) -> Capabilities {
        Capabilities {
            persistent: self.persistent && other.persistent,
            reopen: self.reopen && other.reopen,
            shared_handles: self.shared_handles && other.shared_handles,
        }
    }
}

/// One store of a backend: hands out [`State`] handles on its data and says what it can do.
///
/// Every backend has one type implementing this (`MemoryStore`, `SqliteStore`, `RedbStore`);
/// the conformance suite, `cargo xtask` and the `podstate` facade all build on it.
pub trait Store: Send + Sync + Debug {
    /// The backend's short name (`"memory"`, `"sqlite"`, `"redb"`), for reports and errors.
    fn backend(&self) -> &'static str;

    /// What this store can do.
    fn capabilities(&self) -> Capabilities;

    /// A new handle on this store: open, in namespace `""`, with its own closed flag.
    ///
    /// # Errors
    /// `Io` or `Corrupt` when a persistent backend cannot open its database.
    fn open_handle(&self) -> Result<Box<dyn State>>;

    /// A new handle on this store, already in namespace `namespace` (see
    /// [`State::set_namespace`]): for a thread or task that works in one namespace.
    ///
    /// # Errors
    /// As [`open_handle`](Store::open_handle); `InvalidArg` when `namespace` holds a NUL.
    fn open_handle_in(&self, namespace: &str) -> Result<Box<dyn State>> {
        let handle = self.open_handle()?;
        handle.set_namespace(namespace)?;
        Ok(handle)
    }

    /// Opens the same data again as a new store, as a process that exits and starts anew would.
    /// Takes the store by `Arc` (a `Box<dyn Store>` becomes one with `Arc::from`), so that a
    /// store shared between threads can be reopened: this store's own hold on its data
    /// (connections, database objects) goes when its last owner drops it, which the backends
    /// let happen before they open the data again when the `Arc` was the only one. Handles
    /// opened before should all be dropped first. An in-memory store keeps its data and answers
    /// itself.
    ///
    /// # Errors
    /// `Io` or `Corrupt` when the database cannot be opened again.
    fn reopen(self: Arc<Self>) -> Result<Box<dyn Store>>;

    /// Everything the store holds, read in one read transaction, so that a live store never
    /// exports a torn state.
    ///
    /// # Errors
    /// `Io` or `Corrupt` when the storage cannot be read.
    fn snapshot(&self) -> Result<Snapshot>;

    /// Writes `snapshot` into this store, which must be empty, in one write transaction: all
    /// or nothing.
    ///
    /// # Errors
    /// `InvalidArg` when the store is not empty or the snapshot breaks SPEC §2 (then nothing
    /// is written); `Io` or `Corrupt` from the storage.
    fn restore(&self, snapshot: &Snapshot) -> Result<()>;

    /// Replaces everything this store holds with `snapshot` in one write transaction of the
    /// live store: every handle and process on it sees the old state until the commit and the
    /// new one after, and a process writing meanwhile loses nothing it was told was written
    /// (as it would if the database file were swapped under it). A backend implements it with
    /// [`whole::replace_into`](crate::raw::whole::replace_into). The default can only fill an empty
    /// store: it restores into it when it is empty, and answers `InvalidArg` otherwise.
    ///
    /// # Errors
    /// `InvalidArg` when the snapshot breaks SPEC §2, or (the default) when the store is not
    /// empty; then nothing is written. `Io` or `Corrupt` from the storage, which keeps its old
    /// state.
    fn replace(&self, snapshot: &Snapshot) -> Result<()> {
        if self.snapshot()?.is_empty() {
            return self.restore(snapshot);
        }
        Err(crate::StateError::invalid(format!(
            "the {} backend cannot replace what a store holds in place",
            self.backend()
        )))
    }

    /// Walks the stored data itself (not the API) and lists every violation of SPEC §2 and
    /// every record that cannot be read, instead of stopping at the first; empty when the store
    /// is sound.
    ///
    /// # Errors
    /// `Io` when the storage cannot be walked at all.
    fn verify(&self) -> Result<Vec<Violation>>;

    /// Everything the store holds as [`verify`](Store::verify) walks it, in one read
    /// transaction: every record that can be read, and a description of each one that cannot
    /// ([`Inventory::unreadable`], [`Inventory::unread`]), so that a tool can show what is
    /// readable of a damaged store. The default reads a [`snapshot`](Store::snapshot) (which
    /// fails whole on one unreadable record); a backend that walks its storage overrides it.
    ///
    /// # Errors
    /// `Io` when the storage cannot be walked at all; the default also `Corrupt` when a record
    /// does not decode.
    fn inventory(&self) -> Result<Inventory> {
        Ok(Inventory::from(&self.snapshot()?))
    }
}
