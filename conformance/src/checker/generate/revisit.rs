//! Revisits: going back to an object after it changed, then reading it back.
//!
//! Bugs hide where an object comes back: an index entry a removal forgot (the volume still lists
//! a removed pod member as its user), a name a failed add kept reserved, aliases that survive a
//! disconnect, a namespace change the next exact lookup ignores. Random draws reach those
//! sequences only by luck, so after a change the generator queues follow-ups about the same
//! object: read back what referred to it, re-add it (same ID, same name), reconnect what was
//! disconnected, retry what was just tried. The queue is drained before new draws, interleaved,
//! so that the follow-ups come soon but not always at once; each runs on the handle that made
//! the change. What a handle sees from its new namespace goes to the front of the queue.

use podstate_api::{Container, ContainerConfig, ExecSession, Pod, Volume, VolumeConfig};

use super::draw::Gen;
use super::universe::{CaseClass, pick};
use crate::checker::ops::Op;

/// Chance that a change gets follow-ups: in a revisit case, and in a small or large one (a
/// bulk case grows, it does not go back).
const REVISIT: (f64, f64) = (0.6, 0.08);
/// Chance that the next draw takes a waiting follow-up rather than a fresh call.
const TAKE: f64 = 0.6;

impl Gen<'_> {
    /// The next waiting follow-up, if one is due, on its handle (which becomes the current
    /// one); the shadow learns what it adds or removes.
    pub(super) fn due_revisit(&mut self) -> Option<(usize, Op)> {
        if self.revisits.is_empty() || !self.chance(TAKE) {
            return None;
        }
        let (handle, op) = self.revisits.pop_front()?;
        self.shadow.current = handle;
        match &op {
            Op::AddContainer { ctr } | Op::AddContainerToPod { ctr, .. } => {
                if let Some(i) = self.u.ctrs.iter().position(|c| c.id == ctr.config.id) {
                    self.shadow.ctrs.insert(i);
                }
            }
            Op::AddPod { pod } => {
                if let Some(i) = self.u.pods.iter().position(|p| p.id == pod.config.id) {
                    self.shadow.pods.insert(i);
                }
            }
            Op::AddVolume { vol } => {
                self.shadow.volumes.insert(vol.name().to_owned());
            }
            Op::RemoveContainer { ctr } | Op::RemoveContainerFromPod { ctr, .. } => {
                self.forget_ctr(ctr.id());
            }
            Op::RemovePod { pod } => self.forget_pod(pod.id()),
            Op::RemoveVolume { vol } => {
                self.shadow.volumes.remove(vol.name());
            }
            _ => {}
        }
        Some((handle, op))
    }

    /// Queues follow-ups of `op`, which was just drawn (sometimes: see [`REVISIT`]).
    pub(super) fn plan_revisits(&mut self, op: &Op) {
        let chance = match self.u.class {
            CaseClass::Revisit => REVISIT.0,
            CaseClass::Bulk => 0.0,
            CaseClass::Small | CaseClass::Large => REVISIT.1,
        };
        if !op.may_write() && !matches!(op, Op::SetNamespace { .. }) || !self.chance(chance) {
            return;
        }
        // What was tried may have failed: try it once more, as a caller retries.
        if self.chance(0.15) {
            self.revisits.push_back((self.shadow.current, op.clone()));
        }
        let follow_ups = match op {
            Op::AddContainerToPod { pod, ctr } if self.chance(0.3) => {
                // The pod changed: every member goes at once, then what they used is asked.
                let mut ops = vec![Op::RemovePodContainers { pod: pod.clone() }];
                ops.extend(self.referents(&ctr.config));
                ops.push(self.re_add(&ctr.config));
                ops
            }
            Op::AddContainer { ctr } | Op::AddContainerToPod { ctr, .. } => {
                let mut ops = self.read_ctr(ctr);
                ops.extend(self.referents(&ctr.config));
                // What it depends on cannot go now.
                ops.extend(self.removals(&ctr.config.dependencies()));
                // Changing it right away: its config rewritten, its identity maybe with it.
                let cfg = self.rewritten_config(&ctr.config);
                ops.push(Op::RewriteContainerConfig {
                    ctr: ctr.clone(),
                    cfg,
                });
                ops
            }
            Op::RemoveContainer { ctr } | Op::RemoveContainerFromPod { ctr, .. } => {
                let mut ops = self.read_ctr(ctr);
                ops.extend(self.referents(&ctr.config));
                ops.push(self.re_add(&ctr.config));
                ops
            }
            Op::RemovePodContainers { pod } => {
                let members: Vec<ContainerConfig> = (self.u.ctrs.iter())
                    .filter(|c| c.pod.as_deref() == Some(pod.id()))
                    .cloned()
                    .collect();
                let mut ops = vec![Op::PodContainersById { pod: pod.clone() }];
                for cfg in &members {
                    ops.push(Op::HasContainer { id: cfg.id.clone() });
                    ops.extend(self.referents(cfg));
                }
                if let Some(cfg) = members.first() {
                    ops.push(self.re_add(cfg));
                }
                ops
            }
            Op::AddPod { pod } | Op::RemovePod { pod } => vec![
                Op::HasPod {
                    id: pod.id().into(),
                },
                Op::LookupPod {
                    id_or_name: pod.config.name.clone(),
                },
                Op::AddPod { pod: pod.clone() },
            ],
            Op::AddVolume { vol } | Op::RemoveVolume { vol } => vec![
                Op::VolumeInUse { vol: vol.clone() },
                Op::LookupVolume {
                    name: vol.name().into(),
                },
                Op::AddVolume { vol: vol.clone() },
            ],
            Op::NetworkConnect { ctr, network, .. } | Op::NetworkDisconnect { ctr, network } => {
                // Back to the same network, and on to another one, so that a container holds
                // several networks when the next one goes.
                let aliases = vec![pick(self.rng, &self.u.aliases).clone()];
                let other = pick(self.rng, &self.u.networks).clone();
                vec![
                    Op::GetNetworkAliases {
                        ctr: ctr.clone(),
                        network: network.clone(),
                    },
                    Op::NetworkConnect {
                        ctr: ctr.clone(),
                        network: network.clone(),
                        aliases: aliases.clone(),
                    },
                    Op::NetworkConnect {
                        ctr: ctr.clone(),
                        network: other,
                        aliases,
                    },
                    Op::NetworkDisconnect {
                        ctr: ctr.clone(),
                        network: network.clone(),
                    },
                    Op::GetAllNetworkAliases { ctr: ctr.clone() },
                ]
            }
            Op::AddExecSession { session, .. } => {
                let mut ops = self.read_session(session);
                // A container with a session cannot go now.
                ops.extend(self.removals(std::slice::from_ref(&session.container_id)));
                ops
            }
            Op::RemoveExecSession { session } => self.read_session(session),
            Op::SetNamespace { .. } => {
                // First in the queue, on this handle, before any other follow-up.
                let handle = self.shadow.current;
                for op in self.read_foreign().into_iter().rev() {
                    self.revisits.push_front((handle, op));
                }
                return;
            }
            _ => Vec::new(),
        };
        let handle = self.shadow.current;
        self.revisits
            .extend(follow_ups.into_iter().map(|op| (handle, op)));
    }

    /// Reading a container back: exact ID, then resolved by its ID (which may be another's
    /// name), its name and a prefix of its ID (which other IDs may share), and its networks.
    fn read_ctr(&mut self, ctr: &Container) -> Vec<Op> {
        let id = &ctr.config.id;
        vec![
            Op::Container { id: id.clone() },
            Op::LookupContainerId {
                id_or_name: id.clone(),
            },
            Op::LookupContainerId {
                id_or_name: ctr.config.name.clone(),
            },
            Op::LookupContainerId {
                id_or_name: self.cut(id),
            },
            Op::GetAllNetworkAliases { ctr: ctr.clone() },
        ]
    }

    /// What referred to a container, asked again: its dependencies' dependents, its volumes'
    /// users, its pod's members.
    fn referents(&mut self, cfg: &ContainerConfig) -> Vec<Op> {
        let mut ops: Vec<Op> = cfg
            .dependencies()
            .into_iter()
            .filter_map(|dep| self.u.ctrs.iter().find(|c| c.id == dep).cloned())
            .map(|dep| Op::ContainerInUse {
                ctr: Container::new(dep),
            })
            .collect();
        ops.extend(cfg.volume_names().into_iter().map(|name| Op::VolumeInUse {
            vol: Volume::new(VolumeConfig::new(name)),
        }));
        if let Some(pod) = cfg
            .pod
            .as_ref()
            .and_then(|id| self.u.pods.iter().find(|p| p.id == *id))
        {
            ops.push(Op::PodContainers {
                pod: Pod::new(pod.clone()),
            });
        }
        ops
    }

    /// Attempts to remove each of the containers `ids` by the call that fits its template.
    fn removals(&mut self, ids: &[String]) -> Vec<Op> {
        ids.iter()
            .filter_map(|id| self.u.ctrs.iter().find(|c| c.id == *id).cloned())
            .map(|cfg| {
                let pod = cfg
                    .pod
                    .as_ref()
                    .and_then(|id| self.u.pods.iter().find(|p| p.id == *id));
                let ctr = Container::new(cfg.clone());
                match pod {
                    Some(pod) => Op::RemoveContainerFromPod {
                        pod: Pod::new(pod.clone()),
                        ctr,
                    },
                    None => Op::RemoveContainer { ctr },
                }
            })
            .collect()
    }

    /// The same container again: same ID, same name, same everything.
    fn re_add(&mut self, cfg: &ContainerConfig) -> Op {
        let ctr = Container::new(cfg.clone());
        match cfg
            .pod
            .as_ref()
            .and_then(|id| self.u.pods.iter().find(|p| p.id == *id))
        {
            Some(pod) => Op::AddContainerToPod {
                pod: Pod::new(pod.clone()),
                ctr,
            },
            None => Op::AddContainer { ctr },
        }
    }

    /// A revisit case's first operations, at most `room` of them: every volume, every pod,
    /// every container template whose pod and dependencies are stored by then (templates depend
    /// on earlier ones), and a session on some of them, all from handle 0 in namespace `""`.
    /// The shadow learns only what is drawn.
    pub(super) fn populate(&mut self, room: usize) -> Vec<Op> {
        let mut ops: Vec<Op> = Vec::new();
        for name in self.u.volumes.clone() {
            if ops.len() >= room {
                return ops;
            }
            self.shadow.volumes.insert(name.clone());
            ops.push(Op::AddVolume {
                vol: Volume::new(VolumeConfig::new(name)),
            });
        }
        for (i, cfg) in self.u.pods.iter().enumerate() {
            if ops.len() >= room {
                return ops;
            }
            self.shadow.pods.insert(i);
            ops.push(Op::AddPod {
                pod: Pod::new(cfg.clone()),
            });
        }
        for i in 0..self.u.ctrs.len() {
            let cfg = self.u.ctrs[i].clone();
            if ops.len() + 2 > room {
                return ops;
            }
            if !self.ready(&cfg) {
                continue;
            }
            self.shadow.ctrs.insert(i);
            ops.push(self.re_add(&cfg));
            if self.chance(0.3) {
                let session = ExecSession::new(pick(self.rng, &self.u.sessions).clone(), &cfg.id);
                self.shadow.sessions.push(session.clone());
                ops.push(Op::AddExecSession {
                    ctr: Container::new(cfg),
                    session,
                });
            }
        }
        ops
    }

    /// A session read back through the registry and its container.
    fn read_session(&mut self, session: &ExecSession) -> Vec<Op> {
        let mut ops = vec![Op::GetExecSession {
            id: session.id.clone(),
        }];
        if let Some(cfg) = self.u.ctrs.iter().find(|c| c.id == session.container_id) {
            ops.push(Op::GetContainerExecSessions {
                ctr: Container::new(cfg.clone()),
            });
        }
        ops
    }

    /// After the handle moved: the exact getters and a lookup asked about a stored object of
    /// another namespace, which the handle must not see (or, from `""`, must).
    fn read_foreign(&mut self) -> Vec<Op> {
        let ns = self.ns().to_owned();
        let namespace_of = |id: &str| {
            let ctr = self
                .u
                .ctrs
                .iter()
                .find(|c| c.id == id)
                .map(|c| &c.namespace);
            let pod = self
                .u
                .pods
                .iter()
                .find(|p| p.id == id)
                .map(|p| &p.namespace);
            ctr.or(pod).cloned().unwrap_or_default()
        };
        let stored = self.stored_ids();
        let foreign: Vec<&str> = stored
            .iter()
            .copied()
            .filter(|id| namespace_of(id) != ns)
            .collect();
        let Some(&id) = foreign.first().map(|_| pick(self.rng, &foreign)) else {
            return Vec::new();
        };
        let id = id.to_owned();
        let lookup = match self.namespace_trap(&ns) {
            Some((shorter, _)) => shorter,
            None => self.cut(&id),
        };
        vec![
            Op::HasContainer { id: id.clone() },
            Op::GetName { id: id.clone() },
            Op::Container { id: id.clone() },
            Op::HasPod { id },
            Op::LookupContainerId { id_or_name: lookup },
        ]
    }
}
