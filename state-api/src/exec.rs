//! Exec sessions as the state sees them: a registry of session ID -> container ID.

use serde::{Deserialize, Serialize};

/// An exec session as the registry knows it. The session's own data lives in
/// [`ContainerState::exec_sessions`](crate::ContainerState::exec_sessions), which the registry never
/// touches.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub struct ExecSession {
    /// Session ID; its own space, separate from containers and pods.
    pub id: String,
    /// ID of the container the session runs in.
    pub container_id: String,
}

impl ExecSession {
    /// A session `id` running in container `container_id`.
    pub fn new(id: impl Into<String>, container_id: impl Into<String>) -> Self {
        ExecSession {
            id: id.into(),
            container_id: container_id.into(),
        }
    }
}
