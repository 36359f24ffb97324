//! The connection a store keeps while no handle needs it.
//!
//! Opening a connection costs more than most calls: SQLite parses the whole schema for every new
//! connection, and podstate checks the file's identity on it (two thirds of an open + lookup +
//! close when the store and its first handle each opened one). So a store opens one connection
//! (to check the file), keeps it here, and lends it: the first handle takes it, and a handle that
//! closes or is dropped gives its connection back while the store holds none; whole-store
//! operations borrow it the same way. Some connection is thus open from the store's open until
//! the store and its last handle are gone, which also keeps the WAL open between handles (the
//! last connection to close checkpoints and removes it).
//!
//! The store's [writer](crate::group) never takes a connection from here: it opens its own and
//! keeps it, and gives it to nobody. A connection is thus owned by one user at a time (moved,
//! never shared): a handle or a whole-store operation reads on the lent one while the write
//! group's transactions run on the writer's, so the two never use one connection at once.
//!
//! A lent connection carries nothing of its previous user: no transaction (each call begins and
//! ends its own; one left open is rolled back before the connection is kept), the same lock
//! timeout and durability (they are the store's), and its prepared statements, which is the
//! point.

use std::ops::Deref;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use podstate_api::Result;

use crate::conn::Conn;
use crate::open::open;
use crate::options::SqliteOptions;

/// At most one idle connection of a store.
#[derive(Default)]
pub(crate) struct Spare {
    idle: Mutex<Option<Conn>>,
}

impl Spare {
    /// A spare holding `conn`.
    pub(crate) fn holding(conn: Conn) -> Spare {
        Spare {
            idle: Mutex::new(Some(conn)),
        }
    }

    /// The idle connection, or a new one to the database at `path`. An idle connection that is
    /// [outdated](Conn::outdated) is replaced by a new one.
    pub(crate) fn take(&self, path: &Arc<Path>, options: &SqliteOptions) -> Result<Conn> {
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        match idle {
            Some(conn) if !conn.outdated() => Ok(conn),
            _ => open(path, options),
        }
    }

    /// Keeps `conn` when no connection is idle and `conn` is sound (no transaction left open,
    /// not broken); otherwise closes it.
    pub(crate) fn give(&self, conn: Conn) {
        conn.rollback();
        if conn.broken.get() || !conn.sql.is_autocommit() {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.is_none() {
            *idle = Some(conn);
        }
    }

    /// Lends a connection (the idle one, or a new one) until the [`Lease`] is dropped.
    pub(crate) fn lease<'s>(
        &'s self,
        path: &Arc<Path>,
        options: &SqliteOptions,
    ) -> Result<Lease<'s>> {
        Ok(Lease {
            spare: self,
            conn: Some(self.take(path, options)?),
        })
    }

    /// Whether a connection is idle here.
    #[cfg(test)]
    pub(crate) fn holds_one(&self) -> bool {
        self.idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some()
    }
}

/// A connection borrowed from a [`Spare`], given back when dropped.
pub(crate) struct Lease<'s> {
    spare: &'s Spare,
    /// Always `Some` until the drop.
    conn: Option<Conn>,
}

impl Deref for Lease<'_> {
    type Target = Conn;

    fn deref(&self) -> &Conn {
        self.conn
            .as_ref()
            .unwrap_or_else(|| unreachable!("taken only when dropped"))
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.spare.give(conn);
        }
    }
}
