//! The storage podstate hands redb for one open file: redb's own [`FileBackend`] (wrapped by
//! the failing-disk tests' [`StorageHook`](crate::StorageHook), if any, right above the file),
//! with redb's blocking byte-range locks bounded. redb waits without bound in every blocking
//! lock (the writer byte a writable open takes, the header lock of every read and commit), so a
//! stopped peer would hang everyone. [`BoundedFile`] turns them into polling of the
//! non-blocking ones, failing past the lock timeout with an `io::Error` of
//! [`LOCK_TIMEOUT_KIND`](crate::error::LOCK_TIMEOUT_KIND) that names the holder (see
//! [`holders`](crate::holders)). The store keeps a handle on it (through [`SharedFile`]) for
//! what it needs of the file besides redb.

use std::fmt;
use std::fs::File;
use std::io;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use redb::backends::FileBackend;
use redb::{BackendError, DatabaseError, StorageBackend};

use crate::error::LOCK_TIMEOUT_KIND;
use crate::holders::{self, FileId, Own, Wanted};
use crate::lock::Backoff;
use crate::open::Hook;

/// redb's lock base, `2^62`: its lock bytes lie beyond any real file length.
const LOCK_BASE: u64 = 1 << 62;
/// redb's writer byte, held exclusively by the write transaction in progress.
pub(crate) const WRITER_BYTE: u64 = LOCK_BASE;
/// The first of redb's active transaction bytes: `TXN_BASE + id` is held shared by every
/// process reading transaction `id`.
pub(crate) const TXN_BASE: u64 = LOCK_BASE + 1024;
/// One open file, redb's blocking locks bounded by the lock timeout.
pub(crate) struct BoundedFile {
    inner: Box<dyn StorageBackend>,
    path: PathBuf,
    timeout: Duration,
    /// The file, as lock listings name it.
    id: FileId,
    /// This open file, whose own locks never block it.
    own: Own,
}

impl BoundedFile {
    /// Wraps the open `file` found at `path`: redb's file backend, handed to `hook` first.
    pub(crate) fn new(
        file: File,
        path: &Path,
        timeout: Duration,
        hook: &Hook,
    ) -> Result<Arc<BoundedFile>, DatabaseError> {
        let id = FileId::of(&file.metadata()?);
        #[cfg(unix)]
        let fd = std::os::fd::AsRawFd::as_raw_fd(&file);
        #[cfg(not(unix))]
        let fd = -1;
        let own = Own {
            pid: std::process::id(),
            fd,
        };
        let backend: Box<dyn StorageBackend> = Box::new(FileBackend::new(file)?);
        let inner = match hook {
            None => backend,
            Some(hook) => hook.wrap(path, backend),
        };
        Ok(Arc::new(BoundedFile {
            inner,
            path: path.to_owned(),
            timeout,
            id,
            own,
        }))
    }

    /// The file as lock listings name it, and this open file.
    pub(crate) fn identity(&self) -> (FileId, Own) {
        (self.id, self.own)
    }

    /// Polls `try_lock` until it succeeds or the timeout passes; then fails naming the holder.
    fn poll(
        &self,
        exclusive: bool,
        (start, end): (Bound<u64>, Bound<u64>),
        try_lock: impl Fn(Bound<u64>, Bound<u64>) -> Result<bool, BackendError>,
    ) -> Result<(), BackendError> {
        let mut backoff = Backoff::new(self.timeout);
        while !try_lock(start, end)? {
            if let Err(waited) = backoff.wait() {
                let wanted = Wanted::range(start, end, exclusive);
                let who = holders::describe(&holders::find(self.id, wanted, Some(self.own)));
                return Err(BackendError::Io(io::Error::new(
                    LOCK_TIMEOUT_KIND,
                    format!(
                        "{} is held by {who}: gave up after waiting {:.1} s",
                        lock_name(start),
                        waited.as_secs_f64()
                    ),
                )));
            }
        }
        Ok(())
    }
}

/// The name of the redb lock a range starts with (redb's design notes, "Lock bytes").
fn lock_name(start: Bound<u64>) -> String {
    match start {
        Bound::Included(WRITER_BYTE) => "the write lock".to_owned(),
        Bound::Included(0) => "the header lock".to_owned(),
        Bound::Included(at) if at >= TXN_BASE => {
            format!("the lock of read transaction {}", at - TXN_BASE)
        }
        Bound::Included(at) if at > WRITER_BYTE => {
            format!("redb's lock byte LOCK_BASE+{}", at - WRITER_BYTE)
        }
        other => format!("redb's lock at {other:?}"),
    }
}

impl fmt::Debug for BoundedFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoundedFile")
            .field("path", &self.path)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl StorageBackend for BoundedFile {
    fn len(&self) -> Result<u64, io::Error> {
        self.inner.len()
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> Result<(), io::Error> {
        self.inner.read(offset, out)
    }

    fn set_len(&self, len: u64) -> Result<(), io::Error> {
        self.inner.set_len(len)
    }

    fn sync_data(&self) -> Result<(), io::Error> {
        self.inner.sync_data()
    }

    fn write(&self, offset: u64, data: &[u8]) -> Result<(), io::Error> {
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
        self.poll(true, (start, end), |s, e| self.inner.try_lock_range(s, e))
    }

    fn lock_shared_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        self.poll(false, (start, end), |s, e| {
            self.inner.try_lock_shared_range(s, e)
        })
    }

    fn unlock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        self.inner.unlock_range(start, end)
    }

    fn query_lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<bool, BackendError> {
        self.inner.query_lock_range(start, end)
    }
}

/// A [`BoundedFile`] shared between redb (which owns its storage) and the store (which names
/// the holder of the write lock through it).
#[derive(Debug, Clone)]
pub(crate) struct SharedFile(pub(crate) Arc<BoundedFile>);

impl StorageBackend for SharedFile {
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
