//! Taking a read snapshot: the read transaction a read call runs on.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use podstate_api::Result;
use redb::{ReadOnlyDatabase, ReadTransaction, ReadableDatabase};

use crate::bounded::{BoundedFile, snapshot_moved};
use crate::error::fault;

/// How often a read starts its snapshot over before it gives up (see [`Reader::begin`]).
const SNAPSHOT_TRIES: usize = 32;

/// What a store reads through.
pub(crate) enum Reader {
    /// redb's read-only database object, taking its snapshots without the header lock (see
    /// [`bounded`](crate::bounded)).
    Plain {
        db: ReadOnlyDatabase,
        storage: Arc<BoundedFile>,
    },
}

impl fmt::Debug for Reader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reader::Plain { storage, .. } => f.debug_tuple("Plain").field(storage).finish(),
        }
    }
}

/// A read transaction: it keeps the pages it reads from being reused meanwhile.
pub(crate) struct ReadSnapshot {
    pub(crate) tx: ReadTransaction,
}

impl Reader {
    /// A snapshot of the latest commit.
    ///
    /// A plain snapshot that met a commit while it was taken without the header lock starts
    /// over; after a few tries (a writer committing again and again), or after any other
    /// error met without the lock (a header read while a writer wrote it fails redb's
    /// checksums), it is taken with the header lock.
    pub(crate) fn begin(&self, file: &Path) -> Result<ReadSnapshot> {
        let Reader::Plain { db, storage } = self;
        let mut locked = false;
        for tries in 1.. {
            match db.begin_read() {
                Ok(tx) => return Ok(ReadSnapshot { tx }),
                Err(e) => {
                    let moved = snapshot_moved(&e);
                    if tries >= SNAPSHOT_TRIES || (locked && !moved) {
                        return Err(fault(file, e));
                    }
                    if !moved || tries >= BoundedFile::UNLOCKED_TRIES {
                        storage.lock_next_snapshot();
                        locked = true;
                    }
                }
            }
        }
        unreachable!("the loop returns")
    }
}
