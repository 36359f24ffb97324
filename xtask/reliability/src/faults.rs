//! Failing disks (issue item 5): a case runs in this process with its database on a simulated
//! [`Disk`] that fails one chosen read, write or sync (or, "sticky", every one of that kind from
//! then on). Every call that meets a fault must answer `Io` and change nothing: the run goes on
//! in the same process, each later answer must agree with the model in which the failed calls
//! never happened. A failed sync of a mutating call leaves its outcome undetermined, as a crash
//! would (and so does a failed write of a redb commit: see the crate docs); the run stops there. Afterwards the database is reopened on a sound disk: it must pass
//! [`verify`], hold the model's state (either candidate after a failed sync) and go on answering
//! as the model does.

use anyhow::{Context, bail};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use podstate_conformance::checker::{HandleOp, Op, handles_of};

use crate::disk::{Counts, Disk, IoKind, Mode};
use crate::driver::Driver;
use crate::oracle::{Model, Reply, is_writing_batch, sessions};
use crate::powercut::{count_io, live_database};
use crate::rng::Rng;
use crate::target::{PersistentBackend, verify};
use crate::trials::{self, Report, Trial};
use crate::workload;

/// A fault run.
#[derive(Debug, Clone)]
pub struct FaultConfig {
    /// The backend.
    pub backend: PersistentBackend,
    /// How many faults (one per trial).
    pub trials: u64,
    /// Operations per generated case.
    pub ops: usize,
    /// Seed of the cases and the fault points.
    pub seed: u64,
    /// Where the trial directories go (the system's temporary directory when `None`).
    pub dir: Option<PathBuf>,
}

const LOCK_TIMEOUT: Duration = Duration::from_secs(100);

/// How many calls run on the reopened database to show it is usable.
const AFTERWARDS: usize = 30;

/// Runs `config.trials` trials.
pub fn run(config: &FaultConfig, progress: &mut dyn FnMut(u64)) -> Report {
    trials::run(
        "faults",
        config.backend,
        config.seed,
        config.trials,
        progress,
        |trial| one_trial(config, trial),
    )
}

/// Draws the fault of a trial from the operations the case makes.
fn draw(rng: &mut Rng, counts: Counts) -> Mode {
    let kinds = [
        (IoKind::Read, counts.reads),
        (IoKind::Write, counts.writes),
        (IoKind::Sync, counts.syncs),
    ];
    let present: Vec<(IoKind, u64)> = kinds.into_iter().filter(|(_, n)| *n > 0).collect();
    let (kind, n) = present
        .get(usize::try_from(rng.below(present.len() as u64)).unwrap_or(0))
        .copied()
        .unwrap_or((IoKind::Write, 1));
    Mode::Fault {
        kind,
        at: rng.between(1, n),
        sticky: rng.percent(25),
    }
}

/// The in-process part of a trial: what the model holds afterwards.
struct Faulted {
    /// The steps the model applied (the calls that succeeded or failed without a fault).
    applied: Vec<HandleOp>,
    /// A mutating call whose sync failed: its outcome is undetermined.
    undetermined: Option<HandleOp>,
    /// Calls answered before the run stopped.
    answered: usize,
    /// Where the run stopped.
    next: usize,
    /// Whether the fault met a batch that may write (which then changed nothing, or, its sync
    /// failing, is undetermined: all of it or none).
    batch: bool,
}

fn one_trial(config: &FaultConfig, trial: u64) -> anyhow::Result<Trial> {
    let mut rng = Rng::for_item(config.seed, trial);
    let backend = config.backend;
    let ops = workload::case(config.seed, trial, config.ops);
    let dir = trials::trial_dir(config.dir.as_deref())?;

    let mode = draw(&mut rng, count_io(backend, dir.path(), &ops)?.counts);
    let (live, path) = live_database(backend, dir.path())?;
    let disk = Arc::new(Disk::new(mode));
    let faulted = {
        let _attached = backend.attach(&live, &disk)?;
        run_faulted(backend, &path, &ops, &disk).with_context(|| format!("{mode:?}"))?
        // The store is closed (on the failing disk) before the disk is detached.
    };

    // Reopen on a sound disk.
    let store = backend
        .open(&path, LOCK_TIMEOUT)
        .with_context(|| format!("{mode:?}: the database does not open afterwards"))?;
    let got = verify(backend, store.as_ref(), &path, &sessions(&ops))
        .with_context(|| format!("{mode:?}"))?;
    let mut model = Model::new(&ops);
    for step in &faulted.applied {
        model.step(step);
    }
    let mut in_flight_applied = false;
    let acked = model.dump();
    if got != acked {
        let Some(step) = &faulted.undetermined else {
            bail!(
                "{mode:?}: the reopened database differs from the model without the failed calls:\n{}",
                podstate_api::dump::describe(&acked, &got, ("model", "database"))
            );
        };
        model.step(step);
        if got != model.dump() {
            bail!(
                "{mode:?}: after a failed sync of {step}, the reopened database is neither candidate:\n{}",
                podstate_api::dump::describe(&acked, &got, ("model", "database"))
            );
        }
        in_flight_applied = true;
    }

    // The database is usable: the rest of the case answers as the model does.
    model.step(&HandleOp::first(Op::Reopen));
    let rest = &ops[faulted.next..ops.len().min(faulted.next + AFTERWARDS)];
    let mut driver = Driver::new(store, handles_of(&ops))?;
    for (i, step) in rest.iter().enumerate() {
        let (want, got) = (model.step(step), Reply::of(&driver.apply(step)));
        if !want.agrees_with(&got) {
            bail!(
                "{mode:?}: after the reopen, step {} ({step}) answered {} where the model answered {}",
                faulted.next + i,
                got.encode(),
                want.encode()
            );
        }
    }
    Ok(Trial {
        interrupted: disk.faults() > 0,
        acknowledged: faulted.answered,
        in_flight_applied,
        read_only_checks: 0,
        in_flight_batch: faulted.batch,
    })
}

/// Runs `ops` on the failing disk, checking every answer against the model.
fn run_faulted(
    backend: PersistentBackend,
    path: &std::path::Path,
    ops: &[HandleOp],
    disk: &Arc<Disk>,
) -> anyhow::Result<Faulted> {
    let ambiguous = match disk_mode_kind(disk) {
        Some(IoKind::Sync) => true,
        // redb's commit writes the header once more after its last sync, to clear the mark that
        // tells other processes the commit is not yet flushed: a failed write there fails a
        // commit that is already durable. redb documents every commit error as "may or may not
        // have become durable"; SQLite's last write of a commit comes before its sync.
        Some(IoKind::Write) => backend == PersistentBackend::Redb,
        _ => false,
    };
    let mut faulted = Faulted {
        applied: Vec::new(),
        undetermined: None,
        answered: 0,
        next: 0,
        batch: false,
    };
    let mut driver = match backend
        .open_on(path, LOCK_TIMEOUT, Some(disk))
        .and_then(|store| Driver::new(store, handles_of(ops)))
    {
        Ok(driver) => driver,
        Err(e) if disk.faults() > 0 && e.kind() == podstate_api::ErrorKind::Io => {
            return Ok(faulted);
        }
        Err(e) => bail!("the database does not open: {e}"),
    };
    let mut model = Model::new(ops);
    for (i, step) in ops.iter().enumerate() {
        faulted.next = i + 1;
        let before = disk.faults();
        let got = Reply::of(&driver.apply(step));
        let met_fault = disk.faults() > before;
        if met_fault && got.is_io() {
            faulted.batch |= is_writing_batch(step);
            if ambiguous && step.op.may_write() {
                faulted.undetermined = Some(step.clone());
                return Ok(faulted);
            }
            if let Op::Reopen = step.op {
                // The reopen failed: the store is gone, as for a process that gives up.
                return Ok(faulted);
            }
            continue;
        }
        let want = model.step(step);
        if !want.agrees_with(&got) {
            let how = if met_fault { "met a fault and " } else { "" };
            bail!(
                "step {i} ({step}) {how}answered {} where the model (without the failed calls) answered {}",
                got.encode(),
                want.encode()
            );
        }
        faulted.answered += 1;
        faulted.applied.push(step.clone());
    }
    Ok(faulted)
}

/// The kind of I/O `disk` fails, if it fails any.
fn disk_mode_kind(disk: &Disk) -> Option<IoKind> {
    match disk.mode() {
        Mode::Fault { kind, .. } => Some(kind),
        _ => None,
    }
}
