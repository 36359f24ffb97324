//! The model as a whole store: its snapshot, a restore into an empty model, and its own
//! invariant check as `verify`. Written naively on the model's maps, like the rest of it.

use podstate_api::snapshot::{Snapshot, SnapshotContainer};
use podstate_api::verify::{Invariant, Violation};
use podstate_api::{ExecSession, Result, StateError};

use super::data::{ModelData, StoredContainer};

impl ModelData {
    /// Everything the model holds.
    pub(super) fn snapshot(&self) -> Snapshot {
        Snapshot {
            db_config: self.db_config.clone(),
            volumes: self.volumes.values().cloned().collect(),
            pods: self.pods.values().cloned().collect(),
            containers: self
                .containers
                .values()
                .map(|c| SnapshotContainer {
                    container: c.container.clone(),
                    networks: c
                        .networks
                        .iter()
                        .map(|(net, aliases)| (net.clone(), aliases.iter().cloned().collect()))
                        .collect(),
                })
                .collect(),
            exec_sessions: self
                .exec_sessions
                .iter()
                .map(|(id, owner)| ExecSession::new(id, owner))
                .collect(),
        }
    }

    /// The model holding exactly `snapshot`, if it is empty now and the snapshot breaks no
    /// invariant (checked by the model's own check, on the result).
    pub(super) fn restored(&self, snapshot: &Snapshot) -> Result<ModelData> {
        if !self.containers.is_empty()
            || !self.pods.is_empty()
            || !self.volumes.is_empty()
            || self.db_config != Default::default()
        {
            return Err(StateError::invalid(
                "the model to restore into is not empty",
            ));
        }
        let mut next = ModelData {
            db_config: snapshot.db_config.clone(),
            ..ModelData::default()
        };
        for v in &snapshot.volumes {
            next.volumes.insert(v.config.name.clone(), v.clone());
        }
        for p in &snapshot.pods {
            next.pods.insert(p.config.id.clone(), p.clone());
        }
        for c in &snapshot.containers {
            let networks = c
                .networks
                .iter()
                .map(|(net, aliases)| (net.clone(), aliases.iter().cloned().collect()))
                .collect();
            next.containers.insert(
                c.container.config.id.clone(),
                StoredContainer {
                    container: c.container.clone(),
                    networks,
                },
            );
        }
        for s in &snapshot.exec_sessions {
            next.exec_sessions
                .insert(s.id.clone(), s.container_id.clone());
        }
        let broken = next.invariant_violations();
        if let Some(first) = broken.first() {
            return Err(StateError::invalid(format!(
                "the snapshot breaks SPEC §2: {first}"
            )));
        }
        Ok(next)
    }

    /// The model's own invariant check, as violations (it does not attribute each to one
    /// invariant).
    pub(super) fn violations(&self) -> Vec<Violation> {
        self.invariant_violations()
            .into_iter()
            .map(|why| Violation::new(Invariant::Unattributed, &[], why))
            .collect()
    }
}
