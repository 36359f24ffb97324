//! Shrinking a diverging case to a minimal one, in two passes.
//!
//! 1. [`OpsTree`] is the proptest value tree of a generated case. proptest's runner drives it:
//!    it removes chunks of operations, halving the chunk size after each sweep, keeping every
//!    removal after which the case still diverges.
//! 2. [`minimize`] is our own delta-debugging pass on the result: it cuts everything after the
//!    diverging step, drops `reopen` and `set_namespace` noise in bulk, tries the whole case on
//!    one handle, then removes chunks and single operations, calls from inside batches, and
//!    turns batches into their calls, until no single step of these keeps the divergence
//!    (1-minimal). A case's size counts the calls inside its batches ([`size`]).
//!
//! Any divergence counts while shrinking, not only the original one: a smaller case that fails
//! differently is still a smaller bug report.

use std::time::{Duration, Instant};

use proptest::strategy::ValueTree;

use super::case::HandleOp;
use super::ops::Op;
use super::run::Divergence;

/// The value tree of one generated case: shrinks by removing chunks of operations.
#[derive(Debug, Clone)]
pub struct OpsTree {
    /// The smallest sequence known to diverge (the generated one at first).
    base: Vec<HandleOp>,
    /// The sequence under test, if a removal is being tried.
    candidate: Option<Vec<HandleOp>>,
    /// How many operations the current sweep removes at once (0 = done).
    chunk: usize,
    /// Where the current sweep stands in `base`.
    pos: usize,
}

impl OpsTree {
    /// The tree of a generated case.
    pub fn new(ops: Vec<HandleOp>) -> OpsTree {
        OpsTree {
            chunk: (ops.len() / 2).max(1),
            base: ops,
            candidate: None,
            pos: 0,
        }
    }

    /// Sets the next removal to try; false when every granularity has been swept.
    fn propose(&mut self) -> bool {
        while self.chunk > 0 {
            if self.pos < self.base.len() {
                let end = (self.pos + self.chunk).min(self.base.len());
                let mut candidate = self.base.clone();
                candidate.drain(self.pos..end);
                self.candidate = Some(candidate);
                return true;
            }
            self.chunk = if self.chunk == 1 { 0 } else { self.chunk / 2 };
            self.pos = 0;
        }
        false
    }
}

impl ValueTree for OpsTree {
    type Value = Vec<HandleOp>;

    fn current(&self) -> Vec<HandleOp> {
        self.candidate.as_ref().unwrap_or(&self.base).clone()
    }

    /// The current value still diverges: keep it and try the next removal at the same place.
    fn simplify(&mut self) -> bool {
        if let Some(smaller) = self.candidate.take() {
            self.base = smaller;
        }
        self.propose()
    }

    /// The current value passed: put the chunk back and try the next one.
    fn complicate(&mut self) -> bool {
        if self.candidate.take().is_none() {
            return false;
        }
        self.pos += self.chunk;
        self.propose()
    }
}

/// Limits of the delta-debugging pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinimizeBudget {
    /// Most case runs.
    pub runs: usize,
    /// Most wall-clock time.
    pub time: Duration,
}

impl Default for MinimizeBudget {
    fn default() -> Self {
        MinimizeBudget {
            runs: 5_000,
            time: Duration::from_secs(60),
        }
    }
}

/// Delta-debugging: the smallest sequence this pass finds that still diverges, with its
/// divergence. `diverges` runs a sequence and returns its divergence, if any.
pub fn minimize(
    found: Divergence,
    budget: MinimizeBudget,
    mut diverges: impl FnMut(&[HandleOp]) -> Option<Divergence>,
) -> Divergence {
    let start = Instant::now();
    let runs = std::cell::Cell::new(0);
    let exhausted = || runs.get() >= budget.runs || start.elapsed() > budget.time;
    let mut best = found;
    let mut attempt = |ops: &[HandleOp], best: &mut Divergence, same_length: bool| -> bool {
        let (new, old) = (size(ops), size(&best.ops()));
        let shorter = new < old || (same_length && new == old);
        if exhausted() || !shorter {
            return false;
        }
        runs.set(runs.get() + 1);
        match diverges(ops) {
            Some(d) => {
                *best = d;
                true
            }
            None => false,
        }
    };

    for noise in [is_reopen as fn(&Op) -> bool, is_set_namespace] {
        let ops: Vec<HandleOp> = best.ops().into_iter().filter(|s| !noise(&s.op)).collect();
        attempt(&ops, &mut best, false);
    }
    // One handle reads more simply than several, at the same length.
    if best.trace.iter().any(|s| s.op.handle > 0) {
        let ops: Vec<HandleOp> = best
            .ops()
            .into_iter()
            .map(|s| HandleOp::first(s.op))
            .collect();
        attempt(&ops, &mut best, true);
    }
    let mut chunk = (best.trace.len() / 2).max(1);
    loop {
        let mut removed_any = false;
        let mut pos = 0;
        while pos < best.trace.len() {
            let mut ops = best.ops();
            let end = (pos + chunk).min(ops.len());
            ops.drain(pos..end);
            if attempt(&ops, &mut best, false) {
                removed_any = true;
            } else {
                pos += chunk;
            }
        }
        if chunk == 1 && shrink_batches(&mut best, &mut attempt) {
            removed_any = true;
        }
        if chunk > 1 {
            chunk /= 2;
        } else if !removed_any || exhausted() {
            break;
        }
    }
    best
}

/// How big a case is: one per operation, and one more per call inside a batch (recursively),
/// so that turning a batch into its calls, or dropping a call from it, makes a case smaller.
pub fn size(ops: &[HandleOp]) -> usize {
    fn op_size(op: &Op) -> usize {
        1 + op
            .batched()
            .map_or(0, |(ops, _)| ops.iter().map(op_size).sum())
    }
    ops.iter().map(|s| op_size(&s.op)).sum()
}

/// Each batch of `best` in turn: its calls in its place, else each call dropped from it, kept
/// whenever the divergence stays (`attempt` runs a candidate and keeps it in `best` if it
/// still diverges). Whether anything was kept.
fn shrink_batches(
    best: &mut Divergence,
    attempt: &mut impl FnMut(&[HandleOp], &mut Divergence, bool) -> bool,
) -> bool {
    let mut kept_any = false;
    let mut pos = 0;
    while let Some(step) = best.ops().get(pos).cloned() {
        let Some((calls, rollback)) = step.op.batched() else {
            pos += 1;
            continue;
        };
        let mut flat = best.ops();
        flat.splice(
            pos..=pos,
            calls.iter().map(|op| HandleOp::on(step.handle, op.clone())),
        );
        if attempt(&flat, best, false) {
            // The batch's first call now stands at `pos`: look at it again.
            kept_any = true;
            continue;
        }
        let mut j = 0;
        loop {
            // The batch as `best` holds it now, with its `j`-th call left out.
            let mut ops = best.ops();
            let Some(now) = ops.get_mut(pos) else { break };
            let Some((current, _)) = now.op.batched() else {
                break;
            };
            if j >= current.len() {
                break;
            }
            let mut fewer = current.to_vec();
            fewer.remove(j);
            now.op = Op::Batch {
                ops: fewer,
                rollback,
            };
            if attempt(&ops, best, false) {
                kept_any = true;
            } else {
                j += 1;
            }
        }
        pos += 1;
    }
    kept_any
}

fn is_reopen(op: &Op) -> bool {
    matches!(op, Op::Reopen)
}

fn is_set_namespace(op: &Op) -> bool {
    matches!(op, Op::SetNamespace { .. })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checker::answer::Answer;
    use crate::checker::reason::Reason;
    use crate::checker::run::Step;

    fn ids(ops: &[HandleOp]) -> Vec<String> {
        ops.iter()
            .map(|s| match &s.op {
                Op::GetName { id } => id.clone(),
                other => other.name().to_owned(),
            })
            .collect()
    }

    fn get(id: &str) -> HandleOp {
        HandleOp::first(Op::GetName { id: id.into() })
    }

    /// A pretend check: diverges at the first `get_name("x")` that follows a `get_name("a")`.
    fn fake(ops: &[HandleOp]) -> Option<Divergence> {
        fake_after(ops, |op| *op == get("a").op)
    }

    /// A pretend check: diverges at the first `get_name("x")` after an op for which `a` holds.
    fn fake_after(ops: &[HandleOp], a: impl Fn(&Op) -> bool) -> Option<Divergence> {
        let a = ops.iter().position(|op| a(&op.op))?;
        let x = a + ops[a..].iter().position(|op| *op == get("x"))?;
        let trace = ops[..=x]
            .iter()
            .map(|op| Step {
                op: op.clone(),
                backend: Answer::Broken("fake".into()),
                model: Answer::Broken("fake".into()),
            })
            .collect();
        Some(Divergence {
            backend: "fake".into(),
            step: x,
            reason: Reason::Answers,
            trace,
            stats: Default::default(),
        })
    }

    fn noisy_case() -> Vec<HandleOp> {
        let mut ops = Vec::new();
        for i in 0..60 {
            ops.push(get(&format!("n{i}")));
            if i == 17 {
                ops.push(get("a"));
            }
            if i % 7 == 0 {
                ops.push(HandleOp::first(Op::Reopen));
            }
            if i == 41 {
                ops.push(get("x"));
            }
        }
        ops
    }

    #[test]
    fn the_value_tree_converges_on_the_two_needed_ops() {
        let mut tree = OpsTree::new(noisy_case());
        let mut simplified = tree.simplify();
        while simplified {
            simplified = if fake(&tree.current()).is_some() {
                tree.simplify()
            } else {
                tree.complicate()
            };
        }
        assert_eq!(ids(&tree.current()), ["a", "x"]);
    }

    fn batch(names: &[&str]) -> HandleOp {
        HandleOp::first(Op::Batch {
            ops: names.iter().map(|n| get(n).op).collect(),
            rollback: true,
        })
    }

    /// The noisy case with a batch of noise around `get_name("a")` in place of that call.
    fn noisy_batch_case() -> Vec<HandleOp> {
        noisy_case()
            .into_iter()
            .map(|op| match op == get("a") {
                true => batch(&["n1", "a", "n2", "n3"]),
                false => op,
            })
            .collect()
    }

    #[test]
    fn minimize_drops_the_calls_a_batch_does_not_need() {
        let in_a_batch = |op: &Op| {
            op.batched()
                .is_some_and(|(calls, _)| calls.contains(&get("a").op))
        };
        let found = fake_after(&noisy_batch_case(), in_a_batch).expect("diverges");
        let min = minimize(found, MinimizeBudget::default(), |ops| {
            fake_after(ops, in_a_batch)
        });
        assert_eq!(min.ops(), [batch(&["a"]), get("x")]);
        assert_eq!(size(&min.ops()), 3);
    }

    #[test]
    fn minimize_turns_a_batch_into_its_calls_when_the_batch_is_not_needed() {
        let a_anywhere = |op: &Op| match op.batched() {
            Some((calls, _)) => calls.contains(&get("a").op),
            None => *op == get("a").op,
        };
        let found = fake_after(&noisy_batch_case(), a_anywhere).expect("diverges");
        let min = minimize(found, MinimizeBudget::default(), |ops| {
            fake_after(ops, a_anywhere)
        });
        assert_eq!(ids(&min.ops()), ["a", "x"]);
    }

    #[test]
    fn minimize_reaches_a_one_minimal_case() {
        let found = fake(&noisy_case()).expect("the noisy case diverges");
        let min = minimize(found, MinimizeBudget::default(), fake);
        assert_eq!(ids(&min.ops()), ["a", "x"]);
        assert_eq!(min.step, 1);
    }
}
