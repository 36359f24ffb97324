//! How a backend plugs into the suite: a factory of fresh, isolated [`Store`]s.

use std::fmt;
use std::sync::OnceLock;

use podstate_api::StateError;
pub use podstate_api::{Capabilities, Store};

/// Makes fresh stores of one backend for the suite.
pub trait BackendFactory: Send + Sync {
    /// Short name of the backend, for reports (`"memory"`, `"sqlite"`, ...).
    fn name(&self) -> &str;

    /// What the backend's stores can do.
    fn capabilities(&self) -> Capabilities;

    /// A fresh, empty store that no other test sees (its temporary files, if any, live as long as
    /// the returned value).
    fn create(&self) -> Result<Box<dyn Store>, StateError>;
}

/// A [`BackendFactory`] from a function that makes a fresh store, such as
/// `MemoryStore::new` or a persistent backend's `temporary()`. The name and capabilities are
/// the store's own ([`Store::backend`], [`Store::capabilities`]), asked of the first store made.
///
/// ```
/// use podstate_conformance::{BackendFactory, StoreFactory};
///
/// let factory = StoreFactory::new(|| Ok(podstate_memory::MemoryStore::new()));
/// assert_eq!(factory.name(), "memory");
/// assert!(factory.capabilities().shared_handles);
/// let store = factory.create().unwrap();
/// assert!(store.open_handle().unwrap().all_containers().unwrap().is_empty());
/// ```
pub struct StoreFactory<F> {
    create: F,
    identity: OnceLock<(String, Capabilities)>,
}

impl<F, S> StoreFactory<F>
where
    F: Fn() -> Result<S, StateError> + Send + Sync,
    S: Store + 'static,
{
    /// A factory whose stores `create` makes.
    pub fn new(create: F) -> Self {
        StoreFactory {
            create,
            identity: OnceLock::new(),
        }
    }

    fn identity(&self) -> &(String, Capabilities) {
        self.identity.get_or_init(|| match (self.create)() {
            Ok(store) => (store.backend().to_owned(), store.capabilities()),
            // `create` will report the failure itself; nothing is claimed meanwhile.
            Err(e) => (format!("unavailable ({e})"), Capabilities::single_handle()),
        })
    }
}

impl<F, S> BackendFactory for StoreFactory<F>
where
    F: Fn() -> Result<S, StateError> + Send + Sync,
    S: Store + 'static,
{
    fn name(&self) -> &str {
        &self.identity().0
    }

    fn capabilities(&self) -> Capabilities {
        self.identity().1
    }

    fn create(&self) -> Result<Box<dyn Store>, StateError> {
        Ok(Box::new((self.create)()?))
    }
}

impl<F> fmt::Debug for StoreFactory<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreFactory")
            .field("identity", &self.identity.get())
            .finish()
    }
}
