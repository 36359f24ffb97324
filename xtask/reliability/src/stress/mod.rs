//! Many processes at once (issue item 3): `procs` processes, each with `threads` threads on
//! one store (as a long-running runtime service has), run against one database. By default they
//! run generated cases: some on objects of their own, some racing for the same IDs, names and
//! dependencies (the generator's small pools collide across threads), many reading. In **hot
//! mode** they run the conformance suite's hot-spot workload instead
//! ([`podstate_conformance::concurrent::hot_ops`]): four containers and two exec sessions that
//! the even processes add, remove, rewrite and save in tight loops while the odd ones look them
//! up by name and prefix and list them. Every call is logged with its start and end on
//! `CLOCK_MONOTONIC` and its answer.
//!
//! Every `window` calls of each process, all processes meet at a barrier and the parent dumps
//! the database, so the history splits into windows whose start and end states are known. The
//! checks: no answer outside the contract's kinds (no `Io`, no `Corrupt`: in particular no busy
//! or locked error), each window linearizable against the reference model (the conformance
//! crate's search, [`podstate_conformance::concurrent::search`]), within a budget per window (an
//! unsettled window is inconclusive, never a pass; it is reported), and at the end the database
//! passes [`verify`]. A failing window is printed as a numbered history with the longest order
//! that fit and why it stopped, and saved as JSON.
//!
//! With **stops** ([`stops`]) a random process is stopped with SIGSTOP once per window, longer
//! than the lock timeout; then a lock timeout is an allowed answer only when it names a stopped
//! holder, and no call may wait longer than the lock timeout.

pub mod drive;
pub mod history;
pub mod stops;
pub mod worker;

use anyhow::Context;
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use podstate_api::dump::{self, Dump};
use podstate_conformance::checker::Op;
use podstate_conformance::concurrent::{Role, SearchBudget, Verdict, search};
use serde::Serialize;

use self::drive::{Run, drive};
use self::history::{Event, Record, describe};
use self::stops::{StopConfig, StopFigures};
use crate::launcher::Launcher;
use crate::target::{PersistentBackend, verify};
use crate::trials::trial_dir;
use crate::workload;

/// A stress run.
#[derive(Debug, Clone)]
pub struct StressConfig {
    /// The backend.
    pub backend: PersistentBackend,
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
    /// Hot mode: the hot-spot workload, even processes writing, odd ones reading.
    pub hot: bool,
    /// Stop a random process once per window (see [`stops`]).
    pub stops: Option<StopConfig>,
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
    /// What stopped processes did to the others (a run with stops).
    pub stops: Option<StopFigures>,
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
        )?;
        if let Some(s) = &self.stops {
            write!(
                f,
                "; {} stops ({} of readers, {} of writers): longest wait of another process \
                 {:.0} ms, {} waits caused by a stopped reader, {} lock timeouts naming a \
                 stopped holder, {} of stopped callers",
                s.stops,
                s.reader_stops,
                s.writer_stops,
                s.longest_wait.as_secs_f64() * 1e3,
                s.reader_waits,
                s.timeouts,
                s.own_timeouts
            )?;
            for example in &s.reader_wait_examples {
                write!(f, "\n  held up by a stopped reader: {example}")?;
            }
        }
        Ok(())
    }
}

/// The role process `proc` of a run plays (`None`: both, the generated cases).
pub fn workload_role(config: &StressConfig, proc: usize) -> Option<Role> {
    workload::role(config.hot, proc)
}

/// Runs the processes, then checks the history; `progress` hears windows done.
///
/// # Errors
/// A run that could not be carried out at all (the processes' own failures are reported).
pub fn run(
    launcher: &Launcher,
    config: &StressConfig,
    progress: &mut dyn FnMut(usize),
) -> anyhow::Result<StressReport> {
    let dir = trial_dir(config.dir.as_deref())?;
    let path = dir.path().join(config.backend.file_name());
    let observer = config.backend.open(&path, config.lock_timeout)?;
    let observe = || -> anyhow::Result<Dump> {
        let handle = observer.open_handle()?;
        dump::dump(handle.as_ref()).context("the barrier dump failed")
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
        dumps: vec![initial],
        ..Run::default()
    };
    let outcome = drive(
        launcher, config, &path, &stderr, per_thread, per_window, &mut run, &observe, progress,
    );
    report.run_time = started.elapsed();
    if let Err(why) = outcome {
        report.failures.push(podstate::error_line(why.as_ref()));
        return Ok(report);
    }
    drop(observer);

    let check_started = Instant::now();
    let mut events = events(config, threads, per_thread, &run.windows);
    report.calls = events.iter().map(Vec::len).sum();
    if let Some(stop_config) = config.stops {
        let mut figures = StopFigures::default();
        let proc_of = |thread: usize| thread / threads;
        report.failures.extend(stops::judge(
            &mut events,
            &run.stops,
            &proc_of,
            config.lock_timeout,
            stop_config,
            &mut figures,
        ));
        report.stops = Some(figures);
    }
    for e in events.iter().flatten() {
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
        let budget = SearchBudget::time(config.budget);
        let verdict = match search(window, &run.dumps[k], &run.dumps[k + 1], budget) {
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
            Verdict::NotLinearizable { deepest, why, .. } => {
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
    let store = config.backend.open(&path, config.lock_timeout)?;
    match verify(config.backend, store.as_ref(), &path, &Default::default()) {
        Ok(last) if Some(&last) == run.dumps.last() => {}
        Ok(_) => report
            .failures
            .push("the reopened database differs from the last barrier's".to_owned()),
        Err(why) => report.failures.push(format!(
            "the final check: {}",
            podstate::error_line(why.as_ref())
        )),
    }
    report.check_time = check_started.elapsed();
    Ok(report)
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
        .map(|t| workload::ops(config.hot, config.seed, t / threads, t, per_thread))
        .collect();
    // The namespace of each handle before each call, from the calls' own answers.
    let mut replies: BTreeMap<(usize, usize), &Record> = BTreeMap::new();
    for r in windows.iter().flatten() {
        replies.insert((r.thread, r.index), r);
    }
    let mut namespaces: BTreeMap<(usize, usize), String> = BTreeMap::new();
    for (t, thread_ops) in ops.iter().enumerate() {
        let mut current: BTreeMap<usize, String> = BTreeMap::new();
        for (i, step) in thread_ops.iter().enumerate() {
            let ns = current.get(&step.handle).cloned().unwrap_or_default();
            namespaces.insert((t, i), ns);
            if let Op::SetNamespace { ns } = &step.op
                && replies
                    .get(&(t, i))
                    .is_some_and(|r| r.reply.outcome == "Ok")
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
                .filter_map(|r| {
                    let step = ops.get(r.thread)?.get(r.index)?;
                    Some(Event {
                        thread: r.thread,
                        index: r.index,
                        handle: step.handle,
                        namespace: namespaces
                            .get(&(r.thread, r.index))
                            .cloned()
                            .unwrap_or_default(),
                        op: step.op.clone(),
                        start: r.start,
                        end: r.end,
                        reply: r.reply.clone(),
                        shown: match r.message.as_str() {
                            "" => r.reply.encode(),
                            message => format!("{}: {message}", r.reply.outcome),
                        },
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
