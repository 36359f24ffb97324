//! The reference model: the oracle of the model checker.
//!
//! [`ModelStore`] is a pure, deliberately naive implementation of SPEC, the contract
//! ([`podstate_api::contract`], the file `state-api/CONTRACT.md`). It keeps everything in ordered
//! maps, has no indexes and no storage, and answers every call with the exact value or error kind
//! SPEC demands. The model checker runs the same calls against a backend and against this model
//! and compares every answer and a full [`dump`](crate::dump()) of both.
//!
//! # Why it shares no code with the backends
//!
//! Backends share their argument checks (`podstate_api::rules`) so that they cannot drift apart.
//! An oracle that called the same checks could never see a bug in them: both sides would agree on
//! the wrong answer. So the model depends only on the `podstate-api` *types* and re-derives every
//! rule from SPEC itself, including the dependency set of a container and the field order of the
//! DB config. It was written without looking at any backend.
//!
//! # How a call runs
//!
//! Each call of [`State`](podstate_api::State) is one plain function in the file of its concern
//! (`containers.rs`, `pods.rs`, `membership.rs`, `volumes.rs`, `exec.rs`, `networks.rs`,
//! `lookup.rs`, `lifecycle.rs`), written as the numbered steps of SPEC §4:
//!
//! 1. closed: checked once by the handle before the function runs;
//! 2. argument shape (`checks.rs`);
//! 3. namespaces of the passed objects against the handle, pod before container;
//! 4. existence of the targets, pod before container, then their stored namespaces, then the
//!    stored container's pod where the call cares;
//! 5. the call's own rules in SPEC order; dependencies one at a time in sorted order, each
//!    through all its rules before the next, and volumes likewise.
//!
//! Derived data is recomputed by scanning everything each time (dependents, volume users, pod
//! members, a container's exec sessions, prefix matches). Only what SPEC says is stored is kept:
//! objects, current networks and aliases per container, the exec registry and the pinned DB
//! config. [`ModelStore::invariant_violations`] checks SPEC §2 over that data, so the model
//! checker can assert after every step that the oracle itself is sane.
//!
//! # Atomicity: clone and commit
//!
//! A mutating call runs on a clone of the whole data and the clone replaces the shared data only
//! when the call succeeds (as in redb's fuzzer model). A failed call therefore cannot leave a
//! trace, however far it got, and no function needs to undo anything. The cost (a clone per call)
//! is irrelevant at model-checking sizes.

mod checks;
mod containers;
mod data;
mod exec;
mod factory;
mod invariants;
mod lifecycle;
mod lookup;
mod membership;
mod networks;
mod pods;
mod store;
mod volumes;
mod whole;

pub use factory::ModelFactory;
pub use store::{ModelState, ModelStore};
