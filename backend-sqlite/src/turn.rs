//! Turns for writers: a writer that waits for the database's write lock gets it, even against
//! a process that writes in a tight loop.
//!
//! SQLite's write lock is a POSIX lock that waiters poll for (the busy handler sleeps and tries
//! again); a process that commits and begins its next write within microseconds takes it again
//! before a sleeping waiter looks, so one tight loop can starve every other writer for seconds.
//! podstate's writers therefore take turns through a small file beside the database,
//! `NAME-wait`, with `flock` locks (held per open file description, and on a file of their own,
//! so that no descriptor of the database or its `-shm` file is ever opened or closed here:
//! closing one would drop this process's SQLite locks):
//!
//! - a writer whose `BEGIN IMMEDIATE` finds the lock taken **announces** itself with a shared
//!   lock on the file while it waits, and withdraws as soon as its `BEGIN` returns;
//! - a writer about to begin **yields** while anyone announces (an exclusive lock cannot be
//!   had): it sleeps until the announcements are gone, at most [`YIELD_LIMIT`], and only then
//!   begins. A yield that runs out (a waiter that is stopped, or not a podstate process) makes
//!   this connection skip yielding for [`STALE_PAUSE`], so that a stopped waiter costs the
//!   others a small share of their time, not their progress.
//!
//! Each connection has its own open file description, so handles of one process take turns too.
//! Where the file cannot be created or opened (a read-only directory), a connection writes
//! without turns, as SQLite alone would. Plain-SQL tools get their turn by holding a shared
//! lock on the file while they wait (`flock -s NAME-wait sqlite3 NAME ...`, README).

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

/// The longest a writer leaves the lock to announced waiters before it begins anyway: longer
/// than the busy handlers of podstate (2 ms) and of the `sqlite3` shell (at most 100 ms) sleep
/// between two tries, so that a waiter wakes inside the window.
pub(crate) const YIELD_LIMIT: Duration = Duration::from_millis(150);

/// How long a connection whose yield ran out writes without yielding.
pub(crate) const STALE_PAUSE: Duration = Duration::from_secs(1);

/// How often a yielding writer looks whether the waiters are gone.
const YIELD_STEP: Duration = Duration::from_micros(200);

/// The suffix of the file writers take turns on, after the database's file name.
pub const WAIT_SUFFIX: &str = "-wait";

/// What a writer about to begin did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Yield {
    /// Nobody waited.
    Free,
    /// Waiters announced themselves, and were gone before the limit.
    Yielded,
    /// Waiters were still there at the limit: the connection calms down.
    RanOut,
    /// The connection is calm after a yield that ran out: it did not look.
    Calm,
    /// There is no `-wait` file to take turns on.
    NoTurns,
}

/// One connection's part in the turns.
#[derive(Debug)]
pub(crate) struct Turn {
    /// The `-wait` file.
    path: PathBuf,
    /// Its descriptor, opened at the first write; `None` when it cannot be.
    file: OnceLock<Option<File>>,
    /// Set while this connection's `BEGIN IMMEDIATE` runs: a wait then announces.
    armed: AtomicBool,
    /// Whether this connection holds its announcement.
    announced: AtomicBool,
    /// Until when this connection does not yield (after a yield that ran out).
    calm_until: Mutex<Option<Instant>>,
}

impl Turn {
    /// The turns of a connection to the database at `db`.
    pub(crate) fn new(db: &Path) -> Turn {
        let mut name = db.as_os_str().to_owned();
        name.push(WAIT_SUFFIX);
        Turn {
            path: PathBuf::from(name),
            file: OnceLock::new(),
            armed: AtomicBool::new(false),
            announced: AtomicBool::new(false),
            calm_until: Mutex::new(None),
        }
    }

    /// The `-wait` file, created if missing; read-only where it cannot be written (`flock`
    /// needs no write access).
    fn file(&self) -> Option<&File> {
        self.file
            .get_or_init(|| {
                let rw = OpenOptions::new()
                    .read(true)
                    .write(true)
                    .create(true)
                    .truncate(false)
                    .open(&self.path);
                rw.or_else(|_| File::open(&self.path)).ok()
            })
            .as_ref()
    }

    /// Before a write begins: waits while other writers announce, at most [`YIELD_LIMIT`] and
    /// never past `deadline`.
    pub(crate) fn yield_to_waiters(&self, deadline: Instant) -> Yield {
        let calm = self
            .calm_until
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if calm.is_some_and(|until| Instant::now() < until) {
            return Yield::Calm;
        }
        drop(calm);
        let Some(file) = self.file() else {
            return Yield::NoTurns;
        };
        let start = Instant::now();
        let limit = (start + YIELD_LIMIT).min(deadline);
        let mut waited = false;
        loop {
            match file.try_lock() {
                Ok(()) => {
                    // Nobody waits (the exclusive lock was free): give it back at once.
                    let _ = file.unlock();
                    return if waited { Yield::Yielded } else { Yield::Free };
                }
                Err(TryLockError::WouldBlock) => {}
                // No locks on this file system: no turns.
                Err(TryLockError::Error(_)) => return Yield::NoTurns,
            }
            let now = Instant::now();
            if now >= limit {
                let mut calm = self
                    .calm_until
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                *calm = Some(now + STALE_PAUSE);
                return Yield::RanOut;
            }
            waited = true;
            std::thread::sleep(YIELD_STEP.min(limit - now));
        }
    }

    /// Whether another writer announces itself now (the exclusive lock cannot be had), while
    /// this connection holds the write lock: a group of calls then commits, so that the
    /// waiter gets its turn. False while this connection is calm after a yield that ran out
    /// (a stopped waiter must not stop grouping either), and without turns.
    pub(crate) fn others_waiting(&self) -> bool {
        let calm = self
            .calm_until
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if calm.is_some_and(|until| Instant::now() < until) {
            return false;
        }
        drop(calm);
        let Some(file) = self.file() else {
            return false;
        };
        match file.try_lock() {
            Ok(()) => {
                let _ = file.unlock();
                false
            }
            Err(TryLockError::WouldBlock) => true,
            Err(TryLockError::Error(_)) => false,
        }
    }

    /// Marks the start of this connection's `BEGIN IMMEDIATE`: waits from now on announce.
    pub(crate) fn arm(&self) {
        self.armed.store(true, Ordering::Relaxed);
    }

    /// Called on every wait for a lock: announces this connection while a `BEGIN IMMEDIATE`
    /// waits (once; a failed try is tried again at the next wait).
    pub(crate) fn waiting(&self) {
        if !self.armed.load(Ordering::Relaxed) || self.announced.load(Ordering::Relaxed) {
            return;
        }
        if let Some(file) = self.file()
            && file.try_lock_shared().is_ok()
        {
            self.announced.store(true, Ordering::Relaxed);
        }
    }

    /// Marks the end of the `BEGIN IMMEDIATE` (it has the lock, or gave up): withdraws the
    /// announcement.
    pub(crate) fn disarm(&self) {
        self.armed.store(false, Ordering::Relaxed);
        if self.announced.swap(false, Ordering::Relaxed)
            && let Some(file) = self.file()
        {
            let _ = file.unlock();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_writer_yields_while_another_announces_and_calms_down_after_a_long_yield() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("state.db");
        let (waiter, writer) = (Turn::new(&db), Turn::new(&db));
        let far = Instant::now() + Duration::from_secs(60);
        assert_eq!(writer.yield_to_waiters(far), Yield::Free);

        waiter.waiting();
        assert!(
            !waiter.announced.load(Ordering::Relaxed),
            "not armed: no announcement"
        );
        waiter.arm();
        waiter.waiting();
        assert!(waiter.announced.load(Ordering::Relaxed));
        assert_eq!(writer.yield_to_waiters(far), Yield::RanOut);
        assert_eq!(writer.yield_to_waiters(far), Yield::Calm);
        waiter.disarm();
        assert_eq!(
            Turn::new(&db).yield_to_waiters(far),
            Yield::Free,
            "withdrawn"
        );
        assert!(dir.path().join("state.db-wait").exists());
    }

    #[test]
    fn a_writer_begins_as_soon_as_the_waiter_has_its_turn() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("state.db");
        let waiter = std::sync::Arc::new(Turn::new(&db));
        waiter.arm();
        waiter.waiting();
        let gets_in = {
            let waiter = std::sync::Arc::clone(&waiter);
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(5));
                waiter.disarm();
            })
        };
        let far = Instant::now() + Duration::from_secs(60);
        assert_eq!(Turn::new(&db).yield_to_waiters(far), Yield::Yielded);
        gets_in.join().unwrap();
    }

    #[test]
    fn a_writer_holding_the_lock_sees_announced_waiters() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("state.db");
        let (waiter, writer) = (Turn::new(&db), Turn::new(&db));
        assert!(!writer.others_waiting());
        waiter.arm();
        waiter.waiting();
        assert!(writer.others_waiting());
        waiter.disarm();
        assert!(!writer.others_waiting());
    }

    #[test]
    fn no_file_no_turns() {
        let turn = Turn::new(Path::new("/nonexistent-dir/state.db"));
        let far = Instant::now() + Duration::from_secs(60);
        assert_eq!(turn.yield_to_waiters(far), Yield::NoTurns);
        turn.arm();
        turn.waiting();
        turn.disarm();
    }
}
