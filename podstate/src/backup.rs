//! A consistent copy of a live database into a new file: what `podstate backup` writes before
//! it checks the copy and puts it in place.
//!
//! Copying the database file (`cp`) is not a backup while a process may write it: SQLite keeps
//! the newest commits in the `-wal` file beside the database until a checkpoint moves them in,
//! so the `.db` alone may be stale or, copied while a checkpoint writes it, torn; a redb file
//! copied while a commit is written may need the repair a writable open makes, which a
//! read-only user cannot make. [`backup`] instead reads one committed state: SQLite's online
//! backup API for SQLite, and for every other backend a snapshot (one read transaction)
//! restored into a new database of the same backend. Neither takes the write lock, so writers
//! go on meanwhile.

use std::path::Path;

use crate::{OpenError, OpenOptions, StoreConfig};

/// Copies the database `source` names into a new database file at `dest` (of the same
/// backend), as one committed state, without taking its write lock. `progress(done, total)` is
/// called as the copy goes (SQLite: pages; other backends: once, in objects).
///
/// # Errors
/// [`OpenError`]: the source cannot be opened or read, `dest` exists or cannot be written, or
/// `source` is `memory:` (nothing to copy). A failed copy may leave a partial file at `dest`.
pub fn backup(
    source: &StoreConfig,
    dest: &Path,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(), OpenError> {
    match source {
        StoreConfig::Memory => Err(OpenError::BadUrl {
            url: source.to_string(),
            why: "an in-memory store has no file to back up".to_owned(),
        }),
        #[cfg(feature = "sqlite")]
        StoreConfig::Sqlite(path) => {
            // Writable where the user may write, so that the source is opened with SQLite's
            // locks even when no other process has it open (a read-only open of such a file is
            // `immutable`, which would not see a writer that comes meanwhile).
            let read_only = || podstate_sqlite::SqliteStore::open_read_only(path);
            let store = if path.exists() {
                podstate_sqlite::SqliteStore::open(path).or_else(|_| read_only())?
            } else {
                read_only()?
            };
            Ok(store.backup_to(dest, progress)?)
        }
        _ => {
            let from = crate::open_with(source, OpenOptions::new().read_only(true))?;
            let snapshot = from.snapshot()?;
            let objects = snapshot.containers.len() + snapshot.pods.len() + snapshot.volumes.len();
            let total = u64::try_from(objects).unwrap_or(u64::MAX);
            progress(0, total);
            if std::fs::symlink_metadata(dest).is_ok() {
                return Err(OpenError::Store(crate::StateError::new(
                    crate::ErrorKind::Io,
                    format!("cannot back up into {}: it exists", dest.display()),
                )));
            }
            let to = crate::open_with(&source.at(dest), OpenOptions::new())?;
            to.restore(&snapshot)?;
            progress(total, total);
            Ok(())
        }
    }
}
