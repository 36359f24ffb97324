//! The in-memory podstate backend: the whole [`State`](podstate_api::State) contract of SPEC on
//! ordered maps, with nothing persisted.
//!
//! A [`MemoryStore`] owns the data; [`MemoryStore::open_handle`] hands out [`MemoryState`] handles on
//! it. Handles made from one store (or its clones) share the data while any of them lives; when
//! the last store and handle are dropped the data is gone. Each handle has its own namespace and
//! its own closed flag.
//!
//! **Thread safety.** The data sits behind one `RwLock`: reads share it, each mutating call holds
//! it exclusively, so every call is serializable. Every mutating call checks everything first and
//! then applies infallibly, so a failed call changes nothing and a poisoned lock is recovered
//! rather than turned into a panic.
//!
//! **Indexes.** Containers, pods and volumes live in ordered maps keyed by ID (volumes by name),
//! so prefix lookups are range scans. A name index serves the shared container/pod name space;
//! reverse dependency edges, pod members, volume users and the exec registry (per container too)
//! are kept as indexes, so only the `all_*` lists and `refresh` walk everything.
//!
//! # Example
//!
//! ```
//! use podstate_api::{Container, ContainerConfig, ErrorKind, State};
//! use podstate_memory::MemoryStore;
//!
//! let store = MemoryStore::new();
//! let state = store.open_handle()?;
//! state.add_container(&Container::new(ContainerConfig::new("c0ffee", "db")))?;
//!
//! // A second handle sees the same data; prefixes and names resolve.
//! let other = store.open_handle()?;
//! assert_eq!(other.lookup_container_id("c0f")?, "c0ffee");
//! assert_eq!(other.lookup_container_id("db")?, "c0ffee");
//!
//! // Closing one handle leaves the other working.
//! state.close()?;
//! assert_eq!(state.all_containers().unwrap_err().kind(), ErrorKind::DbClosed);
//! assert_eq!(other.all_containers()?.len(), 1);
//! # Ok::<(), podstate_api::StateError>(())
//! ```

mod data;
mod keyed;
mod read;
mod store;
mod verify;
mod write;

pub use store::{MemoryEngine, MemoryState, MemoryStore};

#[cfg(test)]
mod tests;
