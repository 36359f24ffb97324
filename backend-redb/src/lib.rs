//! redb backend for podstate (docs to come).

mod error;
mod lock;
mod open;
mod read;
mod record;
mod schema;
mod store;
mod write;

#[cfg(test)]
mod tests;

pub use read::{Tx, View};
pub use schema::{TableInfo, layout};
pub use store::{RedbEngine, RedbOptions, RedbState, RedbStore};
