//! A lock holder that hangs (issue item 7): a child process takes the database's write lock
//! through the engine itself (SQLite `BEGIN IMMEDIATE`; redb `begin_write` in multi-writer
//! mode), says so, and is then stopped with SIGSTOP: a process frozen inside a write
//! transaction. Others must wait for it at most their lock timeout, then answer `Io` naming the
//! lock, and never hang.

use anyhow::{Context, bail};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdout, Stdio};

use rustix::process::{Pid, Signal, kill_process};

use crate::launcher::{Launcher, Params};
use crate::target::PersistentBackend;

/// A child holding the write lock of a database; killed when dropped.
#[derive(Debug)]
pub struct Holder {
    child: Child,
    _stdout: BufReader<ChildStdout>,
}

impl Holder {
    /// Starts a child that takes the write lock of the database at `path` and keeps it; returns
    /// once it holds it.
    ///
    /// # Errors
    /// A child that cannot start or does not get the lock.
    pub fn start(
        launcher: &Launcher,
        backend: PersistentBackend,
        path: &Path,
    ) -> anyhow::Result<Holder> {
        let mut child = launcher
            .command(
                "hold",
                &[
                    ("backend", backend.name().to_owned()),
                    ("path", path.display().to_string()),
                ],
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .context("cannot start the holder")?;
        let mut stdout = BufReader::new(child.stdout.take().context("no stdout")?);
        let mut line = String::new();
        stdout.read_line(&mut line)?;
        if line.trim() != "holding" {
            let _ = child.kill();
            bail!("the holder said {line:?} instead of holding the lock");
        }
        Ok(Holder {
            child,
            _stdout: stdout,
        })
    }

    /// Stops the holder (SIGSTOP): it keeps the lock and does nothing.
    ///
    /// # Errors
    /// A signal that cannot be sent.
    pub fn stop(&self) -> anyhow::Result<()> {
        signal(&self.child, Signal::STOP)
    }

    /// Lets it run again (SIGCONT).
    ///
    /// # Errors
    /// A signal that cannot be sent.
    pub fn resume(&self) -> anyhow::Result<()> {
        signal(&self.child, Signal::CONT)
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        // SIGKILL works on a stopped process too; the kernel then drops its locks.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends `sig` to `child`.
///
/// # Errors
/// A signal that cannot be sent.
pub fn signal(child: &Child, sig: Signal) -> anyhow::Result<()> {
    kill_process(Pid::from_child(child), sig).context("cannot signal the child")
}

/// The child's side: takes the write lock through the engine, says `holding`, and waits for
/// its stdin to close (the parent kills it first).
///
/// # Errors
/// A lock it cannot take.
pub fn child(params: &Params) -> anyhow::Result<()> {
    let backend = PersistentBackend::parse(&params.get::<String>("backend")?)?;
    let path = params.path("path")?;
    let say = || -> anyhow::Result<()> {
        let mut out = std::io::stdout().lock();
        writeln!(out, "holding").and_then(|()| out.flush())?;
        Ok(())
    };
    let wait = || {
        let mut sink = String::new();
        let _ = std::io::stdin().read_line(&mut sink);
    };
    match backend {
        PersistentBackend::Sqlite => {
            let conn = rusqlite::Connection::open(&path)?;
            conn.execute_batch("BEGIN IMMEDIATE")?;
            say()?;
            wait();
            drop(conn);
        }
        PersistentBackend::Redb => {
            let mut builder = redb::Builder::new();
            builder.set_concurrency_mode(redb::ConcurrencyMode::MultiWriter);
            let db = builder.open(&path)?;
            let tx = db.begin_write()?;
            say()?;
            wait();
            drop(tx);
        }
    }
    Ok(())
}
