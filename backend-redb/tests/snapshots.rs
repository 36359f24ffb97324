//! A read takes its snapshot without redb's header lock (so that a reader stopped there holds
//! no writer up, SPEC §3), and still reads one committed state: here a read is paused right
//! after it has read the header, while a writer commits again and again and reuses the pages
//! of the state that header named. The read must notice and take a new snapshot.

use std::io;
use std::ops::Bound;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use podstate_api::State;
use podstate_api::Store;
use podstate_conformance::scenarios::fixtures::ctr;
use podstate_redb::{RedbOptions, RedbStore, StorageHook};
use redb::{BackendError, StorageBackend};

/// Pauses the first read of the header once armed, until the test lets it go.
#[derive(Debug)]
struct PauseAfterHeader {
    armed: Arc<AtomicBool>,
    paused: Arc<Barrier>,
    go: Arc<Barrier>,
}

impl StorageHook for PauseAfterHeader {
    fn wrap(&self, _file: &Path, storage: Box<dyn StorageBackend>) -> Box<dyn StorageBackend> {
        Box::new(Pausing {
            inner: storage,
            armed: self.armed.clone(),
            paused: self.paused.clone(),
            go: self.go.clone(),
        })
    }
}

#[derive(Debug)]
struct Pausing {
    inner: Box<dyn StorageBackend>,
    armed: Arc<AtomicBool>,
    paused: Arc<Barrier>,
    go: Arc<Barrier>,
}

impl StorageBackend for Pausing {
    fn len(&self) -> io::Result<u64> {
        self.inner.len()
    }
    fn read(&self, offset: u64, out: &mut [u8]) -> io::Result<()> {
        self.inner.read(offset, out)?;
        if offset == 0 && self.armed.swap(false, Ordering::SeqCst) {
            self.paused.wait();
            self.go.wait();
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

fn names(state: &dyn State) -> Vec<String> {
    state
        .all_containers()
        .unwrap()
        .into_iter()
        .map(|c| c.config.name)
        .collect()
}

#[test]
fn a_read_paused_while_taking_its_snapshot_holds_no_writer_up_and_reads_one_state() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.redb");
    RedbStore::open(&file)
        .unwrap()
        .open_handle()
        .unwrap()
        .add_container(&ctr("c0", "first"))
        .unwrap();
    let hook = Arc::new(PauseAfterHeader {
        armed: Arc::new(AtomicBool::new(false)),
        paused: Arc::new(Barrier::new(2)),
        go: Arc::new(Barrier::new(2)),
    });
    // No page cache: every page the read needs comes from the file.
    let options = RedbOptions::default().cache_size(0);
    let reader = RedbStore::open_with_storage(&file, options, hook.clone()).unwrap();
    hook.armed.store(true, Ordering::SeqCst);
    let looking = thread::spawn(move || {
        let read = names(&reader.open_handle().unwrap());
        (read, reader.verify().unwrap())
    });
    hook.paused.wait();
    // The writer must not wait for the paused read, and reuses the pages of the state it saw.
    let impatient = RedbOptions::default().lock_timeout(Duration::from_millis(500));
    let writer = RedbStore::open_with(&file, impatient).unwrap();
    let write = writer.open_handle().unwrap();
    write
        .remove_container(&write.lookup_container("c0").unwrap())
        .unwrap();
    for i in 0..30 {
        let c = ctr(&format!("e{i:02}"), &format!("later-{i:02}"));
        write.add_container(&c).unwrap();
        if i % 3 != 0 {
            write.remove_container(&c).unwrap();
        }
    }
    hook.go.wait();
    let (read, violations) = looking.join().unwrap();
    assert_eq!(
        read,
        names(&write),
        "the paused read did not read the latest state"
    );
    assert_eq!(violations, []);
}
