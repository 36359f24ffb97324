//! A lost sync cannot hide: the storage seam ([`RedbStore::open_with_storage`]) sits below every
//! podstate layer, right above the file, so it counts the syncs that reach the operating
//! system. redb in multi-writer mode commits in two phases, each ending with a sync: a durable
//! commit needs two. A layer that answered a sync without making it (a lock wrapper whose
//! `sync_data` returns `Ok` at once) fails this test.

use std::collections::BTreeMap;
use std::io;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use podstate_api::State;
use podstate_conformance::scenarios::fixtures::{ctr, vol};
use podstate_redb::{RedbOptions, RedbStore, StorageHook};
use redb::{BackendError, StorageBackend};

/// Counts the syncs of every file.
#[derive(Debug, Default)]
struct SyncCounter {
    syncs: Arc<Mutex<BTreeMap<PathBuf, usize>>>,
}

impl SyncCounter {
    fn of(&self, file: &Path) -> usize {
        self.syncs.lock().unwrap().get(file).copied().unwrap_or(0)
    }
}

impl StorageHook for SyncCounter {
    fn wrap(&self, file: &Path, storage: Box<dyn StorageBackend>) -> Box<dyn StorageBackend> {
        Box::new(Counting {
            inner: storage,
            file: file.to_owned(),
            syncs: self.syncs.clone(),
        })
    }
}

#[derive(Debug)]
struct Counting {
    inner: Box<dyn StorageBackend>,
    file: PathBuf,
    syncs: Arc<Mutex<BTreeMap<PathBuf, usize>>>,
}

impl StorageBackend for Counting {
    fn len(&self) -> io::Result<u64> {
        self.inner.len()
    }
    fn read(&self, offset: u64, out: &mut [u8]) -> io::Result<()> {
        self.inner.read(offset, out)
    }
    fn set_len(&self, len: u64) -> io::Result<()> {
        self.inner.set_len(len)
    }
    fn sync_data(&self) -> io::Result<()> {
        self.inner.sync_data()?;
        *self
            .syncs
            .lock()
            .unwrap()
            .entry(self.file.clone())
            .or_default() += 1;
        Ok(())
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

/// What redb's multi-writer mode needs per durable commit: the data, then the header.
const SYNCS_PER_COMMIT: usize = 2;

#[test]
fn every_durable_commit_makes_two_syncs_that_reach_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.redb");
    let counter = Arc::new(SyncCounter::default());
    let store =
        RedbStore::open_with_storage(&file, RedbOptions::default(), counter.clone()).unwrap();
    let state = store.open_handle().unwrap();
    // The first write opens the file for writing, which syncs on its own.
    state.add_volume(&vol("v0")).unwrap();
    let before = counter.of(&file);
    let commits = 10;
    for i in 0..commits {
        state
            .add_container(&ctr(&format!("c{i}"), &format!("ctr-{i}")))
            .unwrap();
    }
    let syncs = counter.of(&file) - before;
    println!("{syncs} syncs reached the file for {commits} durable commits");
    assert!(
        syncs >= SYNCS_PER_COMMIT * commits,
        "{syncs} syncs reached the file for {commits} durable commits; each needs \
         {SYNCS_PER_COMMIT}"
    );
    // Reads sync nothing.
    let before = counter.of(&file);
    for _ in 0..10 {
        state.all_containers().unwrap();
    }
    assert_eq!(counter.of(&file), before);
}
