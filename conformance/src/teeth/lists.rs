//! Faults in the lists calls compute: order (SPEC §2.8) and completeness.

use std::collections::BTreeSet;

use podstate_api::{Container, Result, Volume};

use super::Fault;
use super::handle::FaultyState;

/// `list` with the `ghosts` a faulty removal left behind, sorted and de-duplicated.
fn merged(list: Vec<String>, ghosts: Option<&BTreeSet<String>>) -> Vec<String> {
    let mut all: BTreeSet<String> = list.into_iter().collect();
    all.extend(ghosts.into_iter().flatten().cloned());
    all.into_iter().collect()
}

impl FaultyState {
    pub(super) fn faulty_all_containers(&self) -> Result<Vec<Container>> {
        let mut all = self.cached_all_containers()?;
        // A backend switching from a small inline list to another structure past some size.
        if self.is(Fault::AllContainersUnsortedPast64) && all.len() > 64 {
            all.reverse();
        }
        Ok(all)
    }

    pub(super) fn faulty_all_volumes(&self) -> Result<Vec<Volume>> {
        let mut all = self.inner.all_volumes()?;
        if self.is(Fault::UnsortedVolumes) {
            all.reverse();
        }
        Ok(all)
    }

    pub(super) fn faulty_container_in_use(&self, ctr: &Container) -> Result<Vec<String>> {
        let mut dependents = self.inner.container_in_use(ctr)?;
        if self.is(Fault::DependentsMissPodMembers) {
            dependents.retain(|id| {
                self.admin
                    .container(id)
                    .is_ok_and(|c| c.config.pod.is_none())
            });
        }
        Ok(merged(dependents, self.ghosts().dependents.get(ctr.id())))
    }

    pub(super) fn faulty_volume_in_use(&self, vol: &Volume) -> Result<Vec<String>> {
        let users = self.inner.volume_in_use(vol)?;
        Ok(merged(users, self.ghosts().volume_users.get(vol.name())))
    }
}
