//! The podstate conformance suite against the redb backend: every scenario as its own test, and
//! the model check at the CI budget. One fresh temporary database per test (on `/dev/shm` where
//! there is one: see `RedbStore::temporary`).

podstate_conformance::conformance_tests!(podstate_conformance::StoreFactory::new(
    podstate_redb::RedbStore::temporary
));
