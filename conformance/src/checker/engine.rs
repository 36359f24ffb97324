//! The check loop: generate a case, run it on each backend and the model, shrink a divergence.

use std::path::PathBuf;
use std::time::Instant;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{
    Config as ProptestConfig, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner,
};

use super::config::{CheckConfig, Progress};
use super::generate::OpsStrategy;
use super::ops::Op;
use super::replay::{SavedCase, save_case};
use super::report::{CheckReport, Failure};
use super::run::{Divergence, Reason, RunOptions, run_case};
use super::shrink::{MinimizeBudget, OpsTree, minimize};
use crate::factory::BackendFactory;

/// The random source of case `case` of a run seeded with `seed`: each case depends on the pair
/// alone, so any case can be regenerated without the ones before it.
pub fn case_rng(seed: u64, case: usize) -> TestRng {
    let mut state = seed ^ (case as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let mut bytes = [0u8; 32];
    for chunk in bytes.chunks_mut(8) {
        // splitmix64: spreads nearby seeds over unrelated streams.
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        chunk.copy_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    TestRng::from_seed(RngAlgorithm::ChaCha, &bytes)
}

fn proptest_config(config: &CheckConfig) -> ProptestConfig {
    ProptestConfig {
        max_shrink_iters: config.max_shrink_iters,
        max_shrink_time: u32::try_from(config.shrink_time.as_millis()).unwrap_or(u32::MAX),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// The runner that generates (and shrinks) case `case`.
fn case_runner(config: &CheckConfig, case: usize) -> TestRunner {
    TestRunner::new_with_rng(proptest_config(config), case_rng(config.seed, case))
}

/// Regenerates case `case` of a run with `seed` and `max_ops` operations per case.
pub fn generate_case(seed: u64, case: usize, max_ops: usize) -> Vec<Op> {
    let config = CheckConfig {
        seed,
        max_ops,
        ..CheckConfig::ci()
    };
    new_case(&config, case).current()
}

fn new_case(config: &CheckConfig, case: usize) -> OpsTree {
    let strategy = OpsStrategy {
        len: config.max_ops,
    };
    match strategy.new_tree(&mut case_runner(config, case)) {
        Ok(tree) => tree,
        // Our strategy never rejects; an empty case keeps the loop total anyway.
        Err(_) => OpsTree::new(Vec::new()),
    }
}

/// Runs `config.cases` generated cases against every backend (each case once per backend,
/// against a fresh model store), shrinking the first divergence of each backend; a backend that
/// diverged sits out the remaining cases.
pub fn check_all(
    backends: &[&dyn BackendFactory],
    model: &dyn BackendFactory,
    config: &CheckConfig,
) -> Vec<CheckReport> {
    let mut reports: Vec<CheckReport> = backends
        .iter()
        .map(|b| CheckReport::new(b.name(), config.seed))
        .collect();
    for case in 0..config.cases {
        if reports.iter().all(|r| !r.passed()) {
            break;
        }
        let tree = new_case(config, case);
        let ops = tree.current();
        for (&backend, report) in backends.iter().zip(&mut reports) {
            if !report.passed() {
                continue;
            }
            let started = Instant::now();
            let opts = RunOptions {
                invariant_every: config.invariant_period(backend.capabilities()),
            };
            report.cases += 1;
            match run_case(backend, model, &ops, &opts) {
                Ok(stats) => report.add(&stats),
                Err(found) => {
                    report.add(&found.stats);
                    let divergence = shrink(backend, model, tree.clone(), found, config);
                    report.failure = Some(failure(backend, case, ops.len(), divergence, config));
                }
            }
            report.elapsed += started.elapsed();
            if let Some(progress) = &config.progress {
                progress(&Progress {
                    backend: report.backend.clone(),
                    case: case + 1,
                    cases: config.cases,
                    ops: report.ops,
                });
            }
        }
    }
    reports
}

/// proptest's pass over the value tree, then our delta-debugging pass (see `shrink.rs`).
///
/// Candidates of more than [`PRECISE_UP_TO`] operations are checked only at their end (answers
/// are still compared at every step): a candidate is a subsequence of a case cut at its diverging
/// step, so a diverging store shows in the final check, and a per-step dump of a large state
/// would make shrinking a bulk case take minutes. Shorter candidates, and the shrunk case, are
/// checked after every operation, so the reported step is exact.
fn shrink(
    backend: &dyn BackendFactory,
    model: &dyn BackendFactory,
    tree: OpsTree,
    found: Divergence,
    config: &CheckConfig,
) -> Divergence {
    if !config.shrink || matches!(found.reason, Reason::Setup(_)) {
        return found;
    }
    let diverges = |ops: &[Op]| run_case(backend, model, ops, &shrink_options(ops.len())).err();
    let mut runner = TestRunner::new_with_rng(proptest_config(config), case_rng(config.seed, 0));
    let test = |ops: Vec<Op>| match diverges(&ops) {
        None => Ok(()),
        Some(d) => Err(TestCaseError::fail(d.reason.to_string())),
    };
    let shrunk = match runner.run_one(tree, test) {
        Err(TestError::Fail(_, ops)) => ops,
        _ => found.ops(),
    };
    let found = diverges(&shrunk).unwrap_or(found);
    let budget = MinimizeBudget {
        time: config.shrink_time,
        ..MinimizeBudget::default()
    };
    let best = minimize(found, budget, diverges);
    // The exact step: the minimal case checked after every operation.
    run_case(
        backend,
        model,
        &best.ops(),
        &RunOptions { invariant_every: 1 },
    )
    .err()
    .unwrap_or(best)
}

/// Candidates up to this long are checked after every operation while shrinking.
const PRECISE_UP_TO: usize = 32;

fn shrink_options(len: usize) -> RunOptions {
    RunOptions {
        invariant_every: usize::from(len <= PRECISE_UP_TO),
    }
}

fn failure(
    backend: &dyn BackendFactory,
    case: usize,
    generated_len: usize,
    divergence: Divergence,
    config: &CheckConfig,
) -> Failure {
    let mut failure = Failure {
        case,
        generated_len,
        saved: None,
        save_error: None,
        divergence,
    };
    if let Some(dir) = &config.failure_dir {
        let path: PathBuf = dir.join(format!(
            "{}-seed{}-case{case}.json",
            sanitize(backend.name()),
            config.seed
        ));
        let saved = SavedCase {
            about: format!(
                "{} diverged from the model (seed {}, case {case}): {}",
                backend.name(),
                config.seed,
                first_line(&failure.divergence.reason.to_string())
            ),
            ops: failure.divergence.ops(),
        };
        match save_case(&path, &saved) {
            Ok(()) => failure.saved = Some(path),
            Err(e) => failure.save_error = Some(e.to_string()),
        }
    }
    failure
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
