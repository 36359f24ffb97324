//! The one error type of the contract (SPEC §4).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Shorthand for results of [`State`](crate::State) calls.
pub type Result<T, E = StateError> = std::result::Result<T, E>;

/// What went wrong, exactly the kinds of SPEC §4.
///
/// A call may only answer the kinds its rustdoc lists under `# Errors`, plus `DbClosed`, plus `Io`
/// and `Corrupt` in a persistent backend whose storage fails. Lock contention is never a kind: backends
/// wait it out.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ErrorKind {
    /// The container named is not there (or not visible in the handle's namespace, for lookups).
    NoSuchCtr,
    /// The pod named is not there (or not visible in the handle's namespace, for lookups).
    NoSuchPod,
    /// The volume named is not there.
    NoSuchVolume,
    /// The exec session named is not registered.
    NoSuchExecSession,
    /// The container is not connected to the network named.
    NoSuchNetwork,
    /// The ID or name is held by a container.
    CtrExists,
    /// The ID or name is held by a pod.
    PodExists,
    /// The volume name is taken.
    VolumeExists,
    /// The exec session ID is taken.
    ExecSessionExists,
    /// The container is already connected to the network.
    NetworkExists,
    /// A partial ID or name matches more than one object.
    Ambiguous,
    /// Removal refused: dependents, exec sessions, pod members or volume users remain.
    InUse,
    /// The namespace rules of SPEC §3, or invariants 2 and 3, are broken.
    NsMismatch,
    /// The arguments break a rule of the call (empty string, pod misuse, rewrite of identity, ...).
    InvalidArg,
    /// The handle was closed.
    DbClosed,
    /// `validate_db_config` found a value that differs from the pinned one.
    DbBadConfig,
    /// Stored data cannot be decoded or breaks an invariant.
    Corrupt,
    /// The storage engine or the file system failed.
    Io,
}

impl ErrorKind {
    /// Every kind, in declaration order.
    pub const ALL: [ErrorKind; 18] = [
        ErrorKind::NoSuchCtr,
        ErrorKind::NoSuchPod,
        ErrorKind::NoSuchVolume,
        ErrorKind::NoSuchExecSession,
        ErrorKind::NoSuchNetwork,
        ErrorKind::CtrExists,
        ErrorKind::PodExists,
        ErrorKind::VolumeExists,
        ErrorKind::ExecSessionExists,
        ErrorKind::NetworkExists,
        ErrorKind::Ambiguous,
        ErrorKind::InUse,
        ErrorKind::NsMismatch,
        ErrorKind::InvalidArg,
        ErrorKind::DbClosed,
        ErrorKind::DbBadConfig,
        ErrorKind::Corrupt,
        ErrorKind::Io,
    ];

    /// The kind's name as SPEC §4 spells it (`"NoSuchCtr"`, ...).
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::NoSuchCtr => "NoSuchCtr",
            ErrorKind::NoSuchPod => "NoSuchPod",
            ErrorKind::NoSuchVolume => "NoSuchVolume",
            ErrorKind::NoSuchExecSession => "NoSuchExecSession",
            ErrorKind::NoSuchNetwork => "NoSuchNetwork",
            ErrorKind::CtrExists => "CtrExists",
            ErrorKind::PodExists => "PodExists",
            ErrorKind::VolumeExists => "VolumeExists",
            ErrorKind::ExecSessionExists => "ExecSessionExists",
            ErrorKind::NetworkExists => "NetworkExists",
            ErrorKind::Ambiguous => "Ambiguous",
            ErrorKind::InUse => "InUse",
            ErrorKind::NsMismatch => "NsMismatch",
            ErrorKind::InvalidArg => "InvalidArg",
            ErrorKind::DbClosed => "DbClosed",
            ErrorKind::DbBadConfig => "DbBadConfig",
            ErrorKind::Corrupt => "Corrupt",
            ErrorKind::Io => "Io",
        }
    }

    /// True for the kinds only a failing storage engine produces (`Io`, `Corrupt`).
    pub fn is_fault(self) -> bool {
        matches!(self, ErrorKind::Io | ErrorKind::Corrupt)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error every [`State`](crate::State) call returns: a [`kind`](StateError::kind) that callers
/// match on and a message that names the objects involved.
#[derive(Debug, thiserror::Error)]
#[error("{kind}: {message}")]
pub struct StateError {
    kind: ErrorKind,
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl StateError {
    /// An error of `kind` with a message naming the objects involved.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        StateError {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// Attaches the underlying cause (a storage-engine or decoding error).
    pub fn with_source(
        mut self,
        source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Self {
        self.source = Some(source.into());
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The human message, without the kind prefix.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// `DbClosed`: every call on a closed handle.
    pub fn closed() -> Self {
        StateError::new(ErrorKind::DbClosed, "the state handle was closed")
    }

    /// `InvalidArg` with the given message.
    pub fn invalid(message: impl Into<String>) -> Self {
        StateError::new(ErrorKind::InvalidArg, message)
    }

    /// `NoSuchCtr` for a container ID.
    pub fn no_such_ctr(id: &str) -> Self {
        StateError::new(ErrorKind::NoSuchCtr, format!("no container with ID {id:?}"))
    }

    /// `NoSuchPod` for a pod ID.
    pub fn no_such_pod(id: &str) -> Self {
        StateError::new(ErrorKind::NoSuchPod, format!("no pod with ID {id:?}"))
    }

    /// `NoSuchVolume` for a volume name.
    pub fn no_such_volume(name: &str) -> Self {
        StateError::new(
            ErrorKind::NoSuchVolume,
            format!("no volume with name {name:?}"),
        )
    }
}

impl PartialEq for StateError {
    /// Two errors are equal when kind and message are; the source is context, not identity.
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.message == other.message
    }
}
