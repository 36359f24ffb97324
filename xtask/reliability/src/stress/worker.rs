//! A stress worker process: its threads run their generated operations on one store, each on
//! its own handles, log every call with its start and end, and meet at a barrier after every
//! window: the threads of the process first, then the process with the others, through the
//! parent.

use anyhow::{Context, anyhow};
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use podstate_api::State;
use podstate_api::Store;
use podstate_conformance::checker::{self, Answer, handles_of};

use super::history::{Record, now_ns, record};
use crate::driver::panic_text;
use crate::launcher::Params;
use crate::oracle::Reply;
use crate::target::PersistentBackend;
use crate::workload;

/// Writes a line for the parent and flushes it.
fn say(line: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")
        .and_then(|()| out.flush())
        .context("cannot report to the parent")
}

/// The child's side of a stress run.
///
/// # Errors
/// A store or handle that cannot be opened, or a broken pipe.
pub fn child(params: &Params) -> anyhow::Result<()> {
    let backend = PersistentBackend::parse(&params.get::<String>("backend")?)?;
    let path = params.path("path")?;
    let seed: u64 = params.get("seed")?;
    let proc: usize = params.get("proc")?;
    let threads: usize = params.get("threads")?;
    let per_thread: usize = params.get("per_thread")?;
    let per_window: usize = params.get("per_window")?;
    let timeout = Duration::from_millis(params.get("lock_timeout_ms")?);
    let hot: bool = params.get("hot")?;
    let store: Arc<dyn Store> = Arc::from(backend.open(&path, timeout)?);
    let barrier = Arc::new(Barrier::new(threads));
    // Everything that can fail before the first barrier happens here, so that no thread waits
    // at a barrier for one that gave up.
    let mut prepared = Vec::new();
    for t in 0..threads {
        let global = proc * threads + t;
        let ops = workload::ops(hot, seed, proc, global, per_thread);
        let handles: Vec<Box<dyn State>> = (0..handles_of(&ops))
            .map(|_| store.open_handle())
            .collect::<Result<_, _>>()?;
        prepared.push((global, ops, handles));
    }
    let workers: Vec<_> = prepared
        .into_iter()
        .map(|(global, ops, handles)| {
            let barrier = barrier.clone();
            thread::spawn(move || worker(&ops, &handles, &barrier, global, per_window))
        })
        .collect();
    for w in workers {
        w.join()
            .map_err(|p| anyhow!("a worker panicked: {}", panic_text(&*p)))??;
    }
    say("done")
}

fn worker(
    ops: &[podstate_conformance::checker::HandleOp],
    handles: &[Box<dyn State>],
    barrier: &Barrier,
    thread: usize,
    per_window: usize,
) -> anyhow::Result<()> {
    for (k, window) in ops.chunks(per_window.max(1)).enumerate() {
        for (j, step) in window.iter().enumerate() {
            let handle = handles[step.handle].as_ref();
            let start = now_ns();
            let answer = catch_unwind(AssertUnwindSafe(|| checker::call(handle, &step.op)))
                .unwrap_or_else(|p| Answer::Broken(format!("panicked: {}", panic_text(&*p))));
            let end = now_ns();
            // A batch's own message: a lock timeout names its holder there.
            let message = answer.message().unwrap_or_default().to_owned();
            say(&record(&Record {
                thread,
                index: k * per_window + j,
                start,
                end,
                reply: Reply::of(&answer),
                message,
            }))?;
        }
        if barrier.wait().is_leader() {
            say(&format!("barrier {k}"))?;
            let mut go = String::new();
            std::io::stdin()
                .read_line(&mut go)
                .context("cannot hear the parent")?;
        }
        barrier.wait();
    }
    Ok(())
}
