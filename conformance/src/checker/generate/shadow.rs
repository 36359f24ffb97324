//! What the generator believes about a case as it draws it: the objects it added, the handles
//! it drives (each one's namespace, which are closed, which one the next operation runs on).
//! It only biases later draws; it never filters them.

use std::collections::BTreeSet;

use podstate_api::ExecSession;

/// What the generator believes it has added, and where its handles stand, for biasing only.
#[derive(Debug, Default)]
pub(super) struct Shadow {
    pub(super) ctrs: BTreeSet<usize>,
    pub(super) pods: BTreeSet<usize>,
    pub(super) volumes: BTreeSet<String>,
    pub(super) sessions: Vec<ExecSession>,
    /// Each handle's namespace after the last `set_namespace`/`reopen`.
    pub(super) ns: Vec<String>,
    /// Which handles were closed since the last `reopen`.
    pub(super) closed: Vec<bool>,
    /// The handle the next operation runs on.
    pub(super) current: usize,
}

/// What the generator believes stored, without where its handles stand: put back after a
/// batch that rolls back.
#[derive(Debug, Clone)]
pub(super) struct Believed {
    ctrs: BTreeSet<usize>,
    pods: BTreeSet<usize>,
    volumes: BTreeSet<String>,
    sessions: Vec<ExecSession>,
}

impl Shadow {
    /// What the generator believes stored now.
    pub(super) fn objects(&self) -> Believed {
        Believed {
            ctrs: self.ctrs.clone(),
            pods: self.pods.clone(),
            volumes: self.volumes.clone(),
            sessions: self.sessions.clone(),
        }
    }

    /// Believes `objects` stored again (the handles stay where they are).
    pub(super) fn restore_objects(&mut self, objects: Believed) {
        self.ctrs = objects.ctrs;
        self.pods = objects.pods;
        self.volumes = objects.volumes;
        self.sessions = objects.sessions;
    }

    /// The shadow of a case driving `handles` handles, all open in namespace `""`.
    pub(super) fn with_handles(handles: usize) -> Shadow {
        Shadow {
            ns: vec![String::new(); handles],
            closed: vec![false; handles],
            ..Shadow::default()
        }
    }

    /// Every handle was reopened: open, in namespace `""`.
    pub(super) fn reopened(&mut self) {
        self.ns.iter_mut().for_each(String::clear);
        self.closed.iter_mut().for_each(|c| *c = false);
    }

    /// The current handle moved to namespace `ns`.
    pub(super) fn set_ns(&mut self, ns: String) {
        self.ns[self.current] = ns;
    }

    /// The handles still open.
    pub(super) fn open_handles(&self) -> Vec<usize> {
        (0..self.closed.len())
            .filter(|&h| !self.closed[h])
            .collect()
    }
}
