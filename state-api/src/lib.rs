//! The podstate contract: podman's libpod `State` interface (late 2020, 53 calls) as one
//! object-safe Rust trait, its object types, and its one error type. No storage lives here.
//!
//! * [`contract`] — the contract (SPEC) in full: what every backend must do.
//! * [`State`] — the calls; each one's rustdoc lists its `# Errors`.
//! * [`Container`], [`Pod`], [`Volume`], [`ExecSession`], [`DbConfig`] — the objects of SPEC §1,
//!   with opaque [`Payload`]s kept as raw JSON text.
//! * [`StateError`] with [`ErrorKind`] — exactly the kinds of SPEC §4.
//! * [`Store`] with [`Capabilities`] — one database (or in-memory area) that hands out handles.
//! * [`raw`] — for backend authors: the check order of SPEC §4 written once and the traits a
//!   backend implements over its storage.
//!
//! # Example
//!
//! ```
//! use podstate_api::{Container, ContainerConfig, ErrorKind, Pod, PodConfig, State};
//! use podstate_api::{NamedVolume, Volume, VolumeConfig};
//!
//! fn deploy(state: &dyn State) -> podstate_api::Result<()> {
//!     state.add_volume(&Volume::new(VolumeConfig::new("data")))?;
//!     state.add_pod(&Pod::new(PodConfig::new("f00d", "web")))?;
//!
//!     let mut db = ContainerConfig::new("beef01", "web-db");
//!     db.pod = Some("f00d".into());
//!     db.named_volumes.push(NamedVolume { name: "data".into(), ..Default::default() });
//!     let pod = state.pod("f00d")?;
//!     state.add_container_to_pod(&pod, &Container::new(db))?;
//!
//!     // Full ID, exact name and unique ID prefix all resolve the same container.
//!     assert_eq!(state.lookup_container_id("web-db")?, "beef01");
//!     assert_eq!(state.lookup_container_id("bee")?, "beef01");
//!
//!     // A volume in use cannot go, and the error says which kind of refusal it is.
//!     let err = state.remove_volume(&state.volume("data")?).unwrap_err();
//!     assert_eq!(err.kind(), ErrorKind::InUse);
//!     Ok(())
//! }
//!
//! let store = podstate_memory::MemoryStore::new();
//! let state: Box<dyn State> = Box::new(store.open_handle().unwrap());
//! deploy(state.as_ref()).unwrap();
//! ```
//!
//! # The contract
//!
//! [`contract`] is the contract itself, "SPEC" for short: the objects, the global invariants,
//! handles, namespaces, concurrency and durability, the error kinds and the order in which a
//! call checks its rules, and the rules of each of the 53 calls. It is normative, and every
//! "SPEC §N" in this project's docs, code and messages refers to one of its numbered sections.
//! It settles every point a backend could read two ways (which strings step 2 of the check
//! order reads, the order within steps 3 and 4, which calls ignore namespaces), so that every
//! backend and the reference model answer every call the same way.
//!
//! # What retrievals copy
//!
//! SPEC §1 demands independent copies: nothing a caller does to a returned object reaches the
//! store. Every [`Payload`] is immutable, shared text (an `Arc<str>`), so a copy of an object
//! shares its payloads with the store instead of copying them: a lookup of a podman-sized
//! container (a 7.5 KiB config payload, a 0.6 KiB state payload) copies pointers, not kilobytes,
//! and a caller still cannot change what the store holds, since a payload cannot be changed in
//! place, only replaced. Measured on the memory backend with 10,000 such containers, in one run:
//! a lookup by name went from 2.3 µs to 1.7 µs, `container(id)` from 2.1 µs to 1.3 µs, and
//! `all_containers` from 77 ms to 11 ms.
//!
//! Nothing else is shared. The other fields are identity and index strings of tens of bytes
//! (IDs, names, networks, mount lists), which callers read and edit as plain `String`s and
//! `Vec`s; sharing them would put `Arc<str>` into every field of the public types for a saving
//! of a few hundred nanoseconds, and an edited copy would have to re-allocate anyway. Payloads
//! are the one part that is large, opaque and never edited piecewise.

#[doc = include_str!("../CONTRACT.md")]
pub mod contract {
    /// The text of this page (`state-api/CONTRACT.md`), for tools that check citations of it.
    pub const TEXT: &str = include_str!("../CONTRACT.md");
}

mod containers;
mod db_config;
pub mod dump;
mod error;
mod exec;
mod forward;
mod payload;
mod pods;
pub mod raw;
pub mod snapshot;
mod state;
mod store;
mod timestamp;
pub mod verify;
mod volumes;

pub use containers::{Container, ContainerConfig, ContainerState, ContainerStatus, NamedVolume};
pub use db_config::DbConfig;
pub use error::{ErrorKind, Result, StateError};
pub use exec::ExecSession;
pub use forward::{Call, Layered, StateLayer};
pub use payload::{Payload, PayloadError};
pub use pods::{Pod, PodConfig, PodState};
pub use state::{State, batch};
pub use store::{Capabilities, Store};
pub use timestamp::{Timestamp, TimestampError};
pub use volumes::{Volume, VolumeConfig, VolumeState};
