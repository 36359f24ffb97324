//! The workload's phases on one subject (issue 11, items 1 and 4): the main run and the
//! scaling run, each in a worker process of its own.

use anyhow::{Context, anyhow};
use std::time::{Duration, Instant};

use podstate_api::Container;
use serde::{Deserialize, Serialize};

use super::measure::{self, Phase, Prober, dir_bytes, rounds, vm_kib};
use super::subject::Subject;
use super::workload::{Generator, Workload};

/// How much of each phase to run.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Plan {
    /// Pods of 5 members added after the containers.
    pub pods: usize,
    /// Distinct containers probed by each lookup phase and by `update_container`.
    pub probes: usize,
    /// `save_container` calls.
    pub saves: usize,
    /// The least time a read phase runs (rounds of `probes` repeat until then).
    pub read_time: Duration,
    /// `all_containers` calls (at least; 3 at N >= 50,000 in the scaling run).
    pub all_reps: usize,
    /// Open + lookup + close rounds.
    pub cli_reps: usize,
}

/// What the main run measured on one subject.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MainResult {
    /// The subject.
    pub subject: String,
    /// Containers outside pods.
    pub n: usize,
    /// Containers stored in all (with the pod members).
    pub containers: usize,
    /// Every phase, in order.
    pub phases: Vec<Phase>,
    /// Bytes on disk once everything was added (database, WAL, ...).
    pub db_bytes: Option<u64>,
    /// Peak resident memory of the worker (`VmHWM`), KiB.
    pub peak_rss_kib: Option<u64>,
    /// Resident memory once the workload was generated, before the subject was opened: the
    /// part of the peak that is the bench's own objects.
    pub workload_rss_kib: Option<u64>,
}

/// `k` of `probes` spread over `0..n`.
fn spread(k: usize, probes: usize, n: usize) -> usize {
    k * n / probes.max(1)
}

/// Opens per round of the open + lookup + close phase.
const CLI_ROUND: usize = 10;

/// Commits between two probes of the fsync ceiling during a durable phase.
const PROBE_EVERY: usize = 4;

/// A durable phase: `op` once per item, each timed, with a probe of the fsync ceiling after
/// every [`PROBE_EVERY`] commits timed apart (see [`Phase::ceiling`]).
fn durable<T>(
    s: &dyn Subject,
    name: &str,
    items: &[T],
    mut op: impl FnMut(&T) -> anyhow::Result<()>,
) -> anyhow::Result<Phase> {
    let Some(dir) = s.dir() else {
        return each(name, items, op);
    };
    let prober = Prober::new(dir)?;
    let (mut busy, mut probing, mut probes) = (Duration::ZERO, Duration::ZERO, 0u32);
    for (k, item) in items.iter().enumerate() {
        let start = Instant::now();
        op(item)?;
        busy += start.elapsed();
        if k % PROBE_EVERY == 0 {
            probing += prober.probe()?;
            probes += 1;
        }
    }
    Ok(Phase {
        name: name.to_owned(),
        ops: items.len() as u64,
        secs: busy.as_secs_f64(),
        best_us: None,
        ceiling: Some(f64::from(probes) / probing.as_secs_f64().max(1e-9)),
    })
}

/// Runs `op` once per item and times the whole.
fn each<T>(
    name: &str,
    items: &[T],
    mut op: impl FnMut(&T) -> anyhow::Result<()>,
) -> anyhow::Result<Phase> {
    let start = Instant::now();
    items.iter().try_for_each(&mut op)?;
    Ok(Phase {
        name: name.to_owned(),
        ops: items.len() as u64,
        secs: start.elapsed().as_secs_f64(),
        best_us: None,
        ceiling: None,
    })
}

/// `want` or an error saying what came back instead.
fn expect(what: &str, got: &str, want: &str) -> anyhow::Result<()> {
    match got == want {
        true => Ok(()),
        false => Err(anyhow!("{what}: got {got}, expected {want}")),
    }
}

/// The read phases, in the order they run (`COPY` only for a subject without files, `CLI`
/// only for one with files).
pub const READS: [&str; 8] = [
    measure::BY_NAME,
    measure::BY_PREFIX,
    measure::BY_ID,
    measure::COPY,
    measure::UPDATE,
    measure::ALL,
    measure::POD_CONTAINERS,
    measure::CLI,
];

/// Read phase `name` on `s`, which holds `work`: at least `min_rounds` rounds and `min` of
/// time (an `all_containers` round is one call, an open + lookup + close round
/// [`CLI_ROUND`] of them, any other round `plan.probes` calls). `None` for a phase the subject
/// does not have.
pub fn read_phase(
    s: &dyn Subject,
    work: &Workload,
    plan: &Plan,
    name: &str,
    min_rounds: usize,
    min: Duration,
) -> anyhow::Result<Option<Phase>> {
    let ctrs = &work.containers;
    let n = ctrs.len();
    let probes = plan.probes.min(n);
    let pick = |k: usize| &ctrs[spread(k, probes, n)];
    let phase = match name {
        measure::BY_NAME => rounds(name, probes, min_rounds, min, |k| {
            let c = pick(k);
            expect(
                "by name",
                &s.lookup(&c.config.name)?.config.id,
                &c.config.id,
            )
        })?,
        measure::BY_PREFIX => rounds(name, probes, min_rounds, min, |k| {
            let c = pick(k);
            let got = s.lookup(&c.config.id[..12])?;
            expect("by prefix", &got.config.id, &c.config.id)
        })?,
        measure::BY_ID => rounds(name, probes, min_rounds, min, |k| {
            let c = pick(k);
            expect("by ID", &s.get(&c.config.id)?.config.name, &c.config.name)
        })?,
        // The floor of an in-memory lookup: SPEC §1 wants an independent copy, and a
        // podman-sized container is some fifteen heap objects to copy and later free.
        measure::COPY if s.dir().is_none() => rounds(name, probes, min_rounds, min, |k| {
            std::hint::black_box(pick(k).clone());
            Ok(())
        })?,
        measure::UPDATE => {
            let mut stale: Vec<_> = (0..probes).map(|k| pick(k).clone()).collect();
            rounds(name, probes, min_rounds, min, |k| s.update(&mut stale[k]))?
        }
        measure::ALL => {
            let total = work.all_containers().to_string();
            // A turn of a paired run is one call; a main run makes `all_reps` of them.
            let reps = if min_rounds > 1 { plan.all_reps } else { 1 };
            rounds(name, 1, reps, Duration::ZERO, |_| {
                expect("all_containers", &s.all()?.len().to_string(), &total)
            })?
        }
        measure::POD_CONTAINERS => rounds(name, work.pods.len(), min_rounds, min, |k| {
            let got = s.pod_containers(&work.pods[k].0)?.len();
            expect("pod_containers", &got.to_string(), "5")
        })?,
        measure::CLI if s.dir().is_some() => {
            let reps = if min_rounds > 1 {
                plan.cli_reps / CLI_ROUND
            } else {
                1
            };
            cli_rounds(work, reps, |name| {
                s.cli_lookup(name)
                    .context("a subject without files has no open+lookup+close")?
            })?
        }
        _ => return Ok(None),
    };
    Ok(Some(phase))
}

/// An open + lookup by name + close, answering the container found.
pub type CliLookup = dyn Fn(&str) -> anyhow::Result<Container>;

/// `reps` rounds of [`CLI_ROUND`] opens + lookups by name + closes through `cli_lookup`, on
/// containers spread over `work`.
fn cli_rounds(
    work: &Workload,
    reps: usize,
    cli_lookup: impl Fn(&str) -> anyhow::Result<Container>,
) -> anyhow::Result<Phase> {
    let ctrs = &work.containers;
    rounds(measure::CLI, CLI_ROUND, reps, Duration::ZERO, |k| {
        let c = &ctrs[spread(k, CLI_ROUND, ctrs.len())];
        let got = cli_lookup(&c.config.name)?;
        expect("open+lookup+close", &got.config.id, &c.config.id)
    })
}

/// The main run: every phase of the workload on `s`, in order; the removal only when
/// `remove` (else [`remove_run`] does it later, from another process).
pub fn main_run(
    s: &dyn Subject,
    work: &Workload,
    plan: &Plan,
    workload_rss: Option<u64>,
    remove: bool,
) -> anyhow::Result<MainResult> {
    let n = work.containers.len();
    let ctrs = &work.containers;
    work.volumes.iter().try_for_each(|v| s.add_volume(v))?;
    let mut phases = Vec::new();
    phases.push(durable(s, measure::ADD, ctrs, |c| s.add(c))?);
    for (pod, members) in &work.pods {
        s.add_pod(pod, members)?;
    }
    let db_bytes = s.dir().map(dir_bytes);
    for name in READS {
        // Every read phase but the save: it sits between the lookups and update_container.
        if name == measure::UPDATE {
            let saves = plan.saves.min(n);
            let saved: Vec<_> = (0..saves)
                .map(|k| {
                    let mut c = ctrs[spread(k, saves, n)].clone();
                    c.state.pid = k as u32 + 1;
                    c
                })
                .collect();
            phases.push(durable(s, measure::SAVE, &saved, |c| s.save(c))?);
        }
        phases.extend(read_phase(s, work, plan, name, 3, plan.read_time)?);
    }
    if remove {
        phases.push(remove_run(s, work)?);
    }
    Ok(MainResult {
        subject: s.name().to_owned(),
        n,
        containers: work.all_containers(),
        phases,
        db_bytes,
        peak_rss_kib: vm_kib("VmHWM"),
        workload_rss_kib: workload_rss,
    })
}

/// The removal phase on `s`, which holds `work`: every container outside pods, dependents
/// first (timed), then the pods (not timed).
pub fn remove_run(s: &dyn Subject, work: &Workload) -> anyhow::Result<Phase> {
    let removal: Vec<_> = work.containers.iter().rev().collect();
    let phase = durable(s, measure::REMOVE, &removal, |c| s.remove(c))?;
    for (pod, _) in &work.pods {
        s.remove_pod(pod)?;
    }
    Ok(phase)
}

/// The read phases of a raw engine and its backend, both holding `work`, in one process and
/// alternating round by round, so that both sides of each ratio meet the same load: what the
/// "x raw" column and the targets compare. `raw_on_backend_file`, when given, is the raw
/// engine's open + lookup + close on the backend's own file, timed in the same turns.
pub fn paired_reads(
    raw: &dyn Subject,
    backend: &dyn Subject,
    raw_on_backend_file: Option<&CliLookup>,
    work: &Workload,
    plan: &Plan,
    pairs: usize,
) -> anyhow::Result<Vec<Paired>> {
    let mut out = Vec::new();
    for name in READS {
        let (mut a, mut b, mut same_file) = (f64::INFINITY, f64::INFINITY, None::<f64>);
        for _ in 0..pairs {
            let ra = read_phase(raw, work, plan, name, 1, Duration::ZERO)?;
            let rb = read_phase(backend, work, plan, name, 1, Duration::ZERO)?;
            let (Some(ra), Some(rb)) = (ra, rb) else {
                break;
            };
            a = a.min(ra.us_per_op());
            b = b.min(rb.us_per_op());
            if let Some(lookup) = raw_on_backend_file.filter(|_| name == measure::CLI) {
                let us = cli_rounds(work, 1, lookup)?.us_per_op();
                same_file = Some(same_file.map_or(us, |best| best.min(us)));
            }
        }
        if a.is_finite() && b.is_finite() {
            out.push(Paired {
                phase: name.to_owned(),
                backend: backend.name().to_owned(),
                raw_us: a,
                backend_us: b,
                raw_on_backend_file_us: same_file,
            });
        }
    }
    Ok(out)
}

/// One read phase of a backend and its raw engine, measured in turns (see [`paired_reads`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Paired {
    /// The phase.
    pub phase: String,
    /// The backend.
    pub backend: String,
    /// µs per operation of the raw engine (its fastest round).
    pub raw_us: f64,
    /// µs per operation of the backend (its fastest round).
    pub backend_us: f64,
    /// µs per operation of the raw engine on the backend's own file (its fastest round), where
    /// measured: SQLite's open + lookup + close, whose cost grows with the schema it parses.
    #[serde(default)]
    pub raw_on_backend_file_us: Option<f64>,
}

/// One size of the scaling run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScalePoint {
    /// The subject.
    pub subject: String,
    /// Containers stored.
    pub n: usize,
    /// Mean µs of `lookup_container` by name.
    pub by_name_us: f64,
    /// Mean µs of `lookup_container` by a 12-character ID prefix.
    pub by_prefix_us: f64,
    /// Mean ms of `all_containers`.
    pub all_ms: f64,
    /// Mean µs of open + lookup + close, for a subject with a file.
    pub cli_us: Option<f64>,
}

/// The scaling run: one store grown to each of `sizes` in turn, lookups and all_containers
/// measured at each.
pub fn scaling(s: &dyn Subject, sizes: &[usize], plan: &Plan) -> anyhow::Result<Vec<ScalePoint>> {
    let work = Workload::new(0, 0);
    work.volumes.iter().try_for_each(|v| s.add_volume(v))?;
    let mut made = Generator::new();
    let mut ctrs: Vec<(String, String)> = Vec::new();
    let mut points = Vec::new();
    for &n in sizes {
        while ctrs.len() < n {
            let c = made.next().context("the generator ended")?;
            s.add(&c)?;
            // Only what the probes need is kept: a 100,000-container run stays small.
            ctrs.push((c.config.id, c.config.name));
        }
        let probes = plan.probes.min(n);
        let pick = |k: usize| &ctrs[spread(k, probes, n)];
        let by_name = rounds(measure::BY_NAME, probes, 3, plan.read_time, |k| {
            let (id, name) = pick(k);
            expect("by name", &s.lookup(name)?.config.id, id)
        })?;
        let by_prefix = rounds(measure::BY_PREFIX, probes, 3, plan.read_time, |k| {
            let (id, _) = pick(k);
            expect("by prefix", &s.lookup(&id[..12])?.config.id, id)
        })?;
        let reps = if n >= 50_000 { 3 } else { plan.all_reps };
        let all = rounds(measure::ALL, 1, reps, Duration::ZERO, |_| {
            let got = s.all()?.len();
            expect("all_containers", &got.to_string(), &n.to_string())
        })?;
        let cli = match s.cli_lookup(&ctrs[0].1) {
            None => None,
            Some(_) => Some(rounds(
                measure::CLI,
                CLI_ROUND,
                plan.cli_reps / CLI_ROUND,
                Duration::ZERO,
                |k| {
                    let (id, name) = &ctrs[spread(k, CLI_ROUND, n)];
                    let got = s
                        .cli_lookup(name)
                        .context("a subject without files has no open+lookup+close")??;
                    expect("open+lookup+close", &got.config.id, id)
                },
            )?),
        };
        eprintln!("bench: {} scaling N={n} done", s.name());
        points.push(ScalePoint {
            subject: s.name().to_owned(),
            n,
            by_name_us: by_name.us_per_op(),
            by_prefix_us: by_prefix.us_per_op(),
            all_ms: all.us_per_op() / 1e3,
            cli_us: cli.map(|c| c.us_per_op()),
        });
    }
    Ok(points)
}
