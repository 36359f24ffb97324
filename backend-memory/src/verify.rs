//! What `MemoryStore::verify` reads: every record and every index of [`Data`], as an
//! [`Inventory`] for the invariant checks of `podstate-api`.

use podstate_api::verify::{Indexes, Inventory};
use podstate_api::{Container, Pod, Volume};

use crate::data::Data;

impl Data {
    /// The records and indexes as they are stored.
    pub(crate) fn inventory(&self) -> Inventory {
        let mut inv = Inventory::default();
        let mut idx = Indexes::default();
        for (id, c) in &self.containers {
            inv.containers.insert(
                id.clone(),
                Container {
                    config: c.config.clone(),
                    state: c.state.clone(),
                },
            );
            inv.networks
                .insert(id.clone(), c.networks.keys().cloned().collect());
            inv.aliases.insert(id.clone(), c.networks.clone());
            idx.dependents.insert(id.clone(), c.dependents.clone());
            idx.container_sessions
                .insert(id.clone(), c.exec_sessions.clone());
        }
        for (id, p) in &self.pods {
            let pod = Pod {
                config: p.config.clone(),
                state: p.state.clone(),
            };
            inv.pods.insert(id.clone(), pod);
            idx.members.insert(id.clone(), p.members.clone());
        }
        for (name, v) in &self.volumes {
            let vol = Volume {
                config: v.config.clone(),
                state: v.state.clone(),
            };
            inv.volumes.insert(name.clone(), vol);
            idx.volume_users.insert(name.clone(), v.users.clone());
        }
        idx.names = Some(
            self.names
                .iter()
                .map(|(name, h)| (name.clone(), (h.kind, h.id.clone())))
                .collect(),
        );
        inv.exec_sessions = self.exec_sessions.clone();
        inv.indexes = Some(idx);
        inv
    }
}
