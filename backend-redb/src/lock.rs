//! Waiting for redb's locks, never longer than the lock timeout (SPEC §3).
//!
//! redb waits without bound in two places: `begin_write` (an in-process condition variable, then
//! a blocking `F_OFD_SETLKW` on the writer byte) and, inside the engine, every blocking byte-range
//! lock (the writer byte taken by a writable open, the header lock taken by every read and
//! commit). A stopped or hung peer would hang every other process forever. So:
//!
//! * write transactions start with [`begin_write`]: `try_begin_write` polled with a jittered
//!   exponential back-off (20 µs doubling to 2 ms), answering `Io` naming the write lock once the
//!   timeout has passed;
//! * the file is opened through [`BoundedFile`], a [`StorageBackend`] that hands every call to
//!   redb's own [`FileBackend`] (or the test hook's wrapper of it) except the two blocking lock
//!   calls, which it turns into the same polling of the non-blocking ones, failing with an
//!   `io::Error` of
//!   [`LOCK_TIMEOUT_KIND`](crate::error::LOCK_TIMEOUT_KIND) past the timeout.
//!
//! Polling trades fairness (no FIFO queue) for a bound; with commits of a few milliseconds and a
//! 2 ms ceiling on the pause, a waiter gets its turn within a few commits.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::fs::File;
use std::hash::{BuildHasher, Hasher};
use std::io;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use podstate_api::StateError;
use redb::backends::FileBackend;
use redb::{
    BackendError, Database, DatabaseError, StorageBackend, TransactionError, WriteTransaction,
};

use crate::error::{LOCK_TIMEOUT_KIND, fault, lock_timeout};
use crate::open::Hook;

/// The first pause between two tries.
const FIRST_PAUSE: Duration = Duration::from_micros(20);
/// The longest pause between two tries.
const MAX_PAUSE: Duration = Duration::from_millis(2);

/// A deadline and a growing, jittered pause: the one back-off of this crate.
struct Backoff {
    start: Instant,
    timeout: Duration,
    pause: Duration,
    jitter: RandomState,
}

impl Backoff {
    fn new(timeout: Duration) -> Backoff {
        Backoff {
            start: Instant::now(),
            timeout,
            pause: FIRST_PAUSE,
            jitter: RandomState::new(),
        }
    }

    /// Sleeps before the next try, or answers how long it waited once the timeout has passed.
    /// The pause is drawn from its upper half so that peers retrying together drift apart.
    fn wait(&mut self) -> Result<(), Duration> {
        let waited = self.start.elapsed();
        if waited >= self.timeout {
            return Err(waited);
        }
        let mut hasher = self.jitter.build_hasher();
        hasher.write_u128(waited.as_nanos());
        let half = self.pause / 2;
        let nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX).max(1);
        let pause = half + Duration::from_nanos(hasher.finish() % nanos);
        std::thread::sleep(pause.min(self.timeout - waited));
        self.pause = (self.pause * 2).min(MAX_PAUSE);
        Ok(())
    }
}

/// Starts a write transaction on `db`, waiting at most `timeout` for the write lock.
pub(crate) fn begin_write(
    db: &Database,
    file: &Path,
    timeout: Duration,
) -> Result<WriteTransaction, StateError> {
    let mut backoff = Backoff::new(timeout);
    loop {
        match db.try_begin_write() {
            Ok(tx) => return Ok(tx),
            Err(TransactionError::WouldBlock) => {}
            Err(e) => return Err(fault(file, e)),
        }
        backoff
            .wait()
            .map_err(|waited| lock_timeout(file, "the write lock", waited))?;
    }
}

/// redb's [`FileBackend`] with every blocking lock bounded by the lock timeout.
///
/// The failing-disk tests' [`StorageHook`](crate::StorageHook) wraps the file backend itself,
/// below this layer, so that what the hook sees is what reaches the operating system: a sync
/// this layer dropped would show there.
pub(crate) struct BoundedFile {
    inner: Box<dyn StorageBackend>,
    path: PathBuf,
    timeout: Duration,
}

impl BoundedFile {
    /// Wraps the open `file` found at `path`: redb's file backend, handed to `hook` first.
    pub(crate) fn new(
        file: File,
        path: &Path,
        timeout: Duration,
        hook: &Hook,
    ) -> Result<Self, DatabaseError> {
        let backend: Box<dyn StorageBackend> = Box::new(FileBackend::new(file)?);
        Ok(BoundedFile {
            inner: match hook {
                None => backend,
                Some(hook) => hook.wrap(path, backend),
            },
            path: path.to_owned(),
            timeout,
        })
    }

    /// Polls `try_lock` until it succeeds or the timeout passes.
    fn poll(
        &self,
        what: &str,
        (start, end): (Bound<u64>, Bound<u64>),
        try_lock: impl Fn(Bound<u64>, Bound<u64>) -> Result<bool, BackendError>,
    ) -> Result<(), BackendError> {
        let mut backoff = Backoff::new(self.timeout);
        while !try_lock(start, end)? {
            backoff.wait().map_err(|waited| {
                BackendError::Io(io::Error::new(
                    LOCK_TIMEOUT_KIND,
                    format!(
                        "timed out after {:.1} s waiting for {} ({what}; held by another \
                         handle or process; redb's locks do not name their holder)",
                        waited.as_secs_f64(),
                        lock_name(start)
                    ),
                ))
            })?;
        }
        Ok(())
    }
}

/// Byte 2^62 of the file, redb's writer byte (its `LOCK_BASE`).
const WRITER_BYTE: u64 = 1 << 62;

/// The name of the redb lock a range starts with (redb's design notes, "Lock bytes").
fn lock_name(start: Bound<u64>) -> String {
    match start {
        Bound::Included(WRITER_BYTE) => "the write lock".to_owned(),
        Bound::Included(0) => "the header lock".to_owned(),
        Bound::Included(byte) if byte > WRITER_BYTE => {
            format!("redb's lock byte LOCK_BASE+{}", byte - WRITER_BYTE)
        }
        other => format!("redb's lock at {other:?}"),
    }
}

impl fmt::Debug for BoundedFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoundedFile")
            .field("path", &self.path)
            .field("timeout", &self.timeout)
            .finish()
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
        self.poll("exclusive", (start, end), |s, e| {
            self.inner.try_lock_range(s, e)
        })
    }

    fn lock_shared_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        self.poll("shared", (start, end), |s, e| {
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
