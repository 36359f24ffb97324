//! Exec-session calls (SPEC §5 Exec sessions). The registry (session ID -> container ID) is
//! independent of `ContainerState::exec_sessions`: these calls never touch a container's state.
//! Only `add_exec_session` honours namespaces. Step 1 (closed) is the handle's.

use podstate_api::{Container, ErrorKind, ExecSession, Result, StateError};

use super::checks;
use super::containers;
use super::data::ModelData;

fn not_registered(id: &str) -> StateError {
    StateError::new(
        ErrorKind::NoSuchExecSession,
        format!("no exec session {id:?} is registered"),
    )
}

/// `add_exec_session`.
pub(super) fn add(
    data: &mut ModelData,
    ns: &str,
    ctr: &Container,
    session: &ExecSession,
) -> Result<()> {
    // 2. The container's and the session's strings.
    checks::passed_container(ctr)?;
    checks::passed_session(session)?;
    // 3 and 4.
    containers::target(data, ns, ctr)?;
    // 5. The session names this container, then its ID is unused.
    if session.container_id != ctr.id() {
        return Err(StateError::invalid(format!(
            "exec session {:?} is for container {:?}, not {:?}",
            session.id,
            session.container_id,
            ctr.id()
        )));
    }
    if let Some(owner) = data.exec_sessions.get(&session.id) {
        return Err(StateError::new(
            ErrorKind::ExecSessionExists,
            format!(
                "exec session {:?} is registered to container {owner:?}",
                session.id
            ),
        ));
    }
    data.exec_sessions
        .insert(session.id.clone(), session.container_id.clone());
    Ok(())
}

/// `get_exec_session`: the container the session is registered to.
pub(super) fn get(data: &ModelData, id: &str) -> Result<String> {
    checks::ident("exec session ID", id)?;
    data.exec_sessions
        .get(id)
        .cloned()
        .ok_or_else(|| not_registered(id))
}

/// `remove_exec_session`.
pub(super) fn remove(data: &mut ModelData, session: &ExecSession) -> Result<()> {
    // 2. Both strings.
    checks::passed_session(session)?;
    // 4. Registered.
    let owner = data
        .exec_sessions
        .get(&session.id)
        .ok_or_else(|| not_registered(&session.id))?;
    // 5. To the container the session names.
    if *owner != session.container_id {
        return Err(StateError::invalid(format!(
            "exec session {:?} is registered to container {owner:?}, not {:?}",
            session.id, session.container_id
        )));
    }
    data.exec_sessions.remove(&session.id);
    Ok(())
}

/// Steps 2 and 4 of the per-container exec calls, which ignore namespaces.
fn existing_ignoring_namespace(data: &ModelData, ctr: &Container) -> Result<()> {
    checks::passed_container(ctr)?;
    checks::existing_container(data, ctr.id())?;
    Ok(())
}

/// `get_container_exec_sessions`.
pub(super) fn of_container(data: &ModelData, ctr: &Container) -> Result<Vec<String>> {
    existing_ignoring_namespace(data, ctr)?;
    Ok(data.sessions_of(ctr.id()))
}

/// `remove_container_exec_sessions`.
pub(super) fn remove_of_container(data: &mut ModelData, ctr: &Container) -> Result<()> {
    existing_ignoring_namespace(data, ctr)?;
    data.exec_sessions.retain(|_, owner| owner != ctr.id());
    Ok(())
}
