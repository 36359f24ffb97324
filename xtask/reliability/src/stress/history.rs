//! The history of a stress run: every call of every thread of every process, with its start
//! and end on one monotonic clock and its reply, split into windows at the barriers.

use std::fmt::Write as _;

use podstate_conformance::checker::Op;
use serde::Serialize;

use crate::oracle::Reply;

/// `CLOCK_MONOTONIC` in nanoseconds: one clock for every process of the machine.
pub fn now_ns() -> u64 {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
    u64::try_from(t.tv_sec).unwrap_or(0) * 1_000_000_000 + u64::try_from(t.tv_nsec).unwrap_or(0)
}

/// One call as a worker thread saw it.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    /// The worker thread (numbered over all processes).
    pub thread: usize,
    /// Its position in the thread's operations.
    pub index: usize,
    /// The handle of the thread it ran on.
    pub handle: usize,
    /// The handle's namespace when it ran.
    pub namespace: String,
    /// The call.
    pub op: Op,
    /// When it started, ns.
    pub start: u64,
    /// When it returned, ns.
    pub end: u64,
    /// What it answered.
    #[serde(serialize_with = "encode_reply")]
    pub reply: Reply,
}

fn encode_reply<S: serde::Serializer>(reply: &Reply, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&reply.encode())
}

/// What a worker writes for a call: `op THREAD INDEX START END REPLY`.
pub fn record(thread: usize, index: usize, start: u64, end: u64, reply: &Reply) -> String {
    format!("op {thread} {index} {start} {end} {}", reply.encode())
}

/// A call as a record line carries it: thread, index, start, end, reply.
pub type Record = (usize, usize, u64, u64, Reply);

/// The fields of a record line.
pub fn parse_record(line: &str) -> Option<Record> {
    let mut words = line.split(' ');
    if words.next()? != "op" {
        return None;
    }
    let thread = words.next()?.parse().ok()?;
    let index = words.next()?.parse().ok()?;
    let start = words.next()?.parse().ok()?;
    let end = words.next()?.parse().ok()?;
    let reply = Reply::decode(words.next()?)?;
    Some((thread, index, start, end, reply))
}

/// Prints `events` as a numbered list in start order, times relative to the first start: the
/// history of a window that failed.
pub fn describe(events: &[Event]) -> String {
    let mut sorted: Vec<&Event> = events.iter().collect();
    sorted.sort_by_key(|e| (e.start, e.thread));
    let origin = sorted.first().map_or(0, |e| e.start);
    let mut out = String::new();
    for (i, e) in sorted.iter().enumerate() {
        let _ = writeln!(
            out,
            "{i:>4}. t{}#{} [{:>8.1} .. {:>8.1} µs] h{} ns {:?} {} -> {}",
            e.thread,
            e.index,
            (e.start - origin) as f64 / 1e3,
            (e.end - origin) as f64 / 1e3,
            e.handle,
            e.namespace,
            e.op,
            e.reply.encode()
        );
    }
    out
}
