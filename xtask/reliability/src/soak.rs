//! Container lifecycles for a long time (issue item 4): several processes each run container
//! lifecycles as podman does (add, save the state a few times, add and remove an exec session,
//! connect a network, remove) on one durable database beside a few long-lived containers. Every
//! call must succeed; afterwards the database passes [`verify`] (the engine's own integrity
//! check included) and holds exactly the long-lived containers; and the files must not grow
//! without bound: every size sampled after the first fifth of the run stays under twice the
//! largest size of that first fifth (plus 1 MiB).

use anyhow::{Context, bail};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use podstate_api::{
    Container, ContainerConfig, ContainerStatus, ExecSession, Payload, State, StateError,
};

use crate::launcher::{Launcher, Params, tail};
use crate::target::{PersistentBackend, verify};
use crate::trials::trial_dir;

/// A soak run.
#[derive(Debug, Clone)]
pub struct SoakConfig {
    /// The backend.
    pub backend: PersistentBackend,
    /// Processes.
    pub procs: usize,
    /// Lifecycles over all processes.
    pub lifecycles: u64,
    /// Where the database goes (the system's temporary directory when `None`).
    pub dir: Option<PathBuf>,
}

/// What a soak run found.
#[derive(Debug, Clone, Default)]
pub struct SoakReport {
    /// The backend's name.
    pub backend: &'static str,
    /// Lifecycles completed.
    pub lifecycles: u64,
    /// Calls made (all of them succeeded unless `failures` says otherwise).
    pub calls: u64,
    /// The database's files' total size at each tenth of the run, bytes.
    pub sizes: Vec<u64>,
    /// What failed.
    pub failures: Vec<String>,
    /// Wall time.
    pub elapsed: Duration,
}

impl SoakReport {
    /// Whether nothing failed.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

impl std::fmt::Display for SoakReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for failure in &self.failures {
            writeln!(f, "FAILED {failure}")?;
        }
        let sizes: Vec<String> = self
            .sizes
            .iter()
            .map(|s| format!("{:.1}", *s as f64 / (1 << 20) as f64))
            .collect();
        write!(
            f,
            "{} soak: {} lifecycles ({} calls, {:.0} lifecycles/s) in {:.1} s; files at each \
             tenth (MiB): {}",
            self.backend,
            self.lifecycles,
            self.calls,
            self.lifecycles as f64 / self.elapsed.as_secs_f64().max(1e-9),
            self.elapsed.as_secs_f64(),
            sizes.join(" ")
        )
    }
}

/// Long-lived containers the parent adds first.
const LONG_LIVED: usize = 20;
/// Calls per lifecycle.
const CALLS: u64 = 8;

/// A container of the soak: a 1 KiB config payload and a small state payload, as podman's are
/// shaped (smaller, to keep the run about the engine, not the disk).
fn container(id: &str, name: &str) -> Container {
    let mut cfg = ContainerConfig::new(id, name);
    cfg.networks = vec!["podman".to_owned()];
    cfg.payload =
        Payload::from_json(format!(r#"{{"spec":"{}"}}"#, "x".repeat(1024))).unwrap_or_default();
    let mut ctr = Container::new(cfg);
    ctr.state.payload = Payload::from_json(r#"{"runtime":"crun"}"#).unwrap_or_default();
    ctr
}

/// The total size of the database's files (SQLite's WAL and shared memory included).
fn size_of(path: &Path) -> u64 {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&name))
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum()
}

/// Runs the soak; `progress` hears lifecycles done.
///
/// # Errors
/// A run that cannot be set up (the processes' own failures are reported).
pub fn run(
    launcher: &Launcher,
    config: &SoakConfig,
    progress: &mut dyn FnMut(u64),
) -> anyhow::Result<SoakReport> {
    let started = Instant::now();
    let dir = trial_dir(config.dir.as_deref())?;
    let path = dir.path().join(config.backend.file_name());
    let timeout = Duration::from_secs(100);
    let mut report = SoakReport {
        backend: config.backend.name(),
        ..SoakReport::default()
    };
    let want = {
        let store = config.backend.open(&path, timeout)?;
        let state = store.open_handle()?;
        for i in 0..LONG_LIVED {
            state.add_container(&container(&format!("long{i:03}"), &format!("long-{i}")))?;
        }
        podstate_api::dump::dump(state.as_ref())?
    };
    let procs = config.procs.max(1);
    let per_proc = config.lifecycles / procs as u64;
    let stderr = dir.path().join("stderr");
    let (tx, rx) = mpsc::channel::<Option<String>>();
    let mut children = Vec::new();
    for proc in 0..procs {
        let log = std::fs::File::options()
            .create(true)
            .append(true)
            .open(&stderr)?;
        let mut child = launcher
            .command(
                "soak",
                &[
                    ("backend", config.backend.name().to_owned()),
                    ("path", path.display().to_string()),
                    ("proc", proc.to_string()),
                    ("lifecycles", per_proc.to_string()),
                ],
            )
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .context("cannot start a worker")?;
        let stdout = child.stdout.take().context("no stdout")?;
        let tx = tx.clone();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(Some(line)).is_err() {
                    return;
                }
            }
            let _ = tx.send(None);
        });
        children.push(child);
    }
    drop(tx);
    let total = per_proc * procs as u64;
    let tenth = (total / 10).max(1);
    let mut ended = 0;
    while ended < procs {
        match rx.recv() {
            Ok(Some(line)) if line == "lifecycle" => {
                report.lifecycles += 1;
                progress(report.lifecycles);
                if report.lifecycles.is_multiple_of(tenth) {
                    report.sizes.push(size_of(&path));
                }
            }
            Ok(Some(line)) => report.failures.push(line),
            Ok(None) => ended += 1,
            Err(_) => break,
        }
    }
    for child in &mut children {
        let status = child.wait()?;
        if !status.success() {
            report.failures.push(format!(
                "a worker failed ({status}):\n{}",
                tail(&stderr, 10)
            ));
        }
    }
    report.calls = report.lifecycles * CALLS;
    report.elapsed = started.elapsed();
    if report.lifecycles != total {
        report.failures.push(format!(
            "{} of {total} lifecycles completed",
            report.lifecycles
        ));
    }
    let early = report.sizes.iter().take(2).copied().max().unwrap_or(0);
    let bound = early * 2 + (1 << 20);
    if let Some(big) = report.sizes.iter().skip(2).find(|s| **s > bound) {
        report.failures.push(format!(
            "the files grew to {big} bytes, over twice the first fifth's {early} bytes (+1 MiB)"
        ));
    }
    let store = config.backend.open(&path, timeout)?;
    match verify(config.backend, store.as_ref(), &path, &Default::default()) {
        Ok(got) if got == want => {}
        Ok(got) => report.failures.push(format!(
            "the database holds more than the long-lived containers:\n{}",
            podstate_api::dump::describe(&want, &got, ("expected", "database"))
        )),
        Err(why) => report.failures.push(format!(
            "the check afterwards: {}",
            podstate::error_line(why.as_ref())
        )),
    }
    Ok(report)
}

/// One lifecycle of container `id`.
fn lifecycle(state: &dyn State, id: &str) -> Result<(), StateError> {
    let mut ctr = container(id, &format!("{id}-name"));
    state.add_container(&ctr)?;
    for (status, pid) in [
        (ContainerStatus::Created, 0),
        (ContainerStatus::Running, 4242),
        (ContainerStatus::Exited, 0),
    ] {
        ctr.state.status = status;
        ctr.state.pid = pid;
        state.save_container(&ctr)?;
    }
    let session = ExecSession::new(format!("{id}-exec"), id);
    state.add_exec_session(&ctr, &session)?;
    state.remove_exec_session(&session)?;
    state.network_connect(&ctr, "soak-net", &["soak-alias".to_owned()])?;
    state.remove_container(&ctr)
}

/// The child's side: `lifecycles` lifecycles, one line per lifecycle done, every error on a
/// line of its own (and the child stops).
///
/// # Errors
/// A store that does not open, or a broken pipe.
pub fn child(params: &Params) -> anyhow::Result<()> {
    let backend = PersistentBackend::parse(&params.get::<String>("backend")?)?;
    let path = params.path("path")?;
    let proc: usize = params.get("proc")?;
    let lifecycles: u64 = params.get("lifecycles")?;
    let store = backend.open(&path, Duration::from_secs(100))?;
    let state = store.open_handle()?;
    let mut out = std::io::stdout().lock();
    for i in 0..lifecycles {
        let id = format!("{proc:02x}{i:012x}");
        let line = match lifecycle(state.as_ref(), &id) {
            Ok(()) => "lifecycle".to_owned(),
            Err(e) => format!("process {proc}, lifecycle {i} ({id}): {e}"),
        };
        writeln!(out, "{line}").and_then(|()| out.flush())?;
        if line != "lifecycle" {
            bail!(line);
        }
    }
    Ok(())
}
