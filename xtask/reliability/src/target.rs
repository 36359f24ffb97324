//! The persistent backends under test: how each opens a database file with full durability,
//! how each sits on a simulated disk, and the check every run makes of a database it reopens.

use anyhow::{Context, anyhow, bail};
use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use podstate::StoreConfig;
use podstate_api::StateError;
use podstate_api::Store;
use podstate_api::dump::Dump;
use podstate_api::raw::group::GroupLimits;
use podstate_redb::{RedbOptions, RedbStore};
use podstate_sqlite::{SqliteOptions, SqliteStore};

use crate::disk::Disk;
use crate::redb_disk::DiskHook;
use crate::sqlite_vfs::{self, Attached};

/// A persistent backend of the workspace, for the runs that reach into it (a simulated disk, the
/// engine's own check). Its names, and where a run keeps its database, are the facade's
/// ([`StoreConfig::BACKENDS`], [`StoreConfig::in_dir`]): the workspace has one list of backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PersistentBackend {
    /// `podstate-sqlite`.
    Sqlite,
    /// `podstate-redb`.
    Redb,
}

impl PersistentBackend {
    /// Both persistent backends.
    pub const ALL: [PersistentBackend; 2] = [PersistentBackend::Sqlite, PersistentBackend::Redb];

    /// The facade's description of this backend's database at `path`.
    pub fn config(self, path: &Path) -> StoreConfig {
        match self {
            PersistentBackend::Sqlite => StoreConfig::Sqlite(path.to_owned()),
            PersistentBackend::Redb => StoreConfig::Redb(path.to_owned()),
        }
    }

    /// The backend's name, as `cargo xtask --backend` takes it (the facade's).
    pub fn name(self) -> &'static str {
        self.config(Path::new("")).backend()
    }

    /// The persistent backend the facade calls `name`.
    ///
    /// # Errors
    /// A name the facade does not know, or `memory`.
    pub fn parse(name: &str) -> Result<PersistentBackend, BadBackend> {
        let config = StoreConfig::in_dir(name, Path::new(""))
            .map_err(|e| BadBackend::Unknown(e.to_string()))?;
        match config {
            StoreConfig::Sqlite(_) => Ok(PersistentBackend::Sqlite),
            StoreConfig::Redb(_) => Ok(PersistentBackend::Redb),
            other => Err(BadBackend::NotPersistent(other.backend())),
        }
    }

    /// The name of the database file the runs make in their directory, as the facade names it
    /// ([`StoreConfig::in_dir`]). SQLite adds `-wal` and `-shm` beside it.
    pub fn file_name(self) -> String {
        let config = StoreConfig::in_dir(self.name(), Path::new(""))
            .expect("every persistent backend is in the facade's list");
        let path = config.path().expect("a persistent backend has a file");
        path.to_string_lossy().into_owned()
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
            PersistentBackend::Sqlite => Box::new(SqliteStore::open_with(
                path,
                SqliteOptions::new()
                    .lock_timeout(lock_timeout)
                    .read_only(true),
            )?),
            PersistentBackend::Redb => Box::new(RedbStore::open_with(
                path,
                RedbOptions::default()
                    .lock_timeout(lock_timeout)
                    .read_only(true),
            )?),
        })
    }

    /// As [`open`](PersistentBackend::open), on the simulated `disk` when one is given. redb reaches it
    /// through its storage seam; SQLite through the VFS shim, which serves every file under a
    /// directory [`attach`](PersistentBackend::attach)ed to the disk, so for SQLite `disk` only documents
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
        self.open_in(path, lock_timeout, disk, GroupLimits::new())
    }

    /// As [`open_on`](PersistentBackend::open_on) on `disk`, with the store's group commit capped by
    /// `limits` (or broken by [`GroupLimits::acknowledging_before_commit`], the tooth of the
    /// grouped power cuts).
    ///
    /// # Errors
    /// What the backend's open answers.
    pub fn open_grouped(
        self,
        path: &Path,
        lock_timeout: Duration,
        disk: &Arc<Disk>,
        limits: GroupLimits,
    ) -> Result<Box<dyn Store>, StateError> {
        self.open_in(path, lock_timeout, Some(disk), limits)
    }

    fn open_in(
        self,
        path: &Path,
        lock_timeout: Duration,
        disk: Option<&Arc<Disk>>,
        limits: GroupLimits,
    ) -> Result<Box<dyn Store>, StateError> {
        Ok(match self {
            PersistentBackend::Sqlite => Box::new(SqliteStore::open_with(
                path,
                SqliteOptions::new()
                    .lock_timeout(lock_timeout)
                    .group_commit(limits),
            )?),
            PersistentBackend::Redb => {
                let options = RedbOptions::default()
                    .lock_timeout(lock_timeout)
                    .group_commit(limits);
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
    /// [`open_on`](PersistentBackend::open_on).
    ///
    /// # Errors
    /// SQLite refusing the shim.
    pub fn attach(self, dir: &Path, disk: &Arc<Disk>) -> anyhow::Result<Option<Attached>> {
        match self {
            PersistentBackend::Sqlite => sqlite_vfs::attach(dir, disk.clone()).map(Some),
            PersistentBackend::Redb => Ok(None),
        }
    }

    /// The engine's own integrity check of the file at `path`: SQLite's `integrity_check` and
    /// `foreign_key_check` (through [`SqliteStore::check_integrity`]); redb's `check_integrity`, which
    /// must find nothing to repair. A panic of the engine is a failed check, not a crash.
    ///
    /// # Errors
    /// What the check found.
    pub fn engine_check(self, path: &Path) -> anyhow::Result<()> {
        let checked = catch_unwind(AssertUnwindSafe(|| match self {
            PersistentBackend::Sqlite => SqliteStore::open_with(path, SqliteOptions::new())
                .and_then(|store| store.check_integrity())
                .context("SQLite integrity check"),
            PersistentBackend::Redb => {
                let mut builder = redb::Builder::new();
                builder.set_concurrency_mode(redb::ConcurrencyMode::MultiWriter);
                let mut db = builder
                    .open(path)
                    .context("redb open for the integrity check")?;
                match db.check_integrity() {
                    Ok(true) => Ok(()),
                    Ok(false) => Err(anyhow!("redb's integrity check had to repair the file")),
                    Err(e) => Err(anyhow!("redb's integrity check: {e}")),
                }
            }
        }));
        checked.unwrap_or_else(|panic| {
            Err(anyhow!(
                "the engine panicked in its integrity check: {}",
                crate::driver::panic_text(&*panic)
            ))
        })
    }
}

/// Why [`PersistentBackend::parse`] refused a name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadBackend {
    /// A name the facade does not know (its message).
    #[error("{0}")]
    Unknown(String),
    /// A backend of the facade that keeps no file (`memory`).
    #[error(
        "{0} keeps no database file; the persistent backends: {all}",
        all = PersistentBackend::ALL.map(PersistentBackend::name).join(", ")
    )]
    NotPersistent(&'static str),
}

/// Checks a database a run has just reopened, before its content is compared with the model:
/// the engine's integrity check, then [`verify_store`]. Returns the dump the API check took.
///
/// # Errors
/// Every problem found, described.
pub fn verify(
    backend: PersistentBackend,
    store: &dyn Store,
    path: &Path,
    sessions: &BTreeSet<String>,
) -> anyhow::Result<Dump> {
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
pub fn verify_store(store: &dyn Store, sessions: &BTreeSet<String>) -> anyhow::Result<Dump> {
    let found = catch_unwind(AssertUnwindSafe(|| store.verify()))
        .map_err(|panic| {
            anyhow!(
                "the backend panicked in verify: {}",
                crate::driver::panic_text(&*panic)
            )
        })?
        .context("verify failed")?;
    if let Some(first) = found.first() {
        bail!(
            "verify found {} violation(s), the first: {first}",
            found.len()
        );
    }
    let handle = store
        .open_handle()
        .context("cannot open a handle on the reopened database")?;
    catch_unwind(AssertUnwindSafe(|| {
        podstate_conformance::checker::check_invariants(handle.as_ref(), sessions)
    }))
    .map_err(|panic| {
        anyhow!(
            "the backend panicked during the invariant check: {}",
            crate::driver::panic_text(&*panic)
        )
    })?
    .map_err(anyhow::Error::msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_persistent_backends_are_the_facades() {
        let persistent: Vec<&str> = StoreConfig::BACKENDS
            .into_iter()
            .filter(|name| name != &"memory")
            .collect();
        assert_eq!(
            PersistentBackend::ALL.map(PersistentBackend::name).to_vec(),
            persistent
        );
        for backend in PersistentBackend::ALL {
            assert_eq!(PersistentBackend::parse(backend.name()), Ok(backend));
        }
        assert_eq!(PersistentBackend::Sqlite.file_name(), "podstate.db");
        let memory = PersistentBackend::parse("memory").unwrap_err();
        assert_eq!(memory, BadBackend::NotPersistent("memory"));
        assert!(
            memory.to_string().contains("keeps no database file"),
            "{memory}"
        );
        let unknown = PersistentBackend::parse("bolt").unwrap_err();
        assert!(matches!(unknown, BadBackend::Unknown(_)), "{unknown:?}");
        assert!(
            unknown.to_string().contains("unknown store scheme"),
            "{unknown}"
        );
    }
}
