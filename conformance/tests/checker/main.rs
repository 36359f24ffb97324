//! The model checker engine, exercised on the memory backend and the reference model; the
//! deliberately broken backends are the library's `teeth` wrappers around the memory backend.

mod budget;
mod differential;
mod replaying;
mod shrinking;

use podstate_conformance::{BackendFactory, Capabilities, FnFactory, StoreFn};

/// The memory backend as the suite sees it (as in backend-memory/tests/conformance.rs).
pub fn memory() -> impl BackendFactory {
    FnFactory::new("memory", Capabilities::default(), || {
        let store = podstate_memory::MemoryStore::new();
        Ok(StoreFn::new(move || Ok(store.open())))
    })
}
