//! The write path of issue 20 (items 4 and 5): the durable calls in turns with their baselines,
//! the concurrent phase, the lifecycle phase, their tables and their targets. As for issue 11,
//! a target is a line of the output, never a timed test.

use super::Results;
use super::concurrent::ConcurrentPoint;
use super::measure;
use super::targets::{Target, Verdict, phase, us, versus};

/// Collects targets with their verdicts.
#[derive(Default)]
struct List(Vec<Target>);

impl List {
    fn push(&mut self, what: String, goal: String, value: Option<(String, bool)>) {
        let (measured, verdict) = match value {
            Some((m, true)) => (m, Verdict::Met),
            Some((m, false)) => (m, Verdict::Missed),
            None => ("not measured in this run".to_owned(), Verdict::NotMeasured),
        };
        self.0.push(Target {
            what,
            goal,
            measured,
            verdict,
        });
    }
}

/// `b / a` as the target's text, and whether it is within `limit`.
fn ratio(b: f64, a: f64, limit: f64) -> (String, bool) {
    let r = b / a;
    (format!("{r:.2}x ({} vs {})", us(b), us(a)), r <= limit)
}

/// SQLite's open + lookup + close (`backend_us` µs) against plain rusqlite's on the backend's
/// own file, for the record: what the backend adds to SQLite's cost on its schema.
fn same_file_ratio(r: &Results, backend_us: f64) -> String {
    let on_file = r
        .paired
        .iter()
        .find(|p| p.backend == "sqlite" && p.phase == measure::CLI)
        .and_then(|p| p.raw_on_backend_file_us);
    match on_file {
        Some(a) => format!(
            "; {:.2}x plain rusqlite on podstate's own file ({})",
            backend_us / a,
            us(a)
        ),
        None => String::new(),
    }
}

/// The main runs' ratio of `backend`'s durable phase `name` to `baseline`'s, for the record.
fn main_run_ratio(r: &Results, backend: &str, baseline: &str, name: &str) -> String {
    match (phase(r, backend, name), phase(r, baseline, name)) {
        (Some(b), Some(a)) => format!("; main runs {:.2}x", b.us_per_op() / a.us_per_op()),
        _ => String::new(),
    }
}

/// The concurrent point of `backend` at `threads`.
fn point<'r>(r: &'r Results, backend: &str, threads: usize) -> Option<&'r ConcurrentPoint> {
    r.concurrent
        .iter()
        .find(|p| p.backend == backend && p.threads == threads)
}

/// Every target of issue 20 this run measured.
pub fn check(r: &Results) -> Vec<Target> {
    let mut t = List::default();
    for (backend, limit) in [("sqlite", 1.3), ("redb", 1.3)] {
        let turns = r.turns.iter().find(|t| t.backend == backend);
        let raw = format!("raw-{backend}");
        for op in ["add", "remove"] {
            let name = if op == "add" {
                measure::ADD
            } else {
                measure::REMOVE
            };
            let value = turns
                .and_then(|t| Some((t.us(backend, op)?, t.us(&raw, op)?)))
                .map(|(b, a)| {
                    let (text, ok) = ratio(b, a, limit);
                    (text + &main_run_ratio(r, backend, &raw, name), ok)
                });
            t.push(
                format!("{backend} durable {op} vs {raw} (in turns)"),
                format!("<= {limit}x"),
                value,
            );
            if backend == "sqlite" {
                let value = turns
                    .and_then(|t| Some((t.us(backend, op)?, t.us("raw-sqlite-idx", op)?)))
                    .map(|(b, a)| ratio(b, a, limit));
                t.push(
                    format!("sqlite durable {op} vs raw-sqlite-idx (same index work)"),
                    format!("<= {limit}x"),
                    value,
                );
            }
        }
    }
    let cli = versus(r, "sqlite", measure::CLI).map(|(b, a)| {
        let (text, met) = ratio(b, a, 1.5);
        (text + &same_file_ratio(r, b), met)
    });
    t.push(
        "sqlite open + lookup + close vs raw-sqlite".into(),
        "<= 1.5x".into(),
        cli,
    );
    for backend in ["sqlite", "redb"] {
        let value = point(r, backend, 1)
            .zip(point(r, backend, 8))
            .map(|(one, eight)| {
                let (a, b) = (one.calls_per_sec(), eight.calls_per_sec());
                (
                    format!(
                        "{b:.0}/s = {:.2}x one thread's {a:.0}/s; ceiling {:.0}/s",
                        b / a,
                        eight.ceiling
                    ),
                    b >= 3.0 * a && b > eight.ceiling,
                )
            });
        t.push(
            format!("{backend} 8 writer threads, durable calls/s"),
            ">= 3x one thread's and above the fsync ceiling".into(),
            value,
        );
    }
    for backend in ["sqlite", "redb"] {
        let find = |batched: bool| {
            r.lifecycle
                .iter()
                .find(|l| l.backend == backend && l.batched == batched)
        };
        let value = find(false).zip(find(true)).map(|(plain, batch)| {
            let speedup = plain.us() / batch.us();
            (
                format!(
                    "{speedup:.1}x ({} vs {} per lifecycle)",
                    us(batch.us()),
                    us(plain.us())
                ),
                speedup >= 5.0,
            )
        });
        t.push(
            format!("{backend} batched lifecycle vs unbatched"),
            ">= 5x faster".into(),
            value,
        );
    }
    t.0
}

/// Prints the turns, the concurrent phase and the lifecycle phase.
pub fn print(r: &Results) {
    if !r.turns.is_empty() {
        println!(
            "\ndurable calls in turns (one process, fresh databases, one commit of each subject \
             per container in a rotating order; mean µs per call)"
        );
        println!(
            "  {:<8} {:<15} {:>8} {:>10} {:>10}",
            "backend", "subject", "N", "add", "remove"
        );
        for t in &r.turns {
            let mut subjects: Vec<&str> = Vec::new();
            for f in &t.figures {
                if !subjects.contains(&f.subject.as_str()) {
                    subjects.push(&f.subject);
                }
            }
            for s in subjects {
                let cell = |op: &str| t.us(s, op).map_or("-".into(), us);
                println!(
                    "  {:<8} {:<15} {:>8} {:>10} {:>10}",
                    t.backend,
                    s,
                    t.n,
                    cell("add"),
                    cell("remove")
                );
            }
            println!(
                "  {:<8} fsync ceiling probed between the turns: {:.0}/s",
                t.backend, t.ceiling
            );
        }
    }
    if !r.concurrent.is_empty() {
        println!(
            "\nconcurrent writers (threads of one process, a handle each, add + 3 saves + remove \
             on their own containers)"
        );
        println!(
            "  {:<8} {:>7} {:>8} {:>10} {:>9} {:>14} {:>12}",
            "backend", "threads", "calls", "calls/s", "x 1 thr", "fsyncs/call", "ceiling/s*"
        );
        for p in &r.concurrent {
            let one = point(r, &p.backend, 1).map_or(f64::NAN, ConcurrentPoint::calls_per_sec);
            println!(
                "  {:<8} {:>7} {:>8} {:>10.0} {:>9.2} {:>14} {:>12.0}",
                p.backend,
                p.threads,
                p.calls,
                p.calls_per_sec(),
                p.calls_per_sec() / one,
                p.fsyncs_per_call
                    .map_or("not counted".into(), |f| format!("{f:.3}")),
                p.ceiling
            );
        }
    }
    if !r.concurrent.is_empty() {
        println!("  * the fsync ceiling probed by a thread of the worker while the writers ran");
    }
    if !r.lifecycle.is_empty() {
        println!(
            "\nlifecycle: one container's {} calls (add, saves, network connect/disconnect, an \
             exec session, lookups, remove), both ways in turns on one store",
            super::lifecycle::CALLS
        );
        println!(
            "  {:<8} {:<10} {:>11} {:>14} {:>12}",
            "backend", "mode", "lifecycles", "µs/lifecycle", "calls/s"
        );
        for l in &r.lifecycle {
            println!(
                "  {:<8} {:<10} {:>11} {:>14} {:>12.0}",
                l.backend,
                if l.batched { "batched" } else { "unbatched" },
                l.lifecycles,
                us(l.us()),
                super::lifecycle::CALLS as f64 * 1e6 / l.us()
            );
        }
    }
    println!("\ntargets (issue 20)");
    for t in &r.write_targets {
        let verdict = match t.verdict {
            Verdict::Met => "met",
            Verdict::Missed => "FAIL",
            Verdict::NotMeasured => "-",
        };
        println!(
            "  {verdict:<7} {:<58} {} (goal {})",
            t.what, t.measured, t.goal
        );
    }
}
