//! Durable add and remove of a backend and its baselines in turns (issue 20, item 4): one
//! process, fresh databases side by side, and for every container one commit of each subject
//! in a rotating order, so that every side of a ratio meets the same disk in the same second.
//! The main runs time the same calls minutes apart, on a shared disk whose fsync rate moves by
//! a factor of ten within a run; the targets of issue 20 are checked on these figures (the
//! main runs' ratios are printed beside them).

use anyhow::Context;
use std::path::Path;
use std::time::{Duration, Instant};

use podstate_api::{Container, Volume};
use serde::{Deserialize, Serialize};

use super::measure::Prober;
use super::subject::Subject;
use super::workload::Workload;

/// The durable calls a subject of the turns makes.
pub trait Writer {
    /// Its name in the tables.
    fn name(&self) -> &str;
    /// Adds a volume of the pool (setup, not timed).
    fn add_volume(&self, vol: &Volume) -> anyhow::Result<()>;
    /// Adds a container: one durable commit.
    fn add(&self, ctr: &Container) -> anyhow::Result<()>;
    /// Removes a container: one durable commit.
    fn remove(&self, ctr: &Container) -> anyhow::Result<()>;
}

/// A [`Subject`] as a [`Writer`].
pub struct Calls<'s>(pub &'s dyn Subject);

impl Writer for Calls<'_> {
    fn name(&self) -> &str {
        self.0.name()
    }
    fn add_volume(&self, vol: &Volume) -> anyhow::Result<()> {
        self.0.add_volume(vol)
    }
    fn add(&self, ctr: &Container) -> anyhow::Result<()> {
        self.0.add(ctr)
    }
    fn remove(&self, ctr: &Container) -> anyhow::Result<()> {
        self.0.remove(ctr)
    }
}

/// One subject's mean durable call in the turns.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TurnFigure {
    /// The subject.
    pub subject: String,
    /// `add` or `remove`.
    pub op: String,
    /// Calls timed.
    pub ops: u64,
    /// Mean µs per call.
    pub us: f64,
}

/// What one run of the turns measured: every subject's add and remove, and the disk's fsync
/// ceiling probed between the turns.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Turns {
    /// The backend whose baselines took turns with it.
    pub backend: String,
    /// Containers added (then removed) by each subject.
    pub n: usize,
    /// Each subject's figures.
    pub figures: Vec<TurnFigure>,
    /// 4 KiB rewrite + fdatasync per second, probed every few turns.
    pub ceiling: f64,
}

impl Turns {
    /// The mean µs of `subject`'s `op`.
    pub fn us(&self, subject: &str, op: &str) -> Option<f64> {
        self.figures
            .iter()
            .find(|f| f.subject == subject && f.op == op)
            .map(|f| f.us)
    }
}

/// Turns between two probes of the fsync ceiling.
const PROBE_EVERY: usize = 8;

/// Runs `op` of every subject on every item, in turns (the order rotates by one each item),
/// each call timed; probes the ceiling every [`PROBE_EVERY`] items. Answers the µs spent per
/// subject and the ceiling's probes.
fn in_turns<T>(
    subjects: &[&dyn Writer],
    items: &[T],
    prober: &Prober,
    op: impl Fn(&dyn Writer, &T) -> anyhow::Result<()>,
) -> anyhow::Result<(Vec<Duration>, u32, Duration)> {
    let mut spent = vec![Duration::ZERO; subjects.len()];
    let (mut probes, mut probing) = (0u32, Duration::ZERO);
    for (k, item) in items.iter().enumerate() {
        for j in 0..subjects.len() {
            let s = (k + j) % subjects.len();
            let start = Instant::now();
            op(subjects[s], item).with_context(|| subjects[s].name().to_owned())?;
            spent[s] += start.elapsed();
        }
        if k % PROBE_EVERY == 0 {
            probing += prober.probe()?;
            probes += 1;
        }
    }
    Ok((spent, probes, probing))
}

/// The turns of `subjects` (fresh stores, files in `dir`) over the first `n` containers of the
/// workload: every volume, then each container added by every subject in turn, then removed in
/// reverse order (dependents first).
pub fn run(backend: &str, subjects: &[&dyn Writer], n: usize, dir: &Path) -> anyhow::Result<Turns> {
    let work = Workload::new(n, 0);
    for s in subjects {
        work.volumes.iter().try_for_each(|v| s.add_volume(v))?;
    }
    let prober = Prober::new(dir)?;
    let mut figures = Vec::new();
    let (mut probes, mut probing) = (0u32, Duration::ZERO);
    let removal: Vec<&Container> = work.containers.iter().rev().collect();
    for (op, spent) in [
        (
            "add",
            in_turns(subjects, &work.containers, &prober, |s, c| s.add(c))?,
        ),
        (
            "remove",
            in_turns(subjects, &removal, &prober, |s, c| s.remove(c))?,
        ),
    ] {
        let (spent, p, t) = spent;
        probes += p;
        probing += t;
        for (s, d) in subjects.iter().zip(spent) {
            figures.push(TurnFigure {
                subject: s.name().to_owned(),
                op: op.to_owned(),
                ops: n as u64,
                us: d.as_secs_f64() * 1e6 / n.max(1) as f64,
            });
        }
    }
    Ok(Turns {
        backend: backend.to_owned(),
        n,
        figures,
        ceiling: f64::from(probes) / probing.as_secs_f64().max(1e-9),
    })
}
