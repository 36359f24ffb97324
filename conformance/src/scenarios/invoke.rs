//! Any of the 53 calls by its [`Call`] value, for the table-driven checks that must not forget one.
//!
//! [`Args`] holds one value per argument *role* (the passed container, the key to look up, the
//! network...), so that the string tables can corrupt any role with [`slots`](super::slots)
//! without knowing which call reads which field. [`Args::op`] turns a call and its roles into
//! the checker's [`Op`], which matches on every [`Call`] without a wildcard arm (a call added to
//! the contract does not compile until it is wired here too); from there the tables and the
//! model checker drive `State` through one dispatch, [`checker::call`]. `Op` is the one
//! representation of a call with its arguments; `Args` is only the tables' way to build it.

use podstate_api::{Container, ContainerConfig, DbConfig, ExecSession, Pod, PodConfig, State};
use podstate_api::{Volume, VolumeConfig};

use crate::checker::{self, Op};
use crate::{Call, Outcome};

/// The arguments of every call, one field per role. A call reads only the fields it needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Args {
    /// The passed container (the new one for `add_container` and `add_container_to_pod`).
    pub ctr: Container,
    /// The passed pod (the new one for `add_pod`).
    pub pod: Pod,
    /// The passed volume (the new one for `add_volume`).
    pub vol: Volume,
    /// The exec session of `add_exec_session` and `remove_exec_session`.
    pub session: ExecSession,
    /// The ID, name or prefix of the lookup calls (`get_name`, `container`, `lookup_*`, `has_*`,
    /// `get_container_config`, `pod_has_container`, `get_exec_session`, `volume`).
    pub key: String,
    /// The network of the network calls.
    pub network: String,
    /// The aliases of `network_connect`.
    pub aliases: Vec<String>,
    /// The new config of `rewrite_container_config`.
    pub ctr_cfg: ContainerConfig,
    /// The new config of `rewrite_pod_config`.
    pub pod_cfg: PodConfig,
    /// The new config of `rewrite_volume_config`.
    pub vol_cfg: VolumeConfig,
    /// The config of `validate_db_config`.
    pub db: DbConfig,
    /// The namespace of `set_namespace`.
    pub namespace: String,
}

impl Args {
    /// The operation `call` makes with these arguments: each call takes the roles it reads.
    pub fn op(&self, call: Call) -> Op {
        let a = self.clone();
        match call {
            Call::Close => Op::Close,
            Call::Refresh => Op::Refresh,
            Call::GetDbConfig => Op::GetDbConfig,
            Call::ValidateDbConfig => Op::ValidateDbConfig { cfg: a.db },
            Call::SetNamespace => Op::SetNamespace { ns: a.namespace },
            Call::GetName => Op::GetName { id: a.key },
            Call::Container => Op::Container { id: a.key },
            Call::LookupContainerId => Op::LookupContainerId { id_or_name: a.key },
            Call::LookupContainer => Op::LookupContainer { id_or_name: a.key },
            Call::HasContainer => Op::HasContainer { id: a.key },
            Call::GetContainerConfig => Op::GetContainerConfig { id: a.key },
            Call::AddContainer => Op::AddContainer { ctr: a.ctr },
            Call::RemoveContainer => Op::RemoveContainer { ctr: a.ctr },
            Call::UpdateContainer => Op::UpdateContainer { ctr: a.ctr },
            Call::SaveContainer => Op::SaveContainer { ctr: a.ctr },
            Call::ContainerInUse => Op::ContainerInUse { ctr: a.ctr },
            Call::AllContainers => Op::AllContainers,
            Call::RewriteContainerConfig => Op::RewriteContainerConfig {
                ctr: a.ctr,
                cfg: a.ctr_cfg,
            },
            Call::GetNetworks => Op::GetNetworks { ctr: a.ctr },
            Call::GetNetworkAliases => Op::GetNetworkAliases {
                ctr: a.ctr,
                network: a.network,
            },
            Call::GetAllNetworkAliases => Op::GetAllNetworkAliases { ctr: a.ctr },
            Call::NetworkConnect => Op::NetworkConnect {
                ctr: a.ctr,
                network: a.network,
                aliases: a.aliases,
            },
            Call::NetworkDisconnect => Op::NetworkDisconnect {
                ctr: a.ctr,
                network: a.network,
            },
            Call::AddExecSession => Op::AddExecSession {
                ctr: a.ctr,
                session: a.session,
            },
            Call::GetExecSession => Op::GetExecSession { id: a.key },
            Call::RemoveExecSession => Op::RemoveExecSession { session: a.session },
            Call::GetContainerExecSessions => Op::GetContainerExecSessions { ctr: a.ctr },
            Call::RemoveContainerExecSessions => Op::RemoveContainerExecSessions { ctr: a.ctr },
            Call::Pod => Op::Pod { id: a.key },
            Call::LookupPod => Op::LookupPod { id_or_name: a.key },
            Call::HasPod => Op::HasPod { id: a.key },
            Call::PodHasContainer => Op::PodHasContainer {
                pod: a.pod,
                ctr_id: a.key,
            },
            Call::PodContainersById => Op::PodContainersById { pod: a.pod },
            Call::PodContainers => Op::PodContainers { pod: a.pod },
            Call::AddPod => Op::AddPod { pod: a.pod },
            Call::RemovePod => Op::RemovePod { pod: a.pod },
            Call::RemovePodContainers => Op::RemovePodContainers { pod: a.pod },
            Call::AddContainerToPod => Op::AddContainerToPod {
                pod: a.pod,
                ctr: a.ctr,
            },
            Call::RemoveContainerFromPod => Op::RemoveContainerFromPod {
                pod: a.pod,
                ctr: a.ctr,
            },
            Call::UpdatePod => Op::UpdatePod { pod: a.pod },
            Call::SavePod => Op::SavePod { pod: a.pod },
            Call::AllPods => Op::AllPods,
            Call::RewritePodConfig => Op::RewritePodConfig {
                pod: a.pod,
                cfg: a.pod_cfg,
            },
            Call::Volume => Op::Volume { name: a.key },
            Call::LookupVolume => Op::LookupVolume { name: a.key },
            Call::HasVolume => Op::HasVolume { name: a.key },
            Call::VolumeInUse => Op::VolumeInUse { vol: a.vol },
            Call::AddVolume => Op::AddVolume { vol: a.vol },
            Call::RemoveVolume => Op::RemoveVolume { vol: a.vol },
            Call::UpdateVolume => Op::UpdateVolume { vol: a.vol },
            Call::SaveVolume => Op::SaveVolume { vol: a.vol },
            Call::AllVolumes => Op::AllVolumes,
            Call::RewriteVolumeConfig => Op::RewriteVolumeConfig {
                vol: a.vol,
                cfg: a.vol_cfg,
            },
        }
    }
}

/// Runs `call` on `state` with `args` (through the checker's one dispatch, [`checker::call`])
/// and answers its outcome.
///
/// # Panics
/// When the backend answers an outcome SPEC does not allow for `call`, or panics, or breaks the
/// contract in a way the checker calls broken (an `update_*` that changes the caller's object
/// on error).
pub fn invoke(call: Call, state: &dyn State, args: &Args) -> Outcome {
    let answer = checker::call(state, &args.op(call));
    let Some(outcome) = answer.outcome() else {
        panic!("{} broke the contract: {answer}", call.name());
    };
    assert!(
        call.allows(outcome),
        "{} answered {outcome}, which SPEC does not allow for it ({})",
        call.name(),
        answer.detail()
    );
    outcome
}
