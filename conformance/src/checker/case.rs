//! A case: operations, each on one of the case's handles.
//!
//! A case drives one to three handles on the same store, interleaved; each handle has its own
//! namespace and closed flag. On disk an operation of handle 0 is the bare [`Op`], so that a
//! case saved before cases had several handles reads as a case of handle 0 alone; the others are
//! `{"handle": 1, "op": ...}`.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

use super::ops::Op;

/// The most handles one case drives.
pub const MAX_HANDLES: usize = 3;

/// One step of a case: `op` run on handle `handle` (0-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandleOp {
    /// Which of the case's handles runs the operation.
    pub handle: usize,
    /// The operation.
    pub op: Op,
}

impl HandleOp {
    /// `op` on handle 0.
    pub fn first(op: Op) -> HandleOp {
        HandleOp { handle: 0, op }
    }

    /// `op` on handle `handle`.
    pub fn on(handle: usize, op: Op) -> HandleOp {
        HandleOp { handle, op }
    }
}

impl From<Op> for HandleOp {
    fn from(op: Op) -> HandleOp {
        HandleOp::first(op)
    }
}

/// How many handles `ops` drive: one more than the highest handle named (at least one).
pub fn handles_of(ops: &[HandleOp]) -> usize {
    ops.iter().map(|s| s.handle + 1).max().unwrap_or(1)
}

impl fmt::Display for HandleOp {
    /// The operation, prefixed with `hN:` when it runs on a handle other than the first.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.handle > 0 {
            write!(f, "h{}: ", self.handle)?;
        }
        write!(f, "{}", self.op)
    }
}

impl Serialize for HandleOp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.handle == 0 {
            return self.op.serialize(serializer);
        }
        #[derive(Serialize)]
        struct Tagged<'a> {
            handle: usize,
            op: &'a Op,
        }
        Tagged {
            handle: self.handle,
            op: &self.op,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for HandleOp {
    /// Either form. Payloads are raw JSON, which serde's untagged enums cannot buffer, so the
    /// element is taken as raw JSON and parsed again once its form is known: saved cases are
    /// JSON files.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Tagged {
            handle: usize,
            op: Op,
        }
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        let keys = serde_json::from_str::<BTreeMap<String, &RawValue>>(raw.get()).ok();
        if keys.is_some_and(|k| k.contains_key("handle")) {
            let Tagged { handle, op } =
                serde_json::from_str(raw.get()).map_err(D::Error::custom)?;
            if handle >= MAX_HANDLES {
                return Err(D::Error::custom(format!(
                    "handle {handle} of a case: a case drives at most {MAX_HANDLES} handles"
                )));
            }
            return Ok(HandleOp { handle, op });
        }
        serde_json::from_str(raw.get())
            .map(HandleOp::first)
            .map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handle_zero_is_the_bare_op_and_old_files_read_as_handle_zero() {
        let ops = vec![
            HandleOp::first(Op::Refresh),
            HandleOp::on(2, Op::GetName { id: "a".into() }),
            HandleOp::first(Op::Reopen),
        ];
        let json = serde_json::to_string(&ops).unwrap();
        assert_eq!(
            json,
            r#"["refresh",{"handle":2,"op":{"get_name":{"id":"a"}}},"reopen"]"#
        );
        let back: Vec<HandleOp> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, ops);
        let old: Vec<HandleOp> = serde_json::from_str(r#"["refresh"]"#).unwrap();
        assert_eq!(old, [HandleOp::first(Op::Refresh)]);
        let too_many = r#"[{"handle":99,"op":"refresh"}]"#;
        assert!(serde_json::from_str::<Vec<HandleOp>>(too_many).is_err());
        assert_eq!(handles_of(&back), 3);
        assert_eq!(back[1].to_string(), r#"h2: get_name("a")"#);
    }
}
