//! The podstate conformance scenarios, run against the in-memory backend: one store per scenario,
//! one handle per `open`.

podstate_conformance::scenario_tests!(podstate_conformance::FnFactory::new(
    "memory",
    podstate_conformance::Capabilities::default(),
    || {
        let store = podstate_memory::MemoryStore::new();
        Ok(podstate_conformance::StoreFn::new(move || Ok(store.open())))
    },
));
