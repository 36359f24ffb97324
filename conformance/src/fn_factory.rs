//! A backend factory in a few lines: closures instead of two trait impls.
//!
//! [`FnFactory`] turns a closure that makes a fresh store into a [`BackendFactory`]; [`StoreFn`]
//! turns a closure that opens a handle into a [`TestStore`]. A backend whose store is a value
//! handing out handles needs no more than this (the memory backend's `tests/conformance.rs`):
//!
//! ```
//! use podstate_conformance::{Capabilities, FnFactory, StoreFn};
//!
//! let factory = FnFactory::new("memory", Capabilities::default(), || {
//!     let store = podstate_memory::MemoryStore::new();
//!     Ok(StoreFn::new(move || Ok(store.open())))
//! });
//! # use podstate_conformance::BackendFactory;
//! # let store = factory.create().unwrap();
//! # let handle = store.open().unwrap();
//! # assert!(handle.all_containers().unwrap().is_empty());
//! ```
//!
//! A persistent backend keeps its temporary directory inside the store closure, so that it lives
//! exactly as long as the [`TestStore`]:
//!
//! ```ignore
//! FnFactory::new("sqlite", caps, || {
//!     let dir = tempfile::tempdir().map_err(io_error)?;
//!     let path = dir.path().join("state.db");
//!     Ok(StoreFn::new(move || { let _keep = &dir; SqliteState::open(&path) }))
//! })
//! ```

use podstate_api::{State, StateError};

use crate::factory::{BackendFactory, Capabilities, TestStore};

/// A [`BackendFactory`] made of a name, capabilities and a closure returning a fresh store.
pub struct FnFactory<F> {
    name: &'static str,
    capabilities: Capabilities,
    create: F,
}

impl<F, T> FnFactory<F>
where
    F: Fn() -> Result<T, StateError> + Send + Sync,
    T: TestStore + 'static,
{
    /// A factory called `name` (for reports) whose `create` calls `create`.
    pub fn new(name: &'static str, capabilities: Capabilities, create: F) -> Self {
        FnFactory {
            name,
            capabilities,
            create,
        }
    }
}

impl<F, T> BackendFactory for FnFactory<F>
where
    F: Fn() -> Result<T, StateError> + Send + Sync,
    T: TestStore + 'static,
{
    fn name(&self) -> &str {
        self.name
    }

    fn capabilities(&self) -> Capabilities {
        self.capabilities
    }

    fn create(&self) -> Result<Box<dyn TestStore>, StateError> {
        Ok(Box::new((self.create)()?))
    }
}

/// A [`TestStore`] whose `open` calls the closure. The closure owns whatever the store needs (the
/// in-memory store, a temporary directory...), so that it lives as long as the test store.
pub struct StoreFn<F>(pub F);

impl<F, S> StoreFn<F>
where
    F: Fn() -> Result<S, StateError> + Send + Sync,
    S: State + 'static,
{
    /// A test store opening handles with `open`.
    pub fn new(open: F) -> Self {
        StoreFn(open)
    }
}

impl<F, S> TestStore for StoreFn<F>
where
    F: Fn() -> Result<S, StateError> + Send + Sync,
    S: State + 'static,
{
    fn open(&self) -> Result<Box<dyn State>, StateError> {
        Ok(Box::new((self.0)()?))
    }
}
