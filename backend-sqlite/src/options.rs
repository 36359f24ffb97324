//! How a store opens its database: lock timeout, durability, read-only.

use std::time::Duration;

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

/// How a store opens its database.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
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
}

impl Default for SqliteOptions {
    fn default() -> Self {
        SqliteOptions {
            lock_timeout: Duration::from_secs(100),
            busy_poll: Duration::from_millis(2),
            durability: Durability::Full,
            read_only: false,
        }
    }
}

impl SqliteOptions {
    /// The defaults: 100 s lock timeout, durable commits.
    pub fn new() -> SqliteOptions {
        SqliteOptions::default()
    }

    /// The test setting of [`SqliteStore::temporary`](crate::SqliteStore::temporary): the defaults with
    /// [`Durability::NoSync`].
    pub fn for_tests() -> SqliteOptions {
        SqliteOptions::new().with_durability(Durability::NoSync)
    }

    /// Sets [`lock_timeout`](SqliteOptions::lock_timeout).
    pub fn with_lock_timeout(mut self, timeout: Duration) -> SqliteOptions {
        self.lock_timeout = timeout;
        self
    }

    /// Sets [`busy_poll`](SqliteOptions::busy_poll).
    pub fn with_busy_poll(mut self, poll: Duration) -> SqliteOptions {
        self.busy_poll = poll;
        self
    }

    /// Sets [`read_only`](SqliteOptions::read_only).
    pub fn with_read_only(mut self, read_only: bool) -> SqliteOptions {
        self.read_only = read_only;
        self
    }

    /// Sets [`durability`](SqliteOptions::durability).
    pub fn with_durability(mut self, durability: Durability) -> SqliteOptions {
        self.durability = durability;
        self
    }
}
