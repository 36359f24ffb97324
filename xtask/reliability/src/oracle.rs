//! The reference model as the oracle of every run: what each call should have answered, and
//! the states a database may be in after a crash, a power cut or a failed call.

use anyhow::bail;
use std::collections::BTreeSet;

use podstate_api::dump::{self, Dump};
use podstate_conformance::checker::{HandleOp, handles_of};
use podstate_conformance::model::ModelStore;

use crate::driver::Driver;

/// An answer as the runs compare it and send it through a pipe (defined beside the
/// linearizability search in the conformance crate, which the stress run shares).
pub use podstate_conformance::concurrent::{Reply, fingerprint};

/// The reference model, run step by step through a case.
pub struct Model {
    driver: Driver,
}

impl Model {
    /// A fresh model with the handles `ops` drive.
    pub fn new(ops: &[HandleOp]) -> Model {
        Model::with_handles(handles_of(ops))
    }

    /// A fresh model with `handles` handles.
    pub fn with_handles(handles: usize) -> Model {
        let driver = Driver::new(Box::new(ModelStore::new()), handles)
            // The model opens handles without fail.
            .unwrap_or_else(|e| unreachable!("the model refused a handle: {e}"));
        Model { driver }
    }

    /// Runs `step` on the model and answers what it answered.
    pub fn step(&mut self, step: &HandleOp) -> Reply {
        Reply::of(&self.driver.apply(step))
    }

    /// The model's whole state.
    pub fn dump(&self) -> Dump {
        let store = self
            .driver
            .store()
            .unwrap_or_else(|| unreachable!("the model lost its store"));
        let handle = store
            .open_handle()
            .unwrap_or_else(|e| unreachable!("the model refused a handle: {e}"));
        dump::dump(handle.as_ref()).unwrap_or_else(|e| unreachable!("the model cannot dump: {e}"))
    }
}

/// The exec session IDs a case names: the invariant check probes them.
pub fn sessions(ops: &[HandleOp]) -> BTreeSet<String> {
    ops.iter()
        .flat_map(|s| s.op.session_ids().into_iter().map(str::to_owned))
        .collect()
}

/// What a database may hold after a run was cut short: the model after the acknowledged steps
/// and, when a step that may write was in flight, after that one too.
///
/// A batch ([`Op::Batch`](podstate_conformance::checker::Op::Batch)) is one step, however many
/// calls it makes: it commits once, so a batch in flight leaves the database before all of it
/// or after all of it, and a database holding some of its calls and not others is neither
/// candidate.
#[derive(Debug)]
pub struct Candidates {
    /// The model after the acknowledged steps.
    pub acked: Dump,
    /// The model after the acknowledged steps and the one in flight, when it may write.
    pub with_in_flight: Option<Dump>,
    /// What the model answered to each acknowledged step.
    pub replies: Vec<Reply>,
}

impl Candidates {
    /// Replays `ops[..acked]` (and `ops[acked]`, a batch whole, when `in_flight`) on a fresh
    /// model.
    pub fn compute(ops: &[HandleOp], acked: usize, in_flight: bool) -> Candidates {
        let mut model = Model::new(ops);
        let replies = ops[..acked].iter().map(|s| model.step(s)).collect();
        let before = model.dump();
        let after = match ops.get(acked) {
            Some(step) if in_flight && step.op.may_write() => {
                model.step(step);
                let after = model.dump();
                (after != before).then_some(after)
            }
            _ => None,
        };
        Candidates {
            acked: before,
            with_in_flight: after,
            replies,
        }
    }

    /// Which candidate `got` equals (`"acknowledged"` or `"acknowledged + in flight"`).
    ///
    /// # Errors
    /// How `got` differs from the acknowledged state (and from the other candidate).
    pub fn matches(&self, got: &Dump) -> anyhow::Result<&'static str> {
        if *got == self.acked {
            return Ok("acknowledged");
        }
        if self.with_in_flight.as_ref() == Some(got) {
            return Ok("acknowledged + in flight");
        }
        let mut why = format!(
            "the reopened database is neither candidate state; against the acknowledged calls:\n{}",
            dump::describe(&self.acked, got, ("model", "database"))
        );
        if let Some(after) = &self.with_in_flight {
            why.push_str(&format!(
                "\nagainst the acknowledged calls plus the one in flight:\n{}",
                dump::describe(after, got, ("model", "database"))
            ));
        }
        Err(anyhow::Error::msg(why))
    }

    /// The first acknowledged step whose reply differs from the model's.
    ///
    /// # Errors
    /// The step, both replies.
    pub fn check_replies(&self, ops: &[HandleOp], got: &[Reply]) -> anyhow::Result<()> {
        for (i, (want, have)) in self.replies.iter().zip(got).enumerate() {
            if !want.agrees_with(have) {
                bail!(
                    "step {i} ({}) answered {} where the model answered {}",
                    ops[i],
                    have.encode(),
                    want.encode()
                );
            }
        }
        Ok(())
    }
}

/// Whether the step in flight after `acked` acknowledged steps is a batch that may write (one
/// that would commit a call that may change the store).
pub fn batch_in_flight(ops: &[HandleOp], acked: usize, in_flight: bool) -> bool {
    in_flight && ops.get(acked).is_some_and(is_writing_batch)
}

/// Whether `step` is a batch that may write.
pub fn is_writing_batch(step: &HandleOp) -> bool {
    step.op.batched().is_some() && step.op.may_write()
}

#[cfg(test)]
mod tests {
    use super::*;
    use podstate_api::{Volume, VolumeConfig};
    use podstate_conformance::checker::Op;

    fn add(name: &str) -> Op {
        Op::AddVolume {
            vol: Volume::new(VolumeConfig::new(name)),
        }
    }

    /// The model's dump after `ops`.
    fn after(ops: &[Op]) -> Dump {
        let steps: Vec<HandleOp> = ops.iter().cloned().map(HandleOp::first).collect();
        let mut model = Model::new(&steps);
        for step in &steps {
            model.step(step);
        }
        model.dump()
    }

    #[test]
    fn a_batch_in_flight_is_wholly_there_or_wholly_absent() {
        let batch = Op::Batch {
            ops: vec![add("b"), add("c")],
            rollback: false,
        };
        let ops = [HandleOp::first(add("a")), HandleOp::first(batch)];
        assert!(batch_in_flight(&ops, 1, true));
        assert!(!batch_in_flight(&ops, 0, true));
        let candidates = Candidates::compute(&ops, 1, true);
        assert_eq!(
            candidates.matches(&after(&[add("a")])).unwrap(),
            "acknowledged"
        );
        assert_eq!(
            candidates
                .matches(&after(&[add("a"), add("b"), add("c")]))
                .unwrap(),
            "acknowledged + in flight"
        );
        let half = candidates.matches(&after(&[add("a"), add("b")]));
        assert!(half.is_err(), "half a batch passed");
    }

    #[test]
    fn a_batch_that_rolls_back_leaves_one_candidate() {
        let batch = Op::Batch {
            ops: vec![add("b")],
            rollback: true,
        };
        let ops = [HandleOp::first(batch)];
        assert!(!batch_in_flight(&ops, 0, true));
        let candidates = Candidates::compute(&ops, 0, true);
        assert!(candidates.with_in_flight.is_none());
        assert!(candidates.matches(&after(&[add("b")])).is_err());
    }
}
