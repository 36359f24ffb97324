//! The podstate conformance suite against the SQLite backend: every scenario as its own test,
//! and the model check at the CI budget. One fresh temporary database per test (no fsync, see
//! `SqliteOptions::for_tests`).

podstate_conformance::conformance_tests!(podstate_conformance::StoreFactory::new(
    podstate_sqlite::SqliteStore::temporary
));
