//! The generator: a proptest [`Strategy`] of operation sequences biased toward interesting states.
//!
//! A case first draws a [`Universe`] (pools and templates), then its operations one by one. The
//! generator keeps a rough *shadow* of what it has tried to add, only to bias later choices
//! (remove what was added, register sessions on stored containers, ...); it never filters: every
//! operation is legal anywhere, and errors are outcomes like any other. Adds outweigh removals so
//! that state grows.
//!
//! `close` appears only in two shapes: immediately followed by `reopen`, or as the start of the
//! *closing tail* that ends some cases: `close`, then every call once in a random order, each of
//! which must answer `DbClosed` (`close` itself stays `Ok`). Without that tail no call could reach
//! its `DbClosed` outcome. A bulk case has no closing tail: it ends with a *survey* instead, the
//! list and lookup calls asked once more of the grown store.

use podstate_api::{ContainerConfig, ExecSession};
use proptest::prelude::RngExt;
use proptest::strategy::{NewTree, Strategy};
use proptest::test_runner::{TestRng, TestRunner};

use super::draw::{Gen, Shadow};
use super::ops::Op;
use super::shrink::OpsTree;
use super::universe::{CaseClass, Universe, pick};
use crate::calls::Call;

/// Generates sequences of exactly `len` operations (shrinking may remove any of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpsStrategy {
    /// Operations per generated case.
    pub len: usize,
}

impl Strategy for OpsStrategy {
    type Tree = OpsTree;
    type Value = Vec<Op>;

    fn new_tree(&self, runner: &mut TestRunner) -> NewTree<Self> {
        Ok(OpsTree::new(generate(runner.rng(), self.len)))
    }
}

/// The calls a bulk case ends with: every call answering a list or resolving a string, asked of
/// the grown store (sprinkled ones may all come too early, before the store is large).
const SURVEY: &[Call] = &[
    Call::AllContainers,
    Call::LookupContainerId,
    Call::PodContainers,
    Call::AllPods,
    Call::PodContainersById,
    Call::AllVolumes,
    Call::VolumeInUse,
    Call::LookupContainer,
    Call::ContainerInUse,
    Call::PodContainers,
];

/// How a case ends after its random operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    /// Nothing more.
    Plain,
    /// `close`, then every call once in a random order (each must answer `DbClosed`).
    Closing,
    /// The [`SURVEY`] of a bulk case.
    Survey,
}

impl Ending {
    fn len(self) -> usize {
        match self {
            Ending::Plain => 0,
            Ending::Closing => Call::ALL.len() + 1,
            Ending::Survey => SURVEY.len(),
        }
    }
}

/// Draws one case of `len` operations from `rng`.
pub fn generate(rng: &mut TestRng, len: usize) -> Vec<Op> {
    let class = CaseClass::draw(rng);
    let universe = Universe::generate(rng, class);
    let mut g = Gen {
        rng,
        u: &universe,
        shadow: Shadow::default(),
    };
    // A bulk case needs its operations to grow, and ends with a survey instead.
    let ending = match class {
        CaseClass::Bulk if len >= 4 * SURVEY.len() => Ending::Survey,
        CaseClass::Bulk => Ending::Plain,
        _ if len >= 2 * Call::ALL.len() && g.chance(0.18) => Ending::Closing,
        _ => Ending::Plain,
    };
    let mut ops = Vec::with_capacity(len);
    while ops.len() + ending.len() < len {
        let call = g.weighted_call();
        ops.extend(g.make(call));
    }
    ops.truncate(len - ending.len());
    match ending {
        Ending::Plain => {}
        Ending::Closing => {
            let mut calls = Call::ALL.to_vec();
            for i in (1..calls.len()).rev() {
                let j = g.rng.random_range(0..=i);
                calls.swap(i, j);
            }
            ops.push(Op::Close);
            ops.extend(calls.into_iter().map(|c| g.only(c)));
        }
        Ending::Survey => ops.extend(SURVEY.iter().map(|&c| g.only(c))),
    }
    ops
}

impl Gen<'_> {
    /// The op of one draw of `call` alone: `make` may add a helper op (close-then-reopen, a
    /// member's pod first), which an ending leaves out; so a bare (idempotent) close for `Close`.
    fn only(&mut self, call: Call) -> Op {
        let made = self.make(Some(call));
        made.into_iter()
            .rfind(|op| op.call() == Some(call))
            .unwrap_or(Op::Close)
    }

    // ----- one call --------------------------------------------------------------------------

    /// The operations for one draw of `call` (`None` = reopen): one op, or close + reopen.
    fn make(&mut self, call: Option<Call>) -> Vec<Op> {
        let Some(call) = call else {
            self.shadow.ns.clear();
            return vec![Op::Reopen];
        };
        let op = match call {
            Call::Close => {
                self.shadow.ns.clear();
                return vec![Op::Close, Op::Reopen];
            }
            Call::Refresh => {
                self.shadow.sessions.clear();
                Op::Refresh
            }
            Call::GetDbConfig => Op::GetDbConfig,
            Call::ValidateDbConfig => Op::ValidateDbConfig {
                cfg: self.db_config(),
            },
            Call::SetNamespace => {
                // A foreign namespace hides most of the state: do not linger in one.
                let home = if self.shadow.ns.is_empty() { 55 } else { 65 };
                let ns = match self.rng.random_range(0..100) {
                    n if n < home => String::new(),
                    0..45 => self.stored_namespace(),
                    45..85 => match self.namespace_trap("") {
                        Some((_, ns)) => ns,
                        None => self.stored_namespace(),
                    },
                    85..92 => pick(self.rng, &self.u.namespaces).clone(),
                    92..95 => "ns_unused".into(),
                    _ => "n\0s".into(),
                };
                if !ns.contains('\0') {
                    self.shadow.ns = ns.clone();
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use proptest::test_runner::RngAlgorithm;

    fn rng(seed: u8) -> TestRng {
        TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32])
    }

    #[test]
    fn the_same_seed_gives_the_same_case() {
        // Plain asserts: a failing assert_eq! would print two 200-op cases.
        assert!(generate(&mut rng(7), 200) == generate(&mut rng(7), 200));
        assert!(generate(&mut rng(7), 200) != generate(&mut rng(8), 200));
    }

    #[test]
    fn cases_have_the_requested_length_and_close_only_before_reopen_or_as_the_tail() {
        let mut tails = 0;
        for seed in 0..40 {
            let ops = generate(&mut rng(seed), 200);
            assert_eq!(ops.len(), 200);
            let bare_close = (0..ops.len())
                .find(|&i| ops[i] == Op::Close && ops.get(i + 1) != Some(&Op::Reopen));
            let Some(start) = bare_close else { continue };
            if start + 1 == ops.len() {
                continue;
            }
            // The closing tail: every call exactly once after the close.
            let mut tail: Vec<Call> = ops[start + 1..].iter().filter_map(Op::call).collect();
            tail.sort();
            let mut all = Call::ALL.to_vec();
            all.sort();
            assert_eq!(ops.len() - start - 1, Call::ALL.len(), "seed {seed}");
            assert_eq!(tail, all, "seed {seed}");
            tails += 1;
        }
        assert!(tails > 0, "no case ended with a closing tail");
    }

    #[test]
    fn some_cases_are_bulk_loads_that_end_with_a_survey_of_the_grown_store() {
        let survey: Vec<Option<Call>> = SURVEY.iter().map(|c| Some(*c)).collect();
        let mut bulk = 0;
        for seed in 0..40 {
            let ops = generate(&mut rng(seed), 200);
            let ending: Vec<Option<Call>> =
                ops[200 - SURVEY.len()..].iter().map(Op::call).collect();
            if ending != survey {
                continue;
            }
            bulk += 1;
            let adds = ops
                .iter()
                .filter(|op| matches!(op, Op::AddContainer { .. } | Op::AddContainerToPod { .. }))
                .count();
            let removals = ops
                .iter()
                .filter(|op| op.name().starts_with("remove"))
                .count();
            assert!(adds >= 80, "seed {seed}: only {adds} container adds");
            assert!(removals <= 12, "seed {seed}: {removals} removals");
        }
        assert!((3..=14).contains(&bulk), "{bulk} bulk cases in 40");
    }

    #[test]
    fn generated_cases_survive_a_json_round_trip() {
        for seed in 0..5 {
            let ops = generate(&mut rng(seed), 200);
            let json = serde_json::to_string(&ops).expect("serializes");
            let back: Vec<Op> = serde_json::from_str(&json).expect("deserializes");
            assert!(back == ops, "seed {seed} changed in a round trip");
        }
    }

    #[test]
    fn every_call_is_generated_over_a_few_cases() {
        let mut seen = BTreeSet::new();
        for seed in 0..10 {
            seen.extend(generate(&mut rng(seed), 300).iter().filter_map(Op::call));
        }
        let missing: Vec<_> = Call::ALL.iter().filter(|c| !seen.contains(c)).collect();
        assert!(missing.is_empty(), "never generated: {missing:?}");
    }
}
