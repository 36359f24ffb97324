//! Power cuts under group commit: several threads, each with its own handle on one store, write
//! containers of their own at the same time, so that their calls share transactions and commits
//! (see `podstate_api::raw::group`); the power goes at a random I/O operation of the run. After
//! the reboot, each thread's containers must be as its acknowledged calls left them, or as those
//! plus its one call in flight did: a grouped call acknowledged before its group's commit was
//! durable shows up as a lost call. The calls of different threads never touch the same
//! container, so each thread is judged on its own, whatever order the groups took.
//!
//! The run's tooth is [`GroupLimits::acknowledging_before_commit`] (a group that answers the
//! calls which left their commit to others at once): `tests/power_cut.rs` shows the run fails
//! it.

use anyhow::{Context, bail};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use podstate_api::raw::group::GroupLimits;
use podstate_api::{Container, ContainerConfig, ContainerStatus, State, Store};

use crate::disk::{Disk, Keep, Mode};
use crate::oracle::sessions;
use crate::powercut::fresh_database;
use crate::rng::Rng;
use crate::target::{PersistentBackend, verify};
use crate::trials::{self, Report, Trial};

/// A power-cut run with concurrent writers.
#[derive(Debug, Clone)]
pub struct GroupedConfig {
    /// The backend.
    pub backend: PersistentBackend,
    /// How many cuts.
    pub trials: u64,
    /// Writer threads, each with its own handle on the one store.
    pub threads: usize,
    /// Calls per thread of the dry run, among whose I/O operations the cut is drawn (the live
    /// threads write on until the cut).
    pub calls: usize,
    /// Seed of the cut points and the surviving writes.
    pub seed: u64,
    /// Where the trial directories go (the system's temporary directory when `None`).
    pub dir: Option<PathBuf>,
    /// What survives every cut; `None` alternates [`Keep::SyncedOnly`] and [`Keep::Some`].
    pub keep: Option<Keep>,
    /// The stores' group commit: [`GroupLimits::new`], or the tooth.
    pub limits: GroupLimits,
}

/// The lock timeout of the in-process runs: nothing else holds a lock.
const LOCK_TIMEOUT: Duration = Duration::from_secs(100);

/// How many times its share of the dry run each live thread may write.
const SPARE: usize = 4;

/// One call of a writer thread, on its container number `n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Add(usize),
    /// Saves the state with this pid.
    Save(usize, u32),
    Remove(usize),
}

/// The calls of each thread: per container an add and two saves, and every other container
/// removed again, so that lost adds, saves and removals all show.
fn steps(calls: usize) -> Vec<Step> {
    (0..)
        .flat_map(|n| {
            let mut life = vec![Step::Add(n), Step::Save(n, 1), Step::Save(n, 2)];
            if n % 2 == 0 {
                life.push(Step::Remove(n));
            }
            life
        })
        .take(calls)
        .collect()
}

/// Thread `t`'s container number `n`.
fn container(t: usize, n: usize) -> Container {
    Container::new(ContainerConfig::new(
        format!("t{t}c{n}"),
        format!("t{t}-{n}"),
    ))
}

/// What thread `t`'s containers hold after its first `done` steps: ID -> pid.
fn expected(t: usize, steps: &[Step], done: usize) -> BTreeMap<String, u32> {
    let mut held = BTreeMap::new();
    for step in &steps[..done] {
        match *step {
            Step::Add(n) => held.insert(container(t, n).config.id, 0),
            Step::Save(n, pid) => held.insert(container(t, n).config.id, pid),
            Step::Remove(n) => held.remove(&container(t, n).config.id),
        };
    }
    held
}

/// Runs one step on `state`.
fn apply(state: &dyn State, t: usize, step: Step) -> podstate_api::Result<()> {
    match step {
        Step::Add(n) => state.add_container(&container(t, n)),
        Step::Save(n, pid) => {
            let mut ctr = container(t, n);
            ctr.state.status = ContainerStatus::Running;
            ctr.state.pid = pid;
            state.save_container(&ctr)
        }
        Step::Remove(n) => state.remove_container(&container(t, n)),
    }
}

/// What one thread saw: its acknowledged calls, and whether one was then in flight (answered
/// an error once the disk was cut).
#[derive(Debug, Clone, Copy, Default)]
struct Seen {
    acked: usize,
    in_flight: bool,
}

/// Runs `calls` steps of every thread on the database at `path` on `disk`, each thread until
/// it is done or meets the cut.
fn run_threads(
    config: &GroupedConfig,
    calls: usize,
    path: &Path,
    disk: &Arc<Disk>,
) -> anyhow::Result<Vec<Seen>> {
    let dir = path
        .parent()
        .context("a database path without a directory")?;
    let backend = config.backend;
    let _attached = backend.attach(dir, disk)?;
    let store = match backend.open_grouped(path, LOCK_TIMEOUT, disk, config.limits) {
        Ok(store) => store,
        Err(_) if disk.is_cut() => return Ok(vec![Seen::default(); config.threads]),
        Err(e) => bail!("the database does not open on the disk: {e}"),
    };
    let handles = match (0..config.threads)
        .map(|_| store.open_handle())
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(handles) => handles,
        Err(_) if disk.is_cut() => return Ok(vec![Seen::default(); config.threads]),
        Err(e) => bail!("cannot open the handles: {e}"),
    };
    let steps = steps(calls);
    let seen = std::thread::scope(|s| {
        let writers: Vec<_> = handles
            .iter()
            .enumerate()
            .map(|(t, handle)| {
                let steps = &steps;
                s.spawn(move || -> anyhow::Result<Seen> {
                    let mut seen = Seen::default();
                    for &step in steps {
                        match apply(handle.as_ref(), t, step) {
                            Ok(()) => seen.acked += 1,
                            Err(_) if disk.is_cut() => {
                                seen.in_flight = true;
                                break;
                            }
                            Err(e) => bail!("thread {t}: {step:?} failed before any cut: {e}"),
                        }
                    }
                    Ok(seen)
                })
            })
            .collect();
        writers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|_| bail!("a writer panicked")))
            .collect::<anyhow::Result<Vec<Seen>>>()
    })?;
    // Closing after the cut fails inside the engines; nothing of it reaches the disk.
    drop(handles);
    drop(store);
    Ok(seen)
}

/// Runs `config.trials` trials.
pub fn run(config: &GroupedConfig, progress: &mut dyn FnMut(u64)) -> Report {
    trials::run(
        "grouped power cut",
        config.backend,
        config.seed,
        config.trials,
        progress,
        |trial| one_trial(config, trial),
    )
}

fn one_trial(config: &GroupedConfig, trial: u64) -> anyhow::Result<Trial> {
    let mut rng = Rng::for_item(config.seed, trial);
    let backend = config.backend;
    let dir = trials::trial_dir(config.dir.as_deref())?;

    // The dry run counts the I/O operations of `calls` calls per thread. The threads meet
    // differently each time, so the count is only about right, and a thread that finished
    // early leaves the others writing alone: so the live threads have steps to spare, and all
    // of them still write when the cut comes.
    let dry = dir.path().join("dry");
    std::fs::create_dir(&dry)?;
    let dry_path = dry.join(backend.file_name());
    fresh_database(backend, &dry_path)?;
    let counter = Arc::new(Disk::new(Mode::Count));
    run_threads(config, config.calls, &dry_path, &counter)?;
    let total = counter.counts().all.max(1);
    let calls = config.calls * SPARE;

    let live = dir.path().join("live");
    std::fs::create_dir(&live)?;
    let path = live.join(backend.file_name());
    fresh_database(backend, &path)?;
    let keep = config.keep.unwrap_or(if trial.is_multiple_of(2) {
        Keep::SyncedOnly
    } else {
        Keep::Some
    });
    let disk = Arc::new(Disk::new(Mode::PowerCut {
        at: rng.between(1, total),
        keep,
    }));
    let seen = run_threads(config, calls, &path, &disk)?;

    let reboot = dir.path().join("reboot");
    std::fs::create_dir(&reboot)?;
    let files = disk
        .materialize(&reboot, &mut rng)
        .context("cannot write the surviving files")?;
    let context = || {
        format!(
            "cut at I/O operation {:?} of about {total} ({keep:?}); acknowledged calls per \
             thread {:?}; surviving files {files:?}",
            disk.counts().all,
            seen.iter().map(|s| s.acked).collect::<Vec<_>>()
        )
    };
    let rebooted = reboot.join(backend.file_name());
    let store = backend
        .open(&rebooted, LOCK_TIMEOUT)
        .with_context(|| format!("{}: the database does not open after the cut", context()))?;
    verify(backend, store.as_ref(), &rebooted, &sessions(&[])).with_context(context)?;
    let held = pids(store.as_ref()).with_context(context)?;

    let steps = steps(calls);
    let mut in_flight_applied = false;
    for (t, s) in seen.iter().enumerate() {
        let prefix = format!("t{t}c");
        let got: BTreeMap<String, u32> = held
            .iter()
            .filter(|(id, _)| id.starts_with(&prefix))
            .map(|(id, pid)| (id.clone(), *pid))
            .collect();
        if got == expected(t, &steps, s.acked) {
            continue;
        }
        if s.in_flight && s.acked < steps.len() && got == expected(t, &steps, s.acked + 1) {
            in_flight_applied = true;
            continue;
        }
        bail!(
            "{}: thread {t}'s containers are neither as its {} acknowledged calls left them nor \
             as those and its call in flight did: {got:?}, where {:?} was acknowledged",
            context(),
            s.acked,
            expected(t, &steps, s.acked)
        );
    }
    Ok(Trial {
        interrupted: disk.is_cut(),
        acknowledged: seen.iter().map(|s| s.acked).sum(),
        in_flight_applied,
        read_only_checks: 0,
        // The grouped trials' threads make single calls.
        in_flight_batch: false,
    })
}

/// Every container of the store: ID -> pid.
fn pids(store: &dyn Store) -> anyhow::Result<BTreeMap<String, u32>> {
    let handle = store.open_handle()?;
    Ok(handle
        .all_containers()?
        .into_iter()
        .map(|c| (c.config.id, c.state.pid))
        .collect())
}
