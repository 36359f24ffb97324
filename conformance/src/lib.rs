//! The podstate conformance suite (work in progress).

pub mod calls;
pub mod checker;
pub mod dump;
pub mod factory;
pub mod model;

pub use calls::{Call, Outcome};
pub use dump::{Dump, dump};
pub use factory::{BackendFactory, Capabilities, TestStore};
