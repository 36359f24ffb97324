//! Running the class: cases of windows, each window's threads at once, each window judged.

use std::time::{Duration, Instant};

use podstate_api::State;
use podstate_api::dump::{Dump, dump};
use podstate_api::snapshot::Snapshot;

use super::history::Event;
use super::linearize::{SearchBudget, Verdict, search};
use super::report::{ConcurrentFailure, ConcurrentReport};
use super::shrink::shrink;
use super::window::{Pace, Problem, Slot, run_window};
use super::workload::{Role, hot_ops};
use crate::checker::Op;
use crate::factory::{BackendFactory, Store};

/// How much the class runs.
#[derive(Debug, Clone)]
pub struct ConcurrentConfig {
    /// Seed of the run: the calls of window `w` of case `c` come from `(seed, c, w)` alone.
    pub seed: u64,
    /// Cases: fresh stores.
    pub cases: usize,
    /// Windows each case must prove linearizable.
    pub windows: usize,
    /// Calls per thread per window.
    pub ops: usize,
    /// The most threads a case runs (2 to 4): case `c` runs `2 + c % (max_threads - 1)`.
    pub max_threads: usize,
    /// The search's budget per window.
    pub search: SearchBudget,
    /// Most time the shrinking of a failure may take.
    pub shrink_time: Duration,
}

impl ConcurrentConfig {
    /// The budget of `cargo test` and `cargo xtask conformance --ci`: a fixed seed, 24 cases of
    /// 4 windows of up to 4 threads x 10 calls (about 2,300 calls), enough that every
    /// concurrency tooth is caught under each of the four seeds of the teeth test.
    pub fn ci() -> ConcurrentConfig {
        ConcurrentConfig {
            seed: 0x5eed_2020_0053,
            cases: 64,
            windows: 4,
            ops: 16,
            max_threads: 4,
            search: SearchBudget {
                steps: 200_000,
                time: Duration::from_secs(10),
            },
            shrink_time: Duration::from_secs(8),
        }
    }

    /// `PODSTATE_CHECK_SEED` (a decimal number) overrides the seed, as for the model checker.
    pub fn with_env_overrides(mut self) -> ConcurrentConfig {
        if let Some(seed) = std::env::var("PODSTATE_CHECK_SEED")
            .ok()
            .and_then(|v| v.trim().parse().ok())
        {
            self.seed = seed;
        }
        self
    }

    /// The threads of case `case`.
    fn threads(&self, case: usize) -> usize {
        let max = self.max_threads.clamp(2, 4);
        2 + case % (max - 1)
    }

    /// The calls of each thread in window `window` of case `case`.
    pub(super) fn ops(&self, case: usize, window: usize, threads: usize) -> Vec<Vec<Slot>> {
        let seed = self.seed ^ ((case as u64) << 20 | window as u64).wrapping_mul(0x9e37_79b9);
        (0..threads)
            .map(|t| {
                hot_ops(seed, t, Role::of(t), self.ops)
                    .into_iter()
                    .map(|op| Some((op, 0)))
                    .collect()
            })
            .collect()
    }
}

/// Runs the class against `factory`'s backend; stops at the first failing window and shrinks
/// it.
pub fn check_concurrent(
    factory: &dyn BackendFactory,
    config: &ConcurrentConfig,
) -> ConcurrentReport {
    let mut report = ConcurrentReport {
        backend: factory.name().to_owned(),
        seed: config.seed,
        ..ConcurrentReport::default()
    };
    if !factory.capabilities().shared_handles {
        report.skipped = Some("its handles are not shared, so no two calls can meet".into());
        return report;
    }
    for case in 0..config.cases {
        report.cases += 1;
        if let Err(failure) = run_case(factory, config, case, &mut report) {
            report.failure = Some(failure);
            break;
        }
    }
    report
}

/// The state a window starts from: what the judge reads and what a rerun restores.
struct Start {
    dump: Dump,
    snapshot: Snapshot,
    namespaces: Vec<String>,
}

fn run_case(
    factory: &dyn BackendFactory,
    config: &ConcurrentConfig,
    case: usize,
    report: &mut ConcurrentReport,
) -> Result<(), ConcurrentFailure> {
    let fail = |window: usize, why: String| ConcurrentFailure {
        case,
        window,
        generated_len: 0,
        history: Vec::new(),
        why,
    };
    let threads = config.threads(case);
    let (store, observer, handles) = open(factory, threads).map_err(|why| fail(0, why))?;
    let mut start = Start {
        dump: dump(observer.as_ref()).map_err(|e| fail(0, format!("the first dump: {e}")))?,
        snapshot: store
            .snapshot()
            .map_err(|e| fail(0, format!("snapshot: {e}")))?,
        namespaces: vec![String::new(); threads],
    };
    let (mut proven, mut replaced, mut window) = (0, 0, 0);
    while proven < config.windows {
        let ops = config.ops(case, window, threads);
        let handles: Vec<&dyn State> = handles.iter().map(AsRef::as_ref).collect();
        let started = Instant::now();
        let pace = match (case + window) % 2 {
            0 => Pace::Lockstep,
            _ => Pace::Free,
        };
        let (events, problems) = run_window(&handles, &ops, &start.namespaces, pace);
        report.run_time += started.elapsed();
        report.calls += events.len();
        report.refused += events
            .iter()
            .filter(|e| !matches!(e.reply.outcome.as_str(), "Ok" | "Io" | "Corrupt" | "BROKEN"))
            .count();
        let end = dump(observer.as_ref()).map_err(|e| fail(window, format!("the dump: {e}")))?;
        let checked = Instant::now();
        report.windows += 1;
        let judged = judge(&events, problems, &start.dump, &end, config.search);
        report.check_time += checked.elapsed();
        match judged {
            Judged::Linearizable(explored) => {
                report.linearizable += 1;
                report.explored += explored;
                proven += 1;
            }
            Judged::Inconclusive(explored) => {
                report.inconclusive += 1;
                report.explored += explored;
                replaced += 1;
                if replaced > config.windows {
                    return Err(fail(
                        window,
                        format!(
                            "{replaced} windows were inconclusive: the search cannot judge them"
                        ),
                    ));
                }
            }
            Judged::Failed(why, at) => {
                let shrinking = Instant::now();
                let first = (events.clone(), why, at);
                let (history, why) = shrink(
                    factory,
                    (&start.snapshot, &start.namespaces),
                    &ops,
                    pace,
                    first,
                    config,
                );
                report.check_time += shrinking.elapsed();
                return Err(ConcurrentFailure {
                    generated_len: events.len(),
                    history,
                    why,
                    ..fail(window, String::new())
                });
            }
        }
        start = Start {
            dump: end,
            snapshot: store
                .snapshot()
                .map_err(|e| fail(window, format!("snapshot: {e}")))?,
            namespaces: namespaces_after(&events, &start.namespaces),
        };
        window += 1;
    }
    Ok(())
}

/// A store of `factory` with an observing handle (namespace `""`) and `threads` handles.
pub(super) type Opened = (Box<dyn Store>, Box<dyn State>, Vec<Box<dyn State>>);

/// Opens a fresh store of `factory` for `threads` threads.
pub(super) fn open(factory: &dyn BackendFactory, threads: usize) -> Result<Opened, String> {
    let store = factory
        .create()
        .map_err(|e| format!("cannot create a store: {e}"))?;
    let observer = store
        .open_handle()
        .map_err(|e| format!("cannot open a handle: {e}"))?;
    let handles = (0..threads)
        .map(|_| store.open_handle())
        .collect::<Result<_, _>>()
        .map_err(|e| format!("cannot open a handle: {e}"))?;
    Ok((store, observer, handles))
}

/// Each thread's namespace after `events`, which started in `before`.
fn namespaces_after(events: &[Event], before: &[String]) -> Vec<String> {
    let mut now = before.to_vec();
    let mut ordered: Vec<&Event> = events.iter().collect();
    ordered.sort_by_key(|e| (e.thread, e.index));
    for e in ordered {
        if let (Op::SetNamespace { ns }, "Ok") = (&e.op, e.reply.outcome.as_str()) {
            now[e.thread] = ns.clone();
        }
    }
    now
}

/// A window's verdict.
pub(super) enum Judged {
    Linearizable(u64),
    Inconclusive(u64),
    /// Why, and the call (thread, index) where it shows, when one does.
    Failed(String, Option<(usize, usize)>),
}

/// Judges a window: first the answers outside the contract, then the search.
pub(super) fn judge(
    events: &[Event],
    problems: Vec<Problem>,
    start: &Dump,
    end: &Dump,
    budget: SearchBudget,
) -> Judged {
    if let Some((at, _)) = problems.first() {
        let said: Vec<&str> = problems.iter().map(|(_, said)| said.as_str()).collect();
        let why = format!("outside the contract:\n  {}", said.join("\n  "));
        return Judged::Failed(why, Some(*at));
    }
    match search(events, start, end, budget) {
        Ok(Verdict::Linearizable { explored }) => Judged::Linearizable(explored),
        Ok(Verdict::Inconclusive { explored }) => Judged::Inconclusive(explored),
        Ok(Verdict::NotLinearizable {
            deepest,
            why,
            stuck,
        }) => {
            let order: Vec<String> = deepest
                .iter()
                .map(|&i| format!("t{}#{}", events[i].thread, events[i].index))
                .collect();
            let why = format!(
                "not linearizable: no order of these calls that their times allow gives these \
                 answers.\nlongest order that fits: {}\nthen: {why}",
                match order.is_empty() {
                    true => "(none)".to_owned(),
                    false => order.join(" "),
                }
            );
            Judged::Failed(why, stuck.map(|i| (events[i].thread, events[i].index)))
        }
        Err(why) => Judged::Failed(format!("the window could not be searched: {why}"), None),
    }
}
