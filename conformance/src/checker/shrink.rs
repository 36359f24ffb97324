//! Shrinking a diverging case to a minimal one, in two passes.
//!
//! 1. [`OpsTree`] is the proptest value tree of a generated case. proptest's runner drives it:
//!    it removes chunks of operations, halving the chunk size after each sweep, keeping every
//!    removal after which the case still diverges.
//! 2. [`minimize`] is our own delta-debugging pass on the result: it cuts everything after the
//!    diverging step, drops `reopen` and `set_namespace` noise in bulk, tries the whole case on
//!    one handle, then removes chunks and single operations until no single removal keeps the
//!    divergence (1-minimal).
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
        let shorter =
            ops.len() < best.trace.len() || (same_length && ops.len() == best.trace.len());
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
        if chunk > 1 {
            chunk /= 2;
        } else if !removed_any || exhausted() {
            break;
        }
    }
    best
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
    use crate::checker::run::{Reason, Step};

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
        let a = ops.iter().position(|op| *op == get("a"))?;
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

    #[test]
    fn minimize_reaches_a_one_minimal_case() {
        let found = fake(&noisy_case()).expect("the noisy case diverges");
        let min = minimize(found, MinimizeBudget::default(), fake);
        assert_eq!(ids(&min.ops()), ["a", "x"]);
        assert_eq!(min.step, 1);
    }
}
