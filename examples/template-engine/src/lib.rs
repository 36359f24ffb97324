//! A template for backend authors: the whole podstate contract over one JSON file, short
//! enough to read in one sitting. Copy it, then replace the file with your storage.
//!
//! A backend writes no call itself. `podstate_api::raw::Handle` implements all 53 calls of
//! `State` (the check order of SPEC §4, lookups, namespaces, the rules of SPEC §5) on top of
//! four traits the backend implements over its storage:
//!
//! * [`Engine`](podstate_api::raw::Engine) ([`engine`]): read and write transactions;
//! * [`StoreRead`](podstate_api::raw::StoreRead) and
//!   [`StoreLoad`](podstate_api::raw::StoreLoad) ([`data`]): what the checks read, and the
//!   objects the retrieval calls return;
//! * [`StoreWrite`](podstate_api::raw::StoreWrite) ([`data`]): the writes, once every check
//!   passed.
//!
//! The store type ([`store`]) implements [`Store`](podstate_api::Store): it hands out handles
//! and answers snapshot, restore and verify with the shared code of `raw::whole` and
//! `podstate_api::verify`.
//!
//! Here the storage is one JSON file holding every record, kept in memory by the process that
//! opened it; every commit rewrites the whole file through a temporary file and a rename. That
//! is slow for a large store, and it is exactly what every promise of the traits needs,
//! visibly: read the docs of [`engine`] for why each promise holds. The conformance suite checks it like every backend
//! of the workspace (`tests/conformance.rs`, one macro line).
//!
//! ```
//! use podstate_api::{Container, ContainerConfig, State};
//! use podstate_example_template::JsonStore;
//!
//! let dir = tempfile::tempdir()?;
//! let store = JsonStore::open(dir.path().join("state.json"))?;
//! store.open_handle().add_container(&Container::new(ContainerConfig::new("4f2a9c", "web")))?;
//!
//! // Another process (here: a store opened anew) reads what the file holds.
//! let again = JsonStore::open(dir.path().join("state.json"))?;
//! assert_eq!(again.open_handle().lookup_container_id("web")?, "4f2a9c");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod data;
pub mod engine;
pub mod store;

pub use engine::JsonEngine;
pub use store::{JsonState, JsonStore};
