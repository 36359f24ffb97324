//! Which handle the generator's next operation runs on, and drawing `close`: the generator's
//! moves between the handles its [`Shadow`](super::shadow::Shadow) tracks.

use proptest::prelude::RngExt;

use super::draw::Gen;
use super::universe::pick;
use crate::checker::ops::Op;

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
