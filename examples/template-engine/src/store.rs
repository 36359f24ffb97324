//! The store: what a runtime opens, and what the conformance suite checks. It hands out
//! handles, says what it can do, and answers the whole-store operations with the shared code of
//! `podstate_api::raw::whole` and `podstate_api::verify`.

use std::path::Path;
use std::sync::Arc;

use podstate_api::raw::{Engine, Handle, whole};
use podstate_api::snapshot::Snapshot;
use podstate_api::verify::{Inventory, Violation, violations};
use podstate_api::{Capabilities, Result, State, Store};

use crate::data::Data;
use crate::engine::JsonEngine;

/// A store in one JSON file. Every handle opened from it sees the same file.
#[derive(Debug)]
pub struct JsonStore {
    engine: JsonEngine,
}

/// A handle on a [`JsonStore`]: all 53 calls of [`State`], written once in `podstate-api`.
pub type JsonState = Handle<JsonEngine>;

impl JsonStore {
    /// Opens the store in the file at `path`, creating an empty store there when there is no
    /// file.
    ///
    /// # Errors
    /// `Io` when the file cannot be read or created; `Corrupt` when it holds no store of this
    /// engine's format.
    pub fn open(path: impl AsRef<Path>) -> Result<JsonStore> {
        let engine = JsonEngine::open(path.as_ref().to_owned(), None)?;
        Ok(JsonStore { engine })
    }

    /// A fresh, empty store in a directory of its own, removed when the store and every handle
    /// opened from it are gone: one per test. Its commits are not synced (nothing is to survive
    /// a crash, and the syncs made the conformance suite several times slower).
    ///
    /// # Errors
    /// `Io` when no temporary directory can be made.
    pub fn temporary() -> Result<JsonStore> {
        let dir = tempfile::tempdir().map_err(|e| {
            podstate_api::StateError::new(podstate_api::ErrorKind::Io, e.to_string())
        })?;
        let path = dir.path().join("state.json");
        let engine = JsonEngine::open(path, Some(Arc::new(dir)))?;
        Ok(JsonStore { engine })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        self.engine.path()
    }

    /// A new handle, typed (where [`Store::open_handle`] answers a `Box<dyn State>`).
    pub fn open_handle(&self) -> JsonState {
        Handle::new(self.engine.clone())
    }
}

impl Store for JsonStore {
    fn backend(&self) -> &'static str {
        JsonEngine::BACKEND
    }

    /// Persistent, reopened from its file, shared by handles (one process at a time, see the
    /// engine's docs).
    fn capabilities(&self) -> Capabilities {
        Capabilities::persistent()
    }

    fn open_handle(&self) -> Result<Box<dyn State>> {
        Ok(Box::new(JsonStore::open_handle(self)))
    }

    /// Opens the file again, as a process starting anew would: the data is whatever the last
    /// commit wrote.
    fn reopen(self: Arc<Self>) -> Result<Box<dyn Store>> {
        let engine = JsonEngine::open(self.path().to_owned(), self.engine.dir())?;
        Ok(Box::new(JsonStore { engine }))
    }

    // Snapshot, restore and replace are the same for every engine: one transaction of it, with
    // the shared code doing the walking, ordering and checking.
    fn snapshot(&self) -> Result<Snapshot> {
        whole::snapshot_of(&self.engine)
    }

    fn restore(&self, snapshot: &Snapshot) -> Result<()> {
        whole::restore_into(&self.engine, snapshot)
    }

    fn replace(&self, snapshot: &Snapshot) -> Result<()> {
        whole::replace_into(&self.engine, snapshot)
    }

    /// The records as the file holds them. A file that no longer parses is one unreadable
    /// record, so `verify` lists it instead of failing.
    fn inventory(&self) -> Result<Inventory> {
        match self.engine.load() {
            Ok(data) => Ok(inventory_of(&data)),
            Err(e) if e.kind() == podstate_api::ErrorKind::Corrupt => Ok(Inventory {
                unreadable: vec![Violation::unreadable(
                    format!("file {}", self.path().display()),
                    e.message(),
                )],
                ..Inventory::default()
            }),
            Err(e) => Err(e),
        }
    }

    /// Every violation of SPEC §2 in the file, found by the shared checks over the inventory.
    fn verify(&self) -> Result<Vec<Violation>> {
        Ok(violations(&self.inventory()?))
    }
}

/// The records of `data`, by the keys they are stored under (a record whose key is not its
/// ID is a violation `verify` reports). No `indexes`: this engine keeps none apart from its
/// records; an engine that does puts them there, and `violations` checks each against them.
fn inventory_of(data: &Data) -> Inventory {
    let mut inventory = Inventory {
        pods: data.pods.clone(),
        volumes: data.volumes.clone(),
        exec_sessions: data.exec_sessions.clone(),
        ..Inventory::default()
    };
    for (id, c) in &data.containers {
        inventory.containers.insert(id.clone(), c.container.clone());
        inventory
            .networks
            .insert(id.clone(), c.networks.keys().cloned().collect());
        let aliases = (c.networks.iter())
            .map(|(net, aliases)| (net.clone(), aliases.iter().cloned().collect()))
            .collect();
        inventory.aliases.insert(id.clone(), aliases);
    }
    inventory
}
