//! Item 7: a process frozen (SIGSTOP) while it holds the write lock makes the others wait at
//! most their lock timeout, then answer `Io` naming the lock; reads go on; nothing hangs; once
//! the holder is gone, writes work again. A short lock timeout keeps the test quick.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use podstate_api::Store;
use podstate_api::{Container, ContainerConfig, ErrorKind, StateError};
use podstate_reliability::holder::Holder;
use podstate_reliability::{Launcher, PersistentBackend};

const TIMEOUT: Duration = Duration::from_millis(500);

fn launcher() -> Launcher {
    Launcher::new(env!("CARGO_BIN_EXE_podstate-reliability-child"), &[])
}

fn ctr(id: &str) -> Container {
    Container::new(ContainerConfig::new(id, format!("{id}-name")))
}

/// Runs `call` on a thread and fails the test if it does not return well past the lock
/// timeout: a hang, not a slow answer, is what this catches.
fn bounded<T: Send + 'static>(call: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(call());
    });
    rx.recv_timeout(TIMEOUT + Duration::from_secs(60))
        .expect("the call hung behind the stopped lock holder")
}

fn run(backend: PersistentBackend) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(backend.file_name());
    let store = backend.open(&path, TIMEOUT).unwrap();
    store
        .open_handle()
        .unwrap()
        .add_container(&ctr("c1"))
        .unwrap();
    let store: std::sync::Arc<dyn Store> = std::sync::Arc::from(store);

    let holder = Holder::start(&launcher(), backend, &path).unwrap();
    holder.stop().unwrap();

    let writer = store.clone();
    let err: StateError = bounded(move || {
        writer
            .open_handle()
            .unwrap()
            .add_container(&ctr("c2"))
            .unwrap_err()
    });
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert!(err.message().contains("lock"), "{err}");
    assert!(err.message().contains(&path.display().to_string()), "{err}");

    // Reads do not wait for the writer; a new store (a new process would do the same) opens.
    let reader = store.clone();
    let seen = bounded(move || {
        reader
            .open_handle()
            .unwrap()
            .all_containers()
            .unwrap()
            .len()
    });
    assert_eq!(seen, 1);
    let again = path.clone();
    let opened = bounded(move || backend.open(&again, TIMEOUT).map(drop));
    opened.unwrap();

    // Resumed and gone, the holder releases the lock: writes work again, nothing was lost.
    holder.resume().unwrap();
    drop(holder);
    let state = store.open_handle().unwrap();
    state.add_container(&ctr("c3")).unwrap();
    let ids: Vec<String> = state
        .all_containers()
        .unwrap()
        .iter()
        .map(|c| c.id().to_owned())
        .collect();
    assert_eq!(ids, ["c1", "c3"]);
}

#[test]
fn sqlite_waits_for_a_stopped_lock_holder_then_answers_io_naming_the_lock() {
    run(PersistentBackend::Sqlite);
}

#[test]
fn redb_waits_for_a_stopped_lock_holder_then_answers_io_naming_the_lock() {
    run(PersistentBackend::Redb);
}
