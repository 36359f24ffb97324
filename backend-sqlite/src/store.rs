//! The store (one database file) and the engine each handle runs its transactions on: one
//! connection per handle for its reads, the first of them the one the store opened (see
//! [`spare`](crate::spare)), and the store's one writer for every write (see
//! [`group`](crate::group)).

use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use podstate_api::raw::group::{TurnWait, WriteGroup};
use podstate_api::raw::{Engine, Handle, trace, whole};
use podstate_api::snapshot::Snapshot;
use podstate_api::verify::{Invariant, Inventory, Violation, violations};
use podstate_api::{Capabilities, Store};
use podstate_api::{ErrorKind, Result, State, StateError};

use crate::begin::begin;
use crate::conn::Conn;
use crate::group::Writer;
use crate::open::open;
use crate::options::SqliteOptions;
use crate::spare::{Lease, Spare};

/// What a store and every engine made from it share: where the database is and how to open it.
struct Shared {
    path: Arc<Path>,
    options: SqliteOptions,
    /// What must live as long as the database: the directory of a temporary store (feature
    /// `testing`), removed when the last store or handle on it is gone, never by a reopen.
    _keep: Option<Box<dyn std::any::Any + Send + Sync>>,
}

/// A podstate database in one SQLite file, shared by every handle, thread and process that
/// opens it.
///
/// The store opens one connection, to check the file, and lends it to the first handle: every
/// other [`open_handle`](Store::open_handle) opens a connection of its own for the handle's
/// reads, and a handle that closes or goes gives its connection back while the store holds
/// none (see `spare.rs`), so a connection stays open between handles and keeps the WAL open
/// (the last connection to close checkpoints). Every write of the store's handles runs on
/// the store's one write connection, so that writes made at the same time share a transaction
/// and a commit ([`SqliteOptions::group_commit`]).
pub struct SqliteStore {
    shared: Arc<Shared>,
    /// The connection no handle uses at the moment, shared with the handles, which give theirs
    /// back.
    pub(crate) spare: Arc<Spare>,
    /// The writes of this store's handles (not of a reopened store's).
    group: Arc<WriteGroup<Writer>>,
}

/// A handle on a [`SqliteStore`]: implements [`State`] over its own connection, with its own
/// namespace and closed flag.
pub type SqliteState = Handle<SqliteEngine>;

impl SqliteStore {
    /// Opens the podstate database at `path` with the default [options](SqliteOptions),
    /// creating it if there is no file.
    ///
    /// # Errors
    /// `Io` when the file cannot be opened or created, its lock is not released within the
    /// lock timeout, or it has another schema version; `Corrupt` when it is not a podstate
    /// database (it is then left untouched) or is damaged.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore> {
        SqliteStore::open_with(path, SqliteOptions::default())
    }

    /// Opens the podstate database at `path` with `options`, creating it if there is no file.
    ///
    /// # Errors
    /// As [`open`](SqliteStore::open).
    pub fn open_with(path: impl AsRef<Path>, options: SqliteOptions) -> Result<SqliteStore> {
        SqliteStore::connect(Arc::new(Shared {
            path: Arc::from(path.as_ref()),
            options,
            _keep: None,
        }))
    }

    /// Opens the existing podstate database at `path` read-only (see
    /// [`SqliteOptions::read_only`]): for tools that inspect, check or export a database they
    /// may not write.
    ///
    /// # Errors
    /// As [`open`](SqliteStore::open); `Io` when there is no file.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<SqliteStore> {
        SqliteStore::open_with(path, SqliteOptions::default().read_only(true))
    }

    /// A fresh database in a new temporary directory, for tests: with
    /// [`SqliteOptions::for_tests`] (no fsync). The directory lives as long as this store, the
    /// stores its [`reopen`](Store::reopen)s give, and their handles.
    ///
    /// # Errors
    /// `Io` when no temporary directory can be made.
    #[cfg(feature = "testing")]
    pub fn temporary() -> Result<SqliteStore> {
        let dir = tempfile::Builder::new()
            .prefix("podstate-sqlite-")
            .tempdir()
            .map_err(|e| {
                StateError::new(
                    ErrorKind::Io,
                    format!("cannot make a temporary directory: {e}"),
                )
                .with_source(e)
            })?;
        let path: std::path::PathBuf = dir.path().join("podstate.db");
        SqliteStore::connect(Arc::new(Shared {
            path: Arc::from(path),
            options: SqliteOptions::for_tests(),
            _keep: Some(Box::new(dir)),
        }))
    }

    fn connect(shared: Arc<Shared>) -> Result<SqliteStore> {
        let conn = open(&shared.path, &shared.options)?;
        let writer = Writer::new(Arc::clone(&shared.path), shared.options);
        Ok(SqliteStore {
            group: Arc::new(WriteGroup::new(writer, shared.options.group_commit)),
            shared,
            spare: Arc::new(Spare::holding(conn)),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.shared.path
    }

    /// The options the store was opened with.
    pub fn options(&self) -> &SqliteOptions {
        &self.shared.options
    }

    /// A new handle with a connection of its own for its reads (the store's idle one when it
    /// has one): open, in namespace `""`; typed, where
    /// [`Store::open_handle`] answers a `Box<dyn State>`.
    ///
    /// # Errors
    /// As [`open`](SqliteStore::open).
    pub fn open_handle(&self) -> Result<SqliteState> {
        Ok(Handle::new(self.engine()?))
    }

    /// The old name of [`open_handle`](SqliteStore::open_handle).
    ///
    /// # Errors
    /// As [`open_handle`](SqliteStore::open_handle).
    #[deprecated(since = "0.1.0", note = "use `open_handle`, which every backend has")]
    pub fn open_state(&self) -> Result<SqliteState> {
        self.open_handle()
    }

    /// SQLite's own checks of the whole file: `integrity_check` (every page, every index entry)
    /// and every foreign key; the first problems found, empty when there are none. Reads
    /// everything, so it is for tools and tests, not for every open.
    ///
    /// # Errors
    /// `Io` when the file cannot be read at all.
    pub fn integrity_problems(&self) -> Result<Vec<String>> {
        let (mut pages, keys) = self.sqlite_checks()?;
        pages.extend(keys);
        Ok(pages)
    }

    /// `integrity_check`'s problems, then the foreign keys that point nowhere (deduplicated).
    fn sqlite_checks(&self) -> Result<(Vec<String>, Vec<String>)> {
        let conn = self.lease()?;
        conn.clock.start();
        conn.retry_sql(|| {
            let mut pages: Vec<String> = conn
                .sql
                .prepare("PRAGMA integrity_check(20)")?
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<_>>()?;
            pages.retain(|line| line != "ok");
            let mut fk = conn.sql.prepare("PRAGMA foreign_key_check")?;
            let dangling = fk.query_map([], |r| {
                Ok(format!(
                    "rows of {} refer to missing rows of {}",
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(2)?
                ))
            })?;
            let mut keys = std::collections::BTreeSet::new();
            for line in dangling.take(1000) {
                keys.insert(line?);
            }
            Ok((pages, keys.into_iter().collect()))
        })
    }

    /// [`integrity_problems`](SqliteStore::integrity_problems) as one error.
    ///
    /// # Errors
    /// `Corrupt` listing the first problems found; `Io` when the file cannot be read.
    pub fn check_integrity(&self) -> Result<()> {
        let problems = self.integrity_problems()?;
        if problems.is_empty() {
            return Ok(());
        }
        Err(StateError::new(
            ErrorKind::Corrupt,
            format!(
                "SQLite database {} is damaged: {}",
                self.path().display(),
                problems.join("; ")
            ),
        ))
    }

    /// The store's idle connection (or a new one, when a handle has it), until the lease is
    /// dropped.
    pub(crate) fn lease(&self) -> Result<Lease<'_>> {
        self.spare.lease(&self.shared.path, &self.shared.options)
    }

    /// An engine reading on the store's idle connection or a new one and writing through the
    /// store's writer: for a handle, or a whole-store operation.
    fn engine(&self) -> Result<SqliteEngine> {
        let conn = self.spare.take(&self.shared.path, &self.shared.options)?;
        Ok(SqliteEngine {
            shared: Arc::clone(&self.shared),
            spare: Arc::clone(&self.spare),
            slot: Mutex::new(Slot::Open(conn)),
            group: Arc::clone(&self.group),
        })
    }
}

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.shared.path)
            .field("options", &self.shared.options)
            .finish()
    }
}

impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::persistent()
    }

    fn open_handle(&self) -> Result<Box<dyn State>> {
        Ok(Box::new(SqliteStore::open_handle(self)?))
    }

    /// Closes the store's idle connection and opens the file again (handles still open keep
    /// theirs until they go).
    fn reopen(self: Arc<Self>) -> Result<Box<dyn Store>> {
        let shared = Arc::clone(&self.shared);
        drop(self);
        Ok(Box::new(SqliteStore::connect(shared)?))
    }

    fn snapshot(&self) -> Result<Snapshot> {
        whole::snapshot_of(&self.engine()?)
    }

    fn restore(&self, snapshot: &Snapshot) -> Result<()> {
        whole::restore_into(&self.engine()?, snapshot)
    }

    /// Empties the live database and writes `snapshot` in one `BEGIN IMMEDIATE` transaction:
    /// other connections see the old state or the new one, and keep writing into this file.
    fn replace(&self, snapshot: &Snapshot) -> Result<()> {
        whole::replace_into(&self.engine()?, snapshot)
    }

    /// SQLite's own integrity and foreign-key checks, then every row of every table checked
    /// against SPEC §2 (see `verify.rs`).
    fn verify(&self) -> Result<Vec<Violation>> {
        let file = format!("SQLite database {}", self.path().display());
        let (pages, keys) = self.sqlite_checks()?;
        let mut found: Vec<Violation> = pages
            .into_iter()
            .map(|problem| Violation::unreadable(file.clone(), problem))
            .collect();
        found.extend(keys.into_iter().map(|dangling| {
            Violation::new(
                Invariant::NothingDangles,
                &[],
                format!("foreign key check of {file}: {dangling}"),
            )
        }));
        found.extend(violations(&self.inventory()?));
        Ok(found)
    }

    /// Every row of every table, read in one transaction (see `verify.rs`).
    fn inventory(&self) -> Result<Inventory> {
        trace::call("inventory", SqliteEngine::BACKEND, |_| {
            self.engine()?.read(|tx| tx.inventory())
        })
    }
}

/// Where one handle's connection stands.
enum Slot {
    Open(Conn),
    /// A transaction could not be rolled back: the next call opens a new connection.
    Broken,
    /// `close` dropped the connection.
    Closed,
}

/// One handle's engine: a read transaction (`BEGIN`) per reading call on the handle's own
/// connection, and each write in the store's write group (`BEGIN IMMEDIATE` on the store's write
/// connection, shared with the writes that run at the same time), waiting out other connections'
/// locks up to the lock timeout.
pub struct SqliteEngine {
    shared: Arc<Shared>,
    /// Where the connection goes when the handle closes or is dropped.
    spare: Arc<Spare>,
    slot: Mutex<Slot>,
    group: Arc<WriteGroup<Writer>>,
}

impl Drop for SqliteEngine {
    fn drop(&mut self) {
        let slot = self.slot.get_mut().unwrap_or_else(PoisonError::into_inner);
        if let Slot::Open(conn) = std::mem::replace(slot, Slot::Closed) {
            self.spare.give(conn);
        }
    }
}

impl SqliteEngine {
    /// Runs one read transaction on the handle's connection: `BEGIN` and the version check,
    /// `f`, then `COMMIT` when `f` answers `Ok` and `ROLLBACK` otherwise.
    fn read_transaction<T>(&self, f: impl FnOnce(&mut Conn) -> Result<T>) -> Result<T> {
        let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        let stale = match &*slot {
            Slot::Broken => true,
            Slot::Open(conn) => conn.outdated(),
            Slot::Closed => false,
        };
        if stale {
            *slot = Slot::Open(open(&self.shared.path, &self.shared.options)?);
            tracing::info!(
                file = %self.shared.path.display(),
                "opened a new connection in place of a broken one"
            );
        }
        let Slot::Open(conn) = &mut *slot else {
            return Err(StateError::closed());
        };
        conn.clock.start();
        // A call that panicked half-way left its transaction open.
        conn.rollback();
        let answer = begin(conn, false).and_then(|()| {
            let answer = f(conn).and_then(|value| conn.run("COMMIT").map(|()| value));
            if answer.is_err() {
                conn.rollback();
            }
            answer
        });
        conn.clock.finish("a read lock");
        if conn.broken.get() {
            *slot = Slot::Broken;
        }
        answer
    }

    /// `Io` for a write on a read-only store.
    fn refuse_read_only(&self) -> Result<()> {
        if !self.shared.options.read_only {
            return Ok(());
        }
        Err(StateError::new(
            ErrorKind::Io,
            format!(
                "SQLite database {} is opened read-only",
                self.shared.path.display()
            ),
        ))
    }

    /// The wait of a write that starts now: it gives up waiting for locks after the lock
    /// timeout.
    fn turn(&self) -> TurnWait {
        TurnWait::from_now(self.shared.options.lock_timeout)
    }
}

impl fmt::Debug for SqliteEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteEngine")
            .field("path", &self.shared.path)
            .finish()
    }
}

/// One transaction's view of the database: the reads of [`StoreRead`](podstate_api::raw::StoreRead)
/// and [`StoreLoad`](podstate_api::raw::StoreLoad) and, in a write transaction, the writes of
/// [`StoreWrite`](podstate_api::raw::StoreWrite), each a cached prepared statement.
pub struct SqliteTx<'c> {
    // `&mut`, not `&`: a connection is `Send` but not `Sync`, and a batch's view must be `Send`.
    pub(crate) conn: &'c mut Conn,
}

impl Engine for SqliteEngine {
    const BACKEND: &'static str = "sqlite";

    type Read<'a> = SqliteTx<'a>;
    type Write<'a> = SqliteTx<'a>;

    fn read<T>(&self, f: impl FnOnce(&SqliteTx<'_>) -> Result<T>) -> Result<T> {
        // The version check is the transaction's first read: it takes the snapshot every later
        // read of the call sees.
        self.read_transaction(|conn| f(&SqliteTx { conn }))
    }

    /// In the store's write group: with the writes of other handles that run at the same time,
    /// in one transaction and one commit.
    fn write<T>(&self, f: impl FnOnce(&mut SqliteTx<'_>) -> Result<T>) -> Result<T> {
        self.refuse_read_only()?;
        self.group.write(self.turn(), |mut conn| {
            let answer = f(&mut SqliteTx { conn: &mut conn });
            (conn, answer)
        })
    }

    /// In a transaction of its own, which writes queued behind it may join once it succeeded.
    fn batch<T>(&self, f: impl FnOnce(&mut SqliteTx<'_>) -> Result<T>) -> Result<T> {
        self.refuse_read_only()?;
        self.group.batch(self.turn(), |mut conn| {
            let answer = f(&mut SqliteTx { conn: &mut conn });
            (conn, answer)
        })
    }

    /// Gives the handle's connection back to the store, or closes it (after any call in flight
    /// on another thread).
    fn close(&self) -> Result<()> {
        let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        if let Slot::Open(conn) = std::mem::replace(&mut *slot, Slot::Closed) {
            self.spare.give(conn);
        }
        Ok(())
    }
}
