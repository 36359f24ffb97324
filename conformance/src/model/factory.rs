//! The model as a backend of the suite, so the shared scenarios can validate the oracle itself.

use podstate_api::{State, StateError};

use crate::factory::{BackendFactory, Capabilities, TestStore};

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
        Capabilities {
            persistent: false,
            reopen: true,
            multi_process: false,
        }
    }

    fn create(&self) -> Result<Box<dyn TestStore>, StateError> {
        Ok(Box::new(ModelStore::new()))
    }
}

impl TestStore for ModelStore {
    fn open(&self) -> Result<Box<dyn State>, StateError> {
        Ok(Box::new(ModelStore::open(self)))
    }
}
