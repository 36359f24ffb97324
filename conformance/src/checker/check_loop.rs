//! The check loop: generate a case, run it on each backend and the model, shrink a divergence.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{
    Config as ProptestConfig, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner,
};

use super::case::HandleOp;
use super::config::{CheckConfig, Progress};
use super::generate::OpsStrategy;
use super::reason::Reason;
use super::replay::{SavedCase, save_new_case};
use super::report::{CheckReport, Failure};
use super::run::{Divergence, RunOptions, run_case};
use super::shrink::{MinimizeBudget, OpsTree, minimize};
use crate::factory::{BackendFactory, Capabilities};
use crate::rng::SplitMix64;

/// The random source of case `case` of a run seeded with `seed`: each case depends on the pair
/// alone, so any case can be regenerated without the ones before it.
pub fn case_rng(seed: u64, case: usize) -> TestRng {
    let mut mix = SplitMix64::for_item(seed, case as u64);
    let mut bytes = [0u8; 32];
    for chunk in bytes.chunks_mut(8) {
        chunk.copy_from_slice(&mix.next_u64().to_le_bytes());
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

/// Regenerates case `case` of a run with `seed` and `max_ops` operations per case, for stores
/// that can do what `caps` says.
pub fn generate_case(seed: u64, case: usize, max_ops: usize, caps: Capabilities) -> Vec<HandleOp> {
    let config = CheckConfig {
        seed,
        max_ops,
        ..CheckConfig::ci()
    };
    new_case(&config, case, caps).current()
}

fn new_case(config: &CheckConfig, case: usize, caps: Capabilities) -> OpsTree {
    let strategy = OpsStrategy {
        len: config.max_ops,
        caps,
    };
    match strategy.new_tree(&mut case_runner(config, case)) {
        Ok(tree) => tree,
        // Our strategy never rejects; an empty case keeps the loop total anyway.
        Err(_) => OpsTree::new(Vec::new()),
    }
}

/// What every store of a run can do: the cases use nothing more.
pub fn common_capabilities(
    backends: &[&dyn BackendFactory],
    model: &dyn BackendFactory,
) -> Capabilities {
    backends.iter().fold(model.capabilities(), |caps, b| {
        caps.intersect(b.capabilities())
    })
}

/// One backend's side of a run while the workers go.
struct BackendRun {
    report: CheckReport,
    /// The lowest diverging case found so far, its value tree and its divergence.
    first: Option<(usize, OpsTree, Divergence)>,
}

impl BackendRun {
    /// Whether case `case` still needs running: not when an earlier case already diverged.
    fn wants(&self, case: usize) -> bool {
        self.first.as_ref().is_none_or(|(c, _, _)| case < *c)
    }
}

/// Runs `config.cases` generated cases against every backend (each case once per backend,
/// against a fresh model store), on [`CheckConfig::threads`] threads, and shrinks the first
/// divergence of each backend. Every case uses only what all the stores can do
/// ([`common_capabilities`]). A backend sits out the cases after its first divergence (the
/// cases a worker had already started still count in its figures).
pub fn check_all(
    backends: &[&dyn BackendFactory],
    model: &dyn BackendFactory,
    config: &CheckConfig,
) -> Vec<CheckReport> {
    let caps = common_capabilities(backends, model);
    let started = Instant::now();
    let runs: Vec<Mutex<BackendRun>> = backends
        .iter()
        .map(|b| {
            Mutex::new(BackendRun {
                report: CheckReport::new(b.name(), config.seed),
                first: None,
            })
        })
        .collect();
    let next = AtomicUsize::new(0);
    let worker = || {
        loop {
            let case = next.fetch_add(1, Ordering::SeqCst);
            if case >= config.cases || runs.iter().all(|r| !lock(r).wants(case)) {
                break;
            }
            let tree = new_case(config, case, caps);
            let ops = tree.current();
            for (&backend, run) in backends.iter().zip(&runs) {
                if !lock(run).wants(case) {
                    continue;
                }
                let began = Instant::now();
                let opts = RunOptions {
                    invariant_every: config.invariant_period(backend.capabilities()),
                };
                let result = run_case(backend, model, &ops, &opts);
                let mut run = lock(run);
                run.report.busy += began.elapsed();
                run.report.cases += 1;
                match result {
                    Ok(stats) => run.report.add(&stats),
                    Err(found) => {
                        run.report.add(&found.stats);
                        if run.wants(case) {
                            run.first = Some((case, tree.clone(), found));
                        }
                    }
                }
                if let Some(progress) = &config.progress {
                    progress(&Progress {
                        backend: run.report.backend.clone(),
                        case: run.report.cases,
                        cases: config.cases,
                        ops: run.report.ops,
                    });
                }
            }
        }
    };
    std::thread::scope(|scope| {
        for _ in 0..config.threads() {
            scope.spawn(worker);
        }
    });
    let checked = started.elapsed();
    backends
        .iter()
        .zip(runs)
        .map(|(&backend, run)| {
            let BackendRun { mut report, first } =
                run.into_inner().unwrap_or_else(PoisonError::into_inner);
            let shrinking = Instant::now();
            if let Some((case, tree, found)) = first {
                let divergence = shrink(backend, model, tree, found, config);
                report.failure = Some(failure(backend, case, config.max_ops, divergence, config));
            }
            report.elapsed = checked + shrinking.elapsed();
            report
        })
        .collect()
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// proptest's pass over the value tree, then our delta-debugging pass (see `shrink.rs`).
///
/// Candidates of more than [`PRECISE_UP_TO`] operations are checked about sixteen times along
/// the way rather than after every operation (answers are still compared at every step): a
/// per-step dump of a large state would make shrinking a bulk case take minutes, while a check
/// at the end alone would miss what only a check in between shows (a reader that caches what
/// it read at the previous check). Shorter candidates, and the shrunk case, are checked after
/// every operation, so the reported step is exact.
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
    let diverges =
        |ops: &[HandleOp]| run_case(backend, model, ops, &shrink_options(ops.len())).err();
    let mut runner = TestRunner::new_with_rng(proptest_config(config), case_rng(config.seed, 0));
    let test = |ops: Vec<HandleOp>| match diverges(&ops) {
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
        invariant_every: if len <= PRECISE_UP_TO { 1 } else { len / 16 },
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
        replay_hint: config.replay_hint.clone(),
        divergence,
    };
    if let Some(dir) = &config.failure_dir {
        let saved = SavedCase {
            about: format!(
                "{} diverged from the model (seed {}, case {case}): {}",
                backend.name(),
                config.seed,
                first_line(&failure.divergence.reason.to_string())
            ),
            ops: failure.divergence.ops(),
        };
        match save_new_case(dir, &sanitize(backend.name()), &saved) {
            Ok(path) => failure.saved = Some(path),
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
