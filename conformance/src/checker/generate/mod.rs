//! The generator: a proptest [`Strategy`](proptest::strategy::Strategy) of operation sequences
//! biased toward interesting states.
//!
//! A case first draws a [`Universe`](universe::Universe) (pools and templates), then its operations
//! one by one. The generator keeps a rough *shadow* of what it has tried to add, only to bias later
//! choices (remove what was added, register sessions on stored containers, ...); it never filters:
//! every operation is legal anywhere, and errors are outcomes like any other. Adds outweigh
//! removals so that state grows.
//!
//! A case drives one to three handles on one store, interleaved, when the store's
//! [`Capabilities`](crate::factory::Capabilities) allow shared handles: each operation runs on one
//! of them, mostly the same as the one before. `reopen` (a real reopen of the store and every
//! handle) comes only when the store can reopen.
//!
//! `close` appears in three shapes: immediately followed by `reopen`; closing one handle while
//! another stays open (the case goes on on the others, and the closed one is visited now and then,
//! every call answering `DbClosed`); or as the start of the *closing tail* that ends some cases:
//! `close`, then every call once in a random order on that handle and a batch, each of which must
//! answer `DbClosed` (`close` itself stays `Ok`). A bulk case has no closing tail: it ends with a
//! *survey* instead, the list and lookup calls asked once more of the grown store.
//!
//! About one operation in fifty is a batch ([`Op::Batch`](crate::checker::Op::Batch), drawn in
//! `batch.rs`): several calls on one handle in one transaction, committed or rolled back by its
//! closure.
//!
//! # Where each part lives
//!
//! [`Gen`](draw::Gen), the generator's working state for one case, is defined in `draw.rs` with the
//! draws of arguments; its other methods sit with their concern: `weights.rs` (which call comes
//! next), `make.rs` (the operations of one call), `containers.rs`, `batch.rs`, `handles.rs` (which
//! handle, and `close`), `revisit.rs` (follow-ups after a change). The pools and templates of a
//! case are `universe.rs` and `templates.rs`, the generator's beliefs `shadow.rs`, and the whole
//! case, as a proptest strategy, `strategy.rs`.

mod batch;
mod containers;
mod draw;
mod handles;
mod make;
mod revisit;
mod shadow;
mod strategy;
mod templates;
mod universe;
mod weights;

pub use strategy::{OpsStrategy, generate};
