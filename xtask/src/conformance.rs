//! `cargo xtask conformance`: the scenario suite and the model checker against every backend.

use anyhow::anyhow;
use std::sync::{Arc, Mutex};

use podstate_conformance::BackendFactory;
use podstate_conformance::checker::{self, CheckConfig, CheckReport, Coverage};
use podstate_conformance::concurrent::{ConcurrentConfig, ConcurrentReport, check_concurrent};
use podstate_conformance::scenarios::{self, Scenario};

use crate::ConformanceArgs;
use crate::backends;
use crate::budget::{self, Budget, ConcurrentBudget};
use crate::progress::Progress;

/// The seed of the main job unless `--seed` says otherwise: fixed, so that CI is reproducible.
pub const DEFAULT_SEED: u64 = 0x0053_a11c_a115;

/// How one backend fared.
struct BackendResult {
    name: String,
    scenarios_passed: usize,
    scenario_failures: Vec<(&'static Scenario, String)>,
    check: Option<CheckReport>,
    concurrent: Option<ConcurrentReport>,
}

impl BackendResult {
    fn passed(&self) -> bool {
        self.scenario_failures.is_empty()
            && self.check.as_ref().is_none_or(CheckReport::passed)
            && self
                .concurrent
                .as_ref()
                .is_none_or(ConcurrentReport::passed)
    }
}

/// Runs the command.
pub fn run(args: &ConformanceArgs) -> anyhow::Result<()> {
    let backends = backends::select(&args.backends)?;
    let backends: Vec<&dyn BackendFactory> = backends.iter().map(|b| b.as_ref()).collect();
    if let Some(file) = &args.replay {
        return replay(file, &backends);
    }
    let mut results: Vec<BackendResult> = backends
        .iter()
        .map(|backend| run_scenarios(*backend))
        .collect();
    let reports = if args.ci {
        backends
            .iter()
            .map(|b| {
                let budget = budget_of(args, budget::ci(b.name()));
                model_check(&[*b], args, args.seed, budget).remove(0)
            })
            .collect()
    } else {
        main_job(&backends, args)
    };
    for (result, report) in results.iter_mut().zip(reports) {
        result.check = Some(report);
    }
    let class = match args.ci {
        true => budget::CONCURRENT_CI,
        false => budget::CONCURRENT_FULL,
    };
    for (result, backend) in results.iter_mut().zip(&backends) {
        result.concurrent = Some(concurrent(*backend, args.seed, class));
    }
    print_details(&results);
    print_table(&results);
    match results.iter().all(BackendResult::passed) {
        true => Ok(()),
        false => Err(anyhow!("conformance failed")),
    }
}

/// Every scenario against `backend`, with panic output silenced (failures are listed after).
fn run_scenarios(backend: &dyn BackendFactory) -> BackendResult {
    let all = scenarios::scenarios();
    let mut bar = Progress::new(format!("{} scenarios", backend.name()), all.len() as u64);
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut failures = Vec::new();
    for (done, scenario) in all.iter().enumerate() {
        if let Err(why) = scenarios::run(scenario, backend) {
            failures.push((scenario, why));
        }
        bar.update(done as u64 + 1);
    }
    std::panic::set_hook(default_hook);
    bar.finish();
    BackendResult {
        name: backend.name().to_owned(),
        scenarios_passed: all.len() - failures.len(),
        scenario_failures: failures,
        check: None,
        concurrent: None,
    }
}

/// The concurrent class against `backend` (a backend without shared handles is skipped).
fn concurrent(
    backend: &dyn BackendFactory,
    seed: u64,
    class: ConcurrentBudget,
) -> ConcurrentReport {
    let label = format!("{} concurrent", backend.name());
    let mut bar = Progress::new(label, 1);
    let config = ConcurrentConfig {
        seed,
        cases: class.cases,
        windows: class.windows,
        ops: class.ops,
        ..ConcurrentConfig::ci()
    };
    let report = check_concurrent(backend, &config);
    bar.update(1);
    bar.finish();
    report
}

/// `budget`, with `--cases` and `--max-ops` taking precedence.
fn budget_of(args: &ConformanceArgs, budget: Budget) -> Budget {
    Budget {
        cases: args.cases.unwrap_or(budget.cases),
        max_ops: args.max_ops.unwrap_or(budget.max_ops),
    }
}

/// The main job's model check: one differential run of every backend (the C boundary's
/// included) over the cases all of them run, then the backends with a larger budget
/// ([`budget::full`]) alone over the rest of theirs, drawn from the next seed. Each backend's
/// report covers both runs.
fn main_job(backends: &[&dyn BackendFactory], args: &ConformanceArgs) -> Vec<CheckReport> {
    let budgets: Vec<Budget> = backends
        .iter()
        .map(|b| budget_of(args, budget::full(b.name())))
        .collect();
    let shared = budgets.iter().map(|b| b.cases).min().unwrap_or(0);
    let max_ops = budgets.iter().map(|b| b.max_ops).max().unwrap_or(0);
    let mut reports = model_check(
        backends,
        args,
        args.seed,
        Budget {
            cases: shared,
            max_ops,
        },
    );
    let more: Vec<usize> = (0..backends.len())
        .filter(|&i| budgets[i].cases > shared)
        .collect();
    let Some(rest) = more.iter().map(|&i| budgets[i].cases - shared).max() else {
        return reports;
    };
    let subset: Vec<&dyn BackendFactory> = more.iter().map(|&i| backends[i]).collect();
    let budget = Budget {
        cases: rest,
        max_ops,
    };
    let later = model_check(&subset, args, args.seed.wrapping_add(1), budget);
    for (&i, report) in more.iter().zip(later) {
        merge(&mut reports[i], report);
    }
    reports
}

/// Adds `later`, a second run of the same backend, to `report`.
fn merge(report: &mut CheckReport, later: CheckReport) {
    report.cases += later.cases;
    report.ops += later.ops;
    report.checks += later.checks;
    report.elapsed += later.elapsed;
    report.busy += later.busy;
    report.coverage.merge(&later.coverage);
    report.largest = report.largest.max(later.largest);
    report.containers_reached += later.containers_reached;
    if report.failure.is_none() && later.failure.is_some() {
        report.failure = later.failure;
        report.seed = later.seed;
    }
}

/// The model checker in differential mode: each generated case runs against every backend and
/// the reference model.
fn model_check(
    backends: &[&dyn BackendFactory],
    args: &ConformanceArgs,
    seed: u64,
    budget: Budget,
) -> Vec<CheckReport> {
    let total = (budget.cases * backends.len()) as u64;
    let names: Vec<&str> = backends.iter().map(|b| b.name()).collect();
    let label = format!("model check {}", names.join("+"));
    let bar = Arc::new(Mutex::new(Progress::new(label, total)));
    let done = Arc::new(Mutex::new(0u64));
    let config = CheckConfig {
        cases: budget.cases,
        max_ops: budget.max_ops,
        seed,
        failure_dir: Some(args.failure_dir.clone()),
        replay_hint: Some(
            "replay it: cargo xtask conformance --replay {file} (copy it to \
             conformance/regressions/ to keep it)"
                .to_owned(),
        ),
        ..CheckConfig::default()
    };
    let progress_bar = Arc::clone(&bar);
    let config = config.on_progress(move |_| {
        let mut done = done.lock().unwrap_or_else(|e| e.into_inner());
        *done += 1;
        let mut bar = progress_bar.lock().unwrap_or_else(|e| e.into_inner());
        bar.update(*done);
    });
    let report = checker::check_differential(backends, &config);
    bar.lock().unwrap_or_else(|e| e.into_inner()).finish();
    report.reports
}

fn print_details(results: &[BackendResult]) {
    for result in results {
        // Each failure names its scenario itself (scenarios::run).
        for (_, why) in &result.scenario_failures {
            println!("{}: {why}", result.name);
        }
        if let Some(report) = &result.concurrent {
            println!("{report}");
        }
        if let Some(report) = &result.check {
            print!("{report}");
            println!(
                "\n{} coverage ({} of {} reachable (call, outcome) pairs):\n{}",
                report.backend,
                report.coverage.reached_pairs(),
                Coverage::reachable_pairs(),
                report.coverage.table()
            );
            let unreached = report.coverage.unreached();
            if !unreached.is_empty() {
                let pairs: Vec<String> = unreached
                    .iter()
                    .map(|(call, outcome)| format!("{}:{outcome}", call.name()))
                    .collect();
                println!("never reached: {}", pairs.join(", "));
            }
        }
    }
}

fn print_table(results: &[BackendResult]) {
    println!(
        "\n{:<10} {:>10} {:>8} {:>12} {:>10} {:>12} {:>10} {:>10} {:>18}",
        "backend",
        "scenarios",
        "failed",
        "model cases",
        "ops",
        "ops/s",
        "diverged",
        "coverage",
        "concurrent windows"
    );
    for r in results {
        let (cases, ops, rate, failed, coverage) = match &r.check {
            Some(c) => (
                format!("{} x {}", c.cases, c.ops.checked_div(c.cases).unwrap_or(0)),
                c.ops.to_string(),
                format!("{:.0}", c.ops_per_second()),
                c.failure
                    .as_ref()
                    .map_or("no".to_owned(), |f| format!("case {}", f.case)),
                format!(
                    "{}/{}",
                    c.coverage.reached_pairs(),
                    Coverage::reachable_pairs()
                ),
            ),
            None => ("-".into(), "-".into(), "-".into(), "-".into(), "-".into()),
        };
        let windows = match &r.concurrent {
            Some(c) if c.skipped.is_some() => "skipped".to_owned(),
            Some(c) if c.failure.is_some() => "FAILED".to_owned(),
            Some(c) => format!("{} ({} inconcl.)", c.linearizable, c.inconclusive),
            None => "-".to_owned(),
        };
        println!(
            "{:<10} {:>10} {:>8} {cases:>12} {ops:>10} {rate:>12} {failed:>10} {coverage:>10} \
             {windows:>18}",
            r.name,
            r.scenarios_passed,
            r.scenario_failures.len()
        );
    }
    let verdict = match results.iter().all(BackendResult::passed) {
        true => "passed",
        false => "FAILED",
    };
    println!("\nconformance {verdict}");
}

/// Replays a saved case against every selected backend and the model.
fn replay(file: &std::path::Path, backends: &[&dyn BackendFactory]) -> anyhow::Result<()> {
    let mut failed = false;
    for backend in backends {
        match checker::replay(file, *backend) {
            Ok(stats) => println!(
                "{}: all {} operations agreed with the model",
                backend.name(),
                stats.ops
            ),
            Err(why) => {
                failed = true;
                println!("{}: {why}", backend.name());
            }
        }
    }
    match failed {
        true => Err(anyhow!("replay of {} diverged", file.display())),
        false => Ok(()),
    }
}
