//! One window: each thread's calls on its own handle, all threads starting together, every
//! call timed on one clock and checked against the kinds the contract allows it.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Barrier, OnceLock};
use std::time::{Duration, Instant};

use podstate_api::State;
use podstate_api::raw::panic_message;

use super::history::{Event, Reply};
use crate::calls::Outcome;
use crate::checker::{Answer, HandleOp, Op, call, each_call};

/// How the threads of a window pace their calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// Each thread runs its calls one after another as fast as it can: a fast thread's many
    /// calls can overlap one slow call of another.
    Free,
    /// The `i`-th calls of all threads start together (a barrier before each): every call
    /// meets a call of every other thread, however fast the writers are.
    Lockstep,
    /// Each call starts when its slot says (ns after the window began), as it did in a
    /// failing window: the shrinking's reruns, which must meet the calls the way they met.
    Timed,
}

/// A thread's call in a window and when a [`Pace::Timed`] run starts it; `None` is a call the
/// shrinking left out, which keeps its round in lockstep.
pub(super) type Slot = Option<(HandleOp, u64)>;

/// Runs `ops[t]` on `handles[t]` (which is in namespace `namespaces[t]`), all threads starting
/// together, at `pace`; answers every call as an [`Event`] on one clock, and what was outside
/// the contract (an error the call may not answer, `Io`, `Corrupt`, a panic), each with its
/// call (thread, index). An empty slot makes no call.
pub(super) fn run_window(
    handles: &[&dyn State],
    ops: &[Vec<Slot>],
    namespaces: &[String],
    pace: Pace,
) -> (Vec<Event>, Vec<Problem>) {
    let barrier = Barrier::new(ops.len());
    let rounds = ops.iter().map(Vec::len).max().unwrap_or(0);
    // The clock starts once every thread is running (the last to arrive at the barrier sets
    // it), so that call times do not include the threads' start.
    let origin = OnceLock::new();
    let clock = || {
        let origin: &Instant = origin.get_or_init(Instant::now);
        u64::try_from(origin.elapsed().as_nanos()).unwrap_or(u64::MAX)
    };
    let per_thread: Vec<(Vec<Event>, Vec<Problem>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = ops
            .iter()
            .enumerate()
            .map(|(thread, ops)| {
                let (handle, barrier, clock) = (handles[thread], &barrier, &clock);
                let mut ns = namespaces[thread].clone();
                scope.spawn(move || {
                    let mut events = Vec::with_capacity(ops.len());
                    let mut problems = Vec::new();
                    if barrier.wait().is_leader() {
                        clock();
                    }
                    barrier.wait();
                    for index in 0..rounds {
                        if pace == Pace::Lockstep && index > 0 {
                            barrier.wait();
                        }
                        let Some(Some((step, at))) = ops.get(index) else {
                            continue;
                        };
                        if pace == Pace::Timed {
                            wait_until(*at, clock);
                        }
                        let start = clock();
                        let answer = catch_unwind(AssertUnwindSafe(|| call(handle, &step.op)))
                            .unwrap_or_else(|p| {
                                Answer::Broken(format!("panicked: {}", panic_message(&*p)))
                            });
                        let end = clock();
                        if let Some(why) = outside_contract(&step.op, &answer) {
                            let said = format!("t{thread}#{index} {}: {why}", step.op);
                            problems.push(((thread, index), said));
                        }
                        let shown = match (answer.outcome(), answer.message()) {
                            (Some(Outcome::Err(kind)), Some(message)) => {
                                format!("{kind}: {message}")
                            }
                            _ => answer.to_string(),
                        };
                        events.push(Event {
                            thread,
                            index,
                            handle: step.handle,
                            namespace: ns.clone(),
                            op: step.op.clone(),
                            start,
                            end,
                            reply: Reply::of(&answer),
                            shown,
                        });
                        if let (Op::SetNamespace { ns: next }, Answer::Ok(_)) = (&step.op, &answer)
                        {
                            ns = next.clone();
                        }
                    }
                    (events, problems)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_default())
            .collect()
    });
    let mut events = Vec::new();
    let mut problems = Vec::new();
    for (e, p) in per_thread {
        events.extend(e);
        problems.extend(p);
    }
    (events, problems)
}

/// Waits until `clock` reads `at`: sleeps while it is far, then yields, for a start within a
/// few µs of the one asked.
fn wait_until(at: u64, clock: &dyn Fn() -> u64) {
    loop {
        let now = clock();
        match at.saturating_sub(now) {
            0 => return,
            left if left > 200_000 => std::thread::sleep(Duration::from_nanos(left - 100_000)),
            // Yield rather than spin: a spinning thread would take the core of a thread whose
            // call is running.
            _ => std::thread::yield_now(),
        }
    }
}

/// Why `answer` is outside what the contract allows `op` on a working store with nothing
/// injected, if it is; a batch's calls are judged one by one.
fn outside_contract(op: &Op, answer: &Answer) -> Option<String> {
    each_call(op, answer).into_iter().find_map(|(op, answer)| {
        let outcome = match answer.outcome() {
            None => return Some(answer.to_string()),
            Some(outcome) => outcome,
        };
        let Outcome::Err(kind) = outcome else {
            return None;
        };
        (kind.is_fault() || !op.allows(outcome)).then(|| {
            let message = answer.message().unwrap_or_default();
            format!(
                "{} answered {kind} ({message}), which it may not answer here",
                op.name()
            )
        })
    })
}

/// An answer outside the contract: the call (thread, index) and what it answered.
pub(super) type Problem = ((usize, usize), String);
