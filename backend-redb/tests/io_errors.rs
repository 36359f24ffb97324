//! A failing disk through the storage seam ([`RedbStore::open_with_storage`]): a read or write
//! that fails once makes the call that met it answer `Io`, and the store goes on working once
//! the disk does. redb itself latches an I/O error (every later call on that database object
//! answers `PreviousIo` until it is opened again), so the store must drop the object that met
//! one.

mod queued;

use std::io;
use std::ops::Bound;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use podstate_api::{ErrorKind, State};
use podstate_conformance::scenarios::fixtures::{ctr, vol};
use podstate_redb::{RedbOptions, RedbStore, StorageHook};
use redb::{BackendError, StorageBackend};

/// Fails every read (or write) while its flag is set.
#[derive(Debug, Default)]
struct Switch {
    reads: AtomicBool,
    writes: AtomicBool,
    /// Refuses redb's writer byte, as when another process holds the write lock.
    writer_byte_held: AtomicBool,
}

/// redb's writer byte (its lock base, `2^62`).
const WRITER_BYTE: u64 = 1 << 62;

#[derive(Debug)]
struct Hook(Arc<Switch>);

impl StorageHook for Hook {
    fn wrap(&self, _file: &Path, storage: Box<dyn StorageBackend>) -> Box<dyn StorageBackend> {
        Box::new(Failing {
            inner: storage,
            switch: self.0.clone(),
        })
    }
}

#[derive(Debug)]
struct Failing {
    inner: Box<dyn StorageBackend>,
    switch: Arc<Switch>,
}

fn refused() -> io::Error {
    io::Error::other("injected fault")
}

impl StorageBackend for Failing {
    fn len(&self) -> io::Result<u64> {
        self.inner.len()
    }
    fn read(&self, offset: u64, out: &mut [u8]) -> io::Result<()> {
        if self.switch.reads.load(Ordering::SeqCst) {
            return Err(refused());
        }
        self.inner.read(offset, out)
    }
    fn set_len(&self, len: u64) -> io::Result<()> {
        self.inner.set_len(len)
    }
    fn sync_data(&self) -> io::Result<()> {
        self.inner.sync_data()
    }
    fn write(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        if self.switch.writes.load(Ordering::SeqCst) {
            return Err(refused());
        }
        self.inner.write(offset, data)
    }
    fn close(&self) -> io::Result<()> {
        self.inner.close()
    }
    fn try_lock_range(&self, s: Bound<u64>, e: Bound<u64>) -> Result<bool, BackendError> {
        if s == Bound::Included(WRITER_BYTE) && self.switch.writer_byte_held.load(Ordering::SeqCst)
        {
            return Ok(false);
        }
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

fn store() -> (tempfile::TempDir, RedbStore, Arc<Switch>) {
    store_with(RedbOptions::default())
}

fn store_with(options: RedbOptions) -> (tempfile::TempDir, RedbStore, Arc<Switch>) {
    let dir = tempfile::tempdir().unwrap();
    let switch = Arc::new(Switch::default());
    let store = RedbStore::open_with_storage(
        dir.path().join("state.redb"),
        options,
        Arc::new(Hook(switch.clone())),
    )
    .unwrap();
    (dir, store, switch)
}

#[test]
fn a_read_error_answers_io_and_the_next_read_works() {
    let (_dir, store, switch) = store();
    let state = store.open_handle().unwrap();
    state.add_container(&ctr("c1", "one")).unwrap();
    switch.reads.store(true, Ordering::SeqCst);
    assert_eq!(state.all_containers().unwrap_err().kind(), ErrorKind::Io);
    switch.reads.store(false, Ordering::SeqCst);
    assert_eq!(state.all_containers().unwrap().len(), 1);
    assert_eq!(state.lookup_container_id("one").unwrap(), "c1");
}

#[test]
fn a_write_error_answers_io_changes_nothing_and_the_next_write_works() {
    let (_dir, store, switch) = store();
    let state = store.open_handle().unwrap();
    state.add_container(&ctr("c1", "one")).unwrap();
    switch.writes.store(true, Ordering::SeqCst);
    assert_eq!(
        state.add_volume(&vol("v1")).unwrap_err().kind(),
        ErrorKind::Io
    );
    switch.writes.store(false, Ordering::SeqCst);
    assert!(!state.has_volume("v1").unwrap());
    state.add_volume(&vol("v2")).unwrap();
    assert!(state.has_volume("v2").unwrap());
    // A read error inside a write transaction latches the writable object too.
    state.add_container(&ctr("c2", "two")).unwrap();
    switch.reads.store(true, Ordering::SeqCst);
    let failed = state.remove_container(&ctr("c2", "two"));
    switch.reads.store(false, Ordering::SeqCst);
    if let Err(e) = failed {
        assert_eq!(e.kind(), ErrorKind::Io);
    }
    state.add_volume(&vol("v3")).unwrap();
    drop(state);
    let reopened = podstate_api::Store::reopen(std::sync::Arc::new(store)).unwrap();
    assert!(reopened.open_handle().unwrap().has_volume("v3").unwrap());
}

/// After a write met an I/O error, the next write opens the file anew; when it was queued behind
/// another write of its store, that open waits only for what is left of its lock timeout (SPEC
/// §3), not a whole new one. Here the write lock stays held (another process, as far as the
/// store can tell) while two writes follow the failed one: the first gives up opening the file
/// after its timeout, the second, queued behind it all along, opens it in turn. It used to wait
/// about twice its lock timeout.
#[test]
fn the_open_after_an_io_error_waits_only_what_is_left_of_the_call() {
    let timeout = Duration::from_millis(400);
    let (_dir, store, switch) = store_with(RedbOptions::default().lock_timeout(timeout));
    let state = store.open_handle().unwrap();
    state.add_container(&ctr("c1", "one")).unwrap();
    switch.writes.store(true, Ordering::SeqCst);
    assert_eq!(
        state.add_volume(&vol("v1")).unwrap_err().kind(),
        ErrorKind::Io
    );
    switch.writes.store(false, Ordering::SeqCst);
    switch.writer_byte_held.store(true, Ordering::SeqCst);
    let calls = ["v2", "v3"].map(|name| (store.open_handle().unwrap(), name));
    let answers = queued::failing_queued_adds(calls.into(), timeout);
    switch.writer_byte_held.store(false, Ordering::SeqCst);
    for (err, took) in &answers {
        queued::assert_gave_up_in_one_timeout(err, *took, timeout);
    }
    state.add_volume(&vol("v4")).unwrap();
    assert!(state.has_volume("v4").unwrap());
}
