//! Stopped processes (SIGSTOP, Ctrl-Z) and the writers that meet them (SPEC §3, "Only a write
//! holds others up"): a reader stopped at any moment, even in the middle of taking its snapshot,
//! holds no writer up; a stopped writer holds others up for at most their lock timeout, and the
//! timeout message names it (process ID and command name), found through `/proc/*/fdinfo`
//! since redb's open-file-description locks show no owner in `/proc/locks`.

mod queued;
mod support;

use std::fs::OpenOptions;
use std::io;
use std::ops::Bound;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use podstate_api::{ErrorKind, State, StateError};
use podstate_conformance::scenarios::fixtures::vol;
use podstate_redb::{RedbOptions, RedbStore, StorageHook};
use redb::backends::FileBackend;
use redb::{BackendError, Builder, ConcurrencyMode, StorageBackend};
use rustix::process::{Signal, getpid, kill_process};
use support::{Child, assert_one_line_naming, role, say};

/// The roles of the child processes.
#[test]
fn child() {
    let Some((role, file)) = role() else {
        return;
    };
    match role.as_str() {
        // A reader that stops itself in the middle of taking a read snapshot: right after it has
        // read the file's header in `begin_read`.
        "stop-in-snapshot" => {
            let hook = Arc::new(StopAfterHeaderRead::default());
            let store = RedbStore::open_with_storage(&file, RedbOptions::default(), hook.clone())
                .expect("the database");
            let state = store.open_handle().unwrap();
            state.all_containers().expect("a read");
            say("ready");
            hook.armed.store(true, Ordering::SeqCst);
            state.all_containers().expect("a read");
            assert!(!hook.armed.load(Ordering::SeqCst), "the read never stopped");
            say("read");
        }
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

/// Stops its own process (SIGSTOP) after the first read of the header once armed.
#[derive(Debug, Default)]
struct StopAfterHeaderRead {
    armed: Arc<AtomicBool>,
}

impl StorageHook for StopAfterHeaderRead {
    fn wrap(&self, _file: &Path, storage: Box<dyn StorageBackend>) -> Box<dyn StorageBackend> {
        Box::new(Stopping {
            inner: storage,
            armed: self.armed.clone(),
        })
    }
}

/// The storage of [`StopAfterHeaderRead`].
#[derive(Debug)]
struct Stopping {
    inner: Box<dyn StorageBackend>,
    armed: Arc<AtomicBool>,
}

impl StorageBackend for Stopping {
    fn len(&self) -> io::Result<u64> {
        self.inner.len()
    }
    fn read(&self, offset: u64, out: &mut [u8]) -> io::Result<()> {
        self.inner.read(offset, out)?;
        if offset == 0 && self.armed.swap(false, Ordering::SeqCst) {
            // The signal goes to the process, and another thread may take it: this one would run
            // on (and leave the snapshot) before the stop reaches it, unless it waits here.
            kill_process(getpid(), Signal::STOP).expect("SIGSTOP");
            std::thread::sleep(Duration::from_millis(200));
        }
        Ok(())
    }
    fn set_len(&self, len: u64) -> io::Result<()> {
        self.inner.set_len(len)
    }
    fn sync_data(&self) -> io::Result<()> {
        self.inner.sync_data()
    }
    fn write(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        self.inner.write(offset, data)
    }
    fn close(&self) -> io::Result<()> {
        self.inner.close()
    }
    fn try_lock_range(&self, s: Bound<u64>, e: Bound<u64>) -> Result<bool, BackendError> {
        self.inner.try_lock_range(s, e)
    }
    fn try_lock_shared_range(&self, s: Bound<u64>, e: Bound<u64>) -> Result<bool, BackendError> {
        self.inner.try_lock_shared_range(s, e)
    }
    fn lock_range(&self, s: Bound<u64>, e: Bound<u64>) -> Result<(), BackendError> {
        self.inner.lock_range(s, e)
    }
    fn lock_shared_range(&self, s: Bound<u64>, e: Bound<u64>) -> Result<(), BackendError> {
        self.inner.lock_shared_range(s, e)
    }
    fn unlock_range(&self, s: Bound<u64>, e: Bound<u64>) -> Result<(), BackendError> {
        self.inner.unlock_range(s, e)
    }
    fn query_lock_range(&self, s: Bound<u64>, e: Bound<u64>) -> Result<bool, BackendError> {
        self.inner.query_lock_range(s, e)
    }
}

fn impatient() -> RedbOptions {
    RedbOptions::default().lock_timeout(Duration::from_millis(300))
}

fn new_database() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.redb");
    RedbStore::open(&file)
        .unwrap()
        .open_handle()
        .unwrap()
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
fn a_reader_stopped_while_taking_its_snapshot_holds_no_writer_up() {
    let (_dir, file) = new_database();
    let mut reader = Child::start("stop-in-snapshot", &file);
    reader.expect("ready");
    reader.wait_stopped();
    // A new process's first write (which opens the file for writing) and a second one.
    let writer = RedbStore::open_with(&file, impatient()).unwrap();
    let state = writer.open_handle().unwrap();
    state.add_volume(&vol("v1")).unwrap();
    state.add_volume(&vol("v2")).unwrap();
    reader.resume();
    reader.expect("read");
    reader.finish();
    assert_eq!(state.all_volumes().unwrap().len(), 3);
}

#[test]
fn a_write_lock_timeout_names_the_stopped_writer() {
    let (_dir, file) = new_database();
    let store = RedbStore::open_with(&file, impatient()).unwrap();
    let state = store.open_handle().unwrap();
    state.add_volume(&vol("v1")).unwrap();
    let mut holder = Child::start("hold-write-lock", &file);
    holder.expect("holding");
    holder.stop();
    // A write of a store whose writable side is open waits in `begin_write`...
    let err = state.add_volume(&vol("v2")).unwrap_err();
    assert_names_holder(&err, &file, "write lock", &holder);
    // ... and the first write of a new store in opening the file for writing.
    let fresh = RedbStore::open_with(&file, impatient()).unwrap();
    let err = fresh
        .open_handle()
        .unwrap()
        .add_volume(&vol("v3"))
        .unwrap_err();
    assert_names_holder(&err, &file, "write lock", &holder);
    drop(holder);
    state.add_volume(&vol("v4")).unwrap();
}

#[test]
fn a_header_lock_timeout_names_its_holder() {
    let (_dir, file) = new_database();
    let store = RedbStore::open_with(&file, impatient()).unwrap();
    let state = store.open_handle().unwrap();
    state.add_volume(&vol("v1")).unwrap();
    let mut holder = Child::start("hold-header-lock", &file);
    holder.expect("holding");
    holder.stop();
    let err = state.add_volume(&vol("v2")).unwrap_err();
    assert_names_holder(&err, &file, "header lock", &holder);
    drop(holder);
    state.add_volume(&vol("v3")).unwrap();
}

/// A write that opens the file for writing (the store's first write, or the next one after a
/// write met an I/O error and retired the writable object) counts the time it spent queued in
/// its group toward its lock timeout: the open waits only for what is left of the call's
/// timeout, never a timeout of its own (SPEC §3). Two first writes of a store meet a stopped
/// writer: the first gives up opening the file after its timeout, and the second, queued behind
/// it all along, opens the file in turn. It used to wait a whole new timeout there, about twice
/// its lock timeout in all.
#[test]
fn opening_the_file_for_writing_waits_only_what_is_left_of_the_call() {
    let (_dir, file) = new_database();
    let timeout = Duration::from_millis(400);
    let store = RedbStore::open_with(&file, RedbOptions::default().lock_timeout(timeout)).unwrap();
    let handles: Vec<_> = (0..2).map(|_| store.open_handle().unwrap()).collect();
    let mut holder = Child::start("hold-write-lock", &file);
    holder.expect("holding");
    holder.stop();
    let calls = handles.into_iter().zip(["v1", "v2"]).collect();
    let answers = queued::failing_queued_adds(calls, timeout);
    for (err, took) in &answers {
        queued::assert_gave_up_in_one_timeout(err, *took, timeout);
        // The message says the call's whole wait, its time queued included.
        assert!(
            said_wait(err) >= timeout.as_secs_f64() - 0.05,
            "{err} does not say the whole wait"
        );
    }
    drop(holder);
    store.open_handle().unwrap().add_volume(&vol("v3")).unwrap();
}

/// The wait a lock-timeout message says, in seconds ("gave up after waiting 0.4 s").
fn said_wait(err: &StateError) -> f64 {
    let message = err.message();
    let (_, after) = message
        .split_once("gave up after waiting ")
        .unwrap_or_else(|| panic!("{err} says no wait"));
    let number = after.split_whitespace().next().unwrap_or_default();
    number
        .parse()
        .unwrap_or_else(|_| panic!("{err} gives no wait"))
}
