//! Process death at any moment (issue item 1): a child runs a generated case with full
//! durability and reports every call to the parent before starting it and after it returns,
//! each report flushed before the next call; the parent kills it with SIGKILL at a random
//! moment and drains the pipe. The database is then judged twice: first through a read-only
//! open by a user who cannot write it, which must change no byte of the files
//! ([`read_only`]), then through a writable reopen; each must open, pass
//! [`verify`], and hold exactly the model's state after the acknowledged calls, or after those
//! plus the one in flight, the same one. A batch is one step: a kill inside it leaves all of it
//! or none ([`Candidates`]); in half the trials of a case with batches that may write, the kill
//! comes shortly after one of them starts.
//!
//! SIGKILL leaves the kernel's page cache intact, so this proves atomicity and recovery from a
//! dead process (locks, half-done transactions, a WAL or a dirty redb file), not durability on
//! power loss: that is [`powercut`](crate::powercut).

use anyhow::{Context, anyhow, bail};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use podstate_conformance::checker::{HandleOp, handles_of};

use crate::driver::Driver;
use crate::launcher::{Launcher, Params, tail};
use crate::oracle::{Candidates, Reply, batch_in_flight, is_writing_batch, sessions};
use crate::read_only::{self, Look};
use crate::rng::Rng;
use crate::target::{PersistentBackend, verify};
use crate::trials::{self, Report, Trial};
use crate::workload;

/// A crash run.
#[derive(Debug, Clone)]
pub struct CrashConfig {
    /// The backend.
    pub backend: PersistentBackend,
    /// How many children are started and killed.
    pub trials: u64,
    /// Operations per generated case.
    pub ops: usize,
    /// Seed of the cases, kill moments and delays.
    pub seed: u64,
    /// Where the trial directories go (the system's temporary directory when `None`).
    pub dir: Option<PathBuf>,
}

/// Runs `config.trials` trials, calling `progress` with the number done after each.
pub fn run(launcher: &Launcher, config: &CrashConfig, progress: &mut dyn FnMut(u64)) -> Report {
    trials::run(
        "crash",
        config.backend,
        config.seed,
        config.trials,
        progress,
        |trial| one_trial(launcher, config, trial),
    )
}

fn one_trial(launcher: &Launcher, config: &CrashConfig, trial: u64) -> anyhow::Result<Trial> {
    let mut rng = Rng::for_item(config.seed, trial);
    let ops = workload::case(config.seed, trial, config.ops);
    let dir = trials::trial_dir(config.dir.as_deref())?;
    let path = dir.path().join(config.backend.file_name());
    let stderr_path = dir.path().join("child.stderr");
    let stderr = std::fs::File::create(&stderr_path)?;
    let kill_at = kill_point(&mut rng, &ops);
    let delay = Duration::from_micros(rng.below(3000));
    let mut child = launcher
        .command(
            "crash",
            &[
                ("backend", config.backend.name().to_owned()),
                ("path", path.display().to_string()),
                ("seed", config.seed.to_string()),
                ("case", trial.to_string()),
                ("ops", config.ops.to_string()),
            ],
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .context("cannot start the child")?;
    let stdout = child.stdout.take().context("the child has no stdout")?;
    let (tx, rx) = mpsc::channel::<String>();
    let reader = thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let target = format!("begin {kill_at}");
    let mut lines = Vec::new();
    let mut killed = false;
    for line in rx.iter() {
        let hit = line == target;
        lines.push(line);
        if hit {
            thread::sleep(delay);
            // The child may have finished meanwhile: then there is nothing to kill.
            killed = child.kill().is_ok();
            break;
        }
    }
    child.wait().context("cannot wait for the child")?;
    // Everything the child flushed before it died is still in the pipe.
    lines.extend(rx.iter());
    let _ = reader.join();
    let (replies, in_flight, done) = parse(&lines).map_err(|why| {
        // The child's stderr after the reason, not before it as a context would put it.
        anyhow!(
            "{}\nchild stderr:\n{}",
            podstate::error_line(why.as_ref()),
            tail(&stderr_path, 20)
        )
    })?;
    let killed = killed && !done;
    let candidates = Candidates::compute(&ops, replies.len(), in_flight);
    candidates.check_replies(&ops, &replies)?;
    let look = Look {
        backend: config.backend,
        path: &path,
        case: (config.seed, trial, config.ops),
        acknowledged: replies.len(),
        in_flight,
    };
    let read_only = read_only::judge(launcher, &look)?;
    let store = config
        .backend
        .open(&path, Duration::from_secs(100))
        .context("the database does not open after the kill")?;
    let got = verify(config.backend, store.as_ref(), &path, &sessions(&ops))?;
    let which = candidates.matches(&got).with_context(|| {
        format!(
            "after {} acknowledged calls{}",
            replies.len(),
            if in_flight {
                format!(" and {} in flight", ops[replies.len()])
            } else {
                String::new()
            }
        )
    })?;
    if read_only != which {
        bail!(
            "the read-only open showed the {read_only:?} state, the writable one the {which:?} state"
        );
    }
    Ok(Trial {
        interrupted: killed,
        acknowledged: replies.len(),
        in_flight_applied: which != "acknowledged",
        read_only_checks: 1,
        in_flight_batch: batch_in_flight(&ops, replies.len(), in_flight),
    })
}

/// The step at whose start the child is killed (after a short delay): any step; in half the
/// trials of a case with batches that may write, one of those, so that kills land inside
/// batches, which must then be found whole or not at all.
fn kill_point(rng: &mut Rng, ops: &[HandleOp]) -> u64 {
    let batches: Vec<usize> = (0..ops.len())
        .filter(|&i| is_writing_batch(&ops[i]))
        .collect();
    if !batches.is_empty() && rng.percent(50) {
        let i = usize::try_from(rng.below(batches.len() as u64)).unwrap_or(0);
        return batches[i] as u64;
    }
    rng.below(ops.len() as u64)
}

/// The replies of the acknowledged calls, whether one was in flight, whether the child
/// finished.
fn parse(lines: &[String]) -> anyhow::Result<(Vec<Reply>, bool, bool)> {
    let mut replies = Vec::new();
    let mut in_flight = false;
    let mut done = false;
    for line in lines {
        let words: Vec<&str> = line.split(' ').collect();
        match words.as_slice() {
            ["open"] => {}
            ["begin", i] if i.parse() == Ok(replies.len()) => in_flight = true,
            ["end", i, reply] if i.parse() == Ok(replies.len()) => {
                replies.push(Reply::decode(reply).context("a malformed reply")?);
                in_flight = false;
            }
            ["done"] => done = true,
            _ => bail!("the child reported {line:?} out of turn"),
        }
    }
    Ok((replies, in_flight, done))
}

/// The child's side: opens the database, runs the case, reports each call.
///
/// # Errors
/// A database that does not open, or a broken pipe.
pub fn child(params: &Params) -> anyhow::Result<()> {
    let backend = PersistentBackend::parse(&params.get::<String>("backend")?)?;
    let path = params.path("path")?;
    let ops = workload::case(params.get("seed")?, params.get("case")?, params.get("ops")?);
    let mut out = std::io::stdout().lock();
    let mut say = |line: String| -> anyhow::Result<()> {
        writeln!(out, "{line}")
            .and_then(|()| out.flush())
            .context("cannot report to the parent")
    };
    say("open".to_owned())?;
    let store = backend
        .open(&path, Duration::from_secs(100))
        .context("open")?;
    let mut driver = Driver::new(store, handles_of(&ops)).context("handles")?;
    for (i, step) in ops.iter().enumerate() {
        say(format!("begin {i}"))?;
        let reply = Reply::of(&driver.apply(step));
        say(format!("end {i} {}", reply.encode()))?;
    }
    say("done".to_owned())
}
