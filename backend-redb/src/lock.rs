//! Starting a write transaction: never waiting past the lock timeout (SPEC §3), and taking
//! turns with the writers already waiting.
//!
//! redb's own `begin_write` waits without bound (an in-process condition variable, then a
//! blocking `F_OFD_SETLKW` on the writer byte), so a write starts with `try_begin_write`, polled
//! with the crate's jittered exponential [`Backoff`] (20 µs doubling to 2 ms), and answers `Io` naming the
//! write lock and its holder once the timeout has passed. (redb's other blocking locks are
//! bounded the same way inside the storage, see [`bounded`](crate::bounded).)
//!
//! Polling alone has no queue: against another process writing in a tight loop, whose commits
//! follow each other with a gap of microseconds, a waiter polling every 2 ms rarely finds the
//! lock free (single writes waited up to 26 s on this machine). So a waiting writer announces
//! itself ([`BoundedFile::announce`]: a shared lock on a byte of the file redb leaves to its
//! storage backends, plus a count for the threads of this process), and a writer about to start
//! a write transaction first yields while anyone else waits: at most [`YIELD`], so that a
//! waiter stopped (SIGSTOP) or gone slow never holds writers up for longer.

use std::path::Path;
use std::time::{Duration, Instant};

use podstate_api::StateError;
use podstate_api::raw::group::TurnWait;
use podstate_api::raw::holder_watch::HolderWatch;
use podstate_api::raw::trace::LockWait;
use redb::{Database, TransactionError, WriteTransaction};

use crate::backoff::Backoff;
use crate::bounded::{BoundedFile, WRITER_BYTE};
use crate::error::{fault, lock_timeout};
use crate::holders::{self, Wanted};

/// How long a writer lets writers that wait go first, at most, before each write transaction:
/// longer than a waiter's longest pause between two tries, so that it gets a try in.
pub(crate) const YIELD: Duration = Duration::from_millis(5);
/// How often a yielding writer looks whether the waiters have had their turn.
const YIELD_POLL: Duration = Duration::from_micros(100);

/// Starts a write transaction on `db`, whose storage is `storage`: after the writers already
/// waiting have had their turn (for at most [`YIELD`]), and waiting for the write lock until
/// `turn`'s deadline at most. A timeout names the holder found then, or the one `turn` saw
/// earlier in its wait when the holder let go meanwhile, and the whole wait `turn` counts (its
/// time queued in the store's write group included).
pub(crate) fn begin_write(
    db: &Database,
    storage: &BoundedFile,
    file: &Path,
    turn: &mut TurnWait,
) -> Result<WriteTransaction, StateError> {
    let yielding = Instant::now();
    let mut wait = LockWait::since(yielding);
    while storage.others_waiting(false) && yielding.elapsed() < YIELD {
        std::thread::sleep(YIELD_POLL);
    }
    let mut announced = false;
    // Looks the holder up while waiting: a look only once the wait gave up finds nobody when
    // the holder let go after the last try.
    let mut watch = HolderWatch::begin();
    let mut backoff = Backoff::new(turn.remaining());
    let answer = loop {
        match db.try_begin_write() {
            Ok(tx) => break Ok(tx),
            Err(TransactionError::WouldBlock) => {}
            Err(e) => break Err(fault(file, e)),
        }
        if !announced {
            storage.announce();
            announced = true;
        }
        watch.look_if_due(|| found_write_lock_holder(storage));
        storage.report_holder(&watch);
        if wait.wants_holder() {
            wait.set_holder(name_write_lock_holder(storage, turn));
        }
        if backoff.wait().is_err() {
            if let Some(seen) = watch.seen() {
                turn.learn(seen);
            }
            let who = name_write_lock_holder(storage, turn);
            wait.set_holder(who.clone());
            break Err(lock_timeout(file, "the write lock", &who, turn.waited()));
        }
    };
    if announced {
        storage.withdraw();
    }
    wait.end("redb", file, "the write lock", answer.is_ok());
    answer
}

/// Who holds the write lock of the file `storage` is open on, for the message of `turn`'s
/// timeout: as found now, else as `turn` saw it earlier in its wait (see
/// [`TurnWait::holder`]), else "an unknown process".
pub(crate) fn name_write_lock_holder(storage: &BoundedFile, turn: &mut TurnWait) -> String {
    turn.holder(found_write_lock_holder(storage))
        .unwrap_or_else(|| holders::describe(&[]))
}

/// The write lock's holder as found now, `None` when nobody is found.
fn found_write_lock_holder(storage: &BoundedFile) -> Option<String> {
    let found = write_lock_holders(storage);
    (!found.is_empty()).then(|| holders::describe(&found))
}

/// The processes holding the write lock of the file `storage` is open on. The holder may be
/// another thread of this process (redb's in-process write slot), so this process's own open
/// file is not left out.
fn write_lock_holders(storage: &BoundedFile) -> Vec<holders::Holder> {
    let (id, _) = storage.identity();
    let wanted = Wanted::range(
        std::ops::Bound::Included(WRITER_BYTE),
        std::ops::Bound::Included(WRITER_BYTE),
        true,
    );
    holders::find(id, wanted, None)
}
