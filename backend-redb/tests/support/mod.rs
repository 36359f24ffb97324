//! What the operator tests share: child processes (this test binary run again in a role), their
//! signals, and the checks on what an operator reads.
//!
//! A child runs one `#[test] fn child()` of the same test binary with [`ROLE`] and [`FILE`] set;
//! that test does nothing when they are not. It reports facts on stdout as lines starting with
//! [`MARK`], so that the test harness's own lines are skipped.

#![allow(dead_code)]

use std::env;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, ChildStdout, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use podstate_api::StateError;
use rustix::process::{Pid, Signal, kill_process};

/// The role of a child process.
pub const ROLE: &str = "PODSTATE_REDB_TEST_ROLE";
/// The database file of a child process.
pub const FILE: &str = "PODSTATE_REDB_TEST_FILE";
/// What a child prints before each fact it reports.
pub const MARK: &str = "@@ ";
/// The user a check "as a user who cannot write the file" runs as, when the tests run as root.
pub const NOBODY: u32 = 65534;

/// The role and file of this process when it is a child, `None` in the test process itself.
pub fn role() -> Option<(String, PathBuf)> {
    let role = env::var(ROLE).ok()?;
    let file = PathBuf::from(env::var(FILE).expect("a child's file"));
    Some((role, file))
}

/// Reports a fact to the parent.
pub fn say(fact: &str) {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{MARK}{fact}").expect("stdout");
    out.flush().expect("stdout");
}

/// Whether this process runs as root (then "a user who cannot write" is a child with a dropped
/// uid; otherwise file modes do).
pub fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// A child process of this test binary in one role; killed when dropped.
pub struct Child {
    child: std::process::Child,
    input: Option<ChildStdin>,
    output: BufReader<ChildStdout>,
}

impl Child {
    /// Starts the `child` test of this binary in `role` on `file`.
    pub fn start(role: &str, file: &Path) -> Child {
        Child::start_as(role, file, None)
    }

    /// As [`start`](Child::start), as user `uid` (with group `uid`) when given. Supplementary
    /// groups are inherited: the files the tests make are not group-writable.
    pub fn start_as(role: &str, file: &Path, uid: Option<u32>) -> Child {
        let mut command = Command::new(env::current_exe().expect("the test binary"));
        command
            .args(["child", "--exact", "--nocapture", "--test-threads=1"])
            .env(ROLE, role)
            .env(FILE, file)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped());
        if let Some(uid) = uid {
            command.uid(uid).gid(uid);
        }
        let mut child = command.spawn().expect("a child process");
        let input = child.stdin.take();
        let output = BufReader::new(child.stdout.take().expect("stdout"));
        Child {
            child,
            input,
            output,
        }
    }

    /// The next fact the child reports; panics if it exits first.
    pub fn next(&mut self) -> String {
        loop {
            let mut line = String::new();
            let read = self
                .output
                .read_line(&mut line)
                .expect("the child's output");
            assert!(read > 0, "the child ended without reporting");
            // The harness starts its own line ("test child ... ") before the first fact.
            if let Some((_, fact)) = line.split_once(MARK) {
                return fact.trim_end().to_owned();
            }
        }
    }

    /// Waits for the fact `fact`.
    pub fn expect(&mut self, fact: &str) {
        assert_eq!(self.next(), fact);
    }

    /// Sends the child one line on its stdin.
    pub fn tell(&mut self, line: &str) {
        let input = self.input.as_mut().expect("the child's stdin");
        writeln!(input, "{line}").expect("the child's stdin");
        input.flush().expect("the child's stdin");
    }

    /// The child's process ID.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    fn rustix_pid(&self) -> Pid {
        Pid::from_raw(self.child.id() as i32).expect("a pid")
    }

    /// The child's command name, as `/proc/PID/comm` gives it.
    pub fn comm(&self) -> String {
        std::fs::read_to_string(format!("/proc/{}/comm", self.pid()))
            .expect("the child's comm")
            .trim_end()
            .to_owned()
    }

    /// Stops the child (SIGSTOP) and waits until it is stopped.
    pub fn stop(&self) {
        kill_process(self.rustix_pid(), Signal::STOP).expect("SIGSTOP");
        self.wait_stopped();
    }

    /// Waits until the child is stopped (it may stop itself), at most 20 s.
    pub fn wait_stopped(&self) {
        let start = Instant::now();
        while !self.stopped() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "the child did not stop"
            );
            thread::sleep(Duration::from_millis(1));
        }
    }

    /// Whether the child is stopped (state `T` in `/proc/PID/stat`).
    pub fn stopped(&self) -> bool {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap_or_default();
        stat.rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('T'))
    }

    /// Lets a stopped child run again (SIGCONT).
    pub fn resume(&self) {
        kill_process(self.rustix_pid(), Signal::CONT).expect("SIGCONT");
    }

    /// Kills the child (SIGKILL) and reaps it: a process that dies without closing anything.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }

    /// Closes the child's stdin and waits for it to exit, whatever its end.
    pub fn wait_exit(mut self) -> std::process::ExitStatus {
        drop(self.input.take());
        std::io::copy(&mut self.output, &mut std::io::sink()).expect("the child's output");
        self.child.wait().expect("the child's exit")
    }

    /// Closes the child's stdin and waits for it to exit; asserts it succeeded.
    pub fn finish(mut self) {
        drop(self.input.take());
        let status = self.child.wait().expect("the child's exit");
        assert!(status.success(), "the child failed: {status}");
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        let _ = kill_process(self.rustix_pid(), Signal::CONT);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Asserts what every message an operator meets must be: one line, naming the file.
pub fn assert_one_line_naming(err: &StateError, file: &Path) {
    let message = err.message();
    assert!(!message.contains('\n'), "more than one line: {message:?}");
    let name = file.display().to_string();
    assert!(message.contains(&name), "{message} does not name {name}");
}
