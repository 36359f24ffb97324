//! How a store opens its database: lock timeout, durability, read-only, group commit.

use std::time::Duration;

use podstate_api::raw::group::GroupLimits;

/// Whether a commit waits until the disk has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// `synchronous=FULL`: every successful mutating call is on disk when it returns (one
    /// fsync of the WAL per commit). The default, and the only setting for real use.
    #[default]
    Full,
    /// `synchronous=OFF`, **for tests only**: the same statements, transactions and locks, so
    /// the logic is identical, but nothing waits for the disk. A crash of the process loses
    /// nothing; a crash of the machine may lose or damage the database.
    NoSync,
}

/// How a [`SqliteStore`](crate::SqliteStore) opens its file. Built from [`SqliteOptions::new`]
/// and the setters (`SqliteOptions::new().read_only(true)`), so that a new option never breaks
/// a caller.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SqliteOptions {
    /// How long one call waits for other connections' locks before answering `Io` (SPEC §3;
    /// default 100 s, as podman's SQLite state).
    pub lock_timeout: Duration,
    /// The longest sleep between two tries of a lock (default 2 ms; the first sleeps are
    /// shorter, from 50 µs, doubling).
    pub busy_poll: Duration,
    /// Whether commits wait for the disk (default [`Durability::Full`]).
    pub durability: Durability,
    /// Open the file read-only (default false): nothing is created, laid out or written, and
    /// every mutating call answers `Io`. For tools that may read a database but not write it.
    pub read_only: bool,
    /// How many concurrent write calls of the store's handles may share one transaction and
    /// one commit, and for how long (default [`GroupLimits::new`]; [`GroupLimits::off`]
    /// commits every call on its own). See [`podstate_api::raw::group`].
    pub group_commit: GroupLimits,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        SqliteOptions {
            lock_timeout: Duration::from_secs(100),
            busy_poll: Duration::from_millis(2),
            durability: Durability::Full,
            read_only: false,
            group_commit: GroupLimits::new(),
        }
    }
}

impl SqliteOptions {
    /// The defaults: 100 s lock timeout, durable commits, writable.
    pub fn new() -> SqliteOptions {
        SqliteOptions::default()
    }

    /// The test setting of [`SqliteStore::temporary`](crate::SqliteStore::temporary): the
    /// defaults with [`Durability::NoSync`].
    #[cfg(feature = "testing")]
    pub fn for_tests() -> SqliteOptions {
        SqliteOptions::new().durability(Durability::NoSync)
    }

    /// Sets [`lock_timeout`](SqliteOptions::lock_timeout).
    pub fn lock_timeout(mut self, timeout: Duration) -> SqliteOptions {
        self.lock_timeout = timeout;
        self
    }

    /// Sets [`read_only`](SqliteOptions::read_only).
    pub fn read_only(mut self, read_only: bool) -> SqliteOptions {
        self.read_only = read_only;
        self
    }

    /// Sets [`busy_poll`](SqliteOptions::busy_poll).
    pub fn busy_poll(mut self, poll: Duration) -> SqliteOptions {
        self.busy_poll = poll;
        self
    }

    /// Sets [`durability`](SqliteOptions::durability).
    pub fn durability(mut self, durability: Durability) -> SqliteOptions {
        self.durability = durability;
        self
    }

    /// Sets [`group_commit`](SqliteOptions::group_commit).
    pub fn group_commit(mut self, limits: GroupLimits) -> SqliteOptions {
        self.group_commit = limits;
        self
    }

    /// The old name of [`lock_timeout`](SqliteOptions::lock_timeout()).
    #[deprecated(
        since = "0.1.0",
        note = "use `lock_timeout`, named as the facade's setter"
    )]
    pub fn with_lock_timeout(self, timeout: Duration) -> SqliteOptions {
        self.lock_timeout(timeout)
    }

    /// The old name of [`read_only`](SqliteOptions::read_only()).
    #[deprecated(
        since = "0.1.0",
        note = "use `read_only`, named as the facade's setter"
    )]
    pub fn with_read_only(self, read_only: bool) -> SqliteOptions {
        self.read_only(read_only)
    }

    /// The old name of [`busy_poll`](SqliteOptions::busy_poll()).
    #[deprecated(since = "0.1.0", note = "use `busy_poll`")]
    pub fn with_busy_poll(self, poll: Duration) -> SqliteOptions {
        self.busy_poll(poll)
    }

    /// The old name of [`durability`](SqliteOptions::durability()).
    #[deprecated(since = "0.1.0", note = "use `durability`")]
    pub fn with_durability(self, durability: Durability) -> SqliteOptions {
        self.durability(durability)
    }
}
