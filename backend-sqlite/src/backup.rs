//! A consistent copy of a live database: SQLite's online backup API.

use std::path::Path;

use podstate_api::{ErrorKind, Result, StateError};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use crate::error;
use crate::store::SqliteStore;

/// How many pages one backup step copies (4 MiB of 4 KiB pages).
const STEP_PAGES: i32 = 1024;

/// How often the copy may start again because another connection wrote between two steps
/// before the rest is copied in one step.
const RESTARTS: u32 = 3;

impl SqliteStore {
    /// Copies the database into a new file at `dest` with SQLite's online backup API: the copy
    /// is the database as one commit left it, and the write lock is never taken (each step
    /// reads in a read transaction, which in WAL mode holds nothing a writer waits for).
    ///
    /// The copy goes in steps of 1,024 pages, calling `progress(copied, total)` after each;
    /// SQLite starts it again when another connection writes between two steps, and after
    /// three such restarts the rest is copied in one step, so a writer in a tight loop cannot
    /// keep it from finishing. The new file is synced by its last commit (the backup writes
    /// through a connection with `synchronous=FULL`); its directory entry is the caller's.
    ///
    /// # Errors
    /// `Io` when `dest` exists or cannot be written, or the source cannot be read (within the
    /// lock timeout); `Corrupt` when SQLite finds the source damaged. A failed copy may leave a
    /// partial file at `dest`, which the caller removes.
    pub fn backup_to(&self, dest: &Path, mut progress: impl FnMut(u64, u64)) -> Result<()> {
        if std::fs::symlink_metadata(dest).is_ok() {
            return Err(StateError::new(
                ErrorKind::Io,
                format!("cannot back up into {}: it exists", dest.display()),
            ));
        }
        let conn = self.lease()?;
        conn.clock.start();
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let dest_err = |e| error::sqlite(dest, conn.clock.timeout(), e);
        let mut target = Connection::open_with_flags(dest, flags).map_err(dest_err)?;
        target
            .execute_batch("PRAGMA synchronous = FULL")
            .map_err(dest_err)?;
        let backup = Backup::new(&conn.sql, &mut target).map_err(|e| conn.err(e))?;
        let (mut restarts, mut left) = (0, i64::MAX);
        loop {
            let pages = if restarts >= RESTARTS { -1 } else { STEP_PAGES };
            let step = conn.retry_sql(|| match backup.step(pages)? {
                StepResult::Busy | StepResult::Locked => Err(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                    None,
                )),
                other => Ok(other),
            })?;
            let p = backup.progress();
            let (remaining, total) = (i64::from(p.remaining), i64::from(p.pagecount));
            let copied = u64::try_from(total - remaining).unwrap_or(0);
            progress(copied, u64::try_from(total).unwrap_or(0));
            if step == StepResult::Done {
                break;
            }
            // A step that left as much to copy as the one before started again.
            if remaining >= left {
                restarts += 1;
                tracing::info!(
                    file = %self.path().display(),
                    restarts,
                    "the backup started again: another connection wrote between two steps{}",
                    if restarts >= RESTARTS { "; the rest is copied in one step" } else { "" }
                );
            }
            left = remaining;
        }
        drop(backup);
        target.close().map_err(|(_, e)| dest_err(e))
    }
}
