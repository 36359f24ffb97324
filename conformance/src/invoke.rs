//! Any of the 53 calls by its [`Call`] value, for the table-driven checks that must not forget one.
//!
//! [`invoke`] matches on every [`Call`] without a wildcard arm, so a call added to the contract
//! does not compile until it is wired here too. Each call takes its arguments from [`Args`].

use podstate_api::{Container, ContainerConfig, DbConfig, ExecSession, Pod, PodConfig, State};
use podstate_api::{Volume, VolumeConfig};

use crate::harness::check_allowed;
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

/// Runs `call` on `state` with `args` and answers its outcome.
///
/// # Panics
/// When the backend answers an outcome SPEC does not allow for `call`.
pub fn invoke(call: Call, state: &dyn State, args: &Args) -> Outcome {
    let a = args;
    match call {
        Call::Close => outcome(call, state.close()),
        Call::Refresh => outcome(call, state.refresh()),
        Call::GetDbConfig => outcome(call, state.get_db_config()),
        Call::ValidateDbConfig => outcome(call, state.validate_db_config(&a.db)),
        Call::SetNamespace => outcome(call, state.set_namespace(&a.namespace)),
        Call::GetName => outcome(call, state.get_name(&a.key)),
        Call::Container => outcome(call, state.container(&a.key)),
        Call::LookupContainerId => outcome(call, state.lookup_container_id(&a.key)),
        Call::LookupContainer => outcome(call, state.lookup_container(&a.key)),
        Call::HasContainer => outcome(call, state.has_container(&a.key)),
        Call::GetContainerConfig => outcome(call, state.get_container_config(&a.key)),
        Call::AddContainer => outcome(call, state.add_container(&a.ctr)),
        Call::RemoveContainer => outcome(call, state.remove_container(&a.ctr)),
        Call::UpdateContainer => outcome(call, state.update_container(&mut a.ctr.clone())),
        Call::SaveContainer => outcome(call, state.save_container(&a.ctr)),
        Call::ContainerInUse => outcome(call, state.container_in_use(&a.ctr)),
        Call::AllContainers => outcome(call, state.all_containers()),
        Call::RewriteContainerConfig => {
            outcome(call, state.rewrite_container_config(&a.ctr, &a.ctr_cfg))
        }
        Call::GetNetworks => outcome(call, state.get_networks(&a.ctr)),
        Call::GetNetworkAliases => outcome(call, state.get_network_aliases(&a.ctr, &a.network)),
        Call::GetAllNetworkAliases => outcome(call, state.get_all_network_aliases(&a.ctr)),
        Call::NetworkConnect => {
            outcome(call, state.network_connect(&a.ctr, &a.network, &a.aliases))
        }
        Call::NetworkDisconnect => outcome(call, state.network_disconnect(&a.ctr, &a.network)),
        Call::AddExecSession => outcome(call, state.add_exec_session(&a.ctr, &a.session)),
        Call::GetExecSession => outcome(call, state.get_exec_session(&a.key)),
        Call::RemoveExecSession => outcome(call, state.remove_exec_session(&a.session)),
        Call::GetContainerExecSessions => outcome(call, state.get_container_exec_sessions(&a.ctr)),
        Call::RemoveContainerExecSessions => {
            outcome(call, state.remove_container_exec_sessions(&a.ctr))
        }
        Call::Pod => outcome(call, state.pod(&a.key)),
        Call::LookupPod => outcome(call, state.lookup_pod(&a.key)),
        Call::HasPod => outcome(call, state.has_pod(&a.key)),
        Call::PodHasContainer => outcome(call, state.pod_has_container(&a.pod, &a.key)),
        Call::PodContainersById => outcome(call, state.pod_containers_by_id(&a.pod)),
        Call::PodContainers => outcome(call, state.pod_containers(&a.pod)),
        Call::AddPod => outcome(call, state.add_pod(&a.pod)),
        Call::RemovePod => outcome(call, state.remove_pod(&a.pod)),
        Call::RemovePodContainers => outcome(call, state.remove_pod_containers(&a.pod)),
        Call::AddContainerToPod => outcome(call, state.add_container_to_pod(&a.pod, &a.ctr)),
        Call::RemoveContainerFromPod => {
            outcome(call, state.remove_container_from_pod(&a.pod, &a.ctr))
        }
        Call::UpdatePod => outcome(call, state.update_pod(&mut a.pod.clone())),
        Call::SavePod => outcome(call, state.save_pod(&a.pod)),
        Call::AllPods => outcome(call, state.all_pods()),
        Call::RewritePodConfig => outcome(call, state.rewrite_pod_config(&a.pod, &a.pod_cfg)),
        Call::Volume => outcome(call, state.volume(&a.key)),
        Call::LookupVolume => outcome(call, state.lookup_volume(&a.key)),
        Call::HasVolume => outcome(call, state.has_volume(&a.key)),
        Call::VolumeInUse => outcome(call, state.volume_in_use(&a.vol)),
        Call::AddVolume => outcome(call, state.add_volume(&a.vol)),
        Call::RemoveVolume => outcome(call, state.remove_volume(&a.vol)),
        Call::UpdateVolume => outcome(call, state.update_volume(&mut a.vol.clone())),
        Call::SaveVolume => outcome(call, state.save_volume(&a.vol)),
        Call::AllVolumes => outcome(call, state.all_volumes()),
        Call::RewriteVolumeConfig => outcome(call, state.rewrite_volume_config(&a.vol, &a.vol_cfg)),
    }
}

fn outcome<T>(call: Call, result: podstate_api::Result<T>) -> Outcome {
    check_allowed(call, &result);
    Outcome::of(&result)
}
