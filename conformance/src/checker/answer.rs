//! What a store answered to one operation, in a form that can be compared exactly.

use std::collections::BTreeMap;
use std::fmt;

use podstate_api::{Container, ContainerConfig, DbConfig, ErrorKind, Pod, StateError, Volume};
use serde::Serialize;

use crate::calls::Outcome;

/// The value a successful call returned. For `update_*` it is the caller's object after the call.
#[allow(missing_docs)] // Each variant is named after the type it carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Value {
    Unit,
    Bool(bool),
    Text(String),
    Texts(Vec<String>),
    Container(Box<Container>),
    Containers(Vec<Container>),
    Config(Box<ContainerConfig>),
    Pod(Box<Pod>),
    Pods(Vec<Pod>),
    Volume(Box<Volume>),
    Volumes(Vec<Volume>),
    Aliases(BTreeMap<String, Vec<String>>),
    DbConfig(DbConfig),
}

/// One store's answer to one operation.
#[derive(Debug, Clone, Serialize)]
pub enum Answer {
    /// The call succeeded with this value.
    Ok(Value),
    /// The call failed; only the kind is compared, the message is for people.
    Err {
        /// The error kind.
        kind: ErrorKind,
        /// The human message.
        message: String,
    },
    /// The store broke the contract in a way no answer expresses: it panicked, or changed a
    /// `&mut` argument while failing. Never matches anything.
    Broken(String),
    /// A batch's answers: each call's inside it, in order (none when the closure did not run),
    /// and the batch's own.
    Batch {
        /// What each call inside answered.
        calls: Vec<Answer>,
        /// What `batch` answered.
        answer: Box<Answer>,
    },
}

impl Answer {
    /// The answer of a call result.
    pub fn from_result(result: Result<Value, StateError>) -> Answer {
        match result {
            Ok(value) => Answer::Ok(value),
            Err(e) => Answer::Err {
                kind: e.kind(),
                message: e.message().to_owned(),
            },
        }
    }

    /// The outcome (a batch's own), or `None` for a broken answer.
    pub fn outcome(&self) -> Option<Outcome> {
        match self {
            Answer::Ok(_) => Some(Outcome::Ok),
            Answer::Err { kind, .. } => Some(Outcome::Err(*kind)),
            Answer::Broken(_) => None,
            Answer::Batch { answer, .. } => answer.outcome(),
        }
    }

    /// The error's message (a batch's own), if the answer is an error.
    pub fn message(&self) -> Option<&str> {
        match self {
            Answer::Err { message, .. } => Some(message),
            Answer::Batch { answer, .. } => answer.message(),
            Answer::Ok(_) | Answer::Broken(_) => None,
        }
    }

    /// Whether two answers agree: equal values, or the same error kind (messages are free); for
    /// batches, as many calls inside, each pair agreeing, and the batches' own answers agreeing.
    pub fn agrees_with(&self, other: &Answer) -> bool {
        match (self, other) {
            (Answer::Ok(a), Answer::Ok(b)) => a == b,
            (Answer::Err { kind: a, .. }, Answer::Err { kind: b, .. }) => a == b,
            (
                Answer::Batch { calls, answer },
                Answer::Batch {
                    calls: others,
                    answer: other,
                },
            ) => {
                calls.len() == others.len()
                    && calls.iter().zip(others).all(|(a, b)| a.agrees_with(b))
                    && answer.agrees_with(other)
            }
            _ => false,
        }
    }

    /// The whole answer as one line of JSON, for a divergence whose short forms look alike.
    pub fn detail(&self) -> String {
        match self {
            // Strings and flags are shown whole by the short form already.
            Answer::Ok(
                value @ (Value::Unit
                | Value::Bool(_)
                | Value::Text(_)
                | Value::Texts(_)
                | Value::Aliases(_)),
            ) => format!("Ok({value})"),
            Answer::Ok(value) => serde_json::to_string(value).unwrap_or_else(|e| e.to_string()),
            Answer::Err { kind, message } => format!("{kind}: {message}"),
            Answer::Broken(why) => format!("broken: {why}"),
            Answer::Batch { calls, answer } => {
                let calls: Vec<String> = calls.iter().map(Answer::detail).collect();
                format!("{} after [{}]", answer.detail(), calls.join("; "))
            }
        }
    }
}

fn ids<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = items.map(|s| format!("{s:?}")).collect();
    format!("[{}]", quoted.join(", "))
}

impl fmt::Display for Value {
    /// A short form: strings in full, objects by ID.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Unit => f.write_str("()"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Text(s) => write!(f, "{s:?}"),
            Value::Texts(v) => f.write_str(&ids(v.iter().map(String::as_str))),
            Value::Container(c) => write!(f, "container {:?}", c.config.id),
            Value::Containers(v) => write!(f, "containers {}", ids(v.iter().map(|c| c.id()))),
            Value::Config(c) => write!(f, "config {:?}", c.id),
            Value::Pod(p) => write!(f, "pod {:?}", p.config.id),
            Value::Pods(v) => write!(f, "pods {}", ids(v.iter().map(|p| p.id()))),
            Value::Volume(v) => write!(f, "volume {:?}", v.config.name),
            Value::Volumes(v) => write!(f, "volumes {}", ids(v.iter().map(|v| v.name()))),
            Value::Aliases(m) => {
                let parts: Vec<String> = m
                    .iter()
                    .map(|(net, al)| format!("{net:?}: {}", ids(al.iter().map(String::as_str))))
                    .collect();
                write!(f, "{{{}}}", parts.join(", "))
            }
            Value::DbConfig(c) => {
                let set: Vec<String> = c
                    .fields()
                    .iter()
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(k, v)| format!("{k}={v:?}"))
                    .collect();
                write!(f, "db_config {{{}}}", set.join(" "))
            }
        }
    }
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Answer::Ok(Value::Unit) => f.write_str("Ok"),
            Answer::Ok(value) => write!(f, "Ok({value})"),
            Answer::Err { kind, .. } => write!(f, "{kind}"),
            Answer::Broken(why) => write!(f, "BROKEN ({why})"),
            Answer::Batch { calls, answer } => {
                let calls: Vec<String> = calls.iter().map(Answer::to_string).collect();
                write!(f, "{answer} after [{}]", calls.join(", "))
            }
        }
    }
}

impl Value {
    /// Why a list this value holds is not sorted ascending without duplicates (SPEC §2.8), if it
    /// is not.
    pub fn unsorted(&self) -> Option<String> {
        match self {
            Value::Texts(v) => unsorted_keys("strings", v.iter().map(String::as_str)),
            Value::Containers(v) => unsorted_keys("containers", v.iter().map(|c| c.id())),
            Value::Pods(v) => unsorted_keys("pods", v.iter().map(|p| p.id())),
            Value::Volumes(v) => unsorted_keys("volumes", v.iter().map(|v| v.name())),
            Value::Aliases(m) => m
                .iter()
                .find_map(|(net, al)| unsorted_keys(net, al.iter().map(String::as_str))),
            _ => None,
        }
    }
}

/// Why `keys` is not strictly ascending, if it is not.
pub fn unsorted_keys<'a>(what: &str, keys: impl Iterator<Item = &'a str>) -> Option<String> {
    let keys: Vec<&str> = keys.collect();
    keys.windows(2).find_map(|w| {
        (w[0] >= w[1]).then(|| {
            format!(
                "{what} not sorted without duplicates: {:?} then {:?}",
                w[0], w[1]
            )
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_agree_by_kind_only() {
        let a = Answer::Err {
            kind: ErrorKind::NoSuchCtr,
            message: "one".into(),
        };
        let b = Answer::Err {
            kind: ErrorKind::NoSuchCtr,
            message: "two".into(),
        };
        let c = Answer::Err {
            kind: ErrorKind::NoSuchPod,
            message: "one".into(),
        };
        assert!(a.agrees_with(&b));
        assert!(!a.agrees_with(&c));
        assert!(!Answer::Broken("x".into()).agrees_with(&Answer::Broken("x".into())));
    }

    #[test]
    fn unsorted_lists_are_named() {
        assert_eq!(Value::Texts(vec!["a".into(), "b".into()]).unsorted(), None);
        assert!(
            Value::Texts(vec!["b".into(), "a".into()])
                .unsorted()
                .is_some()
        );
        assert!(
            Value::Texts(vec!["a".into(), "a".into()])
                .unsorted()
                .is_some()
        );
    }
}
