//! The model checker engine, exercised on the memory backend and the reference model; the
//! deliberately broken backends are the library's `teeth` wrappers around the memory backend.

mod budget;
mod differential;
mod replaying;
mod saved_cases;
mod shrinking;
#[path = "../support/mod.rs"]
mod support;

pub use support::memory;
