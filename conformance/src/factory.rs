//! How a backend plugs into the suite: a factory of fresh, isolated stores.

use podstate_api::{State, StateError};

/// What a backend can do, for the few checks that depend on it. The aim is that no test needs a
/// field here: a real difference between backends is a capability, never a hand-picked test list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Capabilities {
    /// Data survives every handle being dropped (a file on disk).
    pub persistent: bool,
    /// A handle can be closed and a new one opened on the same store, seeing the same data.
    pub reopen: bool,
    /// Several processes may open the store at once.
    pub multi_process: bool,
}

/// Makes fresh stores of one backend for the suite.
pub trait BackendFactory: Send + Sync {
    /// Short name of the backend, for reports (`"memory"`, `"sqlite"`, ...).
    fn name(&self) -> &str;

    /// What the backend can do.
    fn capabilities(&self) -> Capabilities;

    /// A fresh, empty store that no other test sees (its temporary files, if any, live as long as
    /// the returned value).
    fn create(&self) -> Result<Box<dyn TestStore>, StateError>;
}

/// One isolated store under test.
pub trait TestStore: Send + Sync {
    /// A new handle on this store: open, in namespace `""`. Calling it again gives a second handle
    /// on the same data; closing one handle and opening another is a reopen.
    fn open(&self) -> Result<Box<dyn State>, StateError>;
}
