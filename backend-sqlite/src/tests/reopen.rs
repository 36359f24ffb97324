//! A write that opens the write connection (the store's first write, or the next one after a
//! write dropped a broken connection) counts the time it spent queued in its group toward its
//! lock timeout: opening the connection waits only for what is left of the call's timeout,
//! never a timeout of its own (SPEC §3).
//!
//! Opening a connection waits for a lock only when something keeps it from reading the file:
//! here a connection that holds the whole file in exclusive locking mode, which it can take only
//! while no other connection has the file open. So the test runs the store's write group on its
//! own, without the store (whose idle connection would keep the file open).

use std::path::Path;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use podstate_api::raw::group::{TurnWait, WriteGroup};
use podstate_api::{ErrorKind, StateError};

use crate::group::Writer;
use crate::{SqliteOptions, SqliteStore};

/// After a write dropped its broken connection, two writes of the group meet a connection
/// holding the file exclusively: the first gives up opening a new write connection after its
/// timeout, and the second, queued behind it all along, opens one in turn. It used to wait a whole new
/// timeout there, about twice its lock timeout in all.
#[test]
fn reopening_the_write_connection_waits_only_what_is_left_of_the_call() {
    let dir = tempfile::tempdir().unwrap();
    let path: Arc<Path> = Arc::from(dir.path().join("state.db"));
    let timeout = Duration::from_millis(400);
    let options = SqliteOptions::for_tests().lock_timeout(timeout);
    drop(SqliteStore::open_with(&path, options).unwrap());
    let group = Arc::new(WriteGroup::new(
        Writer::new(Arc::clone(&path), options),
        options.group_commit,
    ));
    // A write whose connection breaks (as when its transaction cannot be rolled back): the
    // group drops the connection, and the next write opens a new one.
    let broke = group.write(TurnWait::from_now(timeout), |conn| {
        conn.broken.set(true);
        let err = StateError::new(ErrorKind::Io, "a transaction that cannot be rolled back");
        (conn, Err::<(), _>(err))
    });
    assert_eq!(broke.unwrap_err().kind(), ErrorKind::Io);
    let holder = rusqlite::Connection::open(&path).unwrap();
    holder
        .execute_batch(
            "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; \
             DELETE FROM db_config WHERE 0;",
        )
        .unwrap();
    let writers: Vec<_> = (0..2)
        .map(|_| {
            let group = Arc::clone(&group);
            let writer = thread::spawn(move || {
                let started = Instant::now();
                let err = group
                    .write(TurnWait::from_now(timeout), |conn| (conn, Ok(())))
                    .unwrap_err();
                (err, started.elapsed())
            });
            // The second call queues well inside the first one's wait.
            thread::sleep(timeout / 4);
            writer
        })
        .collect();
    let answers: Vec<(StateError, Duration)> =
        writers.into_iter().map(|w| w.join().unwrap()).collect();
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    for (err, took) in &answers {
        assert_eq!(err.kind(), ErrorKind::Io, "{err}");
        // About one lock timeout, with room for a slow machine; the old code took about two.
        assert!(
            *took < timeout * 3 / 2,
            "a write with a lock timeout of {timeout:?} gave up only after {took:?}: {err}"
        );
    }
    // Once the holder is gone, the group opens its connection and writes.
    group
        .write(TurnWait::from_now(timeout), |conn| (conn, Ok(())))
        .unwrap();
}
