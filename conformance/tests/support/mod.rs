//! What the conformance crate's own integration tests share: the memory backend as the suite sees
//! it (as in backend-memory/tests/conformance.rs).

use podstate_conformance::{BackendFactory, Capabilities, FnFactory, StoreFn};

/// A fresh in-memory store per test; every `open` is a new handle on it.
pub fn memory() -> impl BackendFactory {
    let capabilities = Capabilities {
        persistent: false,
        reopen: true,
        multi_process: false,
    };
    FnFactory::new("memory", capabilities, || {
        let store = podstate_memory::MemoryStore::new();
        Ok(StoreFn::new(move || Ok(store.open())))
    })
}
