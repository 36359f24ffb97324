//! The parent's side of a stress run: it starts the worker processes, collects their records
//! window by window, dumps the database when all of them wait at a barrier, and (in a run with
//! stops) tells the stopper when each window begins.

use anyhow::{Context, anyhow, bail};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Stdio};
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::thread;

use podstate_api::dump::Dump;

use super::history::{Record, parse_record};
use super::stops::{Busy, Stop, stopper};
use super::{StressConfig, workload_role};
use crate::launcher::{Launcher, tail};

/// What the processes did: per window, each call's record; the dumps at the barriers; the
/// stops made.
#[derive(Debug, Default)]
pub struct Run {
    /// Per window, the records of every process.
    pub windows: Vec<Vec<Record>>,
    /// The database at the start and at each barrier.
    pub dumps: Vec<Dump>,
    /// The stops made.
    pub stops: Vec<Stop>,
}

/// Starts the processes and follows them through the barriers.
#[allow(clippy::too_many_arguments)]
pub fn drive(
    launcher: &Launcher,
    config: &StressConfig,
    path: &Path,
    stderr: &Path,
    per_thread: usize,
    per_window: usize,
    run: &mut Run,
    observe: &dyn Fn() -> anyhow::Result<Dump>,
    progress: &mut dyn FnMut(usize),
) -> anyhow::Result<()> {
    let (tx, rx) = mpsc::channel::<(usize, Option<String>)>();
    let mut children: Vec<(Child, ChildStdin)> = Vec::new();
    for proc in 0..config.procs {
        let log = std::fs::File::options()
            .create(true)
            .append(true)
            .open(stderr)?;
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
                    ("hot", config.hot.to_string()),
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
            .context("cannot start a worker")?;
        let stdin = child.stdin.take().context("no stdin")?;
        let stdout = child.stdout.take().context("no stdout")?;
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
    let busy: Busy = Arc::new(Mutex::new(vec![true; config.procs]));
    let (stopping, stop) = match config.stops {
        Some(_) => {
            let (windows, began) = mpsc::channel();
            let (done, stopped) = mpsc::channel();
            let procs = children
                .iter()
                .enumerate()
                .map(|(proc, (child, _))| (proc, child.id(), workload_role(config, proc)))
                .collect();
            let timing = (config.seed, config.lock_timeout);
            let stopping = stopper(procs, timing, Arc::clone(&busy), began, done);
            (Some(stopping), Some(Stopping { windows, stopped }))
        }
        None => (None, None),
    };
    let total = per_thread.div_ceil(per_window.max(1));
    let lines = Lines {
        rx: &rx,
        busy: &busy,
    };
    let result = follow(&lines, &mut children, run, observe, progress, (stop, total));
    if let Some(stopping) = stopping {
        run.stops = stopping.join().unwrap_or_default();
    }
    for (child, _) in &mut children {
        if result.is_err() {
            let _ = child.kill();
        }
        let status = child.wait()?;
        if !status.success() && result.is_ok() {
            bail!("a worker failed ({status}):\n{}", tail(stderr, 20));
        }
    }
    result.map_err(|why| {
        // The workers' stderr after the reason, not before it as a context would put it.
        anyhow!(
            "{}\nworkers' stderr:\n{}",
            podstate::error_line(why.as_ref()),
            tail(stderr, 20)
        )
    })
}

/// The stopper as the parent talks to it: the start of each window goes out, the end of its
/// stop comes back.
struct Stopping {
    windows: mpsc::Sender<()>,
    stopped: mpsc::Receiver<()>,
}

/// The workers' lines, and which workers are busy in the current window.
struct Lines<'a> {
    rx: &'a mpsc::Receiver<(usize, Option<String>)>,
    busy: &'a Busy,
}

/// Reads the workers' lines: records into the current window; at each barrier, once every
/// process is there (and the stopper, if any, has let its process go), the parent's dump and
/// `go`. The start of each of the `total` windows is told to the stopper, which ends when the
/// processes are done.
fn follow(
    lines: &Lines<'_>,
    children: &mut [(Child, ChildStdin)],
    run: &mut Run,
    observe: &dyn Fn() -> anyhow::Result<Dump>,
    progress: &mut dyn FnMut(usize),
    (stop, total): (Option<Stopping>, usize),
) -> anyhow::Result<()> {
    let procs = children.len();
    let set_busy = |proc: Option<usize>, busy: bool| {
        let mut flags = lines.busy.lock().unwrap_or_else(PoisonError::into_inner);
        match proc {
            Some(proc) => flags[proc] = busy,
            None => flags.iter_mut().for_each(|f| *f = busy),
        }
    };
    let began = |done: usize| {
        if let Some(stop) = stop.as_ref().filter(|_| done < total) {
            let _ = stop.windows.send(());
        }
    };
    let stop_ended = |done: usize| {
        if let Some(stop) = stop.as_ref().filter(|_| done < total) {
            let _ = stop.stopped.recv();
        }
    };
    began(0);
    let mut window = vec![0usize; procs];
    let mut waiting = 0;
    let mut finished = 0;
    let mut done = vec![false; procs];
    while finished < procs {
        let (proc, line) = lines
            .rx
            .recv()
            .map_err(|_| anyhow!("the workers' pipes closed"))?;
        let Some(line) = line else {
            if done[proc] {
                continue;
            }
            bail!("worker {proc} ended without finishing");
        };
        if let Some(record) = parse_record(&line) {
            let k = window[proc];
            if run.windows.len() <= k {
                run.windows.resize_with(k + 1, Vec::new);
            }
            run.windows[k].push(record);
        } else if line.starts_with("barrier ") {
            set_busy(Some(proc), false);
            window[proc] += 1;
            waiting += 1;
            if waiting == procs {
                waiting = 0;
                stop_ended(run.dumps.len() - 1);
                run.dumps.push(observe()?);
                set_busy(None, true);
                for (_, stdin) in children.iter_mut() {
                    writeln!(stdin, "go").context("cannot wake a worker")?;
                }
                progress(run.dumps.len() - 1);
                began(run.dumps.len() - 1);
            }
        } else if line == "done" {
            set_busy(Some(proc), false);
            done[proc] = true;
            finished += 1;
        } else {
            bail!("worker {proc} said {line:?}");
        }
    }
    Ok(())
}
