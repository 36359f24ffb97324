//! The store's writer: one connection through which every handle of a store writes, so that
//! their concurrent calls can share one transaction and one commit (group commit, see
//! [`podstate_api::raw::group`], which holds all of its logic; this is SQLite's begin, commit
//! and abort). Reads stay on each handle's own connection.
//!
//! One connection because a transaction belongs to a connection: the calls of a group must run
//! on the one that began it. It costs nothing in concurrency: SQLite has one write lock per
//! database, so two connections of one store never wrote at the same time anyway; they waited
//! for each other in SQLite's busy handler, which sleeps.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use podstate_api::raw::group::{Transactions, TurnWait};
use podstate_api::{ErrorKind, Result, StateError};

use crate::begin::begin;
use crate::busy::LockClock;
use crate::conn::Conn;
use crate::error::{holders_text, lock_timeout_message};
use crate::open::open_until;
use crate::options::SqliteOptions;

/// The write connection of one store, opened by its first write.
pub(crate) struct Writer {
    path: Arc<Path>,
    options: SqliteOptions,
    /// The connection between two transactions; a transaction holds it while it runs.
    idle: Mutex<Option<Conn>>,
    /// The lock clock of the connection, also while a transaction holds it: what its waits
    /// saw of the write lock's holder, for the calls queued behind it that give up meanwhile.
    clock: Mutex<Option<Arc<LockClock>>>,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer").field("path", &self.path).finish()
    }
}

impl Writer {
    /// The writer of the database at `path`, opened with `options`.
    pub(crate) fn new(path: Arc<Path>, options: SqliteOptions) -> Writer {
        Writer {
            path,
            options,
            idle: Mutex::new(None),
            clock: Mutex::new(None),
        }
    }

    /// The `Io` of a write that gave up waiting for the lock: naming the holder found now, else
    /// the one last seen during `turn` (by the write connection's waits, its own or those of
    /// the calls ahead of it in the group: the holder may have let go after the last try), and
    /// the whole wait.
    fn timed_out(&self, turn: &mut TurnWait) -> StateError {
        let clock = self
            .clock
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let Some(seen) = clock.and_then(|clock| clock.seen()) {
            turn.learn(&seen);
        }
        let who = turn.holder(holders_text(&self.path));
        StateError::new(
            ErrorKind::Io,
            lock_timeout_message(&self.path, who, turn.waited()),
        )
    }

    /// Ends a transaction's use of `conn`: reports its lock waits and keeps it for the next
    /// transaction, unless it is broken (a rollback failed): the next one opens a new one.
    fn put_back(&self, conn: Conn) {
        conn.clock.finish("the write lock");
        if conn.broken.get() {
            tracing::info!(
                file = %self.path.display(),
                "the write connection is replaced before the next write"
            );
            return;
        }
        *self.idle.lock().unwrap_or_else(PoisonError::into_inner) = Some(conn);
    }
}

impl Transactions for Writer {
    type Tx = Conn;

    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn file(&self) -> &Path {
        &self.path
    }

    /// `BEGIN IMMEDIATE` on the write connection (after yielding to announced writers), and the
    /// version check; the waits end at `turn`'s deadline.
    fn begin(&self, turn: &mut TurnWait) -> Result<Conn> {
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let conn = match idle {
            Some(conn) => conn,
            None => {
                // The store's first write, or the next one after a broken connection was
                // dropped: the open waits only for what is left of the call's timeout.
                let conn = open_until(&self.path, &self.options, turn.deadline())?;
                *self.clock.lock().unwrap_or_else(PoisonError::into_inner) =
                    Some(Arc::clone(&conn.clock));
                conn
            }
        };
        conn.clock.start_until(turn.deadline());
        // A transaction a panic left open (its connection is normally dropped with the panic).
        conn.rollback();
        match begin(&conn, true) {
            Ok(()) => Ok(conn),
            Err(e) => {
                // A lock timeout counts the call's whole wait, its time queued in the group
                // included, and names the holder the call ahead of it saw when nobody holds
                // the lock any more by now.
                let e = match conn.clock.gave_up() {
                    true => self.timed_out(turn),
                    false => e,
                };
                self.put_back(conn);
                Err(e)
            }
        }
    }

    fn commit(&self, conn: Conn) -> Result<()> {
        let committed = conn.run("COMMIT");
        if committed.is_err() {
            conn.rollback();
        }
        self.put_back(conn);
        committed
    }

    fn abort(&self, conn: Conn) {
        conn.rollback();
        self.put_back(conn);
    }

    fn others_waiting(&self, conn: &Conn) -> bool {
        conn.turn.as_ref().is_some_and(|turn| turn.others_waiting())
    }

    fn turn_timed_out(&self, turn: &mut TurnWait) -> StateError {
        self.timed_out(turn)
    }
}
