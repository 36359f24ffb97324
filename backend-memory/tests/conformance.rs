//! The podstate conformance suite against the in-memory backend: every scenario as its own test,
//! and the model check at the CI budget. One fresh store per test.

podstate_conformance::conformance_tests!(podstate_conformance::StoreFactory::new(
    podstate_memory::MemoryStore::temporary
));
