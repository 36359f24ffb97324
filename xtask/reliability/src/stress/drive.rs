//! The parent's side of a stress run: it starts the worker processes, collects their records
//! window by window, dumps the database when all of them wait at a barrier, and (in a run with
//! stops) tells the stopper when each window begins.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc;
use std::thread;

use podstate_api::dump::Dump;

use super::history::{Record, parse_record};
use super::stops::{Stop, stopper};
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
    let (windows, stopping) = match config.stops {
        Some(_) => {
            let (tx, rx) = mpsc::channel();
            let procs = children
                .iter()
                .enumerate()
                .map(|(proc, (child, _))| (proc, child.id(), workload_role(config, proc)))
                .collect();
            (
                Some(tx),
                Some(stopper(procs, config.seed, config.lock_timeout, rx)),
            )
        }
        None => (None, None),
    };
    let total = per_thread.div_ceil(per_window.max(1));
    let result = follow(&rx, &mut children, run, observe, progress, (windows, total));
    if let Some(stopping) = stopping {
        run.stops = stopping.join().unwrap_or_default();
    }
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
/// process is there, the parent's dump and `go`. The start of each of the `total` windows is
/// told to `windows`, which is dropped (ending the stopper) when the processes are done.
fn follow(
    rx: &mpsc::Receiver<(usize, Option<String>)>,
    children: &mut [(Child, ChildStdin)],
    run: &mut Run,
    observe: &dyn Fn() -> Result<Dump, String>,
    progress: &mut dyn FnMut(usize),
    (windows, total): (Option<mpsc::Sender<()>>, usize),
) -> Result<(), String> {
    let procs = children.len();
    let began = |done: usize| {
        if let Some(tx) = windows.as_ref().filter(|_| done < total) {
            let _ = tx.send(());
        }
    };
    began(0);
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
                began(run.dumps.len() - 1);
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
