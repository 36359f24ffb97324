//! A whole case: its handles, its universe, its operations one by one and its ending, as a
//! proptest [`Strategy`] whose value tree shrinks it.

use proptest::prelude::RngExt;
use proptest::strategy::{NewTree, Strategy};
use proptest::test_runner::{TestRng, TestRunner};

use super::draw::Gen;
use super::draw::Revisits;
use super::shadow::Shadow;
use super::universe::{CaseClass, Universe};
use crate::calls::Call;
use crate::checker::case::{HandleOp, MAX_HANDLES};
use crate::checker::ops::Op;
use crate::checker::shrink::OpsTree;
use crate::factory::Capabilities;

/// Generates sequences of exactly `len` operations (shrinking may remove any of them) that use
/// only what `caps` allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpsStrategy {
    /// Operations per generated case.
    pub len: usize,
    /// What every store the case will run on can do.
    pub caps: Capabilities,
}

impl Strategy for OpsStrategy {
    type Tree = OpsTree;
    type Value = Vec<HandleOp>;

    fn new_tree(&self, runner: &mut TestRunner) -> NewTree<Self> {
        Ok(OpsTree::new(generate(runner.rng(), self.len, self.caps)))
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
    /// `close`, then every call once in a random order and a batch (each must answer
    /// `DbClosed`).
    Closing,
    /// The [`SURVEY`] of a bulk case.
    Survey,
}

impl Ending {
    fn len(self) -> usize {
        match self {
            Ending::Plain => 0,
            Ending::Closing => Call::ALL.len() + 2,
            Ending::Survey => SURVEY.len(),
        }
    }
}

/// How many handles a case drives: one in about half the cases, else two or three, when the
/// store shares handles.
fn draw_handles(rng: &mut TestRng, caps: Capabilities) -> usize {
    if !caps.shared_handles {
        return 1;
    }
    match rng.random_range(0..100) {
        0..50 => 1,
        50..80 => 2,
        _ => MAX_HANDLES,
    }
}

/// Draws one case of `len` operations from `rng`, using only what `caps` allows.
pub fn generate(rng: &mut TestRng, len: usize, caps: Capabilities) -> Vec<HandleOp> {
    let class = CaseClass::draw(rng);
    let universe = Universe::generate(rng, class);
    // A bulk case grows one store through one handle.
    let handles = match class {
        CaseClass::Bulk => 1,
        _ => draw_handles(rng, caps),
    };
    let mut g = Gen {
        rng,
        u: &universe,
        caps,
        shadow: Shadow::with_handles(handles),
        revisits: Revisits::new(),
    };
    // A bulk case needs its operations to grow, and ends with a survey instead.
    let ending = match class {
        CaseClass::Bulk if len >= 4 * SURVEY.len() => Ending::Survey,
        CaseClass::Bulk => Ending::Plain,
        _ if len >= 2 * Call::ALL.len() && g.chance(0.18) => Ending::Closing,
        _ => Ending::Plain,
    };
    let mut ops = Vec::with_capacity(len);
    if class == CaseClass::Revisit {
        let room = (len / 3).min(len.saturating_sub(ending.len()));
        ops.extend(g.populate(room).into_iter().map(HandleOp::first));
    }
    while ops.len() + ending.len() < len {
        let (handle, made) = match g.due_revisit() {
            Some((handle, op)) => (handle, vec![op]),
            None => {
                g.next_handle();
                if g.chance(g.batch_chance()) {
                    (g.shadow.current, vec![g.batch()])
                } else {
                    let call = g.weighted_call();
                    (g.shadow.current, g.make(call))
                }
            }
        };
        for op in made {
            g.plan_revisits(&op);
            ops.push(HandleOp::on(handle, op));
        }
    }
    ops.truncate(len - ending.len());
    let handle = g.shadow.current;
    match ending {
        Ending::Plain => {}
        Ending::Closing => {
            let mut calls = Call::ALL.to_vec();
            for i in (1..calls.len()).rev() {
                let j = g.rng.random_range(0..=i);
                calls.swap(i, j);
            }
            ops.push(HandleOp::on(handle, Op::Close));
            ops.extend(calls.into_iter().map(|c| HandleOp::on(handle, g.only(c))));
            // A batch on the closed handle answers `DbClosed` without running its closure.
            let batch = g.batch();
            ops.push(HandleOp::on(handle, batch));
        }
        Ending::Survey => {
            ops.extend(SURVEY.iter().map(|&c| HandleOp::on(handle, g.only(c))));
        }
    }
    ops
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use proptest::test_runner::RngAlgorithm;

    fn rng(seed: u8) -> TestRng {
        TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32])
    }

    /// A case for a store that can do everything (the model's capabilities).
    fn generate(rng: &mut TestRng, len: usize) -> Vec<Op> {
        super::generate(rng, len, Capabilities::in_memory())
            .into_iter()
            .map(|s| s.op)
            .collect()
    }

    #[test]
    fn the_same_seed_gives_the_same_case() {
        // Plain asserts: a failing assert_eq! would print two 200-op cases.
        assert!(generate(&mut rng(7), 200) == generate(&mut rng(7), 200));
        assert!(generate(&mut rng(7), 200) != generate(&mut rng(8), 200));
    }

    /// Where a bare `close` (one not followed by `reopen`) may stand: before the closing tail
    /// (every call once on the closed handle, to the end), or where another handle stays open.
    #[test]
    fn a_bare_close_leaves_another_handle_open_or_starts_the_closing_tail() {
        let (mut tails, mut single_closes) = (0, 0);
        for seed in 0..60 {
            let ops = super::generate(&mut rng(seed), 200, Capabilities::in_memory());
            assert_eq!(ops.len(), 200);
            let handles = crate::checker::handles_of(&ops);
            let mut closed = vec![false; handles];
            for (i, step) in ops.iter().enumerate() {
                match step.op {
                    Op::Reopen => closed.iter_mut().for_each(|c| *c = false),
                    Op::Close if ops.get(i + 1).map(|s| &s.op) != Some(&Op::Reopen) => {
                        closed[step.handle] = true;
                        if closed.iter().any(|c| !c) {
                            single_closes += 1;
                            continue;
                        }
                        // The closing tail: every call exactly once on this handle, to the end.
                        let rest = &ops[i + 1..];
                        let mut tail: Vec<Call> = rest.iter().filter_map(|s| s.op.call()).collect();
                        tail.sort();
                        let mut all = Call::ALL.to_vec();
                        all.sort();
                        assert_eq!(tail, all, "seed {seed}");
                        assert!(rest.iter().all(|s| s.handle == step.handle), "seed {seed}");
                        tails += 1;
                        break;
                    }
                    _ => {}
                }
            }
        }
        assert!(tails > 0, "no case ended with a closing tail");
        assert!(single_closes > 0, "no case closed one handle of several");
    }

    #[test]
    fn without_shared_handles_or_reopen_a_case_has_one_handle_and_closes_only_at_its_tail() {
        for seed in 0..30 {
            let ops = super::generate(&mut rng(seed), 200, Capabilities::single_handle());
            assert!(
                ops.iter().all(|s| s.handle == 0 && s.op != Op::Reopen),
                "seed {seed}"
            );
            if let Some(i) = ops.iter().position(|s| s.op == Op::Close) {
                assert_eq!(
                    ops.len() - i - 1,
                    Call::ALL.len() + 1,
                    "seed {seed}: close before its tail"
                );
            }
        }
    }

    #[test]
    fn shared_stores_get_cases_of_one_two_and_three_handles() {
        let mut counts = [0; MAX_HANDLES + 1];
        for seed in 0..60 {
            let ops = super::generate(&mut rng(seed), 100, Capabilities::in_memory());
            counts[crate::checker::handles_of(&ops)] += 1;
        }
        assert!(
            counts[1] > 10 && counts[2] > 5 && counts[3] > 3,
            "{counts:?}"
        );
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
            assert!(adds >= 70, "seed {seed}: only {adds} container adds");
            // Removals are rare: adds outnumber them five to one (about 7 to 90 expected).
            assert!(
                removals * 5 <= adds,
                "seed {seed}: {removals} removals, {adds} adds"
            );
        }
        assert!((3..=14).contains(&bulk), "{bulk} bulk cases in 40");
    }

    #[test]
    fn some_draws_are_batches_of_one_to_six_calls_committed_or_rolled_back() {
        let (mut committed, mut rolled_back, mut handle_calls, mut lifecycles) = (0, 0, 0, 0);
        for seed in 0..20 {
            for op in generate(&mut rng(seed), 200) {
                let Some((calls, rollback)) = op.batched() else {
                    continue;
                };
                assert!((1..=6).contains(&calls.len()), "seed {seed}: {op}");
                assert!(!calls.contains(&Op::Reopen), "seed {seed}: {op}");
                match rollback {
                    true => rolled_back += 1,
                    false => committed += 1,
                }
                handle_calls += calls
                    .iter()
                    .filter(|c| matches!(c, Op::Close | Op::SetNamespace { .. } | Op::Batch { .. }))
                    .count();
                // A container's creation: its add, then a call about it.
                if let [
                    Op::AddContainer { ctr } | Op::AddContainerToPod { ctr, .. },
                    then,
                    ..,
                ] = calls
                    && then.to_string().contains(&format!("{:?}", ctr.config.id))
                {
                    lifecycles += 1;
                }
            }
        }
        assert!(
            committed >= 35 && rolled_back >= 15,
            "{committed} committed, {rolled_back} rolled back"
        );
        assert!(
            handle_calls >= 5,
            "{handle_calls} handle calls inside batches"
        );
        assert!(lifecycles >= 15, "{lifecycles} lifecycle batches");
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
