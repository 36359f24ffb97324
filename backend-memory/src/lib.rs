//! wip
use podstate_api::State;
/// wip
#[derive(Debug, Default, Clone)]
pub struct MemoryStore;
impl MemoryStore {
    /// wip
    pub fn new() -> Self {
        MemoryStore
    }
    /// wip
    pub fn open(&self) -> MemoryState {
        MemoryState
    }
}
/// wip
#[derive(Debug)]
pub struct MemoryState;
#[allow(unused)]
fn _x(_: &dyn State) {}
