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
//! what it can do ([`Capabilities`](crate::Capabilities)). The conformance suite, `cargo xtask` and the `podstate` facade all build
//! on that one definition.
//!
//! # Example: the smallest engine
//!
//! The in-memory backend (`podstate-memory`) is the reference engine: its `Engine` is an
//! `RwLock` around ordered maps, its reads are map look-ups and range scans, its writes keep the
//! indexes in step. A persistent engine looks the same with SQL statements or redb tables in
//! place of the maps.

mod batch;
mod calls;
pub mod check;
mod engine;
mod files;
mod handle;
pub mod lifecycle;
mod read;
pub mod rules;
pub mod trace;
pub mod whole;
mod write;

pub use engine::Engine;
pub use files::DatabaseFiles;
pub use handle::Handle;
pub use read::{Holder, HolderKind, ObjectMeta, StoreLoad, StoreRead};
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
