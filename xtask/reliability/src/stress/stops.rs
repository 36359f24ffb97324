//! Stopped processes (issue 16, "the judge looks where operators look"): an operator presses
//! Ctrl-Z on a `podman ps`, a debugger stops a runtime, the kernel freezes a cgroup. During a
//! stress run with stops, once per window a random worker process still busy in the window (in
//! hot mode a reader and a writer in turn) is stopped with SIGSTOP at a random moment and let go
//! with SIGCONT after 1.5 to 2.5 lock timeouts, so that a process it holds up must give up
//! before it comes back. The next window starts only after that.
//!
//! What the other processes saw is then judged from the history:
//!
//! * **no wait longer than the lock timeout**: a call of a process that was not itself stopped
//!   meanwhile takes at most the lock timeout plus a slack for its own work
//!   ([`StopConfig::slack`]);
//! * **a lock timeout names a stopped holder**: an `Io` answer is allowed only while another
//!   process is stopped, and its message must name the process ID of one that was stopped
//!   during the call; or when the caller itself was stopped during the call (its wait's clock
//!   ran on meanwhile: it waited for its own stop). Such a call failed and changed nothing, so
//!   the search leaves it out.
//!
//! The report gives the longest wait any other process saw and the waits a stopped *reader*
//! caused (SPEC §3: only a write holds others up): calls that overlapped a reader's stop and
//! answered a timeout naming it or took half the lock timeout or more.

use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use podstate_conformance::concurrent::{Event, Role};
use rustix::process::{Pid, Signal, kill_process};

use super::history::now_ns;
use crate::rng::Rng;

/// How a run stops its processes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StopConfig {
    /// A call may take the lock timeout plus this much (its own work, the machine's
    /// scheduling) before it counts as a wait past the timeout.
    pub slack: Duration,
}

/// One stop of a worker process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stop {
    /// The worker process, by index.
    pub proc: usize,
    /// Its process ID.
    pub pid: u32,
    /// What it does (`None`: both, the generated cases).
    pub role: Option<Role>,
    /// When SIGSTOP was sent, ns on the run's clock.
    pub start: u64,
    /// When SIGCONT was sent.
    pub end: u64,
}

/// What the stops did to the others.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StopFigures {
    /// Stops made.
    pub stops: usize,
    /// Of which of readers.
    pub reader_stops: usize,
    /// Of which of writers.
    pub writer_stops: usize,
    /// The longest call of a process that was not stopped during it.
    pub longest_wait: Duration,
    /// Calls held up by a stopped reader.
    pub reader_waits: usize,
    /// The first few of them, for people.
    pub reader_wait_examples: Vec<String>,
    /// Calls that gave up on a lock held by a stopped process, naming it.
    pub timeouts: usize,
    /// Calls of a stopped process that timed out because their wait ran on while they were
    /// stopped (allowed: the wait was their own stop).
    pub own_timeouts: usize,
}

/// The stopper's side of the parent: which processes are busy in the current window (not
/// waiting at its barrier, not finished), set by the parent as their lines come in.
pub type Busy = Arc<Mutex<Vec<bool>>>;

/// Starts the stopper: for every message on `windows` (a window began), after up to 2 ms, it
/// stops one of `procs` (index, process ID, role) that is still `busy` in the window (a reader
/// and a writer in turn), holds it
/// `lock_timeout` x 1.5 to 2.5, lets it go and says so on `done`, before which the parent
/// starts no other window (so no stop outlasts its window). Answers the stops made once
/// `windows` closes.
pub fn stopper(
    procs: Vec<(usize, u32, Option<Role>)>,
    (seed, lock_timeout): (u64, Duration),
    busy: Busy,
    windows: Receiver<()>,
    done: Sender<()>,
) -> JoinHandle<Vec<Stop>> {
    thread::spawn(move || {
        let mut rng = Rng::new(seed ^ 0x5709);
        let mut stops = Vec::new();
        let timeout = u64::try_from(lock_timeout.as_micros()).unwrap_or(u64::MAX);
        let mut window = 0;
        while windows.recv().is_ok() {
            // Readers and writers in turn: a reader's window ends sooner, and a stop picks only
            // a process still busy in it.
            let want = [Role::Reader, Role::Writer][window % 2];
            window += 1;
            let pick = rng.below(procs.len() as u64) as usize;
            thread::sleep(Duration::from_micros(rng.below(2_000)));
            if let Some(stop) = stop_one(&procs, (want, pick), &busy, || {
                Duration::from_micros(rng.between(timeout * 3 / 2, timeout * 5 / 2))
            }) {
                stops.push(stop);
            }
            if done.send(()).is_err() {
                break;
            }
        }
        stops
    })
}

/// Stops the `pick`-th busy process of role `want` (of any role when none is busy), for
/// `hold()`; the stop made.
fn stop_one(
    procs: &[(usize, u32, Option<Role>)],
    (want, pick): (Role, usize),
    busy: &Busy,
    hold: impl FnOnce() -> Duration,
) -> Option<Stop> {
    let busy_now = busy.lock().unwrap_or_else(PoisonError::into_inner).clone();
    let candidates: Vec<&(usize, u32, Option<Role>)> = procs
        .iter()
        .filter(|(proc, _, _)| busy_now.get(*proc) == Some(&true))
        .collect();
    let wanted: Vec<_> = candidates
        .iter()
        .copied()
        .filter(|(_, _, role)| role.is_none_or(|r| r == want))
        .collect();
    let from = if wanted.is_empty() {
        &candidates
    } else {
        &wanted
    };
    let &(proc, pid, role) = *from.get(pick % from.len().max(1))?;
    let target = Pid::from_raw(i32::try_from(pid).ok()?)?;
    // The stop's bounds are taken on the safe side: from before SIGSTOP is sent until before
    // SIGCONT is, so that no call of the process made outside the stop counts as inside it.
    let start = now_ns();
    kill_process(target, Signal::STOP).ok()?; // it has finished
    thread::sleep(hold());
    let end = now_ns();
    // A process left stopped would hang the run: try again until the signal is sent.
    while kill_process(target, Signal::CONT).is_err_and(|e| e != rustix::io::Errno::SRCH) {
        thread::sleep(Duration::from_millis(1));
    }
    Some(Stop {
        proc,
        pid,
        role,
        start,
        end,
    })
}

/// Judges every call against the stops: fills `figures`, answers the failures, and drops from
/// `windows` the calls that failed on a lock held by a stopped process (they changed nothing).
/// `proc_of` maps a thread to its process.
pub fn judge(
    windows: &mut [Vec<Event>],
    stops: &[Stop],
    proc_of: &dyn Fn(usize) -> usize,
    lock_timeout: Duration,
    config: StopConfig,
    figures: &mut StopFigures,
) -> Vec<String> {
    figures.stops = stops.len();
    figures.reader_stops = stops
        .iter()
        .filter(|s| s.role == Some(Role::Reader))
        .count();
    figures.writer_stops = stops
        .iter()
        .filter(|s| s.role == Some(Role::Writer))
        .count();
    let limit = lock_timeout + config.slack;
    let mut failures = Vec::new();
    for window in windows.iter_mut() {
        window.retain(|e| {
            let proc = proc_of(e.thread);
            let overlaps = |s: &&Stop| s.start < e.end && e.start < s.end;
            let own = stops.iter().filter(overlaps).any(|s| s.proc == proc);
            let others: Vec<&Stop> = stops
                .iter()
                .filter(overlaps)
                .filter(|s| s.proc != proc)
                .collect();
            let took = Duration::from_nanos(e.end - e.start);
            let stopped = describe_stops(&others);
            if !own {
                figures.longest_wait = figures.longest_wait.max(took);
                if took > limit {
                    failures.push(format!(
                        "t{}#{} {} (process {proc}) took {:.2} s: a wait longer than the lock \
                         timeout of {:.2} s (other processes stopped during the call: {stopped}; \
                         it answered {})",
                        e.thread,
                        e.index,
                        e.op,
                        took.as_secs_f64(),
                        lock_timeout.as_secs_f64(),
                        e.shown
                    ));
                }
            }
            let named = others.iter().find(|s| names(&e.shown, s.pid));
            let reader = others.iter().find(|s| s.role == Some(Role::Reader));
            let mut held_by_reader = |reader: &Stop| {
                figures.reader_waits += 1;
                if figures.reader_wait_examples.len() < 3 {
                    figures.reader_wait_examples.push(format!(
                        "t{}#{} {} (process {proc}{}) took {:.0} ms while reader process {} was \
                         stopped: {}",
                        e.thread,
                        e.index,
                        e.op,
                        match own {
                            true => ", itself stopped during the call too",
                            false => "",
                        },
                        took.as_secs_f64() * 1e3,
                        reader.proc,
                        e.shown
                    ));
                }
            };
            if !e.reply.is_io() {
                if let Some(reader) = reader.filter(|_| took >= lock_timeout / 2) {
                    held_by_reader(reader);
                }
                return true;
            }
            match named {
                Some(holder) => {
                    figures.timeouts += 1;
                    if holder.role == Some(Role::Reader) {
                        held_by_reader(holder);
                    }
                }
                // Its own clock ran on while it was stopped: a timeout of the stopped caller
                // itself is no one's wait.
                None if own => figures.own_timeouts += 1,
                None => failures.push(format!(
                    "t{}#{} {} (process {proc}) answered Io: {:?}, which names no stopped holder \
                     (other processes stopped during the call: {})",
                    e.thread, e.index, e.op, e.shown, stopped,
                )),
            }
            false
        });
    }
    failures
}

/// The stops of `others`, for people.
fn describe_stops(others: &[&Stop]) -> String {
    match others.is_empty() {
        true => "none".to_owned(),
        false => others
            .iter()
            .map(|s| format!("process {} pid {} ({})", s.proc, s.pid, role(s.role)))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// Whether `message` names process ID `pid` (as a number of its own, not inside another).
fn names(message: &str, pid: u32) -> bool {
    message
        .split(|c: char| !c.is_ascii_digit())
        .any(|word| word.parse() == Ok(pid))
}

/// A role for people.
pub fn role(role: Option<Role>) -> &'static str {
    match role {
        Some(Role::Reader) => "reader",
        Some(Role::Writer) => "writer",
        None => "reader and writer",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_holder_is_named_by_its_whole_process_id() {
        assert!(names("held by process 4242, 17: gave up", 17));
        assert!(names("held by process 4242, 17: gave up", 4242));
        assert!(!names("held by process 4242", 424));
        assert!(!names("held by another connection", 1));
    }
}
