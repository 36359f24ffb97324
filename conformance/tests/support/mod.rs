//! What the conformance crate's own integration tests share: the memory backend as the suite sees
//! it.

use podstate_conformance::{BackendFactory, StoreFactory};

/// A fresh in-memory store per test.
pub fn memory() -> impl BackendFactory {
    StoreFactory::new(podstate_memory::MemoryStore::temporary)
}
