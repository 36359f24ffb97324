//! Worker processes: each subject runs in a process of its own (`cargo xtask bench-worker`,
//! spawned by the bench), so that its peak memory is its own and no cache or allocator state
//! carries over from one subject to the next. A worker prints one JSON line on stdout.

use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use podstate::StoreConfig;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::measure::vm_kib;
use super::phases::{self, Plan};
use super::raw_redb::RawRedb;
use super::raw_sqlite::{self, RawSqlite};
use super::raw_sqlite_schema::SchemaSqlite;
use super::subject::{PodstateSubject, Subject};
use super::turns::{Calls, Writer};
use super::workload::{Generator, Workload};

/// What a worker does.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Job {
    /// The main run at `n` containers; answers a [`phases::MainResult`]. Without `remove`,
    /// the database is left full for [`Job::Paired`] and [`Job::Remove`].
    Main {
        subject: String,
        n: usize,
        plan: Plan,
        dir: PathBuf,
        remove: bool,
    },
    /// The read phases of a raw engine and its backend on the databases their main runs left,
    /// in turns; answers a list of [`phases::Paired`].
    Paired {
        raw: (String, PathBuf),
        backend: (String, PathBuf),
        n: usize,
        plan: Plan,
        turns: usize,
    },
    /// The removal phase on the database a main run left; answers a [`Phase`](super::measure::Phase).
    Remove {
        subject: String,
        n: usize,
        plan: Plan,
        dir: PathBuf,
    },
    /// The scaling run; answers a list of [`phases::ScalePoint`]s.
    Scaling {
        subject: String,
        sizes: Vec<usize>,
        plan: Plan,
        dir: PathBuf,
    },
    /// The cost of the C boundary on one backend ([`super::boundary`]); answers a
    /// [`super::boundary::BoundaryResult`] and leaves the database and the Go program's input
    /// in `dir`.
    Boundary {
        backend: String,
        size: super::boundary::Size,
        dir: PathBuf,
    },
    /// Durable add and remove of `backend` and its baselines in turns, on fresh databases in
    /// `dir` ([`super::turns`]); answers a [`super::turns::Turns`].
    Turns {
        backend: String,
        n: usize,
        dir: PathBuf,
    },
    /// `threads` writers on one store of `backend` ([`super::concurrent`]); answers a
    /// [`super::concurrent::Timed`].
    Concurrent {
        backend: String,
        threads: usize,
        per_thread: usize,
        dir: PathBuf,
    },
    /// `lifecycles` container lifecycles on `backend` each way, unbatched and in one batch
    /// each, in turns ([`super::lifecycle`]); answers two
    /// [`super::lifecycle::LifecycleResult`]s.
    Lifecycle {
        backend: String,
        lifecycles: usize,
        dir: PathBuf,
    },
    /// Setup (the volumes, one container), then `commits` durable commits of kind `op`
    /// (`add` or `save`): run under strace to count fsyncs; answers nothing.
    Commits {
        subject: String,
        op: String,
        commits: usize,
        dir: PathBuf,
    },
}

impl Job {
    /// The job as the worker's argument.
    pub fn to_json(&self) -> anyhow::Result<String> {
        serde_json::to_string(self).context("encode a job")
    }

    /// Runs the job in a worker process and reads its answer.
    pub fn spawn<T: DeserializeOwned>(&self) -> anyhow::Result<T> {
        let exe = std::env::current_exe().context("find the xtask binary")?;
        let out = Command::new(exe)
            .args(["bench-worker", "--job", &self.to_json()?])
            .stderr(Stdio::inherit())
            .output()
            .context("start a worker")?;
        if !out.status.success() {
            bail!("a bench worker failed ({}): {self:?}", out.status);
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let line = text.lines().last().unwrap_or_default();
        serde_json::from_str(line).context("read a worker's answer")
    }
}

/// Opens subject `name` with its files in `dir` (made if missing); `durable` as
/// [`PodstateSubject::open`] says.
pub fn open_subject(name: &str, dir: &Path, durable: bool) -> anyhow::Result<Box<dyn Subject>> {
    std::fs::create_dir_all(dir).context("make a directory")?;
    Ok(match name {
        "raw-sqlite" => Box::new(RawSqlite::open(dir)?),
        "raw-redb" => Box::new(RawRedb::open(dir)?),
        backend => Box::new(PodstateSubject::open(backend, dir, durable)?),
    })
}

/// The body of `cargo xtask bench-worker --job JSON`.
pub fn run(job: &str) -> anyhow::Result<()> {
    let job: Job = serde_json::from_str(job).context("read the job")?;
    let answer = match job {
        Job::Main {
            subject,
            n,
            plan,
            dir,
            remove,
        } => {
            let work = Workload::new(n, plan.pods);
            let rss = vm_kib("VmRSS");
            let s = open_subject(&subject, &dir, true)?;
            let result = phases::main_run(s.as_ref(), &work, &plan, rss, remove)?;
            serde_json::to_string(&result)
        }
        Job::Paired {
            raw,
            backend,
            n,
            plan,
            turns,
        } => {
            let work = Workload::new(n, plan.pods);
            let a = open_subject(&raw.0, &raw.1, true)?;
            let b = open_subject(&backend.0, &backend.1, true)?;
            // SQLite's open + lookup + close also by plain rusqlite on the backend's own file.
            let sqlite_file = match backend.0.as_str() {
                "sqlite" => StoreConfig::in_dir(&backend.0, &backend.1)?
                    .path()
                    .map(Path::to_path_buf),
                _ => None,
            };
            let on_file = sqlite_file
                .map(|file| move |name: &str| raw_sqlite::cli_lookup_on_backend_file(&file, name));
            let paired = phases::paired_reads(
                a.as_ref(),
                b.as_ref(),
                on_file.as_ref().map(|f| f as _),
                &work,
                &plan,
                turns,
            )?;
            serde_json::to_string(&paired)
        }
        Job::Remove {
            subject,
            n,
            plan,
            dir,
        } => {
            let work = Workload::new(n, plan.pods);
            let s = open_subject(&subject, &dir, true)?;
            serde_json::to_string(&phases::remove_run(s.as_ref(), &work)?)
        }
        Job::Scaling {
            subject,
            sizes,
            plan,
            dir,
        } => {
            let s = open_subject(&subject, &dir, false)?;
            serde_json::to_string(&phases::scaling(s.as_ref(), &sizes, &plan)?)
        }
        Job::Boundary { backend, size, dir } => {
            serde_json::to_string(&super::boundary::run_job(&backend, size, &dir)?)
        }
        Job::Turns { backend, n, dir } => serde_json::to_string(&turns_job(&backend, n, &dir)?),
        Job::Concurrent {
            backend,
            threads,
            per_thread,
            dir,
        } => serde_json::to_string(&super::concurrent::run(
            &backend, threads, per_thread, &dir,
        )?),
        Job::Lifecycle {
            backend,
            lifecycles,
            dir,
        } => serde_json::to_string(&super::lifecycle::run(&backend, lifecycles, &dir)?),
        Job::Commits {
            subject,
            op,
            commits,
            dir,
        } => {
            commits_job(&subject, &op, commits, &dir)?;
            Ok(String::from("null"))
        }
    };
    println!("{}", answer.context("encode the answer")?);
    Ok(())
}

/// The body of [`Job::Turns`]: the raw engine of `backend` (and, for SQLite, the raw engine
/// with the backend's schema) and the backend, each in a directory of its own.
fn turns_job(backend: &str, n: usize, dir: &Path) -> anyhow::Result<super::turns::Turns> {
    let raw = open_subject(&format!("raw-{backend}"), &dir.join("raw"), true)?;
    let schema = match backend {
        "sqlite" => {
            let sub = dir.join("raw-idx");
            std::fs::create_dir_all(&sub).context("make a directory")?;
            Some(SchemaSqlite::open(&sub)?)
        }
        _ => None,
    };
    let subject = open_subject(backend, &dir.join(backend), true)?;
    let (raw, subject) = (Calls(raw.as_ref()), Calls(subject.as_ref()));
    let mut writers: Vec<&dyn Writer> = vec![&raw];
    if let Some(schema) = &schema {
        writers.push(schema);
    }
    writers.push(&subject);
    super::turns::run(backend, &writers, n, dir)
}

/// The body of [`Job::Commits`].
fn commits_job(subject: &str, op: &str, commits: usize, dir: &Path) -> anyhow::Result<()> {
    let s = open_subject(subject, dir, true)?;
    Workload::new(0, 0)
        .volumes
        .iter()
        .try_for_each(|v| s.add_volume(v))?;
    let mut made = Generator::new();
    let mut first = made.next().context("no container")?;
    s.add(&first)?;
    for k in 0..commits {
        match op {
            "add" => s.add(&made.next().context("no container")?)?,
            _ => {
                first.state.pid = k as u32 + 1;
                s.save(&first)?;
            }
        }
    }
    Ok(())
}
