//! The podstate conformance suite against the template engine, as against every backend: each
//! scenario as its own test, the model check at the CI budget with its saved cases replayed
//! (`replay_saved_cases`), and the concurrent class. One fresh store (file) per test.

podstate_conformance::conformance_tests!(podstate_conformance::StoreFactory::new(
    podstate_example_template::JsonStore::temporary
));
