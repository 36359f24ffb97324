//! A concurrent history: every call of every thread (or process) with its start and end on one
//! monotonic clock and what it answered, as the linearizability search reads it.

use std::fmt::Write as _;

use serde::Serialize;

use crate::checker::{Answer, Op};

/// An answer as the search compares it and a pipe carries it: the outcome (`Ok` or the error
/// kind; messages are free) and, for `Ok`, a fingerprint of the value's JSON. Two replies agree
/// when both are equal, so a child process need not send whole containers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// `Ok`, an error kind's name, or `BROKEN` (a panic, which agrees with nothing).
    pub outcome: String,
    /// FNV-1a of the value's JSON (0 for errors).
    pub value: u64,
}

impl Reply {
    /// The reply of `answer`.
    pub fn of(answer: &Answer) -> Reply {
        match answer {
            Answer::Ok(value) => Reply {
                outcome: "Ok".to_owned(),
                value: fingerprint(serde_json::to_string(value).unwrap_or_default().as_bytes()),
            },
            Answer::Err { kind, .. } => Reply {
                outcome: kind.name().to_owned(),
                value: 0,
            },
            Answer::Broken(why) => Reply {
                outcome: "BROKEN".to_owned(),
                value: fingerprint(why.as_bytes()),
            },
            // The batch's own outcome, and a fingerprint of every reply inside and its own: two
            // batches agree when all their calls do. A broken call inside breaks the batch.
            Answer::Batch { calls, answer } => {
                let own = Reply::of(answer);
                let inside: Vec<Reply> = calls.iter().map(Reply::of).collect();
                let words: Vec<String> = inside.iter().chain([&own]).map(Reply::encode).collect();
                let broken = inside.iter().any(|r| r.outcome == "BROKEN");
                Reply {
                    outcome: if broken {
                        "BROKEN".to_owned()
                    } else {
                        own.outcome
                    },
                    value: fingerprint(format!("batch {}", words.join(" ")).as_bytes()),
                }
            }
        }
    }

    /// One word for a pipe: `outcome:value`.
    pub fn encode(&self) -> String {
        format!("{}:{:016x}", self.outcome, self.value)
    }

    /// The reply `encode` wrote.
    pub fn decode(word: &str) -> Option<Reply> {
        let (outcome, value) = word.split_once(':')?;
        Some(Reply {
            outcome: outcome.to_owned(),
            value: u64::from_str_radix(value, 16).ok()?,
        })
    }

    /// Whether both are the same answer (a broken answer agrees with nothing).
    pub fn agrees_with(&self, other: &Reply) -> bool {
        self.outcome != "BROKEN" && self == other
    }

    /// Whether the call answered `Io`.
    pub fn is_io(&self) -> bool {
        self.outcome == "Io"
    }
}

/// FNV-1a, 64 bits: stable across processes and builds.
pub fn fingerprint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// One call as the thread that made it saw it.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    /// The thread (numbered over all processes of a run).
    pub thread: usize,
    /// Its position in the thread's operations.
    pub index: usize,
    /// The handle of the thread it ran on.
    pub handle: usize,
    /// The handle's namespace when it ran.
    pub namespace: String,
    /// The call.
    pub op: Op,
    /// When it started, ns on the run's clock.
    pub start: u64,
    /// When it returned, ns on the same clock.
    pub end: u64,
    /// What it answered.
    #[serde(serialize_with = "encode_reply")]
    pub reply: Reply,
    /// The answer for people: its short form, or the error's message.
    pub shown: String,
}

fn encode_reply<S: serde::Serializer>(reply: &Reply, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&reply.encode())
}

/// Prints `events` as a numbered list in start order, times in µs from the first start: the
/// history of a window that failed.
pub fn describe(events: &[Event]) -> String {
    let mut sorted: Vec<&Event> = events.iter().collect();
    sorted.sort_by_key(|e| (e.start, e.thread));
    let origin = sorted.first().map_or(0, |e| e.start);
    let mut out = String::new();
    for (i, e) in sorted.iter().enumerate() {
        let ns = match e.namespace.as_str() {
            "" => String::new(),
            ns => format!(" ns {ns:?}"),
        };
        let _ = writeln!(
            out,
            "{i:>4}. t{}#{} [{:>9.1} .. {:>9.1} µs]{ns} {} -> {}",
            e.thread,
            e.index,
            (e.start - origin) as f64 / 1e3,
            (e.end - origin) as f64 / 1e3,
            e.op,
            e.shown
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checker::Value;
    use podstate_api::ErrorKind;

    #[test]
    fn replies_survive_the_pipe_and_agree_by_kind_and_value() {
        let ok = Reply::of(&Answer::Ok(Value::Text("x".into())));
        assert_eq!(Reply::decode(&ok.encode()), Some(ok.clone()));
        assert!(!ok.agrees_with(&Reply::of(&Answer::Ok(Value::Text("y".into())))));
        let io = Reply::of(&Answer::Err {
            kind: ErrorKind::Io,
            message: "disk".into(),
        });
        assert!(io.is_io());
        let broken = Reply::of(&Answer::Broken("panic".into()));
        assert!(!broken.agrees_with(&broken));
    }

    #[test]
    fn a_batch_reply_is_its_own_outcome_and_agrees_only_when_every_call_inside_does() {
        let batch = |inside: Answer| Answer::Batch {
            calls: vec![Answer::Ok(Value::Unit), inside],
            answer: Box::new(Answer::Ok(Value::Unit)),
        };
        let ok = Reply::of(&batch(Answer::Ok(Value::Bool(true))));
        assert_eq!(ok.outcome, "Ok");
        assert_eq!(Reply::decode(&ok.encode()), Some(ok.clone()));
        assert!(ok.agrees_with(&Reply::of(&batch(Answer::Ok(Value::Bool(true))))));
        assert!(!ok.agrees_with(&Reply::of(&batch(Answer::Ok(Value::Bool(false))))));
        let missing = Reply::of(&batch(Answer::Err {
            kind: ErrorKind::NoSuchCtr,
            message: "gone".into(),
        }));
        assert_eq!(missing.outcome, "Ok");
        assert!(!ok.agrees_with(&missing));
        let broken = Reply::of(&batch(Answer::Broken("panic".into())));
        assert_eq!(broken.outcome, "BROKEN");
    }
}
