//! Which (call, outcome) pairs a backend was driven into, against what SPEC says is reachable.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::answer::Answer;
use super::batch::{BATCH_OUTCOMES, each_call};
use super::ops::Op;
use crate::calls::{Call, Outcome};

/// How often each (call, outcome) pair was reached, calls inside batches included, and how
/// often batches ended in each outcome. Counted on the backend's answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    counts: BTreeMap<(Call, Outcome), u64>,
    /// `batch` is not a [`Call`]: its own outcomes apart.
    batches: BTreeMap<Outcome, u64>,
}

impl Coverage {
    /// No pair reached yet.
    pub fn new() -> Self {
        Coverage::default()
    }

    /// Counts one answer of `call`.
    pub fn record(&mut self, call: Call, outcome: Outcome) {
        *self.counts.entry((call, outcome)).or_default() += 1;
    }

    /// Counts the backend's `answer` to `op`: the call's outcome, or a batch's own and each of
    /// its calls'. A reopen and a broken answer count nothing.
    pub fn record_answer(&mut self, op: &Op, answer: &Answer) {
        for (op, answer) in each_call(op, answer) {
            let Some(outcome) = answer.outcome() else {
                continue;
            };
            match (op, op.call()) {
                (Op::Batch { .. }, _) => *self.batches.entry(outcome).or_default() += 1,
                (_, Some(call)) => self.record(call, outcome),
                (_, None) => {}
            }
        }
    }

    /// Adds every count of `other`.
    pub fn merge(&mut self, other: &Coverage) {
        for (pair, n) in &other.counts {
            *self.counts.entry(*pair).or_default() += n;
        }
        for (outcome, n) in &other.batches {
            *self.batches.entry(*outcome).or_default() += n;
        }
    }

    /// How often a batch answered `outcome`.
    pub fn batch_count(&self, outcome: Outcome) -> u64 {
        self.batches.get(&outcome).copied().unwrap_or(0)
    }

    /// Every outcome of [`BATCH_OUTCOMES`] no batch reached.
    pub fn unreached_batch_outcomes(&self) -> Vec<Outcome> {
        BATCH_OUTCOMES
            .into_iter()
            .filter(|&o| self.batch_count(o) == 0)
            .collect()
    }

    /// How often `call` answered `outcome`.
    pub fn count(&self, call: Call, outcome: Outcome) -> u64 {
        self.counts.get(&(call, outcome)).copied().unwrap_or(0)
    }

    /// Every pair of [`Call::reachable_outcomes`] never reached, in call order.
    pub fn unreached(&self) -> Vec<(Call, Outcome)> {
        (Call::reachable_pairs())
            .filter(|&(call, o)| self.count(call, o) == 0)
            .collect()
    }

    /// How many reachable pairs there are in all.
    pub fn reachable_pairs() -> usize {
        Call::reachable_pairs().count()
    }

    /// How many reachable pairs were reached.
    pub fn reached_pairs(&self) -> usize {
        Self::reachable_pairs() - self.unreached().len()
    }

    /// Every pair reached, with its count (outcomes outside the reachable set included, e.g. `Io`).
    pub fn pairs(&self) -> impl Iterator<Item = ((Call, Outcome), u64)> + '_ {
        self.counts.iter().map(|(pair, n)| (*pair, *n))
    }

    /// A table: one row per call, each reachable outcome with its count; unreached pairs are
    /// marked `!`, and outcomes outside the reachable set (storage faults) are listed too.
    pub fn table(&self) -> String {
        let width = Call::ALL.iter().map(|c| c.name().len()).max().unwrap_or(0);
        let mut out = String::new();
        for &call in Call::ALL {
            let reachable = call.reachable_outcomes();
            let mut cells: Vec<String> = reachable
                .iter()
                .map(|&o| match self.count(call, o) {
                    0 => format!("{o} 0!"),
                    n => format!("{o} {n}"),
                })
                .collect();
            cells.extend(
                self.counts
                    .iter()
                    .filter(|((c, o), _)| *c == call && !reachable.contains(o))
                    .map(|((_, o), n)| format!("{o} {n} (fault)")),
            );
            let _ = writeln!(out, "{:width$}  {}", call.name(), cells.join("  "));
        }
        let mut cells: Vec<String> = BATCH_OUTCOMES
            .iter()
            .map(|&o| match self.batch_count(o) {
                0 => format!("{o} 0!"),
                n => format!("{o} {n}"),
            })
            .collect();
        cells.extend(
            self.batches
                .iter()
                .filter(|(o, _)| !BATCH_OUTCOMES.contains(o))
                .map(|(o, n)| format!("{o} {n} (fault)")),
        );
        let _ = writeln!(
            out,
            "{:width$}  {}  (not a call: its calls are counted above)",
            "batch",
            cells.join("  ")
        );
        let _ = write!(
            out,
            "{} of {} reachable (call, outcome) pairs reached",
            self.reached_pairs(),
            Self::reachable_pairs()
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use podstate_api::ErrorKind;

    #[test]
    fn unreached_lists_exactly_the_missing_pairs() {
        let mut cov = Coverage::new();
        for &call in Call::ALL {
            for o in call.reachable_outcomes() {
                cov.record(call, o);
            }
        }
        assert!(cov.unreached().is_empty());
        assert_eq!(cov.reached_pairs(), Coverage::reachable_pairs());

        let mut partial = Coverage::new();
        partial.record(Call::HasPod, Outcome::Ok);
        let missing = partial.unreached();
        assert!(missing.contains(&(Call::HasPod, Outcome::Err(ErrorKind::InvalidArg))));
        assert!(!missing.contains(&(Call::HasPod, Outcome::Ok)));
        assert!(partial.table().contains("InvalidArg 0!"));
    }

    #[test]
    fn a_batch_counts_its_own_outcome_apart_and_each_call_inside_as_that_call() {
        let op = Op::Batch {
            ops: vec![Op::Close, Op::AllPods],
            rollback: true,
        };
        let answer = Answer::Batch {
            calls: vec![
                Answer::Err {
                    kind: ErrorKind::InvalidArg,
                    message: "inside a batch".into(),
                },
                Answer::Ok(crate::checker::Value::Pods(Vec::new())),
            ],
            answer: Box::new(Answer::Err {
                kind: ErrorKind::InvalidArg,
                message: crate::checker::ROLLBACK.into(),
            }),
        };
        let mut cov = Coverage::new();
        assert_eq!(cov.unreached_batch_outcomes(), BATCH_OUTCOMES);
        cov.record_answer(&op, &answer);
        assert_eq!(
            cov.count(Call::Close, Outcome::Err(ErrorKind::InvalidArg)),
            1
        );
        assert_eq!(cov.count(Call::AllPods, Outcome::Ok), 1);
        assert_eq!(cov.batch_count(Outcome::Err(ErrorKind::InvalidArg)), 1);
        assert_eq!(
            cov.unreached_batch_outcomes(),
            [Outcome::Ok, Outcome::Err(ErrorKind::DbClosed)]
        );
        assert!(cov.table().contains("batch"), "{}", cov.table());
    }
}
