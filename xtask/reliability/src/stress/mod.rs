//! Many processes at once (issue item 3): `procs` processes, each with `threads` threads on
//! one store (as a long-running runtime service has), run generated cases against one database:
//! some on objects of their own, some racing for the same IDs, names and dependencies (the
//! generator's small pools collide across threads), many reading (`all_containers`, lookups).
//! Every call is logged with its start and end on `CLOCK_MONOTONIC` and its answer.
//!
//! Every `window` calls of each process, all processes meet at a barrier and the parent dumps
//! the database, so the history splits into windows whose start and end states are known. The
//! checks: no answer outside the contract's kinds (no `Io`, no `Corrupt`: in particular no busy
//! or locked error), each window linearizable against the reference model
//! ([`linearize`]), within a time budget per window (an unsettled window is inconclusive, never
//! a pass), and at the end the database passes [`verify`]. A failing window is printed as a
//! numbered history with the longest order that fit and why it stopped, and saved as JSON.

pub mod history;
pub mod linearize;
pub mod worker;

use std::collections::BTreeMap;
use std::fmt;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use podstate_api::dump::{self, Dump};
use podstate_conformance::checker::Op;
use serde::Serialize;

use self::history::{Event, Record, describe, parse_record};
use self::linearize::{Verdict, search};
use crate::launcher::{Launcher, tail};
use crate::oracle::Reply;
use crate::target::{Backend, verify};
use crate::trials::trial_dir;
use crate::workload;

/// A stress run.
#[derive(Debug, Clone)]
pub struct StressConfig {
    /// The backend.
    pub backend: Backend,
    /// Processes.
    pub procs: usize,
    /// Threads per process.
    pub threads: usize,
    /// Calls per process.
    pub ops: usize,
    /// Calls per process between two barriers.
    pub window: usize,
    /// Seed of the generated cases.
    pub seed: u64,
    /// The lock timeout every process opens the database with.
    pub lock_timeout: Duration,
    /// The search's time budget per window.
    pub budget: Duration,
    /// Where the database goes (the system's temporary directory when `None`).
    pub dir: Option<PathBuf>,
    /// Where a failing window is saved.
    pub failure_dir: Option<PathBuf>,
}

/// What a stress run found.
#[derive(Debug, Clone, Default)]
pub struct StressReport {
    /// The backend's name.
    pub backend: &'static str,
    /// Processes and threads per process.
    pub procs: usize,
    /// Threads per process.
    pub threads: usize,
    /// Calls made.
    pub calls: usize,
    /// Calls that answered an error of the contract (collisions, missing objects...).
    pub refused: usize,
    /// Windows.
    pub windows: usize,
    /// Windows proven linearizable.
    pub linearizable: usize,
    /// Windows the search could not settle in its budget.
    pub inconclusive: usize,
    /// Search steps over all windows.
    pub explored: u64,
    /// What failed (windows, answers outside the contract, the final check).
    pub failures: Vec<String>,
    /// Wall time of the processes' work.
    pub run_time: Duration,
    /// Wall time of the search.
    pub check_time: Duration,
}

impl StressReport {
    /// Whether nothing failed (inconclusive windows are reported, not failed).
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

impl fmt::Display for StressReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for failure in &self.failures {
            writeln!(f, "FAILED {failure}")?;
        }
        write!(
            f,
            "{} stress: {} processes x {} threads, {} calls ({} refused by the contract's rules) \
             in {:.1} s; {} windows: {} linearizable, {} inconclusive, {} failed \
             ({} search steps, {:.1} s)",
            self.backend,
            self.procs,
            self.threads,
            self.calls,
            self.refused,
            self.run_time.as_secs_f64(),
            self.windows,
            self.linearizable,
            self.inconclusive,
            self.windows - self.linearizable - self.inconclusive,
            self.explored,
            self.check_time.as_secs_f64()
        )
    }
}

/// What the processes did: per window, each call's record; the dumps at the barriers.
struct Run {
    windows: Vec<Vec<Record>>,
    dumps: Vec<Dump>,
}

/// Runs the processes, then checks the history; `progress` hears windows done.
///
/// # Errors
/// A run that could not be carried out at all (the processes' own failures are reported).
pub fn run(
    launcher: &Launcher,
    config: &StressConfig,
    progress: &mut dyn FnMut(usize),
) -> Result<StressReport, String> {
    let dir = trial_dir(config.dir.as_deref())?;
    let path = dir.path().join(config.backend.file_name());
    let observer = config
        .backend
        .open(&path, config.lock_timeout)
        .map_err(|e| e.to_string())?;
    let observe = || -> Result<Dump, String> {
        let handle = observer.open_handle().map_err(|e| e.to_string())?;
        dump::dump(handle.as_ref()).map_err(|e| format!("the barrier dump failed: {e}"))
    };
    let threads = config.threads.max(1);
    let per_thread = config.ops / threads;
    let per_window = (config.window / threads).max(1);
    let mut report = StressReport {
        backend: config.backend.name(),
        procs: config.procs,
        threads,
        ..StressReport::default()
    };
    let started = Instant::now();
    let initial = observe()?;
    let stderr = dir.path().join("stderr");
    let mut run = Run {
        windows: Vec::new(),
        dumps: vec![initial],
    };
    let outcome = drive(
        launcher, config, &path, &stderr, per_thread, per_window, &mut run, &observe, progress,
    );
    report.run_time = started.elapsed();
    if let Err(why) = outcome {
        report.failures.push(why);
        return Ok(report);
    }
    drop(observer);

    let check_started = Instant::now();
    let events = events(config, threads, per_thread, &run.windows);
    for e in events.iter().flatten() {
        report.calls += 1;
        match e.reply.outcome.as_str() {
            "Ok" => {}
            "Io" | "Corrupt" | "DbClosed" => report.failures.push(format!(
                "t{}#{} {} answered {}: outside what a working database may answer",
                e.thread, e.index, e.op, e.reply.outcome
            )),
            outcome if outcome.starts_with("BROKEN") => report
                .failures
                .push(format!("t{}#{} {} panicked", e.thread, e.index, e.op)),
            _ => report.refused += 1,
        }
    }
    report.windows = events.len();
    for (k, window) in events.iter().enumerate() {
        let verdict = match search(window, &run.dumps[k], &run.dumps[k + 1], config.budget) {
            Ok(verdict) => verdict,
            Err(why) => {
                report
                    .failures
                    .push(format!("window {k} could not be searched: {why}"));
                continue;
            }
        };
        match verdict {
            Verdict::Linearizable { explored } => {
                report.linearizable += 1;
                report.explored += explored;
            }
            Verdict::Inconclusive { explored } => {
                report.inconclusive += 1;
                report.explored += explored;
            }
            Verdict::NotLinearizable { deepest, why } => {
                let saved = save(config, k, window, &run.dumps[k], &run.dumps[k + 1]);
                let order: Vec<String> = deepest
                    .iter()
                    .map(|&i| format!("t{}#{}", window[i].thread, window[i].index))
                    .collect();
                report.failures.push(format!(
                    "window {k} is not linearizable{saved}.\nhistory:\n{}longest order that fits: {}\nthen: {why}",
                    describe(window),
                    order.join(" ")
                ));
            }
        }
    }
    let store = config
        .backend
        .open(&path, config.lock_timeout)
        .map_err(|e| e.to_string())?;
    match verify(config.backend, store.as_ref(), &path, &Default::default()) {
        Ok(last) if Some(&last) == run.dumps.last() => {}
        Ok(_) => report
            .failures
            .push("the reopened database differs from the last barrier's".to_owned()),
        Err(why) => report.failures.push(format!("the final check: {why}")),
    }
    report.check_time = check_started.elapsed();
    Ok(report)
}

/// Starts the processes and follows them through the barriers.
#[allow(clippy::too_many_arguments)]
fn drive(
    launcher: &Launcher,
    config: &StressConfig,
    path: &std::path::Path,
    stderr: &std::path::Path,
    per_thread: usize,
    per_window: usize,
    run: &mut Run,
    observe: &dyn Fn() -> Result<Dump, String>,
    progress: &mut dyn FnMut(usize),
) -> Result<(), String> {
    let (tx, rx) = mpsc::channel::<(usize, Option<String>)>();
    let mut children: Vec<(Child, ChildStdin)> = Vec::new();
    for proc in 0..config.procs {
        let log = std::fs::File::options()
            .create(true)
            .append(true)
            .open(stderr)
            .map_err(|e| e.to_string())?;
        let mut child = launcher
            .command(
                "stress",
                &[
                    ("backend", config.backend.name().to_owned()),
                    ("path", path.display().to_string()),
                    ("seed", config.seed.to_string()),
                    ("proc", proc.to_string()),
                    ("threads", config.threads.max(1).to_string()),
                    ("per_thread", per_thread.to_string()),
                    ("per_window", per_window.to_string()),
                    (
                        "lock_timeout_ms",
                        config.lock_timeout.as_millis().to_string(),
                    ),
                ],
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot start a worker: {e}"))?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let tx = tx.clone();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send((proc, Some(line))).is_err() {
                    return;
                }
            }
            let _ = tx.send((proc, None));
        });
        children.push((child, stdin));
    }
    drop(tx);
    let result = follow(config.procs, &rx, &mut children, run, observe, progress);
    for (child, _) in &mut children {
        if result.is_err() {
            let _ = child.kill();
        }
        let status = child.wait().map_err(|e| e.to_string())?;
        if !status.success() && result.is_ok() {
            return Err(format!("a worker failed ({status}):\n{}", tail(stderr, 20)));
        }
    }
    result.map_err(|why| format!("{why}\nworkers' stderr:\n{}", tail(stderr, 20)))
}

/// Reads the workers' lines: records into the current window; at each barrier, once every
/// process is there, the parent's dump and `go`.
fn follow(
    procs: usize,
    rx: &mpsc::Receiver<(usize, Option<String>)>,
    children: &mut [(Child, ChildStdin)],
    run: &mut Run,
    observe: &dyn Fn() -> Result<Dump, String>,
    progress: &mut dyn FnMut(usize),
) -> Result<(), String> {
    let mut window = vec![0usize; procs];
    let mut waiting = 0;
    let mut finished = 0;
    let mut done = vec![false; procs];
    while finished < procs {
        let (proc, line) = rx
            .recv()
            .map_err(|_| "the workers' pipes closed".to_owned())?;
        let Some(line) = line else {
            if done[proc] {
                continue;
            }
            return Err(format!("worker {proc} ended without finishing"));
        };
        if let Some(record) = parse_record(&line) {
            let k = window[proc];
            if run.windows.len() <= k {
                run.windows.resize_with(k + 1, Vec::new);
            }
            run.windows[k].push(record);
        } else if line.starts_with("barrier ") {
            window[proc] += 1;
            waiting += 1;
            if waiting == procs {
                waiting = 0;
                run.dumps.push(observe()?);
                for (_, stdin) in children.iter_mut() {
                    writeln!(stdin, "go").map_err(|e| format!("cannot wake a worker: {e}"))?;
                }
                progress(run.dumps.len() - 1);
            }
        } else if line == "done" {
            done[proc] = true;
            finished += 1;
        } else {
            return Err(format!("worker {proc} said {line:?}"));
        }
    }
    Ok(())
}

/// The records as events: each thread's operations regenerated, with the namespace each
/// handle had at each call.
fn events(
    config: &StressConfig,
    threads: usize,
    per_thread: usize,
    windows: &[Vec<Record>],
) -> Vec<Vec<Event>> {
    let total = config.procs * threads;
    let ops: Vec<_> = (0..total)
        .map(|t| workload::concurrent(config.seed, t as u64, per_thread))
        .collect();
    // The namespace of each handle before each call, from the calls' own answers.
    let mut replies: BTreeMap<(usize, usize), &Reply> = BTreeMap::new();
    for (thread, index, _, _, reply) in windows.iter().flatten() {
        replies.insert((*thread, *index), reply);
    }
    let mut namespaces: BTreeMap<(usize, usize), String> = BTreeMap::new();
    for (t, thread_ops) in ops.iter().enumerate() {
        let mut current: BTreeMap<usize, String> = BTreeMap::new();
        for (i, step) in thread_ops.iter().enumerate() {
            let ns = current.get(&step.handle).cloned().unwrap_or_default();
            namespaces.insert((t, i), ns);
            if let Op::SetNamespace { ns } = &step.op
                && replies.get(&(t, i)).is_some_and(|r| r.outcome == "Ok")
            {
                current.insert(step.handle, ns.clone());
            }
        }
    }
    windows
        .iter()
        .map(|records| {
            records
                .iter()
                .filter_map(|(thread, index, start, end, reply)| {
                    let step = ops.get(*thread)?.get(*index)?;
                    Some(Event {
                        thread: *thread,
                        index: *index,
                        handle: step.handle,
                        namespace: namespaces
                            .get(&(*thread, *index))
                            .cloned()
                            .unwrap_or_default(),
                        op: step.op.clone(),
                        start: *start,
                        end: *end,
                        reply: reply.clone(),
                    })
                })
                .collect()
        })
        .collect()
}

/// Saves a failing window as JSON; answers where, for the message.
fn save(config: &StressConfig, k: usize, events: &[Event], start: &Dump, end: &Dump) -> String {
    #[derive(Serialize)]
    struct Saved<'a> {
        backend: &'a str,
        seed: u64,
        window: usize,
        start: &'a Dump,
        end: &'a Dump,
        events: &'a [Event],
    }
    let Some(dir) = &config.failure_dir else {
        return String::new();
    };
    let file = dir.join(format!(
        "stress-{}-{:x}-window-{k}.json",
        config.backend.name(),
        config.seed
    ));
    let saved = Saved {
        backend: config.backend.name(),
        seed: config.seed,
        window: k,
        start,
        end,
        events,
    };
    let written = std::fs::create_dir_all(dir).and_then(|()| {
        std::fs::write(
            &file,
            serde_json::to_string_pretty(&saved).unwrap_or_default(),
        )
    });
    match written {
        Ok(()) => format!(" (saved as {})", file.display()),
        Err(e) => format!(" (could not be saved: {e})"),
    }
}
