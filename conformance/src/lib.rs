//! The podstate conformance suite (work in progress).

pub mod calls;
pub mod checker;
pub mod coverage;
pub mod dump;
pub mod factory;
pub mod fixtures;
pub mod fn_factory;
pub mod harness;
pub mod invoke;
pub mod model;
pub mod scenarios;
pub mod slots;
pub mod teeth;

pub use calls::{Call, Outcome};
pub use dump::{Dump, dump};
pub use factory::{BackendFactory, Capabilities, TestStore};
pub use fn_factory::{FnFactory, StoreFn};
pub use scenarios::{Scenario, scenarios};
