//! The SQLite podstate backend (docs to come).

mod busy;
mod conn;
mod error;
mod read;
mod record;
pub mod schema;
mod store;
mod write;

#[cfg(test)]
mod tests;

pub use store::{Durability, SqliteEngine, SqliteOptions, SqliteState, SqliteStore, SqliteTx};
