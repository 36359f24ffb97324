//! Taking a read snapshot: the read transaction a read call runs on.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use podstate_api::Result;
use redb::{ReadOnlyDatabase, ReadTransaction, ReadableDatabase};

use crate::bounded::{BoundedFile, snapshot_moved};
use crate::error::fault;
use crate::overlay::{OverlayReader, Pin};

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
    /// A read-only store's view of a file only a writable open may repair.
    Overlay(OverlayReader),
}

impl fmt::Debug for Reader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reader::Plain { storage, .. } => f.debug_tuple("Plain").field(storage).finish(),
            Reader::Overlay(overlay) => f.debug_tuple("Overlay").field(overlay).finish(),
        }
    }
}

/// A read transaction, and what keeps the pages it reads from being reused meanwhile (the
/// transaction itself, and for an overlay its pin): dropped together, the transaction first.
pub(crate) struct ReadSnapshot {
    pub(crate) tx: ReadTransaction,
    pub(crate) pin: Option<Pin>,
}

impl Reader {
    /// A snapshot of the latest commit, or `None` when this reader is an overlay the file has
    /// moved past: the store then opens the file anew.
    ///
    /// A plain snapshot that met a commit while it was taken without the header lock starts
    /// over; after a few tries (a writer committing again and again), or after any other
    /// error met without the lock (a header read while a writer wrote it fails redb's
    /// checksums), it is taken with the header lock.
    pub(crate) fn begin(&self, file: &Path) -> Result<Option<ReadSnapshot>> {
        let (db, storage) = match self {
            Reader::Overlay(overlay) => {
                return Ok(overlay
                    .begin(file)?
                    .map(|(tx, pin)| ReadSnapshot { tx, pin: Some(pin) }));
            }
            Reader::Plain { db, storage } => (db, storage),
        };
        let mut locked = false;
        for tries in 1.. {
            match db.begin_read() {
                Ok(tx) => return Ok(Some(ReadSnapshot { tx, pin: None })),
                Err(e) => {
                    let moved = snapshot_moved(&e);
                    if tries >= SNAPSHOT_TRIES || (locked && !moved) {
                        return Err(fault(file, e));
                    }
                    if !moved || tries >= BoundedFile::UNLOCKED_TRIES {
                        tracing::debug!(
                            file = %file.display(),
                            tries,
                            "a snapshot without the header lock did not hold: taking it with \
                             the lock"
                        );
                        storage.lock_next_snapshot();
                        locked = true;
                    }
                }
            }
        }
        unreachable!("the loop returns")
    }
}
