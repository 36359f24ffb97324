//! Running the class: cases of windows, each window's threads at once, each window judged.

use std::time::Instant;

use podstate_api::State;
use podstate_api::dump::{Dump, dump};
use podstate_api::snapshot::Snapshot;

use super::config::ConcurrentConfig;
use super::history::Event;
use super::judge::{Judged, judge, open};
use super::report::{ConcurrentFailure, ConcurrentReport};
use super::shrink::shrink;
use super::window::{Pace, run_window};
use crate::checker::Op;
use crate::factory::BackendFactory;

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
