//! Unit tests that look inside the database: the schema as SQLite stores it, the query plans of
//! the prefix scans, and what the schema itself refuses.

mod holder;
mod lookup;
mod networks;
mod prefix;
mod reopen;
mod schema;
mod spare;

use crate::SqliteStore;
use crate::conn::Conn;

/// Runs `f` on the store's idle connection (or a new one).
fn with_conn<T>(store: &SqliteStore, f: impl FnOnce(&Conn) -> T) -> T {
    let conn = store.lease().unwrap();
    f(&conn)
}
