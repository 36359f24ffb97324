//! Shrinking a failing window. A concurrent failure does not replay: the same calls may or may
//! not meet the same way again. So a smaller set of calls counts as failing when one of several
//! reruns (on a fresh store restored to the window's start) fails, and the shortest failing
//! history any rerun produced is what the report prints.
//!
//! The passes: where the failure shows at one call (an answer outside the contract, or the call
//! no order fits), every call that started after it ended, and every other read, since reads
//! change nothing; then the shortest prefix of every thread's calls (the first `r` of each, by
//! bisection) that still fails; then runs of calls, then single calls, while the rest still
//! fails. A call left
//! out leaves its slot empty, so that in a lockstep window the calls after it still start with
//! the same calls of the other threads.

use std::time::{Duration, Instant};

use podstate_api::State;
use podstate_api::dump::dump;
use podstate_api::snapshot::Snapshot;

use super::config::ConcurrentConfig;
use super::history::Event;
use super::judge::{Judged, judge, open};
use super::window::{Pace, Slot, run_window};
use crate::factory::BackendFactory;

/// Reruns of one candidate before it counts as passing (at least; more while they take less than
/// [`CANDIDATE_TIME`]): half of them timed as the failing window was ([`Pace::Timed`]), half at
/// the window's own pace.
const RERUNS: usize = 40;

/// How long a candidate is rerun at least: a small candidate reruns fast, and many reruns make
/// a failure that meets only now and then show.
const CANDIDATE_TIME: Duration = Duration::from_millis(50);

/// A failing history, why it fails, and the call (thread, index) where it shows, if one does.
pub(super) type Found = (Vec<Event>, String, Option<(usize, usize)>);

/// Shrinks the failing window whose threads ran `ops` at `pace` from `start` (the store's
/// snapshot, and thread `t` in namespace `namespaces[t]`), which first failed as `first`;
/// answers the shortest failing history found and why it fails. Takes at most
/// `config.shrink_time`.
pub(super) fn shrink(
    factory: &dyn BackendFactory,
    (start, namespaces): (&Snapshot, &[String]),
    ops: &[Vec<Slot>],
    pace: Pace,
    first: Found,
    config: &ConcurrentConfig,
) -> (Vec<Event>, String) {
    // Every call as it started in the failing window, for the timed reruns.
    let mut slots = ops.to_vec();
    for e in &first.0 {
        if let Some(Some((_, at))) = slots.get_mut(e.thread).and_then(|t| t.get_mut(e.index)) {
            *at = e.start;
        }
    }
    let point = first.2.and_then(|(t, i)| {
        let e = first.0.iter().find(|e| (e.thread, e.index) == (t, i))?;
        Some(((t, i), e.end))
    });
    let mut rerun = Rerun {
        factory,
        start,
        namespaces,
        pace,
        config,
        deadline: Instant::now() + config.shrink_time,
        best: first,
    };
    // Pass 1: where the failure shows at one call, what started after that call ended cannot
    // have caused it; and reads change nothing, so unless the evidence is a read the writes
    // fail alone. Then the shortest prefix of rounds that fails.
    if let Some(((t, i), end)) = point {
        let before = |slots: &[Vec<Slot>], writes_only: bool| -> Vec<Vec<Slot>> {
            let mut kept = slots.to_vec();
            for (u, thread) in kept.iter_mut().enumerate() {
                for (j, slot) in thread.iter_mut().enumerate() {
                    let keep = slot.as_ref().is_some_and(|(op, at)| {
                        (u, j) == (t, i) || *at < end && (op.op.may_write() || !writes_only)
                    });
                    if !keep {
                        *slot = None;
                    }
                }
            }
            kept
        };
        for writes_only in [true, false] {
            let fewer = before(&slots, writes_only);
            if rerun.fails(&fewer) {
                slots = fewer;
                break;
            }
        }
    }
    let (mut lo, mut hi) = (1, slots.iter().map(Vec::len).max().unwrap_or(0));
    while lo < hi && !rerun.out_of_time() {
        let mid = (lo + hi) / 2;
        let prefix: Vec<Vec<Slot>> = slots
            .iter()
            .map(|o| o[..mid.min(o.len())].to_vec())
            .collect();
        match rerun.fails(&prefix) {
            true => hi = mid,
            false => lo = mid + 1,
        }
    }
    for thread in &mut slots {
        thread.truncate(hi);
    }
    // Pass 2: runs of filled slots emptied, halving the run.
    let mut chunk = filled(&slots).len() / 2;
    let mut progress = false;
    while chunk >= 1 && !rerun.out_of_time() {
        let mut at = 0;
        loop {
            let calls = filled(&slots);
            if at >= calls.len() || rerun.out_of_time() {
                break;
            }
            let mut fewer = slots.clone();
            for &(t, i) in &calls[at..(at + chunk).min(calls.len())] {
                fewer[t][i] = None;
            }
            match rerun.fails(&fewer) {
                true => {
                    slots = fewer;
                    progress = true;
                }
                false => at += chunk,
            }
        }
        // Single calls again while that still finds one to leave out: a rerun that missed a
        // failure by chance may hit it now.
        if chunk > 1 || !std::mem::take(&mut progress) {
            chunk /= 2;
        }
    }
    let (history, why, _) = rerun.best;
    (history, why)
}

/// The filled slots (thread, index) of `slots`.
fn filled(slots: &[Vec<Slot>]) -> Vec<(usize, usize)> {
    let mut at = Vec::new();
    for (t, thread) in slots.iter().enumerate() {
        at.extend(
            (0..thread.len())
                .filter(|&i| thread[i].is_some())
                .map(|i| (t, i)),
        );
    }
    at
}

/// How candidates are run again, and the shortest failure seen.
struct Rerun<'a> {
    factory: &'a dyn BackendFactory,
    start: &'a Snapshot,
    namespaces: &'a [String],
    pace: Pace,
    config: &'a ConcurrentConfig,
    deadline: Instant,
    best: Found,
}

impl Rerun<'_> {
    fn out_of_time(&self) -> bool {
        Instant::now() > self.deadline
    }

    /// Reruns `ops` (per thread) until one run fails, keeping its history when it is the
    /// shortest yet; whether one did.
    fn fails(&mut self, ops: &[Vec<Slot>]) -> bool {
        let started = Instant::now();
        for attempt in 0.. {
            if self.out_of_time() || attempt >= RERUNS && started.elapsed() > CANDIDATE_TIME {
                return false;
            }
            // Every other rerun starts each call when it started in the failing window.
            let pace = match attempt % 2 {
                0 => Pace::Timed,
                _ => self.pace,
            };
            if let Some(found) = self.once(ops, pace) {
                if found.0.len() < self.best.0.len() {
                    self.best = found;
                }
                return true;
            }
        }
        false
    }

    /// One run of `ops` on a fresh store restored to the start; the history and why, if it
    /// failed.
    fn once(&self, ops: &[Vec<Slot>], pace: Pace) -> Option<Found> {
        let (store, observer, handles) = open(self.factory, ops.len()).ok()?;
        store.restore(self.start).ok()?;
        for (handle, ns) in handles.iter().zip(self.namespaces) {
            handle.set_namespace(ns).ok()?;
        }
        let before = dump(observer.as_ref()).ok()?;
        let handles: Vec<&dyn State> = handles.iter().map(AsRef::as_ref).collect();
        let (events, problems) = run_window(&handles, ops, self.namespaces, pace);
        let after = dump(observer.as_ref()).ok()?;
        // Judged as the window was, but an unsettled search is no failure, and quickly so.
        let budget = super::SearchBudget {
            steps: self.config.search.steps,
            time: self.config.search.time.min(Duration::from_secs(1)),
        };
        match judge(&events, problems, &before, &after, budget) {
            Judged::Failed(why, at) => Some((events, why, at)),
            _ => None,
        }
    }
}
