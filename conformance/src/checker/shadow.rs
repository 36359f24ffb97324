//! What the generator believes about a case as it draws it: the objects it added, the handles
//! it drives (each one's namespace, which are closed, which one the next operation runs on).
//! It only biases later draws; it never filters them.

use std::collections::BTreeSet;

use podstate_api::ExecSession;
use proptest::prelude::RngExt;

use super::draw::Gen;
use super::ops::Op;
use super::universe::pick;

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

impl Gen<'_> {
    /// The current handle's namespace, as the generator believes it.
    pub(super) fn ns(&self) -> &str {
        &self.shadow.ns[self.shadow.current]
    }

    /// Picks the handle of the next draw: mostly the same one again, else another, rarely a
    /// closed one (whose calls must all answer `DbClosed`).
    pub(super) fn next_handle(&mut self) {
        let handles = self.shadow.closed.len();
        if handles < 2 || self.chance(0.6) {
            return;
        }
        let open = self.shadow.open_handles();
        self.shadow.current = if open.is_empty() || self.chance(0.08) {
            self.rng.random_range(0..handles)
        } else {
            *pick(self.rng, &open)
        };
    }

    /// One draw of `close`: close then reopen; or, with another handle still open, a bare close
    /// of this handle, the case going on on the others (SPEC §3: `close` affects only its own
    /// handle).
    pub(super) fn close(&mut self) -> Vec<Op> {
        let current = self.shadow.current;
        let others_open = self.shadow.open_handles().iter().any(|&h| h != current);
        if others_open && (!self.caps.reopen || self.chance(0.6)) {
            self.shadow.closed[current] = true;
            let open = self.shadow.open_handles();
            self.shadow.current = *pick(self.rng, &open);
            return vec![Op::Close];
        }
        self.shadow.reopened();
        vec![Op::Close, Op::Reopen]
    }
}
