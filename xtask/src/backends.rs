//! The backends built into the workspace, as conformance factories.

use podstate_conformance::{BackendFactory, Capabilities, FnFactory, StoreFn};

/// Every backend built into the workspace, by name.
pub fn all() -> Vec<Box<dyn BackendFactory>> {
    vec![Box::new(FnFactory::new(
        "memory",
        Capabilities {
            persistent: false,
            reopen: true,
            multi_process: false,
        },
        || {
            let store = podstate_memory::MemoryStore::new();
            Ok(StoreFn::new(move || Ok(store.open())))
        },
    ))]
}

/// The backends named in `names` (all when empty); an unknown name is an error listing the
/// known ones.
pub fn select(names: &[String]) -> Result<Vec<Box<dyn BackendFactory>>, String> {
    let all = all();
    if names.is_empty() {
        return Ok(all);
    }
    let known: Vec<String> = all.iter().map(|b| b.name().to_owned()).collect();
    if let Some(unknown) = names.iter().find(|n| !known.contains(n)) {
        return Err(format!(
            "unknown backend {unknown:?}; built into this workspace: {}",
            known.join(", ")
        ));
    }
    Ok(all
        .into_iter()
        .filter(|b| names.iter().any(|n| n == b.name()))
        .collect())
}
