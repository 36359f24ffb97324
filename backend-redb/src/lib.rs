//! The redb podstate backend: the whole [`State`](podstate_api::State) contract of SPEC in one
//! pure-Rust file that many handles, threads and processes share.
//!
//! A [`RedbStore`] is one database file, opened with [`RedbStore::open`] (created if missing) or
//! [`RedbStore::open_with`] and [`RedbOptions`]. Its handles ([`RedbStore::open_handle`], or
//! [`Store::open_handle`](podstate_api::Store::open_handle)) implement every call through
//! the shared check order of `podstate_api::raw`; this crate holds only the storage: the
//! transactions ([`RedbEngine`]), the reads and the apply phase over the tables below.
//!
//! # Example
//!
//! ```
//! use podstate_api::Store;
//! use podstate_api::{Container, ContainerConfig, ErrorKind, State};
//! use podstate_redb::{RedbOptions, RedbStore};
//! use std::time::Duration;
//!
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("state.redb");
//! let options = RedbOptions::default().lock_timeout(Duration::from_secs(10));
//! let store = RedbStore::open_with(&path, options)?;
//! let state = store.open_handle()?;
//! state.add_container(&Container::new(ContainerConfig::new("c0ffee", "db")))?;
//!
//! // Another handle (or another process opening the same path) sees the same data; every
//! // handle has its own namespace and closed flag.
//! let other = store.open_handle()?;
//! assert_eq!(other.lookup_container_id("c0f")?, "c0ffee");
//! state.close()?;
//! assert_eq!(state.all_containers().unwrap_err().kind(), ErrorKind::DbClosed);
//!
//! // What returned is on disk: a new store on the file, as a new process, finds it.
//! drop((state, other));
//! let store = std::sync::Arc::new(store).reopen()?;
//! assert_eq!(store.open_handle()?.lookup_container_id("db")?, "c0ffee");
//!
//! // A file that is not a podstate database is refused, and left as it was.
//! std::fs::write(dir.path().join("notes.txt"), "hello")?;
//! let err = RedbStore::open(dir.path().join("notes.txt")).unwrap_err();
//! assert_eq!(err.kind(), ErrorKind::Corrupt);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Database objects and handles
//!
//! redb runs in `ConcurrencyMode::MultiWriter`: any number of processes keep the file open,
//! write transactions take turns (one at a time across all processes), and every `begin_read`
//! picks up the latest commit of any process. A store opens at most two redb objects, shared by
//! all its handles through one `Arc`, so a handle costs one allocation:
//!
//! * a **read-only** database object, opened at once; every read call runs one read transaction
//!   on it. A read-only open neither writes to the file nor waits for a writer (39 µs on this
//!   machine's disk);
//! * a **writable** one, opened by the first mutating call. A writable open writes to the file
//!   (five fdatasyncs, 0.9 ms) and waits for any write transaction in progress, so a process that
//!   only reads never pays for it, and nothing writes to a file before the read-only side has
//!   proved it a podstate database (below).
//!
//! One object per side rather than per handle, because redb serializes the write transactions
//! of one object in-process already and a second object would only add a file description, its
//! locks and a writable open. [`reopen`](podstate_api::Store::reopen) drops both (once the
//! handles are gone) and opens the path again.
//!
//! # Read-only stores
//!
//! A store opened read-only ([`RedbStore::open_read_only`], [`RedbOptions::read_only`]) never
//! writes to the file, so a user who may only read it can use it; it reads the last committed
//! state, holds no writer up, and sees what writers commit later. redb itself refuses a
//! read-only open of a file marked as needing repair: in multi-writer mode every writable open
//! marks the file for as long as it is open, so the mark stays on a file whose last writer was
//! killed, and on every `cp` copy of a live file, until a writable open repairs it. A read-only
//! store reads such a file through an **overlay**: a writable redb database over a storage that
//! reads the file and keeps every write in memory, so that redb's repair runs there and is
//! thrown away. While an overlay read runs it holds all of redb's "active transaction" bytes
//! shared, which keeps every writer from reusing a page it reads (shared locks there never hold
//! a writer up); and each read first checks that the file's header is the one the overlay was
//! made from, else the overlay is stale (a writer repaired or committed) and the store opens the
//! file anew, the plain way once a writer is live. `src/overlay.rs` has the argument in full;
//! `tests/read_only.rs` tries it as an operator would (a user without write permission, a
//! killed writer, a copy, writers coming back, a read paused while a writer reuses pages), and
//! compares the file's bytes before and after.
//!
//! # Transactions, durability, locking
//!
//! Each read call is one read transaction; each mutating call one write transaction committed
//! with `Durability::Immediate` (the only durability multi-writer mode allows): everything is on
//! disk when the call returns. Multi-writer commits are always two-phase: two fdatasyncs per
//! commit. A call that answers `Err` aborts its transaction, so it changes nothing.
//!
//! **Group commit** ([`podstate_api::raw::group`], SPEC §3): write calls that the handles of one
//! store make while another's transaction runs queue for the store's write group and then run
//! one after the other in one write transaction, each checked and applied as if alone, with one
//! two-phase commit for all; each is answered once that commit is durable. A lone writer commits
//! at once. A group holds at most [`RedbOptions::group_commit`] calls (32, 10 ms), and commits at
//! once when a writer of another process or store has announced itself (below), so that turns
//! keep working. A call that meets an I/O error aborts its group: the other calls of it answer
//! `Io` and none of them changed anything.
//!
//! A failing disk: redb latches an I/O error (every later call on the database object that met
//! it answers `PreviousIo` until it is opened again), so after a call that met one the store
//! drops that object, read-only or writable, and the next call opens it anew: the call answers
//! `Io`, and the store works again as soon as the disk does. A failed commit may still have
//! reached the disk (redb writes the header once more after the commit's last sync), as a call
//! in flight at a crash may.
//!
//! No call fails because another handle or process is writing (SPEC §3), and none waits past the
//! lock timeout ([`RedbOptions::lock_timeout`], default 100 s); past it the call answers `Io`,
//! one line naming the file, the lock and the process holding it with its command name ("the
//! write lock is held by process 4711 (podman): gave up after waiting 100.0 s"). redb's locks are
//! open-file-description locks, which `/proc/locks` lists without an owner, so the holder is
//! found by reading the `lock:` lines of `/proc/*/fdinfo/*` of every process this user may
//! inspect, for a lock on the same device and inode that conflicts with the one wanted: only
//! while a call waits (every 10 ms or more seldom, a look taking at most a tenth of the wait),
//! never on the path of a call that does not wait. The timeout names the holder found when the
//! wait gives up, else the one last seen during the wait (it may have let go just after the last
//! try); "an unknown process" where none can be found. redb's own `begin_write` waits without
//! bound, so a write starts with `try_begin_write`, retried with a jittered back-off from 20 µs
//! to 2 ms; and the file is opened through a storage backend that turns redb's blocking
//! byte-range locks (the writer byte a writable open takes, the header lock of a commit) into
//! the same bounded polling, so a stopped peer cannot hang an open or a read either. A write
//! waits in each of them only for what is left of its own lock timeout: when it opens the file
//! for writing (a store's first, or the next after an I/O error), begins, or commits (a commit
//! shared by a group waits until the latest deadline of its calls). A store's open is one call
//! too: opening its reader, and the writable open and write of a repair or an upgrade, all wait
//! until one deadline, a lock timeout after the open began. One caveat of the lock
//! kind (research on redb 4.6): a child forked without `exec` while a write transaction is
//! open keeps the lock until it exits.
//!
//! **Only a write holds others up.** In multi-writer mode redb's `begin_read` holds the header
//! lock shared while it reads the header, checks it, and takes its transaction's "active
//! transaction byte" (a header read, a checksum, a lock call, and a cache invalidation when
//! another process has committed), and a committing writer needs that lock exclusively: a
//! reader stopped (SIGSTOP, Ctrl-Z) in that window held every writer up, in 7 of 100 random
//! stops of a reader calling `all_containers` in a loop. So a read-only database object takes
//! its snapshots without the header lock: it reads the header, takes the transaction byte,
//! reads the header again, and starts over unless both reads agree (after eight tries in a
//! row, or any other error, once with the lock). `src/bounded.rs` argues why that is safe;
//! `tests/snapshots.rs` pauses a read between the two header reads while a writer reuses the
//! pages the first one named, and `tests/stopped_peers.rs` stops a reader there. 0 of 100
//! random stops block a writer since (the `redb_lock_waits` example, `stopped-readers`).
//!
//! **Waiting writers get their turn.** Polling has no queue: against another process writing in
//! a tight loop, whose commits follow each other within microseconds, a waiting write rarely
//! found the lock free (200 writes on this machine's disk: p50 421 ms, p99 10.3 s, max 25.9 s).
//! A writer that finds the write lock taken announces itself with a shared lock on a byte redb
//! leaves to storage backends (`LOCK_BASE + 960`; redb's own file backend uses `+896` and
//! `+897`), and a writer about to start a write transaction yields while anyone else waits, for
//! at most 5 ms, so that a stopped waiter costs each write at most that. Since: p50 1.2 ms, p99
//! 3.6 ms, max 4.8 ms (`redb_lock_waits tight-loop`; one write alone 0.6 ms); `tests/fair_turns.rs`
//! counts the loop's commits before each waiting write gets in (1, against a median of 44
//! before).
//!
//! # Layout
//!
//! Keys are redb `&str` or tuples of `&str`, ordered by their bytes element by element: the
//! order of SPEC §2.8, so every list is a range scan that comes out sorted. Every call is key
//! look-ups and range scans; only `all_*` and `refresh` walk whole tables.
//!
//! | table | key -> value | holds |
//! |---|---|---|
//! | `podstate_meta` | `&str -> &[u8]` | `"format"` -> format version; `"db_config"` -> pinned DB config |
//! | `containers` | `&str -> &[u8]` | container ID -> identity record (name, namespace, pod, current networks with their aliases) |
//! | `container_configs` | `&str -> &[u8]` | container ID -> config (object record) |
//! | `container_states` | `&str -> &[u8]` | container ID -> state (object record) |
//! | `pods`, `pod_configs`, `pod_states` | `&str -> &[u8]` | the same for pods |
//! | `volume_configs`, `volume_states` | `&str -> &[u8]` | volume name -> config, state |
//! | `names` | `&str -> &[u8]` | the shared container/pod name space: name -> (kind, ID) |
//! | `dependents` | `(&str, &str) -> ()` | reverse dependency edges: (dependency, dependent) |
//! | `pod_members` | `(&str, &str) -> ()` | (pod, member) |
//! | `volume_users` | `(&str, &str) -> ()` | (volume, container) |
//! | `exec_sessions` | `&str -> &str` | the exec registry: session -> container |
//! | `container_exec_sessions` | `(&str, &str) -> ()` | the registry per container |
//!
//! * **ID space.** Containers and pods keep their own identity tables, so that a prefix lookup
//!   of one kind is a range scan of its own table; an ID is free when neither table has it (two
//!   probes).
//! * **Prefix look-ups** scan from the prefix (every byte literal), skip what the handle's
//!   namespace cannot see by decoding the small identity record only, and stop at the first key
//!   without the prefix or at the second visible match.
//! * **Index values** (identity and name records) are postcard, chosen by measurement over
//!   serde_json: 99 against 130 bytes for a container's identity, 35 against 148 ns to decode
//!   (borrowed), and garbage decodes to an error, never a panic.
//! * **Networks in the container's record** (format 2): a container's current networks, each
//!   with its aliases, follow its name, namespace and pod in its identity record, networks in
//!   byte order and each network's aliases in byte order, each once (a record that breaks the
//!   order is `Corrupt` naming the container). A lookup decodes only the leading identity
//!   fields (postcard leaves the rest unread); `add` and `remove` write no table of networks,
//!   and a connect or disconnect rewrites the one record. Format 1 kept them in two tables of
//!   their own (`networks`, `network_aliases`), which every remove wrote (two tables more).
//! * **Object records** (configs and states, the DB config) are the serde_json text of the API
//!   type with every payload replaced by `{}`, followed by the payload texts byte for byte (a
//!   postcard pair). serde_json's raw values drop the whitespace around a payload, which SPEC §1
//!   keeps; and a read no longer scans the ~7.5 KiB payload (1.0 against 3.4 µs per config).
//! * **Config and state apart**: a podman config (~8 KB) and state (~0.6 KB) in one value take a
//!   16 KiB redb page, 16.4 KB per container against 9.4 KB apart (engine measurements), and
//!   `save_container` rewrites only the state.
//!
//! The layout is snapshot-tested (`src/snapshots/`): the table definitions, and every table's
//! raw content after a small story. [`layout`] lists it.
//!
//! # Format version and bad files
//!
//! A new file is made whole (every table, `format` = 2) in a hidden file beside it, then
//! hard-linked into place, which fails if the path appeared meanwhile: no process sees a
//! half-made database, and of several processes creating one path at once one wins and the
//! others open its file. Opening an existing path first opens it read-only and checks, before
//! anything writes to it, that it is a non-empty redb file with a `podstate_meta` table, a format
//! this build reads, and every table of the layout. Otherwise the answer is `Corrupt` naming the
//! file (`Io` for a file that cannot be read or a lock timeout), and the file is left as it was:
//! random bytes, a SQLite file, an empty file, another redb database, a newer podstate format
//! ("format 3 is newer than the format this build reads (2): open it with a newer podstate").
//! A file of an older format (down to [`OLDEST_FORMAT`]: format 1, and the synthetic format 0,
//! format 1's layout stamped 0) is upgraded by a writable open in one write transaction that
//! reads the format again, runs each format's step and stamps [`FORMAT`]; a read-only open
//! refuses it (`Io`) with one line naming `podstate upgrade`. The step from 1 to 2 moves the
//! rows of `networks` and `network_aliases` into the containers' records and deletes the two
//! tables; a format 1 file whose network rows name a container that has no record, or aliases
//! on a network the container is not on, is refused as `Corrupt` and left at format 1.
//! The one exception: a redb file whose last writer died is repaired by the first writable open
//! (a read-only store reads it through an overlay instead, above), so such a file that is not a
//! podstate database is repaired by a writable store before it is refused.
//!
//! A process killed while creating a database leaves its hidden draft (`.NAME.PID.NANOS.new`)
//! beside it; the next writable open removes the drafts of the database's name whose creator is
//! dead (not in `/proc`, and holding no lock on the draft), never another's.
//!
//! redb trusts a cleanly closed file and panics on some damaged pages (its B-tree code has
//! `unreachable!`s). Every open and every transaction runs under `catch_unwind`, and a panic
//! answers `Corrupt` naming the file; the test that garbles every page of a file in turn meets
//! over a hundred such panics and lets none through. redb's `set_check_integrity_on_open` would
//! catch damage earlier, but it costs a full check (37 ms on an 83 MB file, against 59 µs for
//! open + lookup + close at N = 10,000) and applies to writable opens only, which reads never
//! make here: not used.
//!
//! # Figures
//!
//! One release run of the rates probe that `cargo xtask bench` has since taken over (it measures
//! these phases and more against plain redb at the same settings and against the disk's fsync
//! ceiling), on this machine's disk (ext4, 4 KiB write + fdatasync 99 µs), podman-sized
//! containers (7.5 KiB config payload, 0.6 KiB state payload), beside the memory backend:
//!
//! | | redb N = 1,000 | redb N = 10,000 | memory N = 10,000 |
//! |---|---|---|---|
//! | `add_container` (durable) | 629 µs | 803 µs | 23 µs |
//! | `lookup_container` by name (cold cache) | 19 µs | 29 µs | 2.5 µs |
//! | `lookup_container` by 12-character ID prefix | 11 µs | 14 µs | 1.7 µs |
//! | `all_containers` | 4.9 ms | 110 ms | 8.4 ms |
//! | open + lookup + close (a CLI read) | 46 µs | 59 µs | |
//! | open + `save_container` + close (a CLI write) | 1.5 ms | 1.7 ms | |
//! | file size per container | 15.0 KB | 12.0 KB | |
//!
//! The page cache ([`RedbOptions::cache_size`], default 64 MiB per database object) barely
//! matters here: at N = 10,000, 16 MiB, 64 MiB and 1 GiB gave `all_containers` in 105, 105-112
//! and 111-128 ms, and warm look-ups by name in 19, 18 and 14 µs, since redb drops its cache at
//! every commit of another process and the operating system caches the file anyway.
//!
//! # The test setting
//!
//! `RedbStore::temporary` (feature `testing`) makes a store in a new temporary directory
//! (removed with the store and every store reopened from it) on the RAM-backed `/dev/shm` where
//! there is one, so that fdatasyncs cost next to nothing; mode, durability and locks are exactly
//! as on disk. The conformance suite and the multi-process test run there.
//!
//! `RedbStore::open_with_storage` (feature `testing`) is the seam of the failing-disk tests
//! (`podstate-reliability`): a `StorageHook` receives the storage of every file the store opens
//! (redb's own file backend) and may wrap it, e.g. in a storage that loses unsynced writes at a
//! simulated power cut or fails chosen reads, writes and syncs. The hook sits below every podstate
//! layer (the bounded lock waits, the overlay), right above the file, so a podstate layer that
//! dropped a sync would show there: `tests/syncs.rs` counts the syncs reaching the file per durable
//! commit (two, the data and the header) and fails below that. The store's own code path is
//! otherwise the production one; without a hook nothing is wrapped.

mod backoff;
mod bounded;
mod drafts;
mod error;
mod group;
mod holders;
mod lock;
mod open;
mod options;
mod overlay;
mod read;
mod reader;
mod record;
mod schema;
mod storage;
mod store;
mod upgrade;
mod verify;
mod write;

#[cfg(test)]
mod holder_tests;
#[cfg(test)]
mod tests;

pub use options::RedbOptions;
pub use schema::{FORMAT, OLDEST_FORMAT, TableInfo, layout};

/// The files of a podstate redb database: the one file (a new database is drafted under a
/// hidden name of its own and linked into place, never kept beside it).
pub const DATABASE_FILES: podstate_api::raw::DatabaseFiles =
    podstate_api::raw::DatabaseFiles::SINGLE_FILE;
#[cfg(feature = "testing")]
pub use storage::StorageHook;
pub use store::{RedbEngine, RedbState, RedbStore};
