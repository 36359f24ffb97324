//! Fsyncs per durable commit, counted by the kernel's side of things: a worker that makes a
//! number of commits runs under `strace -f -c -e trace=fsync,fdatasync`, once with none and once
//! with K; the difference over K is what one commit costs (opening the database, creating it,
//! and the setup are the same in both runs and cancel out).

use anyhow::{Context, bail};
use std::path::Path;
use std::process::{Command, Stdio};

use serde::{Deserialize, Serialize};

use super::worker::Job;

/// The count for one subject and one kind of commit.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FsyncCount {
    /// The subject.
    pub subject: String,
    /// `add` or `save`.
    pub op: String,
    /// Commits counted.
    pub commits: usize,
    /// fsync + fdatasync calls per commit; `None` when strace is not installed.
    pub per_commit: Option<f64>,
}

/// Whether `strace` can run here.
pub fn strace_available() -> bool {
    Command::new("strace")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Counts the fsyncs of `commits` commits of kind `op` on `subject`, in fresh databases under
/// `dir`.
pub fn count(subject: &str, op: &str, commits: usize, dir: &Path) -> anyhow::Result<FsyncCount> {
    let mut per_commit = None;
    if strace_available() {
        let none = traced(subject, op, 0, &dir.join(format!("{subject}-{op}-0")))?;
        let many = traced(subject, op, commits, &dir.join(format!("{subject}-{op}-k")))?;
        per_commit = Some(many.saturating_sub(none) as f64 / commits.max(1) as f64);
    }
    Ok(FsyncCount {
        subject: subject.to_owned(),
        op: op.to_owned(),
        commits,
        per_commit,
    })
}

/// The fsync and fdatasync calls of one worker making `commits` commits in `dir`.
fn traced(subject: &str, op: &str, commits: usize, dir: &Path) -> anyhow::Result<u64> {
    let job = Job::Commits {
        subject: subject.to_owned(),
        op: op.to_owned(),
        commits,
        dir: dir.to_owned(),
    };
    of_job(&job, dir)
}

/// The fsync and fdatasync calls of a worker running `job`, whose files are in `dir` (made
/// first, removed after). Only those two calls stop the worker (`--seccomp-bpf`), so that
/// threads racing for a lock meet as they would untraced.
pub fn of_job(job: &Job, dir: &Path) -> anyhow::Result<u64> {
    std::fs::create_dir_all(dir).context("make a directory")?;
    let summary = dir.join("strace.txt");
    let exe = std::env::current_exe().context("find the xtask binary")?;
    let status = Command::new("strace")
        .args([
            "-f",
            "--seccomp-bpf",
            "-c",
            "-e",
            "trace=fsync,fdatasync",
            "-o",
        ])
        .arg(&summary)
        .arg(exe)
        .args(["bench-worker", "--job", &job.to_json()?])
        .stdout(Stdio::null())
        .status()
        .context("run strace")?;
    if !status.success() {
        bail!("a traced bench worker failed ({status}): {job:?}");
    }
    let text = std::fs::read_to_string(&summary).context("read strace's summary")?;
    let _ = std::fs::remove_dir_all(dir);
    Ok(parse_summary(&text))
}

/// The calls of `fsync` and `fdatasync` in a `strace -c` table (columns: % time, seconds,
/// usecs/call, calls, \[errors,\] syscall).
fn parse_summary(text: &str) -> u64 {
    text.lines()
        .filter_map(|line| {
            let cols: Vec<&str> = line.split_whitespace().collect();
            match cols.last() {
                Some(&"fsync" | &"fdatasync") => cols.get(3)?.parse::<u64>().ok(),
                _ => None,
            }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_strace_summaries_with_and_without_errors() {
        let text = "% time     seconds  usecs/call     calls    errors syscall\n\
                    ------ ----------- ----------- --------- --------- ----------------\n\
                     80.00    0.008000          26       300           fdatasync\n\
                     20.00    0.002000         100        20         1 fsync\n\
                    ------ ----------- ----------- --------- --------- ----------------\n\
                    100.00    0.010000          31       320         1 total\n";
        assert_eq!(parse_summary(text), 320);
    }
}
