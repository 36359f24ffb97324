//! Power loss (issue item 2): a case runs in this process with its database on a simulated
//! [`Disk`]; the power goes at a random I/O operation; the files a real disk is sure to hold
//! (what was synced, and with [`Keep::Some`] a random part of what was not, torn at sectors)
//! are written to a new directory, as a reboot finds them; the database there must open, pass
//! [`verify`], and hold the model's state after the acknowledged calls, or after those plus the
//! one in flight.
//!
//! The cut point is drawn from the I/O operations of the whole case, counted by a dry run of the
//! same case on a counting disk, so cuts fall anywhere: inside commits, between a commit's
//! writes and its sync, between redb's two commit phases, during SQLite checkpoints, in opens
//! and reopens. In half the trials of a case with batches that may write, the cut falls among
//! the I/O operations of one of them: a batch is one durable step, found whole or not at all.

use anyhow::{Context, bail};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use podstate_conformance::checker::{HandleOp, handles_of};

use crate::disk::{Counts, Disk, Keep, Mode};
use crate::driver::Driver;
use crate::oracle::{Candidates, Reply, batch_in_flight, is_writing_batch, sessions};
use crate::rng::Rng;
use crate::target::{PersistentBackend, verify};
use crate::trials::{self, Report, Trial};
use crate::workload;

/// A power-cut run.
#[derive(Debug, Clone)]
pub struct PowerCutConfig {
    /// The backend.
    pub backend: PersistentBackend,
    /// How many cuts.
    pub trials: u64,
    /// Operations per generated case.
    pub ops: usize,
    /// Seed of the cases, cut points and surviving writes.
    pub seed: u64,
    /// Where the trial directories go (the system's temporary directory when `None`).
    pub dir: Option<PathBuf>,
    /// What survives every cut; `None` alternates [`Keep::SyncedOnly`] (even trials) and
    /// [`Keep::Some`] (odd ones).
    pub keep: Option<Keep>,
}

/// The lock timeout of the in-process runs: nothing else holds a lock.
const LOCK_TIMEOUT: Duration = Duration::from_secs(100);

/// Runs `config.trials` trials.
pub fn run(config: &PowerCutConfig, progress: &mut dyn FnMut(u64)) -> Report {
    trials::run(
        "power cut",
        config.backend,
        config.seed,
        config.trials,
        progress,
        |trial| one_trial(config, trial),
    )
}

/// Makes the database at `path` and closes it, so that it is on the disk, synced, before a
/// trial attaches its simulated disk.
pub(crate) fn fresh_database(backend: PersistentBackend, path: &Path) -> anyhow::Result<()> {
    backend
        .open(path, LOCK_TIMEOUT)
        .map(drop)
        .context("cannot make the database")
}

/// What the dry run of a trial counted.
pub(crate) struct DryRun {
    /// The I/O operations of each kind the whole case makes.
    pub(crate) counts: Counts,
    /// The I/O operations of each step: those numbered `start + 1 ..= end`.
    pub(crate) steps: Vec<Range<u64>>,
}

/// The dry run of a trial: `ops` on a counting disk, in a fresh database under `dir/dry`; how
/// many I/O operations of each kind the case makes, and which of them each step makes, so that
/// a trial can pick one of them.
pub(crate) fn count_io(
    backend: PersistentBackend,
    dir: &Path,
    ops: &[HandleOp],
) -> anyhow::Result<DryRun> {
    let dry = dir.join("dry");
    std::fs::create_dir(&dry)?;
    let path = dry.join(backend.file_name());
    fresh_database(backend, &path)?;
    let counter = Arc::new(Disk::new(Mode::Count));
    let run = run_on_disk(backend, &path, ops, &counter)?;
    Ok(DryRun {
        counts: counter.counts(),
        steps: run.steps,
    })
}

/// The database a trial runs on: fresh, under `dir/live`; that directory and the file's path.
pub(crate) fn live_database(
    backend: PersistentBackend,
    dir: &Path,
) -> anyhow::Result<(PathBuf, PathBuf)> {
    let live = dir.join("live");
    std::fs::create_dir(&live)?;
    let path = live.join(backend.file_name());
    fresh_database(backend, &path)?;
    Ok((live, path))
}

/// What a run of `ops` on `disk` saw: the replies of the calls that returned before the disk
/// failed them, and whether one was then in flight.
pub(crate) struct Run {
    pub(crate) replies: Vec<Reply>,
    pub(crate) in_flight: bool,
    /// The disk's I/O operations each answered step made (see [`DryRun::steps`]).
    pub(crate) steps: Vec<Range<u64>>,
}

/// Runs `ops` on the database at `path` on `disk` until the disk is cut.
pub(crate) fn run_on_disk(
    backend: PersistentBackend,
    path: &Path,
    ops: &[HandleOp],
    disk: &Arc<Disk>,
) -> anyhow::Result<Run> {
    let dir = path
        .parent()
        .context("a database path without a directory")?;
    let _attached = backend.attach(dir, disk)?;
    let mut run = Run {
        replies: Vec::new(),
        in_flight: false,
        steps: Vec::new(),
    };
    let opened = backend
        .open_on(path, LOCK_TIMEOUT, Some(disk))
        .and_then(|store| Driver::new(store, handles_of(ops)));
    let mut driver = match opened {
        Ok(driver) => driver,
        Err(_) if disk.is_cut() => return Ok(run),
        Err(e) => bail!("the database does not open on the disk: {e}"),
    };
    for step in ops {
        let start = disk.counts().all;
        let answer = driver.apply(step);
        if disk.is_cut() {
            run.in_flight = true;
            break;
        }
        run.replies.push(Reply::of(&answer));
        run.steps.push(start..disk.counts().all);
    }
    // Closing after the cut fails inside the engines; nothing of it reaches the disk.
    drop(driver);
    Ok(run)
}

fn one_trial(config: &PowerCutConfig, trial: u64) -> anyhow::Result<Trial> {
    let mut rng = Rng::for_item(config.seed, trial);
    let backend = config.backend;
    let ops = workload::case(config.seed, trial, config.ops);
    let dir = trials::trial_dir(config.dir.as_deref())?;

    let dry = count_io(backend, dir.path(), &ops)?;
    let total = dry.counts.all.max(1);
    let (_, path) = live_database(backend, dir.path())?;
    let keep = config.keep.unwrap_or(if trial.is_multiple_of(2) {
        Keep::SyncedOnly
    } else {
        Keep::Some
    });
    let disk = Arc::new(Disk::new(Mode::PowerCut {
        at: cut_point(&mut rng, &ops, &dry.steps, total),
        keep,
    }));
    let run = run_on_disk(backend, &path, &ops, &disk)?;

    let reboot = dir.path().join("reboot");
    std::fs::create_dir(&reboot)?;
    let files = disk
        .materialize(&reboot, &mut rng)
        .context("cannot write the surviving files")?;
    let acked = run.replies.len();
    let candidates = Candidates::compute(&ops, acked, run.in_flight);
    candidates.check_replies(&ops, &run.replies)?;
    let rebooted = reboot.join(backend.file_name());
    let context = || {
        format!(
            "cut at I/O operation {:?} of {total} ({keep:?}) after {acked} acknowledged calls{}; \
             surviving files {files:?}",
            disk.counts().all,
            match (run.in_flight, ops.get(acked)) {
                (true, Some(step)) => format!(" with {step} in flight"),
                _ => String::new(),
            }
        )
    };
    let store = backend
        .open(&rebooted, LOCK_TIMEOUT)
        .with_context(|| format!("{}: the database does not open after the cut", context()))?;
    let got = verify(backend, store.as_ref(), &rebooted, &sessions(&ops)).with_context(context)?;
    let which = candidates.matches(&got).with_context(context)?;
    Ok(Trial {
        interrupted: disk.is_cut(),
        acknowledged: acked,
        in_flight_applied: which != "acknowledged",
        read_only_checks: 0,
        in_flight_batch: batch_in_flight(&ops, acked, run.in_flight),
    })
}

/// The I/O operation the power goes at (1-based, of `total`): any; in half the trials of a case
/// with batches that may write and do I/O, one of a batch's (`steps` as the dry run counted
/// them), so that cuts land inside batches, which must then be found whole or not at all.
fn cut_point(rng: &mut Rng, ops: &[HandleOp], steps: &[Range<u64>], total: u64) -> u64 {
    let batches: Vec<&Range<u64>> = steps
        .iter()
        .zip(ops)
        .filter(|(io, step)| !io.is_empty() && is_writing_batch(step))
        .map(|(io, _)| io)
        .collect();
    if !batches.is_empty() && rng.percent(50) {
        let io = batches[usize::try_from(rng.below(batches.len() as u64)).unwrap_or(0)];
        return rng.between(io.start + 1, io.end);
    }
    rng.between(1, total)
}
