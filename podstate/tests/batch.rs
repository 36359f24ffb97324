//! Batches through the facade, on every backend compiled into this build: what a runtime gets
//! from `podstate::open` runs `State::batch` and `podstate::batch` all or nothing.

use podstate::{Container, ContainerConfig, ErrorKind, State, StateError, Store};

/// A fresh store of every backend in this build, by URL as a runtime opens it, with the
/// directory its file lives in.
fn stores() -> Vec<(Box<dyn Store>, tempfile::TempDir)> {
    let mut urls = Vec::new();
    let dir = || tempfile::tempdir().unwrap();
    if cfg!(feature = "memory") {
        urls.push(("memory:".to_owned(), dir()));
    }
    for (enabled, scheme) in [
        (cfg!(feature = "sqlite"), "sqlite"),
        (cfg!(feature = "redb"), "redb"),
    ] {
        if enabled {
            let d = dir();
            urls.push((
                format!("{scheme}:{}", d.path().join("state.db").display()),
                d,
            ));
        }
    }
    urls.into_iter()
        .map(|(url, d)| (podstate::open(&url).unwrap(), d))
        .collect()
}

fn ctr(id: &str, name: &str) -> Container {
    Container::new(ContainerConfig::new(id, name))
}

#[test]
fn a_batch_commits_all_its_calls_on_every_compiled_in_backend() {
    for (store, _dir) in stores() {
        let state = store.open_handle().unwrap();
        let (web, db) = (ctr("c1", "web"), ctr("c2", "db"));
        let networks = podstate::batch(state.as_ref(), |tx: &dyn State| {
            tx.add_container(&web)?;
            tx.add_container(&db)?;
            tx.network_connect(&db, "backend", &[])?;
            tx.get_networks(&db)
        });
        let backend = store.backend();
        assert_eq!(networks, Ok(vec!["backend".to_owned()]), "{backend}");
        let other = store.open_handle().unwrap();
        assert_eq!(other.all_containers().unwrap().len(), 2, "{backend}");
    }
}

#[test]
fn a_batch_whose_closure_fails_leaves_nothing_on_every_compiled_in_backend() {
    for (store, _dir) in stores() {
        let state = store.open_handle().unwrap();
        state.add_container(&ctr("c0", "kept")).unwrap();
        let answer = state.batch(&mut |tx| {
            tx.add_container(&ctr("c1", "web"))?;
            tx.remove_container(&ctr("c0", "kept"))?;
            let taken = tx.add_container(&ctr("c2", "web"));
            assert_eq!(taken.map_err(|e| e.kind()), Err(ErrorKind::CtrExists));
            Err(StateError::invalid("changed my mind"))
        });
        let backend = store.backend();
        assert_eq!(
            answer,
            Err(StateError::invalid("changed my mind")),
            "{backend}"
        );
        let names: Vec<String> = state
            .all_containers()
            .unwrap()
            .into_iter()
            .map(|c| c.config.name)
            .collect();
        assert_eq!(names, ["kept"], "{backend}");
    }
}
