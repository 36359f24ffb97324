//! The whole conformance suite through the C boundary: every scenario and the model check at
//! the CI budget, over each backend, every call a JSON request through `podstate_call`
//! (alternating inline payloads and payloads beside the JSON).

mod memory {
    podstate_conformance::conformance_tests!(podstate_conformance::StoreFactory::new(|| {
        podstate_capi::AbiStore::wrap(podstate_memory::MemoryStore::temporary()?)
    }));
}

mod sqlite {
    podstate_conformance::conformance_tests!(podstate_conformance::StoreFactory::new(|| {
        podstate_capi::AbiStore::wrap(podstate_sqlite::SqliteStore::temporary()?)
    }));
}

mod redb {
    podstate_conformance::conformance_tests!(podstate_conformance::StoreFactory::new(|| {
        podstate_capi::AbiStore::wrap(podstate_redb::RedbStore::temporary()?)
    }));
}
