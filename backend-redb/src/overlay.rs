//! Reading a file that redb refuses to open read-only, without writing to it.
//!
//! In multi-writer mode a writable open marks the file as needing repair for as long as it is
//! open, so a file whose last writer died (or a `cp` copy of a live file) stays marked, and
//! redb answers every read-only open of it `RepairAborted`: only a writable open may repair it.
//! A user who may only read the file could then never read it. So a read-only store opens such
//! a file as a *writable* redb database over an [`Overlay`]: a storage that reads the real file
//! and keeps every write in memory. redb's repair runs there and is thrown away with the
//! overlay; the file's bytes never change, and the overlay takes no lock on the file (its redb
//! runs in exclusive-writer mode over a storage whose locks are all granted in memory).
//!
//! Other processes may write the file later. Two rules keep every read one committed state:
//!
//! * **A pin.** While a read transaction of the overlay runs, it holds all of redb's active
//!   transaction bytes shared. A writer reclaims a page only once no process holds the byte of
//!   a transaction at or below the one that freed it; it finds the lowest held byte by probing
//!   from where its last search ended, which is never above the commit the overlay was made
//!   from while that commit is the latest. So no page the overlay reads from the file is
//!   reused under it. Shared locks on those bytes never hold a writer up: writers only probe
//!   them.
//! * **A header check.** Every read first compares the file's header with the one the overlay
//!   was made from, after taking the pin. A commit, or a repair by a writable open, rewrites
//!   the header; then the overlay is stale (its pages and cache belong to the old state) and the
//!   store drops it and opens the file again: read-only the plain way when a writer is live
//!   (redb then allows it), or over a new overlay.

use std::collections::BTreeMap;
use std::fmt;
use std::fs::File;
use std::io;
use std::ops::Bound;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use podstate_api::StateError;
use redb::{
    BackendError, Builder, ConcurrencyMode, Database, ReadTransaction, ReadableDatabase,
    StorageBackend,
};

use crate::bounded::{BoundedFile, TXN_BASE};
use crate::error::{fault, io_fault};
use crate::options::RedbOptions;
use crate::storage::Hook;

/// The unit the overlay keeps a written part of the file in.
const BLOCK: u64 = 4096;

/// A writable redb database over the file and an in-memory overlay, for reading only.
pub(crate) struct OverlayReader {
    db: Database,
    file: Arc<BoundedFile>,
    /// The file's header when the overlay was made.
    header: Vec<u8>,
}

impl fmt::Debug for OverlayReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OverlayReader")
            .field("file", &self.file)
            .finish_non_exhaustive()
    }
}

/// The pin of a read transaction on the overlay (see the module docs): released when dropped.
pub(crate) struct Pin(Arc<BoundedFile>);

impl Drop for Pin {
    fn drop(&mut self) {
        // A release that fails leaves a shared lock that only makes writers keep pages longer,
        // until this store is dropped.
        let _ = self
            .0
            .unlock_range(Bound::Included(TXN_BASE), Bound::Unbounded);
    }
}

impl Pin {
    fn take(file: &Arc<BoundedFile>) -> Result<Pin, BackendError> {
        file.lock_shared_range(Bound::Included(TXN_BASE), Bound::Unbounded)?;
        Ok(Pin(file.clone()))
    }
}

impl OverlayReader {
    /// Makes an overlay over `path`, or `None` when the file changed while it was being made
    /// (then try again: a writer may be live now).
    pub(crate) fn open(
        path: &Path,
        options: RedbOptions,
        hook: &Hook,
    ) -> Result<Option<OverlayReader>, StateError> {
        let handle =
            File::open(path).map_err(|e| io_fault(path, "cannot open it for reading", e))?;
        let file = BoundedFile::new(handle, path, options.lock_timeout, hook)
            .map_err(|e| fault(path, e))?;
        let pin = Pin::take(&file).map_err(|e| fault(path, redb::StorageError::from(e)))?;
        let header = file.read_header().map_err(|e| fault(path, e))?;
        let len = file.len().map_err(|e| fault(path, e))?;
        let overlay = Overlay {
            file: file.clone(),
            state: Mutex::new(Layer {
                len,
                file_len: len,
                blocks: BTreeMap::new(),
            }),
        };
        // The repair redb runs on open happens in the overlay.
        let db = Builder::new()
            .set_concurrency_mode(ConcurrencyMode::ExclusiveWriter)
            .set_cache_size(options.cache_size)
            .create_with_backend(overlay)
            .map_err(|e| fault(path, e))?;
        let unchanged = file.read_header().map_err(|e| fault(path, e))? == header;
        drop(pin);
        Ok(unchanged.then_some(OverlayReader { db, file, header }))
    }

    /// A read transaction and its pin, or `None` when the file has changed since the overlay
    /// was made (the overlay is stale).
    pub(crate) fn begin(&self, path: &Path) -> Result<Option<(ReadTransaction, Pin)>, StateError> {
        let pin = Pin::take(&self.file).map_err(|e| fault(path, redb::StorageError::from(e)))?;
        if self.file.read_header().map_err(|e| fault(path, e))? != self.header {
            return Ok(None);
        }
        let tx = self.db.begin_read().map_err(|e| fault(path, e))?;
        Ok(Some((tx, pin)))
    }
}

/// The file as redb sees it through the overlay: the real file's bytes, except where redb
/// wrote, which is kept in memory.
struct Overlay {
    file: Arc<BoundedFile>,
    state: Mutex<Layer>,
}

/// What redb wrote: the file's length as it set it, and the blocks it wrote.
struct Layer {
    len: u64,
    /// Below this, bytes not written come from the file; above, they are zeros. The file's
    /// length, lowered by any truncation redb asked for.
    file_len: u64,
    blocks: BTreeMap<u64, Box<[u8]>>,
}

impl fmt::Debug for Overlay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Overlay")
            .field("file", &self.file)
            .finish_non_exhaustive()
    }
}

impl Overlay {
    /// The block starting at `start` as the file has it (zeros past its end).
    fn fresh_block(&self, start: u64, file_len: u64) -> io::Result<Box<[u8]>> {
        let mut block = vec![0; BLOCK as usize].into_boxed_slice();
        let from_file = file_len.saturating_sub(start).min(BLOCK) as usize;
        if from_file > 0 {
            self.file.read(start, &mut block[..from_file])?;
        }
        Ok(block)
    }
}

/// The blocks `offset..offset + len` touches, each with the part of it in range: (block start,
/// offset in the block, offset in the buffer, length).
fn pieces(offset: u64, len: usize) -> impl Iterator<Item = (u64, usize, usize, usize)> {
    let end = offset + len as u64;
    let first = offset / BLOCK * BLOCK;
    let blocks = if len == 0 { first..first } else { first..end };
    blocks.step_by(BLOCK as usize).map(move |block| {
        let from = offset.max(block);
        let to = end.min(block + BLOCK);
        (
            block,
            (from - block) as usize,
            (from - offset) as usize,
            (to - from) as usize,
        )
    })
}

impl StorageBackend for Overlay {
    fn len(&self) -> io::Result<u64> {
        Ok(self
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len)
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> io::Result<()> {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let from_file = state.file_len.saturating_sub(offset).min(out.len() as u64) as usize;
        if from_file > 0 {
            self.file.read(offset, &mut out[..from_file])?;
        }
        out[from_file..].fill(0);
        for (block, in_block, in_out, len) in pieces(offset, out.len()) {
            if let Some(written) = state.blocks.get(&block) {
                out[in_out..in_out + len].copy_from_slice(&written[in_block..in_block + len]);
            }
        }
        Ok(())
    }

    fn set_len(&self, len: u64) -> io::Result<()> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.len = len;
        state.file_len = state.file_len.min(len);
        // Bytes cut off read as zeros if the file grows again.
        state.blocks.retain(|block, _| *block < len);
        let tail = len / BLOCK * BLOCK;
        if let Some(block) = state.blocks.get_mut(&tail) {
            block[(len - tail) as usize..].fill(0);
        }
        Ok(())
    }

    fn sync_data(&self) -> io::Result<()> {
        // Nothing reaches the file, so there is nothing to make durable.
        Ok(())
    }

    fn write(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        for (block, in_block, in_data, len) in pieces(offset, data.len()) {
            if !state.blocks.contains_key(&block) {
                let fresh = self.fresh_block(block, state.file_len)?;
                state.blocks.insert(block, fresh);
            }
            let target = state.blocks.get_mut(&block).expect("inserted above");
            target[in_block..in_block + len].copy_from_slice(&data[in_data..in_data + len]);
        }
        Ok(())
    }

    fn close(&self) -> io::Result<()> {
        Ok(())
    }

    // The overlay's redb is the only user of the overlay: every lock is granted, none reaches
    // the file.
    fn try_lock_range(&self, _: Bound<u64>, _: Bound<u64>) -> Result<bool, BackendError> {
        Ok(true)
    }

    fn try_lock_shared_range(&self, _: Bound<u64>, _: Bound<u64>) -> Result<bool, BackendError> {
        Ok(true)
    }

    fn lock_range(&self, _: Bound<u64>, _: Bound<u64>) -> Result<(), BackendError> {
        Ok(())
    }

    fn lock_shared_range(&self, _: Bound<u64>, _: Bound<u64>) -> Result<(), BackendError> {
        Ok(())
    }

    fn unlock_range(&self, _: Bound<u64>, _: Bound<u64>) -> Result<(), BackendError> {
        Ok(())
    }

    fn query_lock_range(&self, _: Bound<u64>, _: Bound<u64>) -> Result<bool, BackendError> {
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_cover_the_range_block_by_block() {
        let all: Vec<_> = pieces(4000, 5000).collect();
        assert_eq!(
            all,
            [(0, 4000, 0, 96), (4096, 0, 96, 4096), (8192, 0, 4192, 808)]
        );
        assert_eq!(pieces(8192, 10).collect::<Vec<_>>(), [(8192, 0, 0, 10)]);
        assert_eq!(pieces(5, 0).count(), 0);
    }
}
