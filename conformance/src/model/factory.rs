//! The model as a backend of the suite, so the shared scenarios can validate the oracle itself.

use podstate_api::snapshot::Snapshot;
use podstate_api::verify::Violation;
use podstate_api::{Result, State, StateError};

use crate::factory::{BackendFactory, Capabilities, Store};

use super::ModelStore;

/// Makes fresh, empty [`ModelStore`]s for the suite. Named `"model"`; in memory only, and a closed
/// handle can be followed by a new one on the same store.
#[derive(Debug, Clone, Copy, Default)]
pub struct ModelFactory;

impl BackendFactory for ModelFactory {
    fn name(&self) -> &str {
        "model"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::in_memory()
    }

    fn create(&self) -> Result<Box<dyn Store>, StateError> {
        Ok(Box::new(ModelStore::new()))
    }
}

impl Store for ModelStore {
    fn backend(&self) -> &'static str {
        "model"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::in_memory()
    }

    fn open_handle(&self) -> Result<Box<dyn State>> {
        Ok(Box::new(ModelStore::open(self)))
    }

    /// The data lives in the store: a reopen keeps it.
    fn reopen(self: std::sync::Arc<Self>) -> Result<Box<dyn Store>> {
        Ok(Box::new(ModelStore::clone(&self)))
    }

    fn snapshot(&self) -> Result<Snapshot> {
        Ok(self.with_data(|data| data.snapshot()))
    }

    fn restore(&self, snapshot: &Snapshot) -> Result<()> {
        self.replace_data(|data| data.restored(snapshot))
    }

    fn verify(&self) -> Result<Vec<Violation>> {
        Ok(self.with_data(|data| data.violations()))
    }
}
