//! The backends built into the workspace, as conformance factories.

use anyhow::bail;
use podstate_conformance::{BackendFactory, StoreFactory};

/// Every backend built into the workspace, by name: each one's store type, fresh and temporary;
/// then each of them again behind the C boundary (`capi-memory`, ...: every call a JSON
/// request through `podstate_call`), so that one differential run proves the ABI answers
/// what the library answers.
pub fn all() -> Vec<Box<dyn BackendFactory>> {
    use podstate_capi::AbiStore;
    vec![
        Box::new(StoreFactory::new(podstate_memory::MemoryStore::temporary)),
        Box::new(StoreFactory::new(podstate_sqlite::SqliteStore::temporary)),
        Box::new(StoreFactory::new(podstate_redb::RedbStore::temporary)),
        Box::new(StoreFactory::new(|| {
            AbiStore::wrap(podstate_memory::MemoryStore::temporary()?)
        })),
        Box::new(StoreFactory::new(|| {
            AbiStore::wrap(podstate_sqlite::SqliteStore::temporary()?)
        })),
        Box::new(StoreFactory::new(|| {
            AbiStore::wrap(podstate_redb::RedbStore::temporary()?)
        })),
    ]
}

/// The backends named in `names` (all when empty); an unknown name is an error listing the
/// known ones.
pub fn select(names: &[String]) -> anyhow::Result<Vec<Box<dyn BackendFactory>>> {
    let all = all();
    if names.is_empty() {
        return Ok(all);
    }
    let known: Vec<String> = all.iter().map(|b| b.name().to_owned()).collect();
    if let Some(unknown) = names.iter().find(|n| !known.contains(n)) {
        bail!(
            "unknown backend {unknown:?}; built into this workspace: {}",
            known.join(", ")
        );
    }
    Ok(all
        .into_iter()
        .filter(|b| names.iter().any(|n| n == b.name()))
        .collect())
}
