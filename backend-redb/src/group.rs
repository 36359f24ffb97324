//! redb's write transactions for the store's write group (group commit, see
//! [`podstate_api::raw::group`], which holds all of its logic): a durable write transaction
//! begun on the store's writable database object after the turns of waiting writers (see
//! [`lock`](crate::lock)), committed with `Durability::Immediate`, or aborted.
//!
//! redb latches an I/O error in the database object that met it, so a write that meets one
//! (while beginning, applying or committing) retires that object while the group's slot is
//! still held: the next write opens the file anew, and no writer begins on the latched one.

use std::path::Path;
use std::sync::Arc;

use podstate_api::raw::group::{Transactions, TurnWait};
use podstate_api::{Result, StateError};
use redb::{CommitError, Durability, WriteTransaction};

use crate::error::{fault, lock_timeout, met_io_error};
use crate::lock::{begin_write, name_write_lock_holder};
use crate::open::{Shared, Writer};

/// The write transactions of one store.
#[derive(Debug)]
pub(crate) struct RedbWriter {
    shared: Arc<Shared>,
}

/// An open write transaction, with the database object it runs on (kept alive until the
/// transaction ends, even when a failure retired it from the store).
pub(crate) struct WriteTx {
    pub(crate) tx: WriteTransaction,
    pub(crate) writer: Writer,
}

impl RedbWriter {
    /// The write transactions of the store `shared` holds open.
    pub(crate) fn new(shared: Arc<Shared>) -> RedbWriter {
        RedbWriter { shared }
    }

    /// Retires the database object `tx` runs on when `answer` is an I/O error (see the module
    /// docs).
    pub(crate) fn after<T>(&self, tx: &WriteTx, answer: &Result<T>) {
        if let Err(e) = answer
            && met_io_error(e)
        {
            self.shared.retire_writer(&tx.writer);
        }
    }
}

impl Transactions for RedbWriter {
    type Tx = WriteTx;

    fn backend(&self) -> &'static str {
        "redb"
    }

    fn file(&self) -> &Path {
        &self.shared.file
    }

    fn begin(&self, turn: &mut TurnWait) -> Result<WriteTx> {
        let file = self.shared.file.as_path();
        // Opening the file (the first write, or the next one after a write retired the
        // writable object) waits only for what is left of the call's timeout.
        let writer = self.shared.writer_for(turn)?;
        let waits = writer.storage.waits_until(turn);
        let begun = begin_write(&writer.db, &writer.storage, file, turn).and_then(|mut tx| {
            tx.set_durability(Durability::Immediate)
                .map_err(|e| fault(file, e))?;
            Ok(tx)
        });
        drop(waits);
        match begun {
            Ok(tx) => Ok(WriteTx { tx, writer }),
            Err(e) => {
                if met_io_error(&e) {
                    self.shared.retire_writer(&writer);
                }
                Err(e)
            }
        }
    }

    fn commit(&self, tx: WriteTx) -> Result<()> {
        let WriteTx { tx, writer } = tx;
        match tx.commit() {
            Ok(()) => Ok(()),
            Err(e) => {
                // redb refuses every later write after a failed commit, which may or may not
                // have reached the disk, until the database is opened again.
                if !matches!(e, CommitError::TransactionPoisoned) {
                    self.shared.retire_writer(&writer);
                }
                Err(fault(&self.shared.file, e))
            }
        }
    }

    fn commit_within(&self, tx: WriteTx, turn: &mut TurnWait) -> Result<()> {
        // The commit's wait for the header lock ends at the group's latest deadline.
        let storage = Arc::clone(&tx.writer.storage);
        let _waits = storage.waits_until(turn);
        self.commit(tx)
    }

    fn abort(&self, tx: WriteTx) {
        // Dropping aborts too; aborting explicitly releases the lock at once.
        let _ = tx.tx.abort();
    }

    fn others_waiting(&self, tx: &WriteTx) -> bool {
        tx.writer.storage.others_waiting(false)
    }

    fn turn_timed_out(&self, turn: &mut TurnWait) -> StateError {
        // What the waits of the calls ahead saw, in case the holder let go since.
        if let Some(seen) = self.shared.holders_seen.get() {
            turn.learn(&seen);
        }
        let who = match self.shared.writer_if_open() {
            Some(writer) => name_write_lock_holder(&writer.storage, turn),
            // The call ahead is still opening the file for writing.
            None => turn
                .holder(None)
                .unwrap_or_else(|| "another call of this process".to_owned()),
        };
        lock_timeout(&self.shared.file, "the write lock", &who, turn.waited())
    }
}
