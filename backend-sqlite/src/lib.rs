//! The SQLite podstate backend: the whole [`State`](podstate_api::State) contract of SPEC in one
//! SQLite file (rusqlite with its bundled SQLite), durable when a call returns and shared by
//! every handle, thread and process that opens the file.
//!
//! A [`SqliteStore`] is one database file. [`SqliteStore::open`] opens or creates it;
//! [`open_handle`](podstate_api::Store::open_handle) (or the typed [`SqliteStore::open_handle`]) hands
//! out a handle with a **connection of its own** for its reads, its own namespace and its own
//! closed flag. The store opens one connection to check the file and lends it to the first
//! handle; `close` (or dropping the handle) gives a handle's connection back to the store while
//! the store has none idle, and closes it otherwise, so a CLI-style open + lookup + close opens
//! one connection, not two. The writes of all the handles of one store run
//! on the store's one write connection, where calls made at the same time share a transaction
//! and a commit (group commit, below). [`reopen`](podstate_api::Store::reopen) closes the store's
//! idle connection and opens the file again. All checks of SPEC §4 come from
//! [`podstate_api::raw`]: this crate holds the storage only (reads in [`SqliteTx`], the apply
//! phase, the schema).
//!
//! # Example
//!
//! ```
//! use podstate_api::Store;
//! use podstate_api::{Container, ContainerConfig, ErrorKind, Payload, State};
//! use podstate_sqlite::{SqliteOptions, SqliteStore};
//! use std::time::Duration;
//!
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("state.db");
//! let options = SqliteOptions::new().lock_timeout(Duration::from_secs(30));
//! let store = SqliteStore::open_with(&path, options)?;
//!
//! let state = store.open_handle()?;
//! let mut cfg = ContainerConfig::new("c0ffee", "db");
//! cfg.payload = Payload::from_json(r#"{ "image": "postgres" }"#).unwrap();
//! state.add_container(&Container::new(cfg))?; // durable when it returns
//!
//! // Another handle (another connection; it could be another process) sees it at once.
//! let other = store.open_handle()?;
//! assert_eq!(other.lookup_container_id("c0f")?, "c0ffee");
//! assert_eq!(other.lookup_container("db")?.config.payload.as_str(), r#"{ "image": "postgres" }"#);
//!
//! // Closing one handle closes that handle only.
//! state.close()?;
//! assert_eq!(state.all_containers().unwrap_err().kind(), ErrorKind::DbClosed);
//! drop((state, other));
//!
//! // Everything survives the store (a new process would see the same).
//! let store = std::sync::Arc::new(store).reopen()?;
//! assert_eq!(store.open_handle()?.all_containers()?.len(), 1);
//! # Ok::<(), podstate_api::StateError>(())
//! ```
//!
//! # Layout
//!
//! The schema is [`schema::SCHEMA`] (snapshot-tested as SQLite stores it). Every key is `TEXT`
//! compared with SQLite's `BINARY` collation, which is the byte order of SPEC §2.8.
//!
//! | table | key | holds | enforces |
//! |---|---|---|---|
//! | `object` | `id` (and `name`, `UNIQUE`) | every container and pod, one row each: kind, name, namespace, a container's pod and current networks with their aliases (a JSON object), config and state | SPEC §2.1: one ID space and one name space; non-empty, NUL-free keys; known kinds; a member's pod is a stored object and a pod with members cannot go (§2.3: that it is a pod of the same namespace is the checks' and `verify`'s, as a composite key would cost an index); networks only on a container |
//! | `dependency` | `(dep, ctr)` | one edge per dependency; the key serves `container_in_use` | both ends are stored objects (that they are containers is the checks' and `verify`'s), no self-edge (§2.2) |
//! | `volume`, `volume_user` | `name`, `(volume, ctr)` | volumes; which container uses which | a used volume cannot go (§2.4) |
//! | `exec_session` | `id` | session -> container | its object exists (that it is a container is the checks' and `verify`'s; §2.5) |
//! | `db_config` | one row | the pinned DB config | |
//!
//! Configs and states are the JSON serde_json makes of the API types, except that each record's
//! payload is taken out into a column of its own (`config_payload`, `state_payload`) and stored
//! as its exact text: never parsed, never re-encoded, byte for byte (serde cannot keep the white
//! space around an embedded raw value). The small exec-session payloads inside a container state
//! are embedded as JSON strings. The identity columns (ID, name, namespace, pod) are columns of
//! their own, so no check decodes a record; an alias is only ever stored under its network,
//! which is what §2.6 asks.
//!
//! The layout (version 2) is the one that writes the fewest pages per durable call: adding a
//! container writes its `object` row with its ID and name keys, which is what plain rusqlite's
//! one table writes, plus one `volume_user` row per named volume and two `dependency` entries per
//! dependency. Measured with rows of the bench's sizes (a 7.5 KB config payload, one volume, one
//! network with two aliases, a dependency on one in ten; WAL frames per commit, 1,000 stored): add 8.9 pages, remove 10.2, against 7.0 and 8.5 for one plain table and
//! 18.0 and 14.8 for version 1 (whose records, networks and aliases were rows of tables of their
//! own, each with a second index). The `object_pod` and `object_pods` indexes are partial: a
//! container outside a pod writes neither.
//!
//! Removing a container deletes its `volume_user` rows by their keys, read from its config (so
//! that table needs no second index; only the config's dependency and volume fields are
//! decoded, so a config damaged elsewhere does not stop the removal), then its `object` row;
//! `ON DELETE CASCADE` removes its dependency edges and exec sessions (§2.7), and the foreign
//! keys refuse any write that would leave such a row dangling: a refusal (which the checks make
//! impossible) answers `Corrupt`. `verify` reports a `volume_user` row that names no stored
//! container. Its checks read the identity and the first exec session and dependent in one
//! statement. (`DELETE ... RETURNING config`, which would save the read of the config, was
//! measured slower, by some 20 µs per call without fsync.)
//!
//! Prefix lookups are range scans of an index on the ID: `id >= ?1 AND id < ?2 ... LIMIT 2`,
//! where `?2` is the least string above every string starting with the prefix (the prefix with
//! its last character incremented). Every character is literal (no `LIKE`, no `GLOB`, so `_`
//! and `%` are plain characters), the namespace filter is SQL, and a test checks the query plan.
//!
//! # Transactions and locking
//!
//! A reading call is one transaction on its handle's connection: `BEGIN`, whose first read
//! takes the snapshot every later read of the call sees (in WAL mode it never waits for a
//! writer). A mutating call runs on the store's write connection inside `BEGIN IMMEDIATE` ...
//! `COMMIT`, which takes the database's one write lock first, so writes are serialized across
//! handles and processes and a read-then-write call never meets `SQLITE_BUSY_SNAPSHOT`. Any
//! error rolls the transaction back whole.
//!
//! **Group commit** ([`podstate_api::raw::group`], SPEC §3): write calls that the handles of
//! one store make while another's transaction runs queue for the write connection and then run
//! one after the other in one transaction, each checked and applied as if alone, with one
//! `COMMIT` (one fsync) for all; each is answered once that commit is durable. A lone writer
//! commits at once. A group holds at most [`SqliteOptions::group_commit`] calls (32, 10 ms), and
//! commits at once when a writer of another process announces itself on the `-wait` file
//! (below), so that the turns among processes keep working.
//!
//! A lock held by another connection is waited out, never answered: SQLite's busy handler sleeps
//! (50 µs doubling up to [`SqliteOptions::busy_poll`], 2 ms by default) and retries until the
//! call's deadline, [`SqliteOptions::lock_timeout`] (default 100 s, SPEC §3) after the call
//! began, and an own retry loop with the same deadline covers the few `SQLITE_BUSY` answers
//! SQLite gives without asking the handler (opening, switching to WAL, `BEGIN`, `COMMIT`). Past
//! the deadline the call answers `Io` naming the database file, the lock and, on Linux, the
//! processes holding write locks on it (read from `/proc/locks`), and changes nothing. A process
//! that dies holding the lock releases it with its file descriptors; one that is stopped holds
//! it until others time out. Readers hold nothing a writer waits for.
//!
//! SQLite's waiters poll, so a process that writes in a tight loop takes the lock again before a
//! sleeping waiter looks, and could starve other writers for seconds. Writers therefore take
//! turns through a small file beside the database, `NAME-wait` (see `turn.rs`): a writer that
//! waits for the lock announces itself there with a shared `flock` lock, and a writer about to
//! begin leaves the lock to announced waiters first (at most 150 ms; a connection whose yield
//! runs out, say for a stopped waiter, does not yield again for a second). Against a process
//! saving one container in a tight loop (durable commits), another process's single write took
//! p50 131-282 ms, p99 0.97-2.66 s, max 1.24-3.51 s without turns (three runs), and p50
//! 2.3-4.9 ms, p99 9.7-38 ms, max 10-101 ms with them (four runs; `examples/sqlite_lock_waits.rs`,
//! 200-300 writes per run, 2-core VM whose disk other builds shared). Plain-SQL tools get their turn the same way: hold a shared lock on the
//! `-wait` file while they write (`flock -s state.db-wait sqlite3 state.db ...`); without it the
//! `sqlite3` shell's own busy handler (`.timeout`) rarely gets in against such a loop.
//!
//! # Durability and WAL
//!
//! Commits are `synchronous=FULL` ([`Durability::Full`]): every successful mutating call is on
//! disk when it returns. The file is in WAL mode, chosen by measuring durable single-call commit
//! rates of both journal modes through this backend (release build; `add_container`, then
//! `save_container`, of 1,000 podman-sized containers with a 7.5 KiB config payload and a
//! 0.6 KiB state payload; 6 runs of each mode, interleaved, on the 2-core development VM whose
//! virtual disk other builds shared; fsyncs counted with `strace`):
//!
//! | journal mode (`synchronous=FULL`) | `add_container`/s | `save_container`/s | fsyncs per commit |
//! |---|---|---|---|
//! | **WAL** | 3,100 - 4,370 | 5,040 - 6,820 | 1.02 (the WAL; checkpoints add the rest) |
//! | rollback (`DELETE`) | 840 - 1,280 | 1,260 - 1,660 | 4.0 (journal, directory, journal, database) |
//!
//! WAL is 3 to 4 times faster because a commit appends to the WAL and syncs it once, readers
//! never block the writer nor wait for it, and `FULL` keeps it durable (WAL with `NORMAL` would
//! not be: it syncs only at checkpoints). Its costs: every process must be on the same host
//! (shared memory in the `-shm` file; podman's state never leaves the host) and the `-wal` and
//! `-shm` files beside the database. The directory is synced once after a database file is
//! created, so the new file's name is durable too.
//!
//! The database file is never opened with plain file I/O: closing any descriptor of it would
//! drop this process's POSIX locks and let another process corrupt it. Identifying a file is
//! done through SQLite itself, before anything writes: application ID, version and schema (see
//! [`schema`]); a file that is not a podstate database answers `Corrupt` naming it and is left
//! byte for byte as it was; a zero-length file is an empty database (SQLite's own view, and
//! what a process that died between creating and laying out the file leaves). Damage SQLite
//! detects (`SQLITE_CORRUPT`, `SQLITE_NOTADB`) answers `Corrupt`;
//! [`SqliteStore::check_integrity`] runs the full `integrity_check` and `foreign_key_check` on
//! demand, and `Store::verify` runs them and then reads every row of every table against the
//! invariants of SPEC §2 (listing each record that does not decode rather than stopping).
//!
//! A read-only open ([`SqliteOptions::read_only`]) needs only read access and writes nothing,
//! in the file or beside it (SPEC §3). Where SQLite's own read-only open cannot read a killed
//! writer's leftovers without writing (a WAL of no more than its header beside the `-shm`, a WAL
//! without `-shm`), the database file alone holds the last commit; when no process holds a lock
//! on the files (`/proc/locks`), the connection then reads that file alone as `immutable`, and is
//! replaced at the start of a call once `stat` shows that the files changed, so that it sees
//! what a writer that comes back commits (see `read_only.rs`).
//!
//! # Versions and upgrades
//!
//! A podstate database has `PRAGMA application_id` = [`schema::APPLICATION_ID`] and `PRAGMA
//! user_version` = its schema version ([`schema::SCHEMA_VERSION`], 2). A database of a newer
//! version is refused at open with `Io` naming both versions (nothing is damaged: a newer
//! podstate reads it), and every transaction checks the version again, so a process still
//! running an older podstate refuses (`Io`) once a newer one has upgraded the file, instead of
//! misreading it.
//!
//! A database of an older version (down to [`schema::OLDEST_VERSION`]) is upgraded by a
//! writable open, inside one `BEGIN IMMEDIATE` transaction that re-reads the version, runs each
//! version's step, sets `user_version` and commits, so two processes upgrading at once upgrade
//! once and a crash leaves the old version whole; a read-only open refuses it (`Io`) with one
//! line naming `podstate upgrade`. Version 1 (records, networks and aliases in tables of their
//! own) upgrades to 2 by moving the rebuilt tables aside, laying out the new ones and copying
//! every row with the foreign keys on (`schema.rs`). Version 0 is synthetic (version 1's schema
//! stamped 0), kept as the start of the chain. To add version N+1:
//!
//! 1. write the new `schema.sql` (a fresh database is laid out directly at N+1) and its step
//!    from N in `schema.rs` (`migrate`): the DDL and data rewrites from N to N+1;
//! 2. keep every older step, so any older version upgrades step by step; never downgrade;
//! 3. add golden files of version N+1 beside the older ones (`podstate/tests/golden/vN+1/`).
//!
//! # Test speed
//!
//! `SqliteStore::temporary` (feature `testing`) makes a database in a new temporary directory
//! with `SqliteOptions::for_tests`, i.e. [`Durability::NoSync`] (`synchronous=OFF`): the same
//! statements, transactions and locks, so the logic under test is identical, but nothing waits
//! for the disk. Durability itself is not what the conformance suite tests; power-loss tests
//! must use [`Durability::Full`]. The directory lives as long as the store, its reopens and
//! their handles.
//!
//! # Figures
//!
//! One run of the rates probe that `cargo xtask bench` has since taken over (durable settings,
//! one handle; mean per call; 2,000 lookups of existing containers; all_containers 5 times),
//! beside the memory backend. `cargo xtask bench` measures these phases and more against plain
//! rusqlite at the same settings and against the disk's fsync ceiling. Lookups return the whole container (config and state decoded, payloads
//! copied); "ID only" is `lookup_container_id`, the checks without the load.
//!
//! | N | backend | add | lookup by name | by 12-char ID prefix (ID only) | all_containers |
//! |---|---|---|---|---|---|
//! | 1,000 | memory | 1.9 µs | 5.0 µs | 0.8 µs (0.4 µs) | 0.7 ms |
//! | 1,000 | sqlite | 1.3 ms | 17.7 µs | 13.8 µs (5.2 µs) | 9.8 ms |
//! | 10,000 | memory | 2.4 µs | 2.0 µs | 1.3 µs (0.6 µs) | 10.3 ms |
//! | 10,000 | sqlite | 1.4 ms | 17.7 µs | 18.1 µs (6.3 µs) | 103 ms |
//!
//! An add is one durable commit: its time is the disk's fsync latency, which other builds on
//! the same virtual disk pushed from 0.25 ms (quiet minutes: 4,000 adds/s) to 4 ms. Reads do
//! not touch the disk: a lookup costs a read transaction (two `fcntl` calls on the WAL index)
//! and four to six cached statements. Two choices were measured: the query planner stability
//! guarantee (`SQLITE_DBCONFIG_ENABLE_QPSG`) stops SQLite from re-preparing statements whose
//! plan could depend on a bound value (a prefix lookup went from 21 to 7 µs); `WITHOUT ROWID`
//! record tables were tried and tripled the time of a lookup by name (records of 8 KiB fit
//! index b-tree pages badly), so the record tables keep their row IDs and only the small index
//! tables are `WITHOUT ROWID`. For comparison, podman's BoltDB state (N=5,000): add 2,249 µs,
//! lookup by name 230 µs, by prefix 1,814 µs, all_containers 548 ms.

mod backup;
mod begin;
mod busy;
mod conn;
mod error;
mod group;
mod locks;
mod open;
mod options;
mod read;
mod read_only;
mod record;
pub mod schema;
mod spare;
mod store;
mod turn;
mod verify;
mod write;

pub use options::{Durability, SqliteOptions};
pub use store::{SqliteEngine, SqliteState, SqliteStore, SqliteTx};
pub use turn::WAIT_SUFFIX;

/// The files of a podstate SQLite database: the file, SQLite's WAL (which holds committed data
/// until a checkpoint, so it moves with the file) and its shared-memory index, and the file
/// podstate's writers take turns on (both rebuilt by the next open).
pub const DATABASE_FILES: podstate_api::raw::DatabaseFiles =
    podstate_api::raw::DatabaseFiles::new(&["wal", "shm", "wait"], &["wal"]);

#[cfg(test)]
mod tests;
