//! The podstate conformance suite against the in-memory backend: every scenario as its own test,
//! and the model check at the CI budget. One store per test, one handle per `open`.

podstate_conformance::conformance_tests!(podstate_conformance::FnFactory::new(
    "memory",
    podstate_conformance::Capabilities {
        persistent: false,
        reopen: true,
        multi_process: false,
    },
    || {
        let store = podstate_memory::MemoryStore::new();
        Ok(podstate_conformance::StoreFn::new(move || Ok(store.open())))
    },
));
