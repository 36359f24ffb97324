//! Faults in copying objects in and out of the store: what `save_*` writes and what `update_*`
//! does to the caller's object.

use podstate_api::{Container, Result};

use super::Fault;
use super::handle::FaultyState;

impl FaultyState {
    pub(super) fn faulty_save_container(&self, ctr: &Container) -> Result<()> {
        self.inner.save_container(ctr)?;
        if self.is(Fault::SaveContainerWritesConfig) {
            // The bug being modelled writes the config along with the state, unchecked.
            let _ = self.admin.rewrite_container_config(ctr, &ctr.config);
        }
        Ok(())
    }

    pub(super) fn faulty_update_container(&self, ctr: &mut Container) -> Result<()> {
        if self.is(Fault::UpdateScribblesOnError) {
            // Decoding straight into the caller's object before the call can still fail.
            ctr.state.pid = 4242;
        }
        self.inner.update_container(ctr)
    }
}
