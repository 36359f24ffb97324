//! The model checker engine, exercised on the memory backend and the reference model.

mod budget;
mod differential;
mod mutants;
mod replaying;
mod shrinking;

use podstate_api::{State, StateError};
use podstate_conformance::{BackendFactory, Capabilities, TestStore};
use podstate_memory::MemoryStore;

/// The memory backend as the suite sees it.
pub struct MemoryFactory;

struct MemoryTestStore(MemoryStore);

impl TestStore for MemoryTestStore {
    fn open(&self) -> Result<Box<dyn State>, StateError> {
        Ok(Box::new(self.0.open()))
    }
}

impl BackendFactory for MemoryFactory {
    fn name(&self) -> &str {
        "memory"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            persistent: false,
            reopen: true,
            multi_process: false,
        }
    }

    fn create(&self) -> Result<Box<dyn TestStore>, StateError> {
        Ok(Box::new(MemoryTestStore(MemoryStore::new())))
    }
}
