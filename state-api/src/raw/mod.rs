//! For backend authors: everything a backend shares with the others, so that it holds only its
//! storage. A runtime never needs this module; it uses [`State`](crate::State) and, to open a
//! store, [`Store`](crate::Store).
//!
//! # How a backend is built
//!
//! A backend implements three traits over one transaction of its storage and one trait that
//! runs those transactions:
//!
//! * [`StoreRead`]: the reads the checks need (an object's identity by ID, who holds a name, the
//!   first two visible matches of a prefix, dependents, members, users, sessions, networks);
//! * [`StoreLoad`]: the whole objects the retrieval calls return;
//! * [`StoreWrite`]: the apply phase, one write per kind of change;
//! * [`Engine`]: read and write transactions (a lock, `BEGIN IMMEDIATE`, a redb transaction).
//!
//! [`Handle<E>`](Handle) then implements all 53 calls of [`State`](crate::State) for it: step 1
//! and the handle's namespace, the check order of SPEC §4 written once in [`check`] (on top of
//! [`rules`] for step 2), and the apply phase, in one transaction per call. Every backend
//! therefore answers every call the same way: the order of the checks, lookup resolution and the
//! collision order cannot drift apart, and `duplicates` finds no copy of them in any backend.
//! [`lifecycle`] holds the pure pieces of `refresh` and `validate_db_config` the apply phase
//! uses.
//!
//! A backend's store type implements [`Store`](crate::Store): it hands out `Handle`s and says
//! what it can do ([`Capabilities`](crate::Capabilities)). The conformance suite, `cargo xtask`
//! and the `podstate` facade all build on that one definition.
//!
//! # A walk through the template engine
//!
//! `examples/template-engine/` in the repository (`podstate-example-template`) is a whole
//! backend in a few hundred commented lines, meant to be copied: the store is one JSON file,
//! kept in memory by the process that opened it and rewritten by every commit. It shows each
//! piece below; the conformance suite checks it like every backend of the workspace.
//!
//! **The data** (`data.rs`). One value holds every record: containers by ID (each with the
//! networks it is connected to now, which `network_connect` moves away from its config's), pods
//! by ID, volumes by name, the exec registry (session ID to container ID) and the pinned DB
//! config. It implements the three transaction traits, and each must promise:
//!
//! * [`StoreRead`]: every answer comes from the one state the transaction sees, exactly (an ID
//!   is an ID, never a prefix or a name: the checks do the resolving), and lists come sorted
//!   without duplicates (SPEC §2.8). The template computes every index (who holds a name,
//!   dependents, members, volume users) by scanning its records in key order, so they cannot
//!   drift from the records; a real engine keeps them and keeps them in step.
//! * [`StoreLoad`]: independent copies of whole objects, payloads byte for byte, filtered by
//!   namespace with [`rules::visible`].
//! * [`StoreWrite`]: plain changes of records and indexes. The checks have all passed when a
//!   write runs, so a write decides nothing; it may fail only with `Io` or `Corrupt` from the
//!   storage. `refresh` resets states with [`lifecycle`], which every backend shares.
//!
//! **The transactions** (`engine.rs`): [`Engine`] promises four things, and the template shows
//! where each comes from.
//!
//! * A read sees one consistent state, including every write committed before it began: the
//!   template reads under a shared lock, and a commit swaps the data under the exclusive one
//!   (SQLite: a read transaction; redb: a read snapshot).
//! * Writes are serialized with every other write to the store: one writer holds the lock.
//! * A write that answers `Ok` is committed, durably, before it returns: the template writes a
//!   temporary file, syncs it, renames it over the store's file and syncs the directory, so a
//!   crash leaves the old file or the new one, both whole.
//! * A write, or a batch ([`Engine::batch`]), that answers `Err` leaves nothing it wrote: the
//!   template changes a copy of its data and drops it on `Err`, so its `batch` runs `write`. An
//!   engine that writes in place needs a rollback (SQLite and redb roll their transactions
//!   back, and their `batch` runs `write` too) or a copy (the memory engine's `batch`).
//!
//! **The store** (`store.rs`): `open_handle` answers a [`Handle`] over a clone of the engine,
//! `reopen` opens the file again, and the whole-store operations are the shared code of
//! [`whole`]: [`whole::snapshot_of`] reads everything in one read transaction,
//! [`whole::restore_into`] writes a checked snapshot into an empty store in one write
//! transaction, [`whole::replace_into`] replaces a live store's content in one. `verify` walks
//! the stored records (not the API) into a [`verify::Inventory`](crate::verify::Inventory),
//! keyed by the keys they are stored under, with every record that cannot be read described in
//! `unreadable` instead of stopping there, and [`verify::violations`](crate::verify::violations)
//! lists every breach of SPEC §2 in it. An engine that keeps indexes apart from its records
//! fills `Inventory::indexes` too, and each index entry is checked against the records.
//!
//! **The test** (`tests/conformance.rs`): one line, `podstate_conformance::conformance_tests!`
//! with a factory of fresh temporary stores, runs every scenario, the model checker and the
//! concurrent class against it.
//!
//! The in-memory backend (`podstate-memory`) is the same shape with its indexes kept in ordered
//! maps; SQLite and redb put SQL statements and redb tables in place of the maps.

mod batch;
mod calls;
pub mod check;
mod engine;
mod files;
pub mod group;
mod handle;
pub mod holder_watch;
pub mod lifecycle;
mod links;
mod read;
pub mod rules;
pub mod trace;
pub mod whole;
mod write;

pub use engine::Engine;
pub use files::DatabaseFiles;
pub use handle::Handle;
pub use links::ContainerLinks;
pub use read::{Blockers, Holder, HolderKind, NamedObject, ObjectMeta, StoreLoad, StoreRead};
pub use write::{NewContainer, StoreWrite};

/// The text of a caught panic's payload (`panic!` with a literal or a format), or
/// `"(no message)"`: for a backend that contains a panic of its engine and reports it as an
/// error, and for the tools that report a backend's panics.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "(no message)"
    }
}
