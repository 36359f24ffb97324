//! One draw of a batch ([`Op::Batch`]): one to [`MAX_BATCH`] calls on the batch's handle,
//! committed, or rolled back by its closure about one time in three.
//!
//! Two shapes. A *lifecycle* batch is the work a runtime batches (SPEC §3 Batches: add a
//! container, connect its networks, register an exec session, save its state), each call after
//! the add about the container just added, so that reads inside see the batch's earlier writes
//! and its later calls depend on them. A *mixed* batch draws its calls as the case draws its
//! calls, with their usual share of failures, plus now and then a call that belongs to a handle
//! and answers `InvalidArg` inside a batch (`close`, `set_namespace`, a nested batch).
//!
//! What the generator believes it added stays believed only when the batch commits.

use podstate_api::ExecSession;
use proptest::prelude::RngExt;

use super::draw::Gen;
use super::universe::{CaseClass, pick};
use crate::calls::Call;
use crate::checker::ops::Op;

/// The most calls a drawn batch makes.
pub(super) const MAX_BATCH: usize = 6;

/// Chance that a batch's closure answers the rollback error after its calls.
const ROLLBACK: f64 = 0.35;

/// Chance that a call of a mixed batch is one that belongs to a handle (`InvalidArg` inside).
const HANDLE_CALL: f64 = 0.06;

impl Gen<'_> {
    /// Chance that the next draw of a case of this class is a batch: rare enough that a case
    /// stays mostly single calls, frequent enough that every case has a few.
    pub(super) fn batch_chance(&self) -> f64 {
        match self.u.class {
            CaseClass::Bulk => 0.015,
            _ => 0.035,
        }
    }

    /// One batch on the current handle.
    pub(super) fn batch(&mut self) -> Op {
        let len = self.rng.random_range(1..=MAX_BATCH);
        let rollback = self.chance(ROLLBACK);
        let believed = self.shadow.objects();
        let mut ops = match self.chance(0.4) {
            true => self.lifecycle(len),
            false => self.mixed(len),
        };
        ops.truncate(MAX_BATCH);
        if rollback {
            self.shadow.restore_objects(believed);
        } else {
            for op in ops.iter().filter(|op| op.may_write()) {
                self.plan_revisits(op);
            }
        }
        Op::Batch { ops, rollback }
    }

    /// A container's creation: its add, then calls about it.
    fn lifecycle(&mut self, len: usize) -> Vec<Op> {
        let in_pod = self.chance(0.3);
        let ctr = self.new_ctr(in_pod);
        let mut ops = vec![match in_pod {
            true => Op::AddContainerToPod {
                pod: self.pod_of(&ctr.config),
                ctr: ctr.clone(),
            },
            false => Op::AddContainer { ctr: ctr.clone() },
        }];
        while ops.len() < len {
            let op = match self.rng.random_range(0..100) {
                0..25 => Op::NetworkConnect {
                    ctr: ctr.clone(),
                    network: self.network(),
                    aliases: self.aliases(),
                },
                25..42 => {
                    let session = ExecSession::new(self.session_id(), ctr.config.id.clone());
                    self.shadow.sessions.push(session.clone());
                    Op::AddExecSession {
                        ctr: ctr.clone(),
                        session,
                    }
                }
                42..57 => {
                    let mut saved = ctr.clone();
                    saved.state = self.state();
                    Op::SaveContainer { ctr: saved }
                }
                57..67 => Op::LookupContainerId {
                    id_or_name: ctr.config.name.clone(),
                },
                67..75 => Op::GetAllNetworkAliases { ctr: ctr.clone() },
                75..80 => Op::UpdateContainer { ctr: ctr.clone() },
                80..84 => {
                    // Gone again before the batch ends (a failed start cleaned up): the calls
                    // after it find nothing.
                    self.forget_ctr(ctr.id());
                    Op::RemoveContainer { ctr: ctr.clone() }
                }
                _ => match self.weighted_call() {
                    Some(call) if !matches!(call, Call::Close | Call::SetNamespace) => {
                        ops.extend(self.make(Some(call)));
                        continue;
                    }
                    _ => continue,
                },
            };
            ops.push(op);
        }
        ops
    }

    /// Calls drawn as the case draws them, now and then one that belongs to a handle.
    fn mixed(&mut self, len: usize) -> Vec<Op> {
        let mut ops = Vec::with_capacity(len);
        while ops.len() < len {
            if self.chance(HANDLE_CALL) {
                ops.push(self.handle_call());
                continue;
            }
            match self.weighted_call() {
                // Not inside a batch: a reopen needs the store.
                None => {}
                Some(Call::Close | Call::SetNamespace) => ops.push(self.handle_call()),
                Some(call) => ops.extend(self.make(Some(call))),
            }
        }
        ops
    }

    /// A call that belongs to a handle, not to a batch: inside one it answers `InvalidArg` and
    /// changes nothing, so the generator's beliefs stay as they are.
    fn handle_call(&mut self) -> Op {
        match self.rng.random_range(0..3) {
            0 => Op::Close,
            1 => Op::SetNamespace {
                ns: pick(self.rng, &self.u.namespaces).clone(),
            },
            _ => Op::Batch {
                ops: vec![Op::AllContainers],
                rollback: self.chance(0.5),
            },
        }
    }
}
