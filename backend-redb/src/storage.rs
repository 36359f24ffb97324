//! The test seam for failing disks: a store can hand every file redb opens to a
//! [`StorageHook`], which may wrap it in a storage that loses unsynced writes at a simulated
//! power cut or fails chosen reads, writes and syncs. Production stores never set one; the
//! reliability tests (`podstate-reliability`) do.

use std::fmt;
use std::io;
use std::ops::Bound;
use std::path::Path;

use redb::{BackendError, StorageBackend};

/// Wraps the storage of every redb database object a store opens
/// ([`RedbStore::open_with_storage`](crate::RedbStore::open_with_storage)).
///
/// `wrap` is called once per database object: the read-only one every store opens, the writable
/// one its first write opens (again after a failed commit), and the draft of a new database
/// (`file` is then the draft's path). The storage it receives is the one the store would use
/// otherwise (redb's file backend with bounded lock waits), so a wrapper must hand every call it
/// does not mean to change to it, the six lock calls included: redb's multi-writer mode relies
/// on them.
pub trait StorageHook: fmt::Debug + Send + Sync + 'static {
    /// The storage redb uses for `file`: `storage` itself, or a wrapper around it.
    fn wrap(&self, file: &Path, storage: Box<dyn StorageBackend>) -> Box<dyn StorageBackend>;
}

/// A boxed storage as redb's `impl StorageBackend` (redb implements the trait for no box).
#[derive(Debug)]
pub(crate) struct Hooked(pub(crate) Box<dyn StorageBackend>);

impl StorageBackend for Hooked {
    fn len(&self) -> Result<u64, io::Error> {
        self.0.len()
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> Result<(), io::Error> {
        self.0.read(offset, out)
    }

    fn set_len(&self, len: u64) -> Result<(), io::Error> {
        self.0.set_len(len)
    }

    fn sync_data(&self) -> Result<(), io::Error> {
        self.0.sync_data()
    }

    fn write(&self, offset: u64, data: &[u8]) -> Result<(), io::Error> {
        self.0.write(offset, data)
    }

    fn close(&self) -> Result<(), io::Error> {
        self.0.close()
    }

    fn try_lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<bool, BackendError> {
        self.0.try_lock_range(start, end)
    }

    fn try_lock_shared_range(
        &self,
        start: Bound<u64>,
        end: Bound<u64>,
    ) -> Result<bool, BackendError> {
        self.0.try_lock_shared_range(start, end)
    }

    fn lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        self.0.lock_range(start, end)
    }

    fn lock_shared_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        self.0.lock_shared_range(start, end)
    }

    fn unlock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        self.0.unlock_range(start, end)
    }

    fn query_lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<bool, BackendError> {
        self.0.query_lock_range(start, end)
    }
}
