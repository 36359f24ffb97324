//! The persistent backends under test: how each opens a database file with full durability,
//! how each sits on a simulated disk, and the check every run makes of a database it reopens.

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use podstate_api::StateError;
use podstate_api::Store;
use podstate_api::dump::Dump;
use podstate_redb::{RedbOptions, RedbStore};
use podstate_sqlite::{SqliteOptions, SqliteStore};

use crate::disk::Disk;
use crate::redb_disk::DiskHook;
use crate::sqlite_vfs::{self, Attached};

/// A persistent backend of the workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// `podstate-sqlite`.
    Sqlite,
    /// `podstate-redb`.
    Redb,
}

impl Backend {
    /// Both persistent backends.
    pub const ALL: [Backend; 2] = [Backend::Sqlite, Backend::Redb];

    /// The backend's name, as `cargo xtask --backend` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Redb => "redb",
        }
    }

    /// The backend called `name`.
    ///
    /// # Errors
    /// A message listing the known names.
    pub fn parse(name: &str) -> Result<Backend, String> {
        Backend::ALL
            .into_iter()
            .find(|b| b.name() == name)
            .ok_or_else(|| format!("unknown persistent backend {name:?}; known: sqlite, redb"))
    }

    /// The name of the database file the runs make in their directory. SQLite adds `-wal` and
    /// `-shm` beside it.
    pub fn file_name(self) -> &'static str {
        match self {
            Backend::Sqlite => "podstate.db",
            Backend::Redb => "podstate.redb",
        }
    }

    /// Opens (or creates) the database at `path` as production does: durable commits, waits
    /// for locks up to `lock_timeout`.
    ///
    /// # Errors
    /// What the backend's open answers.
    pub fn open(self, path: &Path, lock_timeout: Duration) -> Result<Box<dyn Store>, StateError> {
        self.open_on(path, lock_timeout, None)
    }

    /// Opens the database at `path` read-only, as a tool that may only read it does (`podstate
    /// check`, `inspect`): nothing is created, laid out or written.
    ///
    /// # Errors
    /// What the backend's read-only open answers.
    pub fn open_read_only(
        self,
        path: &Path,
        lock_timeout: Duration,
    ) -> Result<Box<dyn Store>, StateError> {
        Ok(match self {
            Backend::Sqlite => Box::new(SqliteStore::open_with(
                path,
                SqliteOptions::new()
                    .lock_timeout(lock_timeout)
                    .read_only(true),
            )?),
            Backend::Redb => Box::new(RedbStore::open_with(
                path,
                RedbOptions::default()
                    .lock_timeout(lock_timeout)
                    .read_only(true),
            )?),
        })
    }

    /// As [`open`](Backend::open), on the simulated `disk` when one is given. redb reaches it
    /// through its storage seam; SQLite through the VFS shim, which serves every file under a
    /// directory [`attach`](Backend::attach)ed to the disk, so for SQLite `disk` only documents
    /// the intent.
    ///
    /// # Errors
    /// What the backend's open answers.
    pub fn open_on(
        self,
        path: &Path,
        lock_timeout: Duration,
        disk: Option<&Arc<Disk>>,
    ) -> Result<Box<dyn Store>, StateError> {
        Ok(match self {
            Backend::Sqlite => Box::new(SqliteStore::open_with(
                path,
                SqliteOptions::new().lock_timeout(lock_timeout),
            )?),
            Backend::Redb => {
                let options = RedbOptions::default().lock_timeout(lock_timeout);
                match disk {
                    None => Box::new(RedbStore::open_with(path, options)?),
                    Some(disk) => Box::new(RedbStore::open_with_storage(
                        path,
                        options,
                        Arc::new(DiskHook::new(disk.clone())),
                    )?),
                }
            }
        })
    }

    /// Puts the database files under `dir` on `disk` for SQLite (the VFS shim serves them until
    /// the guard is dropped); nothing for redb, whose disk is given to
    /// [`open_on`](Backend::open_on).
    ///
    /// # Errors
    /// SQLite refusing the shim.
    pub fn attach(self, dir: &Path, disk: &Arc<Disk>) -> Result<Option<Attached>, String> {
        match self {
            Backend::Sqlite => sqlite_vfs::attach(dir, disk.clone()).map(Some),
            Backend::Redb => Ok(None),
        }
    }

    /// The engine's own integrity check of the file at `path`: SQLite's `integrity_check` and
    /// `foreign_key_check` (through [`SqliteStore::check_integrity`]); redb's `check_integrity`, which
    /// must find nothing to repair. A panic of the engine is a failed check, not a crash.
    ///
    /// # Errors
    /// What the check found.
    pub fn engine_check(self, path: &Path) -> Result<(), String> {
        let checked = catch_unwind(AssertUnwindSafe(|| match self {
            Backend::Sqlite => SqliteStore::open_with(path, SqliteOptions::new())
                .and_then(|store| store.check_integrity())
                .map_err(|e| format!("SQLite integrity check: {e}")),
            Backend::Redb => {
                let mut builder = redb::Builder::new();
                builder.set_concurrency_mode(redb::ConcurrencyMode::MultiWriter);
                let mut db = builder
                    .open(path)
                    .map_err(|e| format!("redb open for the integrity check: {e}"))?;
                match db.check_integrity() {
                    Ok(true) => Ok(()),
                    Ok(false) => Err("redb's integrity check had to repair the file".to_owned()),
                    Err(e) => Err(format!("redb's integrity check: {e}")),
                }
            }
        }));
        checked.unwrap_or_else(|panic| {
            Err(format!(
                "the engine panicked in its integrity check: {}",
                crate::driver::panic_text(&*panic)
            ))
        })
    }
}

/// Checks a database a run has just reopened, before its content is compared with the model:
/// the engine's integrity check, then [`verify_store`]. Returns the dump the API check took.
///
/// # Errors
/// Every problem found, described.
pub fn verify(
    backend: Backend,
    store: &dyn Store,
    path: &Path,
    sessions: &BTreeSet<String>,
) -> Result<Dump, String> {
    backend.engine_check(path)?;
    verify_store(store, sessions)
}

/// What a reopened store must pass through its own interface, read-only: `Store::verify` (what
/// `podstate check` runs: the stored data walked against every SPEC §2 invariant, with SQLite's
/// integrity and foreign-key checks), then the invariants through the public API (`sessions`:
/// the exec session IDs to probe). Returns the dump the API check took.
///
/// # Errors
/// Every problem found, described.
pub fn verify_store(store: &dyn Store, sessions: &BTreeSet<String>) -> Result<Dump, String> {
    let found = catch_unwind(AssertUnwindSafe(|| store.verify()))
        .map_err(|panic| {
            format!(
                "the backend panicked in verify: {}",
                crate::driver::panic_text(&*panic)
            )
        })?
        .map_err(|e| format!("verify failed: {e}"))?;
    if let Some(first) = found.first() {
        return Err(format!(
            "verify found {} violation(s), the first: {first}",
            found.len()
        ));
    }
    let handle = store
        .open_handle()
        .map_err(|e| format!("cannot open a handle on the reopened database: {e}"))?;
    catch_unwind(AssertUnwindSafe(|| {
        podstate_conformance::checker::check_invariants(handle.as_ref(), sessions)
    }))
    .unwrap_or_else(|panic| {
        Err(format!(
            "the backend panicked during the invariant check: {}",
            crate::driver::panic_text(&*panic)
        ))
    })
}
