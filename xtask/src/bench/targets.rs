//! The targets of issue 11, item 5, checked against one run's figures. A target is a line of
//! the output (and of `--json`), never a timed test: timings on a shared machine are for
//! reading, not for failing a build.

use serde::{Deserialize, Serialize};

use super::Results;
use super::measure::{self, Phase};
use super::phases::ScalePoint;

/// Whether a target was met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// Met.
    Met,
    /// Missed.
    Missed,
    /// This run did not measure it (a `--quick` run, or a backend left out).
    NotMeasured,
}

/// One target with what the run measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Target {
    /// What is measured.
    pub what: String,
    /// The goal, with the figures it is computed from.
    pub goal: String,
    /// The measured value.
    pub measured: String,
    /// Met, missed or not measured.
    pub verdict: Verdict,
}

/// Fsyncs one durable commit needs at the backend's durability: SQLite in WAL mode syncs the
/// WAL once; redb in multi-writer mode commits in two phases, each synced.
pub fn fsyncs_needed(subject: &str) -> Option<u32> {
    match subject {
        "sqlite" | "raw-sqlite" => Some(1),
        "redb" | "raw-redb" => Some(2),
        _ => None,
    }
}

/// The phase `name` of `subject`'s main run.
pub fn phase<'r>(r: &'r Results, subject: &str, name: &str) -> Option<&'r Phase> {
    r.main
        .iter()
        .find(|m| m.subject == subject)?
        .phases
        .iter()
        .find(|p| p.name == name)
}

/// The µs per operation of `backend` and of its raw engine in phase `name`: from the paired
/// reads when they ran, else from the two main runs.
pub fn versus(r: &Results, backend: &str, name: &str) -> Option<(f64, f64)> {
    if let Some(p) = r
        .paired
        .iter()
        .find(|p| p.backend == backend && p.phase == name)
    {
        return Some((p.backend_us, p.raw_us));
    }
    let raw = phase(r, &format!("raw-{backend}"), name)?;
    Some((phase(r, backend, name)?.us_per_op(), raw.us_per_op()))
}

fn point<'r>(r: &'r Results, subject: &str, n: usize) -> Option<&'r ScalePoint> {
    r.scaling.iter().find(|p| p.subject == subject && p.n == n)
}

fn fsyncs(r: &Results, subject: &str, op: &str) -> Option<f64> {
    r.fsyncs
        .iter()
        .find(|f| f.subject == subject && f.op == op)?
        .per_commit
}

/// Builds the list of targets.
struct Targets(Vec<Target>);

impl Targets {
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

    /// `subject` within `limit` times the raw engine in phase `name`.
    fn versus_raw(&mut self, r: &Results, subject: &str, name: &str, limit: f64) {
        let value = versus(r, subject, name).map(|(b, a)| {
            let ratio = b / a;
            (
                format!("{ratio:.2}x ({} vs {})", us(b), us(a)),
                ratio <= limit,
            )
        });
        self.push(
            format!("{subject} {name} vs raw-{subject}"),
            format!("<= {limit}x"),
            value,
        );
    }

    /// A value at N = 10,000: from the main run when it ran at 10,000, else the scaling run.
    fn at_10k(r: &Results, subject: &str, name: &str) -> Option<f64> {
        if r.n == 10_000
            && let Some(p) = phase(r, subject, name)
        {
            return Some(p.us_per_op());
        }
        let p = point(r, subject, 10_000)?;
        match name {
            measure::BY_NAME => Some(p.by_name_us),
            measure::BY_PREFIX => Some(p.by_prefix_us),
            measure::ALL => Some(p.all_ms * 1e3),
            measure::CLI => p.cli_us,
            _ => None,
        }
    }
}

/// Microseconds, readable.
pub fn us(v: f64) -> String {
    match v {
        v if v >= 10_000.0 => format!("{:.1} ms", v / 1e3),
        v if v >= 100.0 => format!("{v:.0} µs"),
        v if v >= 10.0 => format!("{v:.1} µs"),
        v => format!("{v:.2} µs"),
    }
}

/// Every target of item 5 this run's backends have.
pub fn check(r: &Results) -> Vec<Target> {
    let mut t = Targets(Vec::new());
    let has = |s: &str| r.main.iter().any(|m| m.subject == s);
    for b in ["sqlite", "redb"].into_iter().filter(|b| has(b)) {
        let k = fsyncs_needed(b).unwrap_or(1);
        for (op, name) in [("add", measure::ADD), ("save", measure::SAVE)] {
            let value = phase(r, b, name).and_then(|p| {
                let need = p.ceiling? / f64::from(k);
                let share = p.ops_per_sec() / need;
                Some((
                    format!("{:.0}/s = {:.0}%", p.ops_per_sec(), share * 100.0),
                    share >= 0.75,
                ))
            });
            let ceiling = phase(r, b, name).and_then(|p| p.ceiling).unwrap_or(0.0);
            t.push(
                format!("{b} durable {op}"),
                format!(">= 75% of fsync ceiling / {k} ({ceiling:.0}/s / {k})"),
                value,
            );
            let raw = fsyncs(r, &format!("raw-{b}"), op);
            let allowed = raw.unwrap_or(0.0).max(f64::from(k)) + 0.005;
            let value = fsyncs(r, b, op).map(|v| (format!("{v:.3}"), v <= allowed));
            let raw = raw.map_or("not counted".into(), |v| format!("{v:.3}"));
            t.push(
                format!("{b} fsyncs per {op} commit"),
                format!("<= {k} (+ the engine's own checkpoints: raw-{b} {raw})"),
                value,
            );
        }
        for name in [measure::BY_NAME, measure::BY_PREFIX, measure::BY_ID] {
            t.versus_raw(r, b, name, 1.5);
        }
        t.versus_raw(r, b, measure::ALL, 1.5);
        let cli = Targets::at_10k(r, b, measure::CLI).map(|v| (us(v), v < 1_000.0));
        t.push(
            format!("{b} open + lookup + close at N = 10,000"),
            "< 1 ms".into(),
            cli,
        );
    }
    for b in ["memory", "sqlite", "redb"].into_iter().filter(|b| has(b)) {
        let growth = point(r, b, 100_000)
            .zip(point(r, b, 1_000))
            .map(|(big, small)| {
                let ratio = big.by_prefix_us / small.by_prefix_us;
                (
                    format!(
                        "{ratio:.2}x ({} vs {})",
                        us(big.by_prefix_us),
                        us(small.by_prefix_us)
                    ),
                    ratio <= 2.0,
                )
            });
        t.push(
            format!("{b} prefix lookup at N = 100,000 vs N = 1,000"),
            "<= 2x".into(),
            growth,
        );
        let all = point(r, b, 5_000).map(|p| (format!("{:.1} ms", p.all_ms), p.all_ms < 55.0));
        t.push(
            format!("{b} all_containers at N = 5,000"),
            "< 55 ms (podman's BoltDB: 548 ms)".into(),
            all,
        );
    }
    if has("memory") {
        for name in [measure::BY_NAME, measure::BY_PREFIX, measure::BY_ID] {
            let v = Targets::at_10k(r, "memory", name).map(|v| (us(v), v <= 0.5));
            t.push(
                format!("memory {name} at N = 10,000"),
                "<= 0.5 µs (podman's in-memory state: 0.3 µs)".into(),
                v,
            );
        }
        let all = Targets::at_10k(r, "memory", measure::ALL).map(|v| (us(v), v <= 10_000.0));
        t.push(
            "memory all_containers at N = 10,000".into(),
            "<= 10 ms".into(),
            all,
        );
    }
    t.0
}
