//! One draw of one call: the operation with its arguments, and what the generator then believes
//! about the store and the handles.

use podstate_api::{ContainerConfig, ExecSession};
use proptest::prelude::RngExt;

use super::draw::Gen;
use super::universe::{CaseClass, pick};
use crate::calls::Call;
use crate::checker::ops::Op;

impl Gen<'_> {
    /// The op of one draw of `call` alone: `make` may add a helper op (a member's pod first),
    /// which an ending leaves out. `Close` is the bare close.
    pub(super) fn only(&mut self, call: Call) -> Op {
        if call == Call::Close {
            return Op::Close;
        }
        let made = self.make(Some(call));
        made.into_iter()
            .rfind(|op| op.call() == Some(call))
            .unwrap_or(Op::Close)
    }

    /// The operations for one draw of `call` (`None` = reopen) on the current handle: one op,
    /// or a helper op and the op.
    pub(super) fn make(&mut self, call: Option<Call>) -> Vec<Op> {
        let Some(call) = call else {
            self.shadow.reopened();
            return vec![Op::Reopen];
        };
        let op = match call {
            Call::Close => return self.close(),
            Call::Refresh => {
                self.shadow.sessions.clear();
                Op::Refresh
            }
            Call::GetDbConfig => Op::GetDbConfig,
            Call::ValidateDbConfig => Op::ValidateDbConfig {
                cfg: self.db_config(),
            },
            Call::SetNamespace => {
                // A foreign namespace hides most of the state: do not linger in one, except in
                // a revisit case, which goes back to its objects from other namespaces.
                let home = match (self.u.class == CaseClass::Revisit, self.ns().is_empty()) {
                    (true, true) => 25,
                    (true, false) => 45,
                    (false, true) => 55,
                    (false, false) => 65,
                };
                let ns = if self.rng.random_range(0..100) < home {
                    String::new()
                } else {
                    match self.rng.random_range(0..100) {
                        0..50 => match self.namespace_trap("") {
                            Some((_, ns)) => ns,
                            None => self.stored_namespace(),
                        },
                        50..80 => self.stored_namespace(),
                        80..92 => pick(self.rng, &self.u.namespaces).clone(),
                        92..96 => "ns_unused".into(),
                        _ => "n\0s".into(),
                    }
                };
                if !ns.contains('\0') {
                    self.shadow.set_ns(ns.clone());
                }
                Op::SetNamespace { ns }
            }
            Call::GetName => Op::GetName {
                id: self.exact_id(),
            },
            Call::Container => Op::Container {
                id: self.exact_id(),
            },
            Call::LookupContainerId => Op::LookupContainerId {
                id_or_name: self.lookup_string(),
            },
            Call::LookupContainer => Op::LookupContainer {
                id_or_name: self.lookup_string(),
            },
            Call::HasContainer => Op::HasContainer {
                id: self.exact_id(),
            },
            Call::GetContainerConfig => Op::GetContainerConfig {
                id: self.exact_id(),
            },
            Call::AddContainer => Op::AddContainer {
                ctr: self.new_ctr(false),
            },
            Call::RemoveContainer => {
                let ctr = self.passed_ctr();
                self.forget_ctr(ctr.id());
                Op::RemoveContainer { ctr }
            }
            Call::UpdateContainer => Op::UpdateContainer {
                ctr: self.passed_ctr(),
            },
            Call::SaveContainer => {
                let mut ctr = self.passed_ctr();
                ctr.state = self.state();
                Op::SaveContainer { ctr }
            }
            Call::ContainerInUse => Op::ContainerInUse {
                ctr: self.passed_ctr(),
            },
            Call::AllContainers => Op::AllContainers,
            Call::RewriteContainerConfig => {
                let ctr = self.passed_ctr();
                let base = self
                    .u
                    .ctrs
                    .iter()
                    .find(|c| c.id == ctr.config.id)
                    .cloned()
                    .unwrap_or_else(|| ctr.config.clone());
                let cfg = self.rewritten_config(&base);
                Op::RewriteContainerConfig { ctr, cfg }
            }
            Call::GetNetworks => Op::GetNetworks {
                ctr: self.passed_ctr(),
            },
            Call::GetNetworkAliases => Op::GetNetworkAliases {
                ctr: self.passed_ctr(),
                network: self.network(),
            },
            Call::GetAllNetworkAliases => Op::GetAllNetworkAliases {
                ctr: self.passed_ctr(),
            },
            Call::NetworkConnect => Op::NetworkConnect {
                ctr: self.passed_ctr(),
                network: self.network(),
                aliases: self.aliases(),
            },
            Call::NetworkDisconnect => Op::NetworkDisconnect {
                ctr: self.passed_ctr(),
                network: self.network(),
            },
            Call::AddExecSession => {
                let ctr = if self.chance(0.3) {
                    self.passed_member()
                } else {
                    self.passed_ctr()
                };
                let container_id = match self.rng.random_range(0..100) {
                    0..88 => ctr.config.id.clone(),
                    88..97 => pick(self.rng, &self.u.ids).clone(),
                    _ => self.bad_string(),
                };
                let session = ExecSession::new(self.session_id(), container_id);
                self.shadow.sessions.push(session.clone());
                Op::AddExecSession { ctr, session }
            }
            Call::GetExecSession => Op::GetExecSession {
                id: self.session_id(),
            },
            Call::RemoveExecSession => {
                let session = self.known_session();
                self.shadow.sessions.retain(|s| s.id != session.id);
                Op::RemoveExecSession { session }
            }
            Call::GetContainerExecSessions => Op::GetContainerExecSessions {
                ctr: self.passed_ctr(),
            },
            Call::RemoveContainerExecSessions => {
                let ctr = self.passed_ctr();
                self.shadow
                    .sessions
                    .retain(|s| s.container_id != ctr.config.id);
                Op::RemoveContainerExecSessions { ctr }
            }
            Call::Pod => Op::Pod {
                id: self.exact_id(),
            },
            Call::LookupPod => Op::LookupPod {
                id_or_name: self.lookup_string(),
            },
            Call::HasPod => Op::HasPod {
                id: self.exact_id(),
            },
            Call::PodHasContainer => {
                let pod = self.passed_pod();
                let members: Vec<&ContainerConfig> = self
                    .u
                    .ctrs
                    .iter()
                    .filter(|c| c.pod.as_deref() == Some(pod.id()))
                    .collect();
                let ctr_id = if !members.is_empty() && self.chance(0.6) {
                    pick(self.rng, &members).id.clone()
                } else {
                    self.exact_id()
                };
                Op::PodHasContainer { pod, ctr_id }
            }
            Call::PodContainersById => Op::PodContainersById {
                pod: self.passed_pod(),
            },
            Call::PodContainers => Op::PodContainers {
                pod: self.passed_pod(),
            },
            Call::AddPod => Op::AddPod {
                pod: self.new_pod(),
            },
            Call::RemovePod => {
                let pod = self.passed_pod();
                self.forget_pod(pod.id());
                Op::RemovePod { pod }
            }
            Call::RemovePodContainers => {
                let pod = self.passed_pod();
                let id = pod.id().to_owned();
                let members: Vec<usize> = (0..self.u.ctrs.len())
                    .filter(|&i| self.u.ctrs[i].pod.as_deref() == Some(id.as_str()))
                    .collect();
                for i in members {
                    self.shadow.ctrs.remove(&i);
                }
                Op::RemovePodContainers { pod }
            }
            Call::AddContainerToPod => {
                let ctr = self.new_ctr(true);
                let pod = self.pod_of(&ctr.config);
                let pod_index = self.u.pods.iter().position(|p| p.id == pod.config.id);
                if let Some(i) = pod_index
                    && !self.shadow.pods.contains(&i)
                    && self.chance(0.7)
                {
                    // The member's pod first, so members get stored too.
                    self.shadow.pods.insert(i);
                    return vec![
                        Op::AddPod { pod: pod.clone() },
                        Op::AddContainerToPod { pod, ctr },
                    ];
                }
                Op::AddContainerToPod { pod, ctr }
            }
            Call::RemoveContainerFromPod => {
                let ctr = self.passed_member();
                let pod = self.pod_of(&ctr.config);
                self.forget_ctr(ctr.id());
                Op::RemoveContainerFromPod { pod, ctr }
            }
            Call::UpdatePod => Op::UpdatePod {
                pod: self.passed_pod(),
            },
            Call::SavePod => {
                let mut pod = self.passed_pod();
                pod.state = self.pod_state();
                Op::SavePod { pod }
            }
            Call::AllPods => Op::AllPods,
            Call::RewritePodConfig => {
                let pod = self.passed_pod();
                let mut cfg = pod.config.clone();
                cfg.payload = self.u.payload(self.rng);
                cfg.lock_id = self.rng.random_range(0..10);
                match self.rng.random_range(0..100) {
                    0..8 => cfg.name = self.name(),
                    8..14 => cfg.namespace = self.other_namespace(&cfg.namespace),
                    14..17 => cfg.id = pick(self.rng, &self.u.ids).clone(),
                    17..19 => cfg.name = self.bad_string(),
                    _ => {}
                }
                Op::RewritePodConfig { pod, cfg }
            }
            Call::Volume => Op::Volume {
                name: self.volume_lookup(),
            },
            Call::LookupVolume => Op::LookupVolume {
                name: self.volume_lookup(),
            },
            Call::HasVolume => Op::HasVolume {
                name: self.volume_lookup(),
            },
            Call::VolumeInUse => Op::VolumeInUse { vol: self.volume() },
            Call::AddVolume => {
                let mut vol = self.volume();
                let unstored: Vec<&String> = self
                    .u
                    .volumes
                    .iter()
                    .filter(|v| !self.shadow.volumes.contains(*v))
                    .collect();
                if !unstored.is_empty() && self.chance(0.75) {
                    vol.config.name = (*pick(self.rng, &unstored)).clone();
                }
                self.shadow.volumes.insert(vol.config.name.clone());
                Op::AddVolume { vol }
            }
            Call::RemoveVolume => {
                let vol = self.volume();
                self.shadow.volumes.remove(vol.name());
                Op::RemoveVolume { vol }
            }
            Call::UpdateVolume => Op::UpdateVolume { vol: self.volume() },
            Call::SaveVolume => Op::SaveVolume { vol: self.volume() },
            Call::AllVolumes => Op::AllVolumes,
            Call::RewriteVolumeConfig => {
                let vol = self.volume();
                let mut cfg = vol.config.clone();
                cfg.payload = self.u.payload(self.rng);
                cfg.lock_id = self.rng.random_range(0..10);
                match self.rng.random_range(0..100) {
                    0..12 => cfg.name = self.volume_name(),
                    12..15 => cfg.name = self.bad_string(),
                    _ => {}
                }
                Op::RewriteVolumeConfig { vol, cfg }
            }
        };
        vec![op]
    }
}
