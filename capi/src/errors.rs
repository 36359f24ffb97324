//! The errors the boundary answers: every kind of SPEC §4, and the few that only a foreign
//! caller can cause (a bad pointer, a request that cannot be read, an unknown call, a bad URL,
//! a panic caught at the boundary).

use std::ffi::CStr;
use std::fmt;

use podstate::{ErrorKind, OpenError, StateError};
use serde::{Deserialize, Serialize};

/// What went wrong, as the `kind` of an error answer says it.
///
/// [`AbiKind::State`] carries the kinds of SPEC §4 unchanged; the others are the boundary's own
/// and never come from a backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AbiKind {
    /// A kind of SPEC §4, answered by the store.
    State(ErrorKind),
    /// A NULL pointer where an object is needed, or a pointer that is not one of this
    /// library's live objects of the expected type (where that can be detected).
    BadPointer,
    /// The request cannot be read: invalid UTF-8, malformed JSON, arguments of the wrong
    /// shape, an unknown flag, a payload that is not one JSON value or an index past the
    /// payloads given.
    BadRequest,
    /// No call of that name.
    UnknownCall,
    /// The store URL cannot be opened as written: an unknown scheme, a malformed URL, or a
    /// backend this build left out.
    BadUrl,
    /// The library panicked; the panic was caught at the boundary and the call answers this.
    Panic,
}

/// The boundary's own kinds, after those of SPEC §4 ([`ErrorKind::ALL`]).
pub const ABI_ONLY: [AbiKind; 5] = [
    AbiKind::BadPointer,
    AbiKind::BadRequest,
    AbiKind::UnknownCall,
    AbiKind::BadUrl,
    AbiKind::Panic,
];

impl AbiKind {
    /// The kind's name, as error answers spell it (`"NoSuchCtr"`, `"BadRequest"`, ...).
    pub fn name(self) -> &'static str {
        // The literals of `c_name` are ASCII, so this never falls back.
        self.c_name().to_str().unwrap_or("Unknown")
    }

    /// The kind's name as a NUL-terminated static string (the `kind` field of an answer).
    pub fn c_name(self) -> &'static CStr {
        match self {
            AbiKind::State(kind) => state_kind_c_name(kind),
            AbiKind::BadPointer => c"BadPointer",
            AbiKind::BadRequest => c"BadRequest",
            AbiKind::UnknownCall => c"UnknownCall",
            AbiKind::BadUrl => c"BadUrl",
            AbiKind::Panic => c"Panic",
        }
    }

    /// The kind `name` spells, if any.
    pub fn from_name(name: &str) -> Option<AbiKind> {
        ErrorKind::ALL
            .into_iter()
            .map(AbiKind::State)
            .chain(ABI_ONLY)
            .find(|k| k.name() == name)
    }
}

/// The static C spelling of a SPEC §4 kind; a kind added to the contract later is answered as
/// its name through [`ErrorKind::name`] would be, once listed here (the test
/// `every_state_kind_has_its_own_c_name` fails until then).
fn state_kind_c_name(kind: ErrorKind) -> &'static CStr {
    match kind {
        ErrorKind::NoSuchCtr => c"NoSuchCtr",
        ErrorKind::NoSuchPod => c"NoSuchPod",
        ErrorKind::NoSuchVolume => c"NoSuchVolume",
        ErrorKind::NoSuchExecSession => c"NoSuchExecSession",
        ErrorKind::NoSuchNetwork => c"NoSuchNetwork",
        ErrorKind::CtrExists => c"CtrExists",
        ErrorKind::PodExists => c"PodExists",
        ErrorKind::VolumeExists => c"VolumeExists",
        ErrorKind::ExecSessionExists => c"ExecSessionExists",
        ErrorKind::NetworkExists => c"NetworkExists",
        ErrorKind::Ambiguous => c"Ambiguous",
        ErrorKind::InUse => c"InUse",
        ErrorKind::NsMismatch => c"NsMismatch",
        ErrorKind::InvalidArg => c"InvalidArg",
        ErrorKind::DbClosed => c"DbClosed",
        ErrorKind::DbBadConfig => c"DbBadConfig",
        ErrorKind::Corrupt => c"Corrupt",
        ErrorKind::Io => c"Io",
        // `ErrorKind` is non-exhaustive; a new kind is not silently renamed.
        _ => c"Unknown",
    }
}

impl fmt::Display for AbiKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An error answer: a kind and a message for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbiError {
    /// What went wrong.
    pub kind: AbiKind,
    /// Names what was wrong (the store's message for the kinds of SPEC §4).
    pub message: String,
}

impl AbiError {
    /// An error of `kind` saying `message`.
    pub fn new(kind: AbiKind, message: impl Into<String>) -> AbiError {
        AbiError {
            kind,
            message: message.into(),
        }
    }

    /// A request that cannot be read.
    pub fn bad_request(message: impl Into<String>) -> AbiError {
        AbiError::new(AbiKind::BadRequest, message)
    }

    /// A NULL or foreign pointer.
    pub fn bad_pointer(message: impl Into<String>) -> AbiError {
        AbiError::new(AbiKind::BadPointer, message)
    }

    /// The error answer's JSON: `{"kind":"...","message":"..."}`.
    pub fn to_json(&self) -> String {
        let wire = WireError {
            kind: self.kind.name().to_owned(),
            message: self.message.clone(),
        };
        serde_json::to_string(&wire).unwrap_or_else(|_| {
            // Serializing two strings cannot fail; answer something readable regardless.
            format!(
                r#"{{"kind":"{}","message":"unprintable message"}}"#,
                self.kind
            )
        })
    }

    /// The error an answer's JSON carries.
    pub fn from_json(json: &[u8]) -> AbiError {
        match serde_json::from_slice::<WireError>(json) {
            Ok(wire) => match AbiKind::from_name(&wire.kind) {
                Some(kind) => AbiError::new(kind, wire.message),
                None => AbiError::bad_request(format!(
                    "unknown error kind {:?}: {}",
                    wire.kind, wire.message
                )),
            },
            Err(e) => AbiError::bad_request(format!("unreadable error answer: {e}")),
        }
    }

    /// As a [`StateError`], for a Rust caller of the boundary: a kind of SPEC §4 stays itself;
    /// a boundary kind is `InvalidArg` (the request was wrong) or `Io` (a panic), its name
    /// leading the message.
    pub fn into_state_error(self) -> StateError {
        match self.kind {
            AbiKind::State(kind) => StateError::new(kind, self.message),
            AbiKind::Panic => StateError::new(ErrorKind::Io, format!("Panic: {}", self.message)),
            other => StateError::new(ErrorKind::InvalidArg, format!("{other}: {}", self.message)),
        }
    }
}

impl fmt::Display for AbiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl std::error::Error for AbiError {}

impl From<StateError> for AbiError {
    fn from(e: StateError) -> AbiError {
        AbiError::new(AbiKind::State(e.kind()), e.message())
    }
}

impl From<OpenError> for AbiError {
    fn from(e: OpenError) -> AbiError {
        match e {
            OpenError::Store(e) => e.into(),
            other => AbiError::new(AbiKind::BadUrl, other.to_string()),
        }
    }
}

/// The JSON form of an error answer.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WireError {
    kind: String,
    message: String,
}

/// The kind of a caught panic, with its message.
pub(crate) fn panicked(payload: Box<dyn std::any::Any + Send>) -> AbiError {
    let message = podstate::raw::panic_message(payload.as_ref()).to_owned();
    // Dropping a panic's payload could itself panic; it is leaked instead.
    std::mem::forget(payload);
    AbiError::new(
        AbiKind::Panic,
        format!("podstate panicked (a bug, please report it): {message}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_kind_has_its_own_c_name() {
        for kind in ErrorKind::ALL {
            assert_eq!(AbiKind::State(kind).name(), kind.name());
            assert_eq!(AbiKind::from_name(kind.name()), Some(AbiKind::State(kind)));
        }
        for kind in ABI_ONLY {
            assert_eq!(AbiKind::from_name(kind.name()), Some(kind));
            assert!(ErrorKind::ALL.iter().all(|k| k.name() != kind.name()));
        }
    }

    #[test]
    fn an_error_answer_reads_back_as_itself() {
        let e = AbiError::new(AbiKind::State(ErrorKind::NoSuchCtr), "no \"x\"\n");
        assert_eq!(AbiError::from_json(e.to_json().as_bytes()), e);
        let e = AbiError::new(AbiKind::UnknownCall, "no call \"frob\"");
        assert_eq!(AbiError::from_json(e.to_json().as_bytes()), e);
    }
}
