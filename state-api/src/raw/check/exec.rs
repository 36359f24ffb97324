//! The check orders of the exec-session registry. Only `add_exec_session` honours namespaces.

use super::targets::{exec_container, passed_container};
use crate::raw::StoreRead;
use crate::raw::rules;
use crate::{Container, ErrorKind, ExecSession, Result, StateError};

/// `add_exec_session`: the session must be for `ctr` and its ID unused.
pub fn add_exec_session(
    view: &(impl StoreRead + ?Sized),
    ns: &str,
    ctr: &Container,
    session: &ExecSession,
) -> Result<()> {
    rules::check_exec_session(session)?;
    passed_container(view, ns, ctr)?;
    let id = ctr.id();
    if session.container_id != id {
        return Err(StateError::invalid(format!(
            "exec session {:?} is for container {:?}, not {id:?}",
            session.id, session.container_id
        )));
    }
    if let Some(owner) = view.exec_session_owner(&session.id)? {
        return Err(StateError::new(
            ErrorKind::ExecSessionExists,
            format!(
                "exec session {:?} is already registered to container {owner:?}",
                session.id
            ),
        ));
    }
    Ok(())
}

/// `get_exec_session`: the owner's ID.
pub fn get_exec_session(view: &(impl StoreRead + ?Sized), id: &str) -> Result<String> {
    rules::check_key("exec session ID", id)?;
    view.exec_session_owner(id)?
        .ok_or_else(|| no_such_session(id))
}

/// `remove_exec_session`: registered, and to `session.container_id`.
pub fn remove_exec_session(view: &(impl StoreRead + ?Sized), session: &ExecSession) -> Result<()> {
    rules::check_exec_session(session)?;
    let id = &session.id;
    let owner = view
        .exec_session_owner(id)?
        .ok_or_else(|| no_such_session(id))?;
    if owner != session.container_id {
        return Err(StateError::invalid(format!(
            "exec session {id:?} is registered to container {owner:?}, not {:?}",
            session.container_id
        )));
    }
    Ok(())
}

/// `get_container_exec_sessions` and `remove_container_exec_sessions`: the IDs of the sessions
/// registered to `ctr`.
pub fn container_exec_sessions(
    view: &(impl StoreRead + ?Sized),
    ctr: &Container,
) -> Result<Vec<String>> {
    exec_container(view, ctr)?;
    view.container_exec_sessions(ctr.id())
}

/// `NoSuchExecSession` for a session ID.
fn no_such_session(id: &str) -> StateError {
    StateError::new(
        ErrorKind::NoSuchExecSession,
        format!("no exec session with ID {id:?}"),
    )
}
