//! The operations of a case: one per contract call, plus `Reopen` and `Batch`.
//!
//! Every argument is a concrete value (whole containers, pods, volumes, strings), never a seed or an
//! index into a pool, so a saved case means the same thing after the generator changes. No operation
//! has a precondition: each one is legal in any state, and an error is just another outcome.

use podstate_api::{Container, ContainerConfig, DbConfig, ExecSession, Pod, PodConfig};
use podstate_api::{Volume, VolumeConfig};
use serde::{Deserialize, Serialize};

use crate::calls::{Call, Outcome};

/// One step of a case. Serialized as `{"add_container": {"ctr": {...}}}` (or `"refresh"` for the
/// operations without arguments).
#[allow(missing_docs)]
// The fields are the call's parameters, named as in `State`.
// A case holds a few hundred ops: boxing the big variants would buy nothing but noise.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// `close`.
    Close,
    /// Not a call: closes the handle and opens a new one on the same store (namespace `""`).
    Reopen,
    /// `refresh`.
    Refresh,
    /// `get_db_config`.
    GetDbConfig,
    /// `validate_db_config`.
    ValidateDbConfig { cfg: DbConfig },
    /// `set_namespace`.
    SetNamespace { ns: String },
    /// `get_name`.
    GetName { id: String },
    /// `container`.
    Container { id: String },
    /// `lookup_container_id`.
    LookupContainerId { id_or_name: String },
    /// `lookup_container`.
    LookupContainer { id_or_name: String },
    /// `has_container`.
    HasContainer { id: String },
    /// `get_container_config`.
    GetContainerConfig { id: String },
    /// `add_container`.
    AddContainer { ctr: Container },
    /// `remove_container`.
    RemoveContainer { ctr: Container },
    /// `update_container` (the answer is the updated container).
    UpdateContainer { ctr: Container },
    /// `save_container`.
    SaveContainer { ctr: Container },
    /// `container_in_use`.
    ContainerInUse { ctr: Container },
    /// `all_containers`.
    AllContainers,
    /// `rewrite_container_config`.
    RewriteContainerConfig {
        ctr: Container,
        cfg: ContainerConfig,
    },
    /// `get_networks`.
    GetNetworks { ctr: Container },
    /// `get_network_aliases`.
    GetNetworkAliases { ctr: Container, network: String },
    /// `get_all_network_aliases`.
    GetAllNetworkAliases { ctr: Container },
    /// `network_connect`.
    NetworkConnect {
        ctr: Container,
        network: String,
        aliases: Vec<String>,
    },
    /// `network_disconnect`.
    NetworkDisconnect { ctr: Container, network: String },
    /// `add_exec_session`.
    AddExecSession {
        ctr: Container,
        session: ExecSession,
    },
    /// `get_exec_session`.
    GetExecSession { id: String },
    /// `remove_exec_session`.
    RemoveExecSession { session: ExecSession },
    /// `get_container_exec_sessions`.
    GetContainerExecSessions { ctr: Container },
    /// `remove_container_exec_sessions`.
    RemoveContainerExecSessions { ctr: Container },
    /// `pod`.
    Pod { id: String },
    /// `lookup_pod`.
    LookupPod { id_or_name: String },
    /// `has_pod`.
    HasPod { id: String },
    /// `pod_has_container`.
    PodHasContainer { pod: Pod, ctr_id: String },
    /// `pod_containers_by_id`.
    PodContainersById { pod: Pod },
    /// `pod_containers`.
    PodContainers { pod: Pod },
    /// `add_pod`.
    AddPod { pod: Pod },
    /// `remove_pod`.
    RemovePod { pod: Pod },
    /// `remove_pod_containers`.
    RemovePodContainers { pod: Pod },
    /// `add_container_to_pod`.
    AddContainerToPod { pod: Pod, ctr: Container },
    /// `remove_container_from_pod`.
    RemoveContainerFromPod { pod: Pod, ctr: Container },
    /// `update_pod` (the answer is the updated pod).
    UpdatePod { pod: Pod },
    /// `save_pod`.
    SavePod { pod: Pod },
    /// `all_pods`.
    AllPods,
    /// `rewrite_pod_config`.
    RewritePodConfig { pod: Pod, cfg: PodConfig },
    /// `volume`.
    Volume { name: String },
    /// `lookup_volume`.
    LookupVolume { name: String },
    /// `has_volume`.
    HasVolume { name: String },
    /// `volume_in_use`.
    VolumeInUse { vol: Volume },
    /// `add_volume`.
    AddVolume { vol: Volume },
    /// `remove_volume`.
    RemoveVolume { vol: Volume },
    /// `update_volume` (the answer is the updated volume).
    UpdateVolume { vol: Volume },
    /// `save_volume`.
    SaveVolume { vol: Volume },
    /// `all_volumes`.
    AllVolumes,
    /// `rewrite_volume_config`.
    RewriteVolumeConfig { vol: Volume, cfg: VolumeConfig },
    /// `batch` (SPEC §3 Batches), not one of the 53 calls: its closure makes `ops` in order on
    /// the batch's handle, then answers `Ok`, and the batch commits, or, when `rollback`, an
    /// `InvalidArg` of its own ([`ROLLBACK`](super::ROLLBACK)), and the batch rolls back. The
    /// answer is every call's answer and the batch's.
    Batch { ops: Vec<Op>, rollback: bool },
}

impl Op {
    /// The contract call this operation makes; `None` for [`Op::Reopen`] and [`Op::Batch`],
    /// which are not among the 53 calls.
    pub fn call(&self) -> Option<Call> {
        Some(match self {
            Op::Close => Call::Close,
            Op::Reopen | Op::Batch { .. } => return None,
            Op::Refresh => Call::Refresh,
            Op::GetDbConfig => Call::GetDbConfig,
            Op::ValidateDbConfig { .. } => Call::ValidateDbConfig,
            Op::SetNamespace { .. } => Call::SetNamespace,
            Op::GetName { .. } => Call::GetName,
            Op::Container { .. } => Call::Container,
            Op::LookupContainerId { .. } => Call::LookupContainerId,
            Op::LookupContainer { .. } => Call::LookupContainer,
            Op::HasContainer { .. } => Call::HasContainer,
            Op::GetContainerConfig { .. } => Call::GetContainerConfig,
            Op::AddContainer { .. } => Call::AddContainer,
            Op::RemoveContainer { .. } => Call::RemoveContainer,
            Op::UpdateContainer { .. } => Call::UpdateContainer,
            Op::SaveContainer { .. } => Call::SaveContainer,
            Op::ContainerInUse { .. } => Call::ContainerInUse,
            Op::AllContainers => Call::AllContainers,
            Op::RewriteContainerConfig { .. } => Call::RewriteContainerConfig,
            Op::GetNetworks { .. } => Call::GetNetworks,
            Op::GetNetworkAliases { .. } => Call::GetNetworkAliases,
            Op::GetAllNetworkAliases { .. } => Call::GetAllNetworkAliases,
            Op::NetworkConnect { .. } => Call::NetworkConnect,
            Op::NetworkDisconnect { .. } => Call::NetworkDisconnect,
            Op::AddExecSession { .. } => Call::AddExecSession,
            Op::GetExecSession { .. } => Call::GetExecSession,
            Op::RemoveExecSession { .. } => Call::RemoveExecSession,
            Op::GetContainerExecSessions { .. } => Call::GetContainerExecSessions,
            Op::RemoveContainerExecSessions { .. } => Call::RemoveContainerExecSessions,
            Op::Pod { .. } => Call::Pod,
            Op::LookupPod { .. } => Call::LookupPod,
            Op::HasPod { .. } => Call::HasPod,
            Op::PodHasContainer { .. } => Call::PodHasContainer,
            Op::PodContainersById { .. } => Call::PodContainersById,
            Op::PodContainers { .. } => Call::PodContainers,
            Op::AddPod { .. } => Call::AddPod,
            Op::RemovePod { .. } => Call::RemovePod,
            Op::RemovePodContainers { .. } => Call::RemovePodContainers,
            Op::AddContainerToPod { .. } => Call::AddContainerToPod,
            Op::RemoveContainerFromPod { .. } => Call::RemoveContainerFromPod,
            Op::UpdatePod { .. } => Call::UpdatePod,
            Op::SavePod { .. } => Call::SavePod,
            Op::AllPods => Call::AllPods,
            Op::RewritePodConfig { .. } => Call::RewritePodConfig,
            Op::Volume { .. } => Call::Volume,
            Op::LookupVolume { .. } => Call::LookupVolume,
            Op::HasVolume { .. } => Call::HasVolume,
            Op::VolumeInUse { .. } => Call::VolumeInUse,
            Op::AddVolume { .. } => Call::AddVolume,
            Op::RemoveVolume { .. } => Call::RemoveVolume,
            Op::UpdateVolume { .. } => Call::UpdateVolume,
            Op::SaveVolume { .. } => Call::SaveVolume,
            Op::AllVolumes => Call::AllVolumes,
            Op::RewriteVolumeConfig { .. } => Call::RewriteVolumeConfig,
        })
    }

    /// The operation's name: the call's name, `"reopen"` or `"batch"`.
    pub fn name(&self) -> &'static str {
        match self {
            Op::Reopen => "reopen",
            Op::Batch { .. } => "batch",
            op => op.call().map_or("reopen", Call::name),
        }
    }

    /// The calls of a batch and whether its closure rolls it back; `None` for any other
    /// operation.
    pub fn batched(&self) -> Option<(&[Op], bool)> {
        match self {
            Op::Batch { ops, rollback } => Some((ops, *rollback)),
            _ => None,
        }
    }

    /// Whether SPEC allows this operation to end in `outcome`: a call by its row of SPEC §4, a
    /// batch by [`BATCH_ERRORS`](super::BATCH_ERRORS); `Io` and `Corrupt` always (a persistent
    /// store may fail anywhere). A reopen is not a call, and anything goes.
    pub fn allows(&self, outcome: Outcome) -> bool {
        match (self, outcome) {
            (Op::Reopen, _) | (_, Outcome::Ok) => true,
            (Op::Batch { .. }, Outcome::Err(kind)) => {
                kind.is_fault() || super::BATCH_ERRORS.contains(&kind)
            }
            (op, outcome) => op.call().is_some_and(|c| c.allows(outcome)),
        }
    }

    /// Whether the operation may change the store (a correct backend's pure reads never do;
    /// a batch that rolls back changes nothing either).
    pub fn may_write(&self) -> bool {
        if let Op::Batch { ops, rollback } = self {
            return !rollback && ops.iter().any(Op::may_write);
        }
        matches!(
            self,
            Op::Refresh
                | Op::ValidateDbConfig { .. }
                | Op::AddContainer { .. }
                | Op::RemoveContainer { .. }
                | Op::SaveContainer { .. }
                | Op::RewriteContainerConfig { .. }
                | Op::NetworkConnect { .. }
                | Op::NetworkDisconnect { .. }
                | Op::AddExecSession { .. }
                | Op::RemoveExecSession { .. }
                | Op::RemoveContainerExecSessions { .. }
                | Op::AddPod { .. }
                | Op::RemovePod { .. }
                | Op::RemovePodContainers { .. }
                | Op::AddContainerToPod { .. }
                | Op::RemoveContainerFromPod { .. }
                | Op::SavePod { .. }
                | Op::RewritePodConfig { .. }
                | Op::AddVolume { .. }
                | Op::RemoveVolume { .. }
                | Op::SaveVolume { .. }
                | Op::RewriteVolumeConfig { .. }
        )
    }

    /// The exec session IDs this operation names (those of a batch's calls included), so the
    /// invariant checks can probe them.
    pub fn session_ids(&self) -> Vec<&str> {
        match self {
            Op::AddExecSession { session, .. } | Op::RemoveExecSession { session } => {
                vec![&session.id]
            }
            Op::GetExecSession { id } => vec![id],
            Op::Batch { ops, .. } => ops.iter().flat_map(Op::session_ids).collect(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use podstate_api::Payload;

    #[test]
    fn ops_round_trip_through_json_with_payloads_byte_for_byte() {
        let mut cfg = ContainerConfig::new("ab", "web");
        cfg.payload = Payload::from_json(r#"{ "image":  "alpine" }"#).unwrap();
        let ops = vec![
            Op::AddContainer {
                ctr: Container::new(cfg.clone()),
            },
            Op::Refresh,
            Op::Reopen,
            Op::LookupContainerId {
                id_or_name: "a\0".into(),
            },
        ];
        let json = serde_json::to_string_pretty(&ops).unwrap();
        assert!(json.contains(r#""add_container""#), "{json}");
        assert!(json.contains(r#""reopen""#), "{json}");
        let back: Vec<Op> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, ops);
        let Op::AddContainer { ctr } = &back[0] else {
            panic!("first op changed variant: {:?}", back[0]);
        };
        assert_eq!(ctr.config.payload.as_str(), r#"{ "image":  "alpine" }"#);
    }

    #[test]
    fn a_batch_reads_as_its_calls_and_round_trips_through_json() {
        let batch = Op::Batch {
            ops: vec![
                Op::GetName { id: "a".into() },
                Op::Batch {
                    ops: vec![Op::AllPods],
                    rollback: false,
                },
            ],
            rollback: true,
        };
        let json = serde_json::to_string(&batch).unwrap();
        assert_eq!(
            json,
            r#"{"batch":{"ops":[{"get_name":{"id":"a"}},{"batch":{"ops":["all_pods"],"rollback":false}}],"rollback":true}}"#
        );
        assert_eq!(serde_json::from_str::<Op>(&json).unwrap(), batch);
        assert_eq!(
            batch.to_string(),
            r#"batch(get_name("a"); batch(all_pods; then commit); then roll back)"#
        );
        assert_eq!((batch.call(), batch.name()), (None, "batch"));
        assert!(batch.allows(Outcome::Err(podstate_api::ErrorKind::InvalidArg)));
        assert!(!batch.allows(Outcome::Err(podstate_api::ErrorKind::NoSuchCtr)));
    }

    #[test]
    fn a_batch_may_write_when_it_commits_a_call_that_may() {
        let add = Op::AddVolume {
            vol: Volume::new(VolumeConfig::new("v")),
        };
        let batch = |ops: Vec<Op>, rollback| Op::Batch { ops, rollback };
        assert!(batch(vec![Op::AllPods, add.clone()], false).may_write());
        assert!(!batch(vec![add.clone()], true).may_write());
        assert!(!batch(vec![Op::AllPods], false).may_write());
        let session = ExecSession::new("s1", "c1");
        let with_session = batch(vec![Op::RemoveExecSession { session }, add], false);
        assert_eq!(with_session.session_ids(), ["s1"]);
    }

    #[test]
    fn every_call_but_reopen_maps_to_its_call() {
        assert_eq!(Op::Reopen.call(), None);
        assert_eq!(Op::AllPods.call(), Some(Call::AllPods));
        assert_eq!(Op::Close.to_string(), "close");
        assert_eq!(
            Op::GetName { id: String::new() }.to_string(),
            r#"get_name("")"#
        );
    }
}
