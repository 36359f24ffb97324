//! The open sequence of every connection a store, a handle or the writer uses: connect (see
//! [`conn`](crate::conn)), make sure the file is a podstate database of this version (see
//! [`schema`](crate::schema)), then WAL. It sits above both, so that the connection knows
//! nothing of the layout and the layout uses the connection.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use podstate_api::Result;
use podstate_api::raw::group::deadline_after;

use crate::conn::Conn;
use crate::options::SqliteOptions;
use crate::schema;

/// How many prepared statements each connection keeps: every statement of the backend, with
/// room to spare, so that no call ever prepares one twice.
const STATEMENT_CACHE: usize = 64;

/// Opens `path` (creating an empty file if there is none) and makes sure it is a podstate
/// database of this version, laying it out when it is empty (a read-only open lays out
/// nothing and refuses an empty file). Waits for the file's locks up to the lock timeout.
pub(crate) fn open(path: &Arc<Path>, options: &SqliteOptions) -> Result<Conn> {
    open_until(
        path,
        options,
        deadline_after(Instant::now(), options.lock_timeout),
    )
}

/// As [`open`], waiting for the file's locks until `deadline` at most: that of the write call
/// that opens the write connection, which may have waited for its turn in the store's group
/// already (the lock timeout is per call, SPEC §3).
pub(crate) fn open_until(
    path: &Arc<Path>,
    options: &SqliteOptions,
    deadline: Instant,
) -> Result<Conn> {
    let conn = Conn::connect(path, options, deadline)?;
    conn.sql
        .set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    if schema::current_in_wal(&conn)? {
        // Nothing to lay out, upgrade or switch: the reads opened the WAL and took its shared
        // lock, as `open_wal` does.
    } else if options.read_only {
        // Nothing that writes: no layout, no journal-mode switch (a read-only connection
        // reads the mode the file has).
        schema::expect_current(&conn)?;
        conn.open_wal()?;
    } else {
        schema::prepare(&conn)?;
        conn.use_wal()?;
    }
    conn.clock.finish("the database lock, opening");
    Ok(conn)
}
