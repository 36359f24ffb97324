//! Stores and handles may be used from any thread: several threads on one handle, and on
//! several handles of one store, each through the C functions.

use std::sync::Arc;

use podstate::{Container, ContainerConfig, State, Store};
use podstate_capi::AbiStore;

fn ctr(id: String) -> Container {
    let name = format!("name-{id}");
    Container::new(ContainerConfig::new(id, name))
}

fn race(store: &AbiStore, handles: Vec<Arc<dyn State>>) {
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let h = Arc::clone(&handles[t % handles.len()]);
            std::thread::spawn(move || {
                for i in 0..50 {
                    let id = format!("{t:02}{i:04}");
                    h.add_container(&ctr(id.clone())).unwrap();
                    assert_eq!(h.lookup_container_id(&format!("name-{id}")).unwrap(), id);
                    assert!(h.has_container(&id).unwrap());
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let all = store.open_handle().unwrap().all_containers().unwrap();
    assert_eq!(all.len(), 400);
    assert!(store.verify().unwrap().is_empty());
}

#[test]
fn eight_threads_share_one_handle() {
    let store = AbiStore::wrap(podstate_memory::MemoryStore::new()).unwrap();
    let h: Arc<dyn State> = Arc::from(store.open_handle().unwrap());
    race(&store, vec![h]);
}

#[test]
fn eight_threads_on_four_handles_of_one_sqlite_store() {
    let store = AbiStore::wrap(podstate_sqlite::SqliteStore::temporary().unwrap()).unwrap();
    let handles = (0..4)
        .map(|_| Arc::from(store.open_handle().unwrap()))
        .collect();
    race(&store, handles);
}
