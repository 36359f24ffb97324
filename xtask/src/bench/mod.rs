//! `cargo xtask bench`: every backend against the raw engines and the disk's fsync ceiling
//! (issue 11).
//!
//! The bench runs, in this order, each in a worker process of its own (see [`worker`]): the
//! disk's fsync ceiling in the bench directory; the fsyncs of one durable commit of every
//! persistent subject (under strace, when it is installed); the main run of the workload
//! ([`workload`], [`phases`]) on memory, raw SQLite, SQLite, raw redb and redb; the scaling
//! run; the ceiling again. Each raw engine runs right before its backend and every durable
//! phase measures the ceiling around itself, so that the ratios hold on a shared, noisy disk
//! even when the absolute figures move. Then [`report`] prints the tables and [`targets`] checks
//! the targets of issue 11, item 5, against them.
//!
//! For issue 20 it then runs, each backend in workers of its own: the durable add and remove of
//! each persistent backend in turns with its baselines ([`turns`]: plain rusqlite with one
//! table, plain rusqlite with the backend's schema, plain redb), the concurrent phase
//! ([`concurrent`]: 1, 2, 4 and 8 writer threads on one store, with fsyncs per call) and the
//! lifecycle phase ([`lifecycle`]: one container's twenty calls, unbatched and in one batch,
//! in turns);
//! [`write_targets`] prints them and checks the targets of issue 20.
//!
//! Databases live under `target/bench/` (the real disk, never a RAM file system: a durable
//! commit must cost what it costs) and are removed at the end.

pub mod boundary;
mod concurrent;
mod fsyncs;
mod lifecycle;
mod measure;
mod phases;
mod raw;
mod raw_redb;
mod raw_sqlite;
mod raw_sqlite_schema;
mod report;
mod subject;
mod targets;
mod turns;
pub mod worker;
pub mod workload;
mod write_targets;

use anyhow::{Context, bail};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use fsyncs::FsyncCount;
use phases::{MainResult, Plan, ScalePoint};
use subject::BACKENDS;
use worker::Job;

/// Flags of `cargo xtask bench`.
#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    /// A short run (N = 1,000 and 20 pods, fewer operations, scaling to 2,000; 10,000 for
    /// memory): under a minute on a disk of 1,000 fsyncs/s.
    #[arg(long)]
    pub quick: bool,
    /// Containers of the main run (default 10,000; 1,000 with --quick).
    #[arg(long)]
    pub n: Option<usize>,
    /// Only this backend (repeatable), with its raw engine; default: every backend.
    #[arg(long = "backend", value_name = "NAME")]
    pub backends: Vec<String>,
    /// Also write the results as JSON, for tracking.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Only the cost of the C boundary and the Go package (each backend's direct calls
    /// against the same calls through podstate-capi and capi/go).
    #[arg(long)]
    pub boundary_only: bool,
    /// Where the databases go: a directory on the disk under test (not a RAM file system).
    #[arg(long, value_name = "DIR", default_value = "target/bench")]
    pub dir: PathBuf,
}

/// The disk's fsync ceiling, measured at the start and at the end of the run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ceiling {
    /// 4 KiB rewritten in place + fdatasync, per second, at the start.
    pub start: f64,
    /// The same at the end.
    pub end: f64,
    /// 4 KiB appended + fdatasync, per second (the file grows: its size is journalled too).
    pub append: f64,
}

/// Everything one run measured: what `--json` writes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Results {
    /// Whether this was a `--quick` run.
    pub quick: bool,
    /// Containers of the main run (outside pods).
    pub n: usize,
    /// The disk's fsync ceiling.
    pub ceiling: Ceiling,
    /// Fsyncs per durable commit.
    pub fsyncs: Vec<FsyncCount>,
    /// The main run of every subject.
    pub main: Vec<MainResult>,
    /// The read phases of each backend and its raw engine, measured in turns in one process:
    /// the ratios of the "x raw" column and of the targets.
    pub paired: Vec<phases::Paired>,
    /// The scaling run of every backend.
    pub scaling: Vec<ScalePoint>,
    /// Each target of issue 11, item 5, with its measured value.
    pub targets: Vec<targets::Target>,
    /// The cost of the C boundary and the Go package on each backend (issue 19).
    #[serde(default)]
    pub boundary: Vec<boundary::BoundaryResult>,
    /// Durable add and remove of each persistent backend in turns with its baselines (issue 20).
    #[serde(default)]
    pub turns: Vec<turns::Turns>,
    /// The concurrent phase (issue 20).
    #[serde(default)]
    pub concurrent: Vec<concurrent::ConcurrentPoint>,
    /// The lifecycle phase, unbatched and batched (issue 20).
    #[serde(default)]
    pub lifecycle: Vec<lifecycle::LifecycleResult>,
    /// Each target of issue 20 with its measured value.
    #[serde(default)]
    pub write_targets: Vec<targets::Target>,
}

/// How much the run does, by mode.
struct Mode {
    n: usize,
    plan: Plan,
    /// Turns of each backend and its raw engine in the paired reads.
    turns: usize,
    commits: usize,
    ceiling_time: Duration,
    memory_sizes: Vec<usize>,
    persistent_sizes: Vec<usize>,
    boundary: boundary::Size,
    /// Containers each subject adds and removes in the durable turns.
    write_turns: usize,
    /// Rounds (add, three saves, remove) of each writer thread in the concurrent phase.
    rounds_per_thread: usize,
    /// Lifecycles of the lifecycle phase, each way.
    lifecycles: usize,
}

impl Mode {
    fn of(args: &BenchArgs) -> Mode {
        if args.quick {
            return Mode {
                n: args.n.unwrap_or(1_000),
                plan: Plan {
                    pods: 20,
                    probes: 1_000,
                    saves: 100,
                    read_time: Duration::from_millis(100),
                    all_reps: 10,
                    cli_reps: 50,
                },
                turns: 5,
                commits: 50,
                ceiling_time: Duration::from_millis(500),
                memory_sizes: vec![1_000, 5_000, 10_000],
                persistent_sizes: vec![1_000, 2_000],
                boundary: boundary::Size {
                    n: args.n.unwrap_or(1_000),
                    probes: 500,
                    rounds: 3,
                    adds: 30,
                    all_reps: 3,
                },
                write_turns: args.n.unwrap_or(1_000),
                rounds_per_thread: 10,
                lifecycles: 60,
            };
        }
        Mode {
            n: args.n.unwrap_or(10_000),
            plan: Plan {
                pods: workload::PODS,
                probes: 5_000,
                saves: 2_000,
                read_time: Duration::from_millis(500),
                all_reps: 10,
                cli_reps: 200,
            },
            turns: 10,
            commits: 300,
            ceiling_time: Duration::from_secs(2),
            memory_sizes: vec![1_000, 5_000, 10_000, 100_000],
            persistent_sizes: vec![1_000, 5_000, 10_000, 100_000],
            boundary: boundary::Size {
                n: args.n.unwrap_or(10_000),
                probes: 2_000,
                rounds: 5,
                adds: 150,
                all_reps: 5,
            },
            write_turns: args.n.unwrap_or(10_000),
            rounds_per_thread: 50,
            lifecycles: 400,
        }
    }
}

/// The backends `names` asks for (all when empty).
fn selected(names: &[String]) -> anyhow::Result<Vec<&'static str>> {
    if let Some(bad) = names.iter().find(|n| !BACKENDS.contains(&n.as_str())) {
        bail!(
            "unknown backend {bad:?}; built into this workspace: {}",
            BACKENDS.join(", ")
        );
    }
    Ok(BACKENDS
        .into_iter()
        .filter(|b| names.is_empty() || names.iter().any(|n| n == b))
        .collect())
}

/// The cost of the C boundary and the Go package on each of `backends`, each in a worker
/// process of its own, then the Go program on what the worker left.
fn boundary_run(
    backends: &[&str],
    size: boundary::Size,
    dir: &std::path::Path,
    log: &dyn Fn(&str),
) -> anyhow::Result<Vec<boundary::BoundaryResult>> {
    if backends.is_empty() {
        return Ok(Vec::new());
    }
    log("the C boundary: building podstate-capi's static library");
    let lib_dir = boundary::build_library()?;
    let mut results = Vec::new();
    for &b in backends {
        log(&format!("the C boundary and Go: {b}, N = {}", size.n));
        let bdir = dir.join(format!("boundary-{b}"));
        let job = Job::Boundary {
            backend: b.to_owned(),
            size,
            dir: bdir.clone(),
        };
        let mut result = job.spawn::<boundary::BoundaryResult>()?;
        boundary::go_figures(&mut result, &bdir, &lib_dir)?;
        results.push(result);
    }
    Ok(results)
}

/// The concurrent phase on `backend`: each thread count in a worker of its own (timed, the
/// fsync ceiling probed meanwhile), then, where strace is installed, again under strace with
/// the rounds and without them (the difference over the calls is the fsyncs per call).
fn concurrent_run(
    backend: &str,
    rounds: usize,
    dir: &std::path::Path,
) -> anyhow::Result<Vec<concurrent::ConcurrentPoint>> {
    let mut points = Vec::new();
    for threads in concurrent::THREADS {
        let job = |per_thread: usize, what: &str| Job::Concurrent {
            backend: backend.to_owned(),
            threads,
            per_thread,
            dir: dir.join(format!("concurrent-{backend}-{threads}-{what}")),
        };
        let timed = job(rounds, "timed");
        let answer = timed.spawn::<concurrent::Timed>()?;
        if let Job::Concurrent { dir, .. } = &timed {
            let _ = std::fs::remove_dir_all(dir);
        }
        let fsyncs_per_call = if fsyncs::strace_available() {
            let none = fsyncs::of_job(&job(0, "setup"), &dir.join("setup"))?;
            let many = fsyncs::of_job(&job(rounds, "counted"), &dir.join("counted"))?;
            Some(many.saturating_sub(none) as f64 / answer.calls.max(1) as f64)
        } else {
            None
        };
        points.push(concurrent::ConcurrentPoint {
            backend: backend.to_owned(),
            threads,
            calls: answer.calls,
            secs: answer.secs,
            fsyncs_per_call,
            ceiling: answer.ceiling,
        });
    }
    Ok(points)
}

/// Runs `cargo xtask bench`.
pub fn run(args: &BenchArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let mode = Mode::of(args);
    let backends = selected(&args.backends)?;
    let root = std::path::absolute(&args.dir).context("bench directory")?;
    if root.starts_with("/dev/shm") {
        eprintln!("bench: warning: {} is a RAM file system", root.display());
    }
    let dir = root.join(format!("run-{}", std::process::id()));
    std::fs::create_dir_all(&dir).context("make the bench directory")?;
    let log = |what: &str| eprintln!("bench [{:>5.1?}] {what}", started.elapsed());
    if args.boundary_only {
        let result = boundary_run(&backends, mode.boundary, &dir, &log);
        let _ = std::fs::remove_dir_all(&dir);
        boundary::print(&result?);
        return Ok(());
    }
    let result = (|| -> anyhow::Result<Results> {
        log("fsync ceiling");
        let start = measure::fsync_ceiling(&dir, mode.ceiling_time)?;
        let append = measure::fsync_append_rate(&dir, mode.ceiling_time)?;
        let subjects: Vec<&str> = backends
            .iter()
            .flat_map(|&b| match b {
                "sqlite" => vec!["raw-sqlite", "sqlite"],
                "redb" => vec!["raw-redb", "redb"],
                other => vec![other],
            })
            .collect();
        let mut fsyncs = Vec::new();
        if !fsyncs::strace_available() {
            log("strace not found: fsyncs per commit are not counted");
        }
        for &s in subjects.iter().filter(|s| **s != "memory") {
            for op in ["add", "save"] {
                log(&format!("counting fsyncs: {s} {op}"));
                fsyncs.push(fsyncs::count(s, op, mode.commits, &dir)?);
            }
        }
        let mut main = Vec::new();
        let mut paired = Vec::new();
        let main_dir = |s: &str| dir.join(format!("main-{s}"));
        for &b in &backends {
            let raw = format!("raw-{b}");
            let pair = b != "memory";
            for s in [raw.as_str(), b].into_iter().filter(|s| pair || *s == b) {
                log(&format!("main run: {s}, N = {}", mode.n));
                let job = Job::Main {
                    subject: s.to_owned(),
                    n: mode.n,
                    plan: mode.plan,
                    dir: main_dir(s),
                    remove: !pair,
                };
                main.push(job.spawn::<MainResult>()?);
            }
            if !pair {
                continue;
            }
            log(&format!("reads of {raw} and {b} in turns"));
            let job = Job::Paired {
                raw: (raw.clone(), main_dir(&raw)),
                backend: (b.to_owned(), main_dir(b)),
                n: mode.n,
                plan: mode.plan,
                turns: mode.turns,
            };
            paired.extend(job.spawn::<Vec<phases::Paired>>()?);
            for s in [raw.as_str(), b] {
                log(&format!("remove: {s}"));
                let job = Job::Remove {
                    subject: s.to_owned(),
                    n: mode.n,
                    plan: mode.plan,
                    dir: main_dir(s),
                };
                let phase = job.spawn::<measure::Phase>()?;
                if let Some(m) = main.iter_mut().find(|m| m.subject == s) {
                    m.phases.push(phase);
                }
            }
        }
        let persistent: Vec<&str> = backends
            .iter()
            .copied()
            .filter(|b| *b != "memory")
            .collect();
        let mut turns = Vec::new();
        for &b in &persistent {
            log(&format!(
                "durable add and remove in turns: {b} and its baselines, N = {}",
                mode.write_turns
            ));
            let job = Job::Turns {
                backend: b.to_owned(),
                n: mode.write_turns,
                dir: dir.join(format!("turns-{b}")),
            };
            turns.push(job.spawn::<turns::Turns>()?);
        }
        let mut concurrent = Vec::new();
        for &b in &persistent {
            log(&format!(
                "concurrent writers: {b}, {:?} threads",
                concurrent::THREADS
            ));
            concurrent.extend(concurrent_run(b, mode.rounds_per_thread, &dir)?);
        }
        let mut lifecycles = Vec::new();
        for &b in &backends {
            log(&format!(
                "lifecycle: {b}, {} lifecycles each way, in turns",
                mode.lifecycles
            ));
            let job = Job::Lifecycle {
                backend: b.to_owned(),
                lifecycles: mode.lifecycles,
                dir: dir.join(format!("lifecycle-{b}")),
            };
            lifecycles.extend(job.spawn::<Vec<lifecycle::LifecycleResult>>()?);
        }
        let mut scaling = Vec::new();
        for &b in &backends {
            let sizes = match b {
                "memory" => &mode.memory_sizes,
                _ => &mode.persistent_sizes,
            };
            log(&format!("scaling run: {b}, N = {sizes:?}"));
            let job = Job::Scaling {
                subject: b.to_owned(),
                sizes: sizes.clone(),
                plan: mode.plan,
                dir: dir.join(format!("scaling-{b}")),
            };
            scaling.extend(job.spawn::<Vec<ScalePoint>>()?);
        }
        let boundaries = boundary_run(&backends, mode.boundary, &dir, &log)?;
        log("fsync ceiling again");
        let end = measure::fsync_ceiling(&dir, mode.ceiling_time)?;
        let mut results = Results {
            quick: args.quick,
            n: mode.n,
            ceiling: Ceiling { start, end, append },
            fsyncs,
            main,
            paired,
            scaling,
            targets: Vec::new(),
            boundary: boundaries,
            turns,
            concurrent,
            lifecycle: lifecycles,
            write_targets: Vec::new(),
        };
        results.targets = targets::check(&results);
        results.write_targets = write_targets::check(&results);
        Ok(results)
    })();
    let _ = std::fs::remove_dir_all(&dir);
    let results = result?;
    report::print(&results);
    boundary::print(&results.boundary);
    write_targets::print(&results);
    if let Some(file) = &args.json {
        let text = serde_json::to_string_pretty(&results).context("encode JSON")?;
        std::fs::write(file, text).context("write the JSON file")?;
    }
    log("done");
    Ok(())
}
