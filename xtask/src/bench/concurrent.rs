//! The concurrent phase (issue 20, item 5): 1, 2, 4 and 8 writer threads in one process, each
//! on its own handle of one store, each doing add, three saves and remove on containers of its
//! own; durable calls per second, and fsyncs per call counted by the kernel's side (the worker
//! runs under strace, as in [`super::fsyncs`], once with the calls and once without).
//!
//! The disk's fsync ceiling is probed while the writers run, by a thread of the worker that
//! rewrites and syncs a 4 KiB block every few milliseconds: on a disk shared with other work the
//! rate moves by a factor of ten from one minute to the next, and a ceiling probed before the
//! run could make serialized commits look faster than the disk.

use anyhow::{Context, anyhow};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use podstate_api::{Container, State, Store};
use serde::{Deserialize, Serialize};

use super::measure::Prober;
use super::subject::open_store;
use super::workload::{self, Workload};

/// Durable calls per lifecycle of this phase: add, three saves, remove.
pub const CALLS_PER_ROUND: usize = 5;

/// The thread counts of the phase.
pub const THREADS: [usize; 4] = [1, 2, 4, 8];

/// What one thread count measured on one backend.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConcurrentPoint {
    /// The backend.
    pub backend: String,
    /// Writer threads.
    pub threads: usize,
    /// Durable calls made, by all threads.
    pub calls: u64,
    /// Seconds from the first call to the last answer.
    pub secs: f64,
    /// fsync + fdatasync per durable call; `None` when strace is not installed.
    pub fsyncs_per_call: Option<f64>,
    /// The disk's fsync ceiling (4 KiB rewrite + fdatasync per second), probed while the
    /// writers ran.
    pub ceiling: f64,
}

impl ConcurrentPoint {
    /// Durable calls per second.
    pub fn calls_per_sec(&self) -> f64 {
        self.calls as f64 / self.secs.max(1e-9)
    }
}

/// How long one thread count ran, as the worker answers it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Timed {
    /// Durable calls made.
    pub calls: u64,
    /// Seconds they took.
    pub secs: f64,
    /// The fsync ceiling probed meanwhile (see the module docs).
    pub ceiling: f64,
}

/// The pause between two probes of the ceiling while the writers run: the probe adds one
/// light stream of syncs to the disk, not a competitor.
const PROBE_GAP: Duration = Duration::from_millis(3);

/// One thread's rounds on `ctrs`: add, three saves, remove each.
fn rounds(state: &dyn State, ctrs: &[Container]) -> podstate_api::Result<()> {
    for ctr in ctrs {
        let mut c = ctr.clone();
        state.add_container(&c)?;
        for pid in 1..=3 {
            c.state.pid = pid;
            state.save_container(&c)?;
        }
        state.remove_container(&c)?;
    }
    Ok(())
}

/// `threads` threads, each on its own handle of one store of `backend` (fresh, in `dir`), each
/// making `per_thread` rounds on containers of its own (no dependencies: a thread never waits
/// for another's container). The handles are opened and the volumes added before the clock
/// starts; with `per_thread` = 0 the worker only sets up, which the fsync count subtracts.
pub fn run(backend: &str, threads: usize, per_thread: usize, dir: &Path) -> anyhow::Result<Timed> {
    let store: Box<dyn Store> = open_store(backend, dir)?;
    let first = store.open_handle().context("open a handle")?;
    for vol in Workload::new(0, 0).volumes {
        first.add_volume(&vol).context("add_volume")?;
    }
    let mut ctrs = workload::generate(threads * per_thread);
    for c in &mut ctrs {
        c.config.depends_on.clear();
    }
    let mut handles = vec![first];
    while handles.len() < threads {
        handles.push(store.open_handle().context("open a handle")?);
    }
    let prober = Prober::new(dir)?;
    let done = AtomicBool::new(false);
    let start = Instant::now();
    let (answers, probed) = std::thread::scope(|scope| {
        let probing = scope.spawn(|| {
            let (mut probes, mut spent) = (0u32, Duration::ZERO);
            while !done.load(Ordering::Relaxed) || probes == 0 {
                spent += prober.probe()?;
                probes += 1;
                std::thread::sleep(PROBE_GAP);
            }
            anyhow::Ok(f64::from(probes) / spent.as_secs_f64().max(1e-9))
        });
        let running: Vec<_> = handles
            .iter()
            .zip(
                ctrs.chunks(per_thread.max(1))
                    .chain(std::iter::repeat(&[][..])),
            )
            .map(|(h, own)| scope.spawn(move || rounds(h.as_ref(), own)))
            .collect();
        let answers: Vec<podstate_api::Result<()>> = running
            .into_iter()
            .map(|t| {
                t.join().unwrap_or_else(|_| {
                    Err(podstate_api::StateError::invalid(
                        "a writer thread panicked",
                    ))
                })
            })
            .collect();
        let secs = start.elapsed().as_secs_f64();
        done.store(true, Ordering::Relaxed);
        let ceiling = probing
            .join()
            .unwrap_or_else(|_| Err(anyhow!("the probing thread panicked")));
        (answers, ceiling.map(|c| (c, secs)))
    });
    let (ceiling, secs) = probed?;
    for answer in answers {
        answer.map_err(|e| anyhow!("{backend}, {threads} threads: {e}"))?;
    }
    Ok(Timed {
        calls: (threads * per_thread * CALLS_PER_ROUND) as u64,
        secs,
        ceiling,
    })
}
