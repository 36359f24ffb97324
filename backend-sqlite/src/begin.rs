//! How every transaction of the backend begins, a handle's read or the writer's write: `BEGIN`
//! (`BEGIN IMMEDIATE` for a write, after the writer's turn among processes) and the schema
//! version check. Below both the store and the [writer](crate::group), which each begin
//! transactions.

use podstate_api::Result;
use podstate_api::raw::trace::LockWait;

use crate::conn::Conn;
use crate::schema;
use crate::turn::Yield;

/// Begins a transaction on `conn` (`BEGIN IMMEDIATE` for a write) and checks the schema
/// version; on failure nothing is left open. A write first leaves the lock to writers that wait
/// for it, and announces itself while it waits in turn (see [`turn`](crate::turn)).
pub(crate) fn begin(conn: &Conn, write: bool) -> Result<()> {
    let turn = conn.turn.as_ref().filter(|_| write);
    if let Some(turn) = turn {
        let mut yielding = LockWait::begin();
        let yielded = turn.yield_to_waiters(conn.clock.deadline());
        if matches!(yielded, Yield::Yielded | Yield::RanOut) {
            let holder = match yielded {
                Yield::RanOut => {
                    "waiters that did not take their turn (writing without turns for a while)"
                }
                _ => "waiting writers, announced on the -wait file",
            };
            yielding.set_holder(holder.to_owned());
            yielding.end("sqlite", &conn.path, "its turn among writers", true);
        }
        turn.arm();
    }
    let begun = conn.run(if write { "BEGIN IMMEDIATE" } else { "BEGIN" });
    if let Some(turn) = turn {
        turn.disarm();
    }
    begun?;
    let checked = conn
        .retry_sql(|| {
            conn.sql
                .prepare_cached("PRAGMA user_version")?
                .query_row([], |r| r.get(0))
        })
        .and_then(|version| schema::check_version(conn, version));
    if checked.is_err() {
        conn.rollback();
    }
    checked
}
