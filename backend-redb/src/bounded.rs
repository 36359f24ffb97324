//! The storage podstate hands redb for one open file: redb's own [`FileBackend`] (wrapped by
//! the failing-disk tests' [`StorageHook`](crate::StorageHook), if any, right above the file),
//! with three changes to redb's locking:
//!
//! * **Bounded waits.** redb waits without bound in every blocking byte-range lock (the writer
//!   byte a writable open takes, the header lock of every read and commit), so a stopped peer
//!   would hang everyone. [`BoundedFile`] turns them into polling of the non-blocking ones,
//!   failing past the lock timeout with an `io::Error` of
//!   [`LOCK_TIMEOUT_KIND`](crate::error::LOCK_TIMEOUT_KIND) that names the holder (see
//!   [`holders`](crate::holders)). A write call waits there only for what is left of its own
//!   timeout, whether it opens the file for writing, begins or commits
//!   ([`BoundedFile::waits_until`]).
//! * **Snapshots without the header lock.** In multi-writer mode, `begin_read` holds the header
//!   lock shared while it reads the header and takes its transaction's "active transaction
//!   byte" (redb 4.6, `register_read_transaction`): the lock keeps a committing writer from
//!   changing the header, and a writer's page reclamation from missing the new reader. A reader
//!   stopped (SIGSTOP) inside that window holds every writer up. A read-only database object
//!   therefore takes no header lock: it reads the header, takes its transaction byte, then
//!   reads the header again, and starts over (the error [`SnapshotMoved`]) unless both reads
//!   agree. That is safe: a writer only reuses pages that no commit since the oldest
//!   transaction byte it sees still references, and it looks for transaction bytes only after
//!   it has written a newer header. So if the header is unchanged once the byte is held, the
//!   commit read is the latest, and any later reclamation sees the byte. A torn read (the
//!   header written meanwhile) differs from the second read, or fails redb's checksums; after a
//!   few failed tries a snapshot is taken the locked way.
//! * **Waiting writers announce themselves** ([`BoundedFile::announce`]): a shared lock on
//!   [`TURN_BYTE`], which a writer about to start a write transaction checks, and yields to
//!   (see [`lock::begin_write`](crate::lock::begin_write)).

use std::fmt;
use std::fs::File;
use std::io;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use podstate_api::raw::group::TurnWait;
use podstate_api::raw::holder_watch::{HolderWatch, LastSeenHolder};
use podstate_api::raw::trace::LockWait;
use redb::backends::FileBackend;
use redb::{BackendError, DatabaseError, StorageBackend};

use crate::backoff::Backoff;
use crate::error::LOCK_TIMEOUT_KIND;
use crate::holders::{self, FileId, Own, Wanted};
use crate::storage::Hook;

/// The length of redb's header, which its header lock covers (redb's design notes, "Lock
/// bytes": `0..320`).
pub(crate) const HEADER_LEN: usize = 320;
/// redb's lock base, `2^62`: its lock bytes lie beyond any real file length.
const LOCK_BASE: u64 = 1 << 62;
/// redb's writer byte, held exclusively by the write transaction in progress.
pub(crate) const WRITER_BYTE: u64 = LOCK_BASE;
/// The first of redb's active transaction bytes: `TXN_BASE + id` is held shared by every
/// process reading transaction `id`.
pub(crate) const TXN_BASE: u64 = LOCK_BASE + 1024;
/// podstate's own byte, held shared by every writer waiting for the write lock. redb reserves
/// `LOCK_BASE + 896 .. LOCK_BASE + 1024` for its storage backends and never locks or queries
/// them itself; its file backend uses the first two (a probe on Linux, a query mutex on
/// Windows). podstate, being the storage backend here, takes one far from those.
pub(crate) const TURN_BYTE: u64 = LOCK_BASE + 960;

/// After this many failed snapshots without the header lock, a read takes it.
const UNLOCKED_TRIES: usize = 8;

/// Why a read starts its snapshot over: a writer changed the header while the snapshot was
/// being taken without the header lock.
#[derive(Debug)]
pub(crate) struct SnapshotMoved;

impl fmt::Display for SnapshotMoved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("another process committed while a read took its snapshot")
    }
}

impl std::error::Error for SnapshotMoved {}

/// Whether `err` (from `begin_read`) is [`SnapshotMoved`].
pub(crate) fn snapshot_moved(err: &redb::TransactionError) -> bool {
    matches!(
        err,
        redb::TransactionError::Storage(redb::StorageError::Io(e))
            if e.get_ref().is_some_and(|inner| inner.is::<SnapshotMoved>())
    )
}

/// One open file with redb's locking as this module describes.
pub(crate) struct BoundedFile {
    inner: Box<dyn StorageBackend>,
    path: PathBuf,
    timeout: Duration,
    /// The file, as lock listings name it.
    id: FileId,
    /// This open file, whose own locks never block it.
    own: Own,
    /// Snapshots without the header lock; off until [`take_snapshots_unlocked`] turns them on.
    ///
    /// [`take_snapshots_unlocked`]: BoundedFile::take_snapshots_unlocked
    unlocked: AtomicBool,
    /// How many of the next snapshots take the header lock after all.
    locked_next: AtomicUsize,
    /// The header section in progress (redb runs one at a time per database object).
    section: Mutex<Section>,
    /// Threads of this process waiting for the write lock through this file.
    waiters: Mutex<usize>,
    /// While redb opens, begins or commits on this storage for a write call (see
    /// [`waits_until`](BoundedFile::waits_until)): when that call began to wait and when it
    /// gives up. Its waits end there, not a whole lock timeout after each one began, and a
    /// timeout says the call's whole wait (the timeout is per call, SPEC §3: the call may have
    /// waited for its turn, or for another lock, already).
    call: Mutex<Option<(Instant, Instant)>>,
    /// Where a writable object's waits report the holders they see, for the calls queued
    /// behind them in the store's write group ([`report_holders_to`]).
    ///
    /// [`report_holders_to`]: BoundedFile::report_holders_to
    holders_seen: OnceLock<Arc<LastSeenHolder>>,
}

/// The waits of one call on a [`BoundedFile`] (see [`BoundedFile::waits_until`]): later waits
/// each have the whole lock timeout again once this is dropped.
pub(crate) struct CallWaits<'f>(&'f BoundedFile);

impl Drop for CallWaits<'_> {
    fn drop(&mut self) {
        *self.0.call.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }
}

/// A header section of `begin_read` taken without the header lock.
#[derive(Debug, Default)]
struct Section {
    /// Between redb's header lock and unlock calls.
    open: bool,
    /// This section took the real header lock.
    locked: bool,
    /// The header as this section read it.
    header: Option<Vec<u8>>,
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
            unlocked: AtomicBool::new(false),
            locked_next: AtomicUsize::new(0),
            section: Mutex::new(Section::default()),
            waiters: Mutex::new(0),
            call: Mutex::new(None),
            holders_seen: OnceLock::new(),
        }))
    }

    /// Ends the waits redb makes on this storage at `turn`'s deadline, until the answer is
    /// dropped: for the write call (or the group of calls) on whose behalf redb opens the file,
    /// begins a write transaction or commits one. Only the thread holding the store's write
    /// group runs those, and no read goes through a writable object's storage, so no other
    /// wait is bounded by mistake.
    pub(crate) fn waits_until(&self, turn: &TurnWait) -> CallWaits<'_> {
        *self.call.lock().unwrap_or_else(PoisonError::into_inner) =
            Some((turn.since(), turn.deadline()));
        CallWaits(self)
    }

    /// Makes the waits on this storage report the lock holders they see to `seen` (the store's,
    /// for a writable object: a call queued behind a wait that gives up meanwhile names them).
    pub(crate) fn report_holders_to(&self, seen: Arc<LastSeenHolder>) {
        let _ = self.holders_seen.set(seen);
    }

    /// Reports what a wait saw of the lock's holder (see
    /// [`report_holders_to`](BoundedFile::report_holders_to)).
    pub(crate) fn report_holder(&self, watch: &HolderWatch) {
        if let Some(sink) = self.holders_seen.get() {
            sink.offer(watch.seen());
        }
    }

    /// The wait of the call redb works for now, if any: when it began and when it gives up.
    fn call_wait(&self) -> Option<(Instant, Instant)> {
        *self.call.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Turns on snapshots without the header lock: for a read-only database object, once open
    /// (the open itself reads the header under the lock, as redb means it to).
    pub(crate) fn take_snapshots_unlocked(&self) {
        self.unlocked.store(true, Ordering::SeqCst);
    }

    /// Makes the next snapshot take the header lock (after [`SnapshotMoved`] kept coming, or a
    /// header that did not read whole).
    pub(crate) fn lock_next_snapshot(&self) {
        self.locked_next.fetch_add(1, Ordering::SeqCst);
    }

    /// How many snapshots a read tries without the header lock before it takes it.
    pub(crate) const UNLOCKED_TRIES: usize = UNLOCKED_TRIES;

    /// The file as lock listings name it, and this open file.
    pub(crate) fn identity(&self) -> (FileId, Own) {
        (self.id, self.own)
    }

    /// Reads the header as it is now.
    pub(crate) fn read_header(&self) -> io::Result<Vec<u8>> {
        let mut header = vec![0; HEADER_LEN];
        self.inner.read(0, &mut header)?;
        Ok(header)
    }

    /// Announces a writer of this process waiting for the write lock (until [`withdraw`]).
    ///
    /// [`withdraw`]: BoundedFile::withdraw
    pub(crate) fn announce(&self) {
        let mut waiters = self.waiters.lock().unwrap_or_else(PoisonError::into_inner);
        if *waiters == 0 {
            // Best effort: only shared locks are ever taken on the byte, so this never fails
            // for a conflict, and a waiter that cannot announce itself only waits longer.
            let _ = self
                .inner
                .try_lock_shared_range(byte(TURN_BYTE), byte(TURN_BYTE));
        }
        *waiters += 1;
    }

    /// Withdraws one [`announce`](BoundedFile::announce).
    pub(crate) fn withdraw(&self) {
        let mut waiters = self.waiters.lock().unwrap_or_else(PoisonError::into_inner);
        *waiters = waiters.saturating_sub(1);
        if *waiters == 0 {
            let _ = self.inner.unlock_range(byte(TURN_BYTE), byte(TURN_BYTE));
        }
    }

    /// Whether a writer other than this one waits for the write lock: another thread through
    /// this file, or another open file (another store, another process).
    pub(crate) fn others_waiting(&self, me_waiting: bool) -> bool {
        let here = *self.waiters.lock().unwrap_or_else(PoisonError::into_inner);
        here > usize::from(me_waiting)
            || self
                .inner
                .query_lock_range(byte(TURN_BYTE), byte(TURN_BYTE))
                .unwrap_or(false)
    }

    /// Polls `try_lock` until it succeeds or the timeout passes; then fails naming the holder.
    fn poll(
        &self,
        exclusive: bool,
        (start, end): (Bound<u64>, Bound<u64>),
        try_lock: impl Fn(Bound<u64>, Bound<u64>) -> Result<bool, BackendError>,
    ) -> Result<(), BackendError> {
        if try_lock(start, end)? {
            return Ok(());
        }
        // A writable open waiting for the writer byte is a waiting writer too.
        let writer = exclusive && start == Bound::Included(WRITER_BYTE);
        if writer {
            self.announce();
        }
        // The holder, when one is found.
        let found = || {
            let wanted = Wanted::range(start, end, exclusive);
            let holders = holders::find(self.id, wanted, Some(self.own));
            (!holders.is_empty()).then(|| holders::describe(&holders))
        };
        let mut wait = LockWait::begin();
        // Looks the holder up while waiting: a look only once the wait gave up finds nobody
        // when the holder let go after the last try.
        let mut watch = HolderWatch::begin();
        // A call's wait ends at its deadline and counts from when it began.
        let call = self.call_wait();
        let limit = match call {
            Some((_, deadline)) => deadline
                .saturating_duration_since(Instant::now())
                .min(self.timeout),
            None => self.timeout,
        };
        let mut backoff = Backoff::new(limit);
        let answer = loop {
            match try_lock(start, end) {
                Ok(true) => break Ok(()),
                Ok(false) => {}
                Err(e) => break Err(e),
            }
            watch.look_if_due(found);
            self.report_holder(&watch);
            if wait.wants_holder() {
                wait.set_holder(found().unwrap_or_else(|| holders::describe(&[])));
            }
            if let Err(waited) = backoff.wait() {
                let waited = call.map_or(waited, |(since, _)| since.elapsed());
                let who = watch
                    .give_up(found)
                    .unwrap_or_else(|| holders::describe(&[]));
                self.report_holder(&watch);
                wait.set_holder(who.clone());
                break Err(BackendError::Io(io::Error::new(
                    LOCK_TIMEOUT_KIND,
                    format!(
                        "{} is held by {who}: gave up after waiting {:.1} s",
                        lock_name(start),
                        waited.as_secs_f64()
                    ),
                )));
            }
        };
        if writer {
            self.withdraw();
        }
        wait.end("redb", &self.path, &lock_name(start), answer.is_ok());
        answer
    }

    /// Whether a header section without the header lock is open and has read the header.
    fn unlocked_section(&self) -> bool {
        let section = self.section.lock().unwrap_or_else(PoisonError::into_inner);
        section.open && !section.locked && section.header.is_some()
    }

    /// After the transaction byte `start..end` was taken in a section without the header lock:
    /// keeps it if the header is still the one the section read, else gives it back and fails.
    fn confirm_snapshot(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        let now = self.read_header()?;
        let same = {
            let section = self.section.lock().unwrap_or_else(PoisonError::into_inner);
            section.header.as_deref() == Some(now.as_slice())
        };
        if same {
            return Ok(());
        }
        self.inner.unlock_range(start, end)?;
        Err(BackendError::Io(io::Error::other(SnapshotMoved)))
    }
}

/// The range of the one byte `at`, as redb's calls give it.
fn byte(at: u64) -> Bound<u64> {
    Bound::Included(at)
}

/// Whether `start..end` is redb's header lock.
fn is_header(start: Bound<u64>, end: Bound<u64>) -> bool {
    start == Bound::Included(0) && end == Bound::Excluded(HEADER_LEN as u64)
}

/// Whether a range starting at `start` lies in redb's active transaction bytes.
fn is_transaction_byte(start: Bound<u64>) -> bool {
    matches!(start, Bound::Included(at) if at >= TXN_BASE)
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
        self.inner.read(offset, out)?;
        if offset == 0 && out.len() == HEADER_LEN {
            let mut section = self.section.lock().unwrap_or_else(PoisonError::into_inner);
            if section.open && !section.locked {
                section.header = Some(out.to_vec());
            }
        }
        Ok(())
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
        if is_transaction_byte(start) && self.unlocked_section() {
            if !self.inner.try_lock_shared_range(start, end)? {
                return Ok(false);
            }
            self.confirm_snapshot(start, end)?;
            return Ok(true);
        }
        self.inner.try_lock_shared_range(start, end)
    }

    fn lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        self.poll(true, (start, end), |s, e| self.inner.try_lock_range(s, e))
    }

    fn lock_shared_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        if is_header(start, end) && self.unlocked.load(Ordering::SeqCst) {
            let locked = self
                .locked_next
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
            *self.section.lock().unwrap_or_else(PoisonError::into_inner) = Section {
                open: true,
                locked,
                header: None,
            };
            if !locked {
                return Ok(());
            }
        }
        if is_transaction_byte(start) && self.unlocked_section() {
            self.poll(false, (start, end), |s, e| {
                self.inner.try_lock_shared_range(s, e)
            })?;
            return self.confirm_snapshot(start, end);
        }
        self.poll(false, (start, end), |s, e| {
            self.inner.try_lock_shared_range(s, e)
        })
    }

    fn unlock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        if is_header(start, end) {
            let mut section = self.section.lock().unwrap_or_else(PoisonError::into_inner);
            if section.open {
                let locked = section.locked;
                *section = Section::default();
                if !locked {
                    return Ok(());
                }
            }
        }
        self.inner.unlock_range(start, end)
    }

    fn query_lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<bool, BackendError> {
        self.inner.query_lock_range(start, end)
    }
}

/// A [`BoundedFile`] shared between redb (which owns its storage) and the store (which takes
/// the turn lock and the snapshot fallback through it).
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
