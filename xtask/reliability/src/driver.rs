//! Runs a generated case on a store, real or model: the conformance checker's own driver (the
//! case's handles, and `Reopen` as a real reopen), and the text of a caught panic.

pub use podstate_api::raw::panic_message as panic_text;
pub use podstate_conformance::checker::Driver;
