//! What a stress worker writes for each call, on the one clock every process shares. The
//! history itself ([`Event`]) and its search live in `podstate-conformance`'s `concurrent`
//! module, which the conformance suite's concurrent class uses too.

pub use podstate_conformance::concurrent::{Event, describe};

use crate::oracle::Reply;

/// `CLOCK_MONOTONIC` in nanoseconds: one clock for every process of the machine.
pub fn now_ns() -> u64 {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
    u64::try_from(t.tv_sec).unwrap_or(0) * 1_000_000_000 + u64::try_from(t.tv_nsec).unwrap_or(0)
}

/// A call as a record line carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The worker thread, numbered over all processes.
    pub thread: usize,
    /// Its position in the thread's operations.
    pub index: usize,
    /// When it started, ns.
    pub start: u64,
    /// When it returned, ns.
    pub end: u64,
    /// What it answered.
    pub reply: Reply,
    /// The error's message (empty for `Ok`): a lock timeout must name its holder.
    pub message: String,
}

/// What a worker writes for a call: `op THREAD INDEX START END REPLY MESSAGE`, the message on
/// one line.
pub fn record(r: &Record) -> String {
    format!(
        "op {} {} {} {} {} {}",
        r.thread,
        r.index,
        r.start,
        r.end,
        r.reply.encode(),
        r.message.replace('\n', " ")
    )
}

/// The record a line holds.
pub fn parse_record(line: &str) -> Option<Record> {
    let mut words = line.splitn(7, ' ');
    if words.next()? != "op" {
        return None;
    }
    Some(Record {
        thread: words.next()?.parse().ok()?,
        index: words.next()?.parse().ok()?,
        start: words.next()?.parse().ok()?,
        end: words.next()?.parse().ok()?,
        reply: Reply::decode(words.next()?)?,
        message: words.next().unwrap_or_default().to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_survive_the_pipe_with_their_message() {
        let r = Record {
            thread: 3,
            index: 7,
            start: 10,
            end: 20,
            reply: Reply {
                outcome: "Io".into(),
                value: 0,
            },
            message: "held by process 42:\nwaited 1 s".into(),
        };
        let back = parse_record(&record(&r)).unwrap();
        assert_eq!(back.message, "held by process 42: waited 1 s");
        assert_eq!(back.reply, r.reply);
        assert_eq!(
            (back.thread, back.index, back.start, back.end),
            (3, 7, 10, 20)
        );
    }
}
