//! The exec-session registry: session ID -> container ID, indexed per container. It is
//! independent of `ContainerState::exec_sessions`, which these calls never touch.

use podstate_api::{Container, ErrorKind, ExecSession, Result, StateError, rules};

use crate::store::{Data, StoredContainer};

impl Data {
    /// Steps 2 and 4 for a passed container in the exec calls that ignore namespaces.
    fn exec_container(&self, ctr: &Container) -> Result<&StoredContainer> {
        rules::check_passed_container(ctr)?;
        self.find_container(ctr.id())
    }

    /// `add_exec_session` (the one exec call that honours namespaces).
    pub(crate) fn add_exec_session(
        &mut self,
        ns: &str,
        ctr: &Container,
        session: &ExecSession,
    ) -> Result<()> {
        rules::check_exec_session(session)?;
        self.passed_container(ns, ctr)?;
        let id = ctr.id();
        if session.container_id != id {
            return Err(StateError::invalid(format!(
                "exec session {:?} is for container {:?}, not {id:?}",
                session.id, session.container_id
            )));
        }
        if let Some(owner) = self.exec_sessions.get(&session.id) {
            return Err(StateError::new(
                ErrorKind::ExecSessionExists,
                format!(
                    "exec session {:?} is already registered to container {owner:?}",
                    session.id
                ),
            ));
        }
        self.exec_sessions.insert(session.id.clone(), id.to_owned());
        if let Some(stored) = self.containers.get_mut(id) {
            stored.exec_sessions.insert(session.id.clone());
        }
        Ok(())
    }

    /// `get_exec_session`.
    pub(crate) fn get_exec_session(&self, id: &str) -> Result<String> {
        rules::check_key("exec session ID", id)?;
        self.exec_sessions
            .get(id)
            .cloned()
            .ok_or_else(|| no_such_session(id))
    }

    /// `remove_exec_session`.
    pub(crate) fn remove_exec_session(&mut self, session: &ExecSession) -> Result<()> {
        rules::check_exec_session(session)?;
        let id = &session.id;
        let owner = self
            .exec_sessions
            .get(id)
            .ok_or_else(|| no_such_session(id))?;
        if *owner != session.container_id {
            return Err(StateError::invalid(format!(
                "exec session {id:?} is registered to container {owner:?}, not {:?}",
                session.container_id
            )));
        }
        if let Some(owner) = self.exec_sessions.remove(id)
            && let Some(stored) = self.containers.get_mut(&owner)
        {
            stored.exec_sessions.remove(id);
        }
        Ok(())
    }

    /// `get_container_exec_sessions`.
    pub(crate) fn get_container_exec_sessions(&self, ctr: &Container) -> Result<Vec<String>> {
        Ok(self
            .exec_container(ctr)?
            .exec_sessions
            .iter()
            .cloned()
            .collect())
    }

    /// `remove_container_exec_sessions`.
    pub(crate) fn remove_container_exec_sessions(&mut self, ctr: &Container) -> Result<()> {
        self.exec_container(ctr)?;
        let sessions = self
            .containers
            .get_mut(ctr.id())
            .map(|stored| std::mem::take(&mut stored.exec_sessions))
            .unwrap_or_default();
        for session in &sessions {
            self.exec_sessions.remove(session);
        }
        Ok(())
    }
}

/// `NoSuchExecSession` for a session ID.
fn no_such_session(id: &str) -> StateError {
    StateError::new(
        ErrorKind::NoSuchExecSession,
        format!("no exec session with ID {id:?}"),
    )
}
