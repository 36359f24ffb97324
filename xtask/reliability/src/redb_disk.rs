//! redb on the simulated [`Disk`]: a [`StorageHook`] that wraps every file a `RedbStore` opens
//! in a storage passing each read, write, resize and sync through the disk first.

use std::io;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use podstate_redb::StorageHook;
use redb::{BackendError, StorageBackend};

use crate::disk::Disk;

/// Puts every file of a `RedbStore` on one simulated disk.
#[derive(Debug)]
pub struct DiskHook {
    disk: Arc<Disk>,
}

impl DiskHook {
    /// The hook of `disk`.
    pub fn new(disk: Arc<Disk>) -> DiskHook {
        DiskHook { disk }
    }
}

impl StorageHook for DiskHook {
    fn wrap(&self, file: &Path, storage: Box<dyn StorageBackend>) -> Box<dyn StorageBackend> {
        Box::new(DiskStorage {
            inner: storage,
            disk: self.disk.clone(),
            path: file.to_owned(),
            opened: self.disk.open(file).map_err(io::Error::from),
        })
    }
}

/// One redb database object's storage on the disk. The locks are the real file's (they live
/// in the kernel, not on the disk), so they pass through untouched.
#[derive(Debug)]
struct DiskStorage {
    inner: Box<dyn StorageBackend>,
    disk: Arc<Disk>,
    path: PathBuf,
    /// Whether the disk let the file open; a refusal fails the first read.
    opened: io::Result<()>,
}

impl DiskStorage {
    fn opened(&self) -> io::Result<()> {
        match &self.opened {
            Ok(()) => Ok(()),
            Err(e) => Err(io::Error::new(e.kind(), e.to_string())),
        }
    }
}

impl StorageBackend for DiskStorage {
    fn len(&self) -> Result<u64, io::Error> {
        self.opened()?;
        self.inner.len()
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> Result<(), io::Error> {
        self.opened()?;
        self.disk.read(&self.path)?;
        self.inner.read(offset, out)
    }

    fn set_len(&self, len: u64) -> Result<(), io::Error> {
        self.disk.set_len(&self.path, len)?;
        self.inner.set_len(len)
    }

    fn sync_data(&self) -> Result<(), io::Error> {
        self.disk.sync(&self.path)?;
        self.inner.sync_data()
    }

    fn write(&self, offset: u64, data: &[u8]) -> Result<(), io::Error> {
        self.disk.write(&self.path, offset, data)?;
        self.inner.write(offset, data)
    }

    fn close(&self) -> Result<(), io::Error> {
        self.inner.close()
    }

    fn try_lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<bool, BackendError> {
        self.inner.try_lock_range(start, end)
    }

    fn try_lock_shared_range(
        &self,
        start: Bound<u64>,
        end: Bound<u64>,
    ) -> Result<bool, BackendError> {
        self.inner.try_lock_shared_range(start, end)
    }

    fn lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        self.inner.lock_range(start, end)
    }

    fn lock_shared_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        self.inner.lock_shared_range(start, end)
    }

    fn unlock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        self.inner.unlock_range(start, end)
    }

    fn query_lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<bool, BackendError> {
        self.inner.query_lock_range(start, end)
    }
}
