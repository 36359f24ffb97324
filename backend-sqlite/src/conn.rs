//! One connection to the database file and what every use of it needs: the busy handler, the
//! per-connection pragmas, error mapping, retries, rollback and WAL. Checking what the file
//! holds (the identity check of [`schema`](crate::schema)) comes after, in [`open`](crate::open).

use std::cell::Cell;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use podstate_api::{ErrorKind, Result, StateError};
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};

use crate::busy::LockClock;
use crate::error;
use crate::options::{Durability, SqliteOptions};
use crate::read_only::{Leftovers, immutable_uri};
use crate::turn::Turn;

/// An open connection with what its errors and lock waits need.
pub(crate) struct Conn {
    /// The SQLite connection.
    pub(crate) sql: Connection,
    /// The database file, for messages.
    pub(crate) path: Arc<Path>,
    /// The lock timeout of the current call.
    pub(crate) clock: Arc<LockClock>,
    /// This connection's turns among writers (see [`turn`](crate::turn)); `None` read-only.
    pub(crate) turn: Option<Arc<Turn>>,
    /// Whether commits wait for the disk (see [`Durability`]).
    pub(crate) durable: bool,
    /// Set when a transaction could not be rolled back: the connection is then replaced before
    /// the next call.
    pub(crate) broken: Cell<bool>,
    /// For a read-only connection to the database file alone (see
    /// [`read_only`](crate::read_only)): its files as they were when it opened (boxed: most
    /// connections have none).
    leftovers: Option<Box<Leftovers>>,
}

/// `Io` naming `path` when it cannot be a database file: a directory or another kind of file,
/// or (`must_exist`) nothing at all. Looks at the directory entry only (`stat`), so that the
/// messages say what is wrong in the path's own words instead of SQLite's ("disk I/O error",
/// or the internal URI of a read-only open).
fn check_path(path: &Path, must_exist: bool) -> Result<()> {
    let io = |why: String| {
        Err(StateError::new(
            ErrorKind::Io,
            format!("SQLite database {}: {why}", path.display()),
        ))
    };
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => io("is a directory, not a database file".to_owned()),
        Ok(meta) if !meta.is_file() => io("is not a regular file".to_owned()),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !must_exist => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => io("does not exist".to_owned()),
        Err(e) => io(format!("cannot be looked at: {e}")),
    }
}

impl Conn {
    /// Opens `path` (creating an empty file if there is none, unless read-only) with the busy
    /// handler and the per-connection settings, and reads no rows yet: [`open`](crate::open)
    /// then checks what the file holds. Its waits for the file's locks end at `deadline` (the
    /// settings read the schema, which waits for a connection holding the file exclusively).
    pub(crate) fn connect(
        path: &Arc<Path>,
        options: &SqliteOptions,
        deadline: Instant,
    ) -> Result<Conn> {
        check_path(path, options.read_only)?;
        let flags = if options.read_only {
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
        };
        let turn = (!options.read_only).then(|| Arc::new(Turn::new(path)));
        let clock = LockClock::new(path, options.lock_timeout, options.busy_poll, turn.clone());
        clock.start_until(deadline);
        let leftovers = options
            .read_only
            .then(|| Leftovers::file_alone(path))
            .flatten()
            .map(Box::new);
        let opened = if leftovers.is_some() {
            // The database file alone holds the last commit and no connection has it open (see
            // `read_only`): opened as immutable, it is read without locks and nothing is made
            // beside it, so neither the file nor the directory needs write permission.
            tracing::debug!(
                file = %path.display(),
                "no connection has the database open: reading it as immutable"
            );
            Connection::open_with_flags(immutable_uri(path), flags | OpenFlags::SQLITE_OPEN_URI)
        } else {
            Connection::open_with_flags(path, flags)
        };
        let mut sql = opened.map_err(|e| error::sqlite(path, options.lock_timeout, e))?;
        clock
            .install(&mut sql)
            .map_err(|e| error::sqlite(path, options.lock_timeout, e))?;
        let conn = Conn {
            sql,
            path: Arc::clone(path),
            clock,
            turn,
            durable: options.durability == Durability::Full,
            broken: Cell::new(false),
            leftovers,
        };
        // Connection settings only: neither reads or writes the file. The foreign keys through
        // `sqlite3_db_config`, which sets what `PRAGMA foreign_keys` sets without a statement
        // to prepare and run (every open pays for each).
        let synchronous = match options.durability {
            Durability::Full => "PRAGMA synchronous = FULL",
            Durability::NoSync => "PRAGMA synchronous = OFF",
        };
        let keys_on = conn
            .sql
            .set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_FKEY, true)
            .and_then(|on| conn.sql.execute_batch(synchronous).map(|()| on))
            .map_err(|e| conn.err(e))?;
        if !keys_on {
            return Err(StateError::new(
                ErrorKind::Io,
                format!(
                    "SQLite database {}: the foreign keys cannot be turned on",
                    path.display()
                ),
            ));
        }
        // The query planner stability guarantee: plans never depend on bound values, so a
        // cached statement is never re-prepared when it is bound anew (without it, SQLite
        // re-parses several of our statements on every call: a third of a lookup's time).
        conn.sql
            .set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)
            .map_err(|e| conn.err(e))?;
        Ok(conn)
    }

    /// Whether this connection reads the database file alone and a writer has since changed
    /// the database's files: it would not see the writer's commits, so it is replaced before the
    /// next call.
    pub(crate) fn outdated(&self) -> bool {
        self.leftovers
            .as_ref()
            .is_some_and(|files| files.changed(&self.path))
    }

    /// Maps an SQLite error of this connection; a lock timeout names the holder its wait saw.
    pub(crate) fn err(&self, e: rusqlite::Error) -> StateError {
        error::sqlite_waited(&self.path, self.clock.timeout(), || self.clock.holder(), e)
    }

    /// Runs `op` until no other connection's lock is in its way, up to the lock timeout.
    pub(crate) fn retry_sql<T>(&self, op: impl FnMut() -> rusqlite::Result<T>) -> Result<T> {
        self.clock.retry(op).map_err(|e| self.err(e))
    }

    /// Runs one cached statement that answers no rows (`BEGIN`, `COMMIT`...), retried while
    /// another connection holds a lock it needs.
    pub(crate) fn run(&self, sql: &str) -> Result<()> {
        self.retry_sql(|| self.sql.prepare_cached(sql)?.execute([]).map(drop))
    }

    /// Ends the open transaction, if any, keeping nothing of it. A connection whose transaction
    /// cannot be rolled back is marked broken.
    pub(crate) fn rollback(&self) {
        if self.sql.is_autocommit() {
            // SQLite already rolled back (it does after some I/O errors), or nothing was begun.
            return;
        }
        if self.sql.execute_batch("ROLLBACK").is_err() && !self.sql.is_autocommit() {
            tracing::warn!(
                file = %self.path.display(),
                "a transaction could not be rolled back: the connection is replaced before \
                 the next call"
            );
            self.broken.set(true);
        }
    }

    /// Switches the database to WAL mode (see the crate docs, "Durability and WAL"). The mode is
    /// stored in the file, so this changes something only on a newly laid out database: once a
    /// read of this connection found the file in WAL mode, that read opened the WAL and took its
    /// shared lock (what [`open_wal`](Conn::open_wal) is for), and asking the mode is all.
    pub(crate) fn use_wal(&self) -> Result<()> {
        let query = |sql: &str| -> Result<String> {
            self.retry_sql(|| self.sql.query_row(sql, [], |r| r.get(0)))
        };
        if query("PRAGMA journal_mode")?.eq_ignore_ascii_case("wal") {
            return Ok(());
        }
        let mode = query("PRAGMA journal_mode = WAL")?;
        if mode.eq_ignore_ascii_case("wal") {
            return self.open_wal();
        }
        Err(StateError::new(
            ErrorKind::Io,
            format!(
                "SQLite database {} cannot use WAL mode (journal mode stays {mode:?})",
                self.path.display()
            ),
        ))
    }

    /// One read in WAL mode opens the WAL and takes the shared lock a connection holds while it
    /// is open, so that a connection of this process that closes meanwhile does not take itself
    /// for the last one (checkpointing and deleting the WAL each time).
    pub(crate) fn open_wal(&self) -> Result<()> {
        self.retry_sql(|| {
            self.sql
                .query_row("PRAGMA user_version", [], |r| r.get::<_, i32>(0))
                .map(drop)
        })
    }

    /// Makes the directory entry of a newly created database file durable. Opens the directory,
    /// never the database file (closing a descriptor of the database file would drop this
    /// process's SQLite locks on it).
    pub(crate) fn sync_directory(&self) -> Result<()> {
        if !self.durable {
            return Ok(());
        }
        let Some(dir) = self.path.parent() else {
            return Ok(());
        };
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| {
                StateError::new(
                    ErrorKind::Io,
                    format!(
                        "cannot sync the directory of SQLite database {}: {e}",
                        self.path.display()
                    ),
                )
                .with_source(e)
            })
    }
}
