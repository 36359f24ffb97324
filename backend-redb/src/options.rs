//! How a store opens its database: lock timeout, cache size, read-only, group commit.

use std::time::Duration;

use podstate_api::raw::group::GroupLimits;

/// How a [`RedbStore`](crate::RedbStore) opens its file. Built from [`RedbOptions::new`] and
/// the setters (`RedbOptions::new().read_only(true)`), so that a new option never breaks a
/// caller.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RedbOptions {
    /// How long a call waits for a lock another handle or process holds before it answers `Io`
    /// naming the lock (SPEC §3). Default 100 s, as podman's SQLite state.
    pub lock_timeout: Duration,
    /// The page cache of each of the two redb database objects a store opens (read-only and
    /// writable), in bytes. Default 64 MiB. redb drops its cache whenever another process
    /// has committed, so a larger cache helps only runs of reads without writes in between.
    pub cache_size: usize,
    /// Open the file read-only (default false): nothing is created or written, and every
    /// mutating call answers `Io`. For tools and users that may read a database but not write
    /// it. A file whose last writer died (or a `cp` copy of a live one), which redb lets only a
    /// writable open repair, is read through an in-memory overlay instead (crate docs,
    /// "Read-only stores").
    pub read_only: bool,
    /// How many concurrent write calls of the store's handles may share one write transaction
    /// and one commit, and for how long (default [`GroupLimits::new`]; [`GroupLimits::off`]
    /// commits every call on its own). See [`podstate_api::raw::group`].
    pub group_commit: GroupLimits,
}

impl Default for RedbOptions {
    fn default() -> RedbOptions {
        RedbOptions {
            lock_timeout: Duration::from_secs(100),
            cache_size: 64 << 20,
            read_only: false,
            group_commit: GroupLimits::new(),
        }
    }
}

impl RedbOptions {
    /// The defaults: 100 s lock timeout, a 64 MiB cache, writable.
    pub fn new() -> RedbOptions {
        RedbOptions::default()
    }

    /// Sets [`lock_timeout`](RedbOptions::lock_timeout).
    pub fn lock_timeout(mut self, timeout: Duration) -> RedbOptions {
        self.lock_timeout = timeout;
        self
    }

    /// Sets [`read_only`](RedbOptions::read_only).
    pub fn read_only(mut self, read_only: bool) -> RedbOptions {
        self.read_only = read_only;
        self
    }

    /// Sets [`cache_size`](RedbOptions::cache_size).
    pub fn cache_size(mut self, bytes: usize) -> RedbOptions {
        self.cache_size = bytes;
        self
    }

    /// Sets [`group_commit`](RedbOptions::group_commit).
    pub fn group_commit(mut self, limits: GroupLimits) -> RedbOptions {
        self.group_commit = limits;
        self
    }

    /// The old name of [`lock_timeout`](RedbOptions::lock_timeout()).
    #[deprecated(
        since = "0.1.0",
        note = "use `lock_timeout`, named as the facade's setter"
    )]
    pub fn with_lock_timeout(self, timeout: Duration) -> RedbOptions {
        self.lock_timeout(timeout)
    }

    /// The old name of [`read_only`](RedbOptions::read_only()).
    #[deprecated(
        since = "0.1.0",
        note = "use `read_only`, named as the facade's setter"
    )]
    pub fn with_read_only(self, read_only: bool) -> RedbOptions {
        self.read_only(read_only)
    }

    /// The old name of [`cache_size`](RedbOptions::cache_size()).
    #[deprecated(since = "0.1.0", note = "use `cache_size`")]
    pub fn with_cache_size(self, bytes: usize) -> RedbOptions {
        self.cache_size(bytes)
    }
}
