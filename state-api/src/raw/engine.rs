//! The transactions a backend runs its calls in.

use std::fmt::Debug;

use super::{StoreLoad, StoreRead, StoreWrite};
use crate::Result;

/// A backend's storage as one handle uses it: read and write transactions over its data.
///
/// [`Handle`](super::Handle) implements every call of [`State`](crate::State) on top of an
/// engine, so an engine is all a backend writes: its transactions, its reads
/// ([`StoreRead`], [`StoreLoad`]) and its apply phase ([`StoreWrite`]).
pub trait Engine: Send + Sync + Debug {
    /// The backend's name, as [`Store::backend`](super::Store::backend) says it (`"sqlite"`):
    /// the `backend` field of every call's span (see [`trace`](super::trace)). The default
    /// is `"unnamed"`; a wrapper around another engine says the inner engine's name.
    const BACKEND: &'static str = "unnamed";

    /// A read-only transaction's view.
    type Read<'a>: StoreRead + StoreLoad
    where
        Self: 'a;

    /// A write transaction's view. It is `Send` because a batch hands it, behind a lock, to a
    /// closure that may run its calls on any thread.
    type Write<'a>: StoreRead + StoreLoad + StoreWrite + Send
    where
        Self: 'a;

    /// Runs `f` in one read transaction: every read inside sees one consistent state that
    /// includes every write committed before the transaction began, by any handle or process.
    fn read<T>(&self, f: impl FnOnce(&Self::Read<'_>) -> Result<T>) -> Result<T>;

    /// Runs `f` in one write transaction, serialized with every other write to the store. When
    /// `f` answers `Ok`, everything it wrote is committed (durably, for a persistent backend)
    /// before this returns; when it answers `Err` before writing anything, nothing changed.
    ///
    /// A single call never fails after its first write except with `Io` or `Corrupt` from the
    /// storage itself, so an engine whose writes cannot fail (memory) needs no rollback here.
    fn write<T>(&self, f: impl FnOnce(&mut Self::Write<'_>) -> Result<T>) -> Result<T>;

    /// Runs `f`, a whole batch of calls, in one write transaction as [`write`](Engine::write)
    /// does, except that `f` may answer `Err` after it wrote: then nothing it wrote may remain.
    /// An engine whose transactions roll back on `Err` (SQLite, redb) runs `write`; one that
    /// relies on checks running before writes (the memory engine) needs a copy or an undo log;
    /// a wrapper hands the batch to its inner engine's `batch`. No default: a wrapper that
    /// forwarded `write` but inherited a default `batch` would lose its inner engine's rollback.
    fn batch<T>(&self, f: impl FnOnce(&mut Self::Write<'_>) -> Result<T>) -> Result<T>;

    /// The backend's name for this engine's spans: [`BACKEND`](Engine::BACKEND), unless the
    /// name is known only at run time (the engine of a batch's handle says its backend's).
    fn backend(&self) -> &'static str {
        Self::BACKEND
    }

    /// Releases what the handle holds (a connection, a file); called once, by the first
    /// `close` of the handle. The default holds nothing.
    fn close(&self) -> Result<()> {
        Ok(())
    }
}
