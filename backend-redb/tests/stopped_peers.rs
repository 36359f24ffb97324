//! Stopped processes (SIGSTOP, Ctrl-Z) and the writers that meet them (SPEC §3): a stopped
//! writer holds others up for at most their lock timeout, and the timeout message names it
//! (process ID and command name), found through `/proc/*/fdinfo` since redb's
//! open-file-description locks show no owner in `/proc/locks`.

mod support;

use std::fs::OpenOptions;
use std::ops::Bound;
use std::path::Path;
use std::thread;
use std::time::Duration;

use podstate_api::{ErrorKind, State, StateError};
use podstate_conformance::scenarios::fixtures::vol;
use podstate_redb::{RedbOptions, RedbStore};
use redb::backends::FileBackend;
use redb::{Builder, ConcurrencyMode, StorageBackend};
use support::{Child, assert_one_line_naming, role, say};

/// The roles of the child processes.
#[test]
fn child() {
    let Some((role, file)) = role() else {
        return;
    };
    match role.as_str() {
        // A writer in the middle of a write transaction (redb's own), until killed.
        "hold-write-lock" => {
            let mut builder = Builder::new();
            builder.set_concurrency_mode(ConcurrencyMode::MultiWriter);
            let db = builder.open(&file).expect("a multi-writer peer");
            let _tx = db.begin_write().expect("the write lock");
            say("holding");
            loop {
                thread::sleep(Duration::from_secs(1));
            }
        }
        // A process holding redb's header lock exclusively, as a committing writer does.
        "hold-header-lock" => {
            let handle = OpenOptions::new()
                .read(true)
                .write(true)
                .open(&file)
                .unwrap();
            let backend = FileBackend::new(handle).unwrap();
            backend
                .lock_range(Bound::Included(0), Bound::Excluded(320))
                .expect("the header lock");
            say("holding");
            loop {
                thread::sleep(Duration::from_secs(1));
            }
        }
        other => panic!("unknown role {other}"),
    }
}

fn impatient() -> RedbOptions {
    RedbOptions::default().with_lock_timeout(Duration::from_millis(300))
}

fn new_database() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.redb");
    RedbStore::open(&file)
        .unwrap()
        .handle()
        .add_volume(&vol("v0"))
        .unwrap();
    (dir, file)
}

/// The message of a lock timeout caused by `holder`: `Io`, one line naming the file, the lock
/// and the holder's process ID and command name.
fn assert_names_holder(err: &StateError, file: &Path, lock: &str, holder: &Child) {
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert_one_line_naming(err, file);
    let message = err.message();
    assert!(message.contains(lock), "{message} does not name {lock}");
    let named = format!("process {} ({})", holder.pid(), holder.comm());
    assert!(message.contains(&named), "{message} does not name {named}");
}

#[test]
fn a_write_lock_timeout_names_the_stopped_writer() {
    let (_dir, file) = new_database();
    let store = RedbStore::open_with(&file, impatient()).unwrap();
    let state = store.handle();
    state.add_volume(&vol("v1")).unwrap();
    let mut holder = Child::start("hold-write-lock", &file);
    holder.expect("holding");
    holder.stop();
    // A write of a store whose writable side is open waits in `begin_write`...
    let err = state.add_volume(&vol("v2")).unwrap_err();
    assert_names_holder(&err, &file, "write lock", &holder);
    // ... and the first write of a new store in opening the file for writing.
    let fresh = RedbStore::open_with(&file, impatient()).unwrap();
    let err = fresh.handle().add_volume(&vol("v3")).unwrap_err();
    assert_names_holder(&err, &file, "write lock", &holder);
    drop(holder);
    state.add_volume(&vol("v4")).unwrap();
}

#[test]
fn a_header_lock_timeout_names_its_holder() {
    let (_dir, file) = new_database();
    let store = RedbStore::open_with(&file, impatient()).unwrap();
    let state = store.handle();
    state.add_volume(&vol("v1")).unwrap();
    let mut holder = Child::start("hold-header-lock", &file);
    holder.expect("holding");
    holder.stop();
    let err = state.add_volume(&vol("v2")).unwrap_err();
    assert_names_holder(&err, &file, "header lock", &holder);
    drop(holder);
    state.add_volume(&vol("v3")).unwrap();
}
