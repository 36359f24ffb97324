//! Group commit (SPEC §3 "Atomicity and durability"): write calls that the handles of one store
//! make at the same time share one write transaction and one durable commit.
//!
//! A backend gives the group its write transactions ([`Transactions`]: begin, commit, abort)
//! and runs every write of its store's handles through the store's one [`WriteGroup`]. The group
//! has one slot. The writer holding it runs its own call inside the group's open transaction
//! (beginning one when none is open), checked and applied as if it ran alone; then it either
//! commits, or leaves the open transaction and its commit to the writers queued behind it and
//! waits for that commit's outcome (its group's epoch). It commits when nobody is
//! queued (so a lone writer commits at once and never waits for company), when the group has
//! reached its [`GroupLimits`], or when a writer outside the group (another process or store)
//! waits for the engine's write lock, so that the turns of writers keep working. No closure runs
//! on another thread: each writer runs its own call on its own thread.
//!
//! Failures stay with the calls they belong to:
//!
//! * a call whose checks fail wrote nothing (every call checks everything before its first
//!   write), so the group goes on without it. If it read writes of earlier calls of its group, it
//!   too is answered only after their commit, and `Io` when that commit fails: what it saw never
//!   happened;
//! * a call that meets `Io` or `Corrupt` may have written half: the group's transaction is
//!   aborted at once; that call answers its error and every other call of the group `Io`;
//! * a commit that fails answers every call of the group `Io`, and none of them changed
//!   anything;
//! * a call that panics aborts its group the same way (the other calls answer `Io`), and the
//!   panic goes on to its caller.
//!
//! A batch ([`WriteGroup::batch`]) may fail after it wrote, and no engine can undo a part of a
//! transaction (redb refuses savepoints in its multi-writer mode), so a batch begins a
//! transaction of its own: it commits the open group first, and calls queued behind it may join
//! its transaction once it has succeeded.
//!
//! A writer waits for the slot until its call's deadline (the lock timeout), and the same
//! deadline bounds the engine's begin: a call waits at most its lock timeout in all. A commit
//! that waits for a lock waits until the latest deadline of its group's calls
//! ([`Transactions::commit_within`]): no call fails before its own timeout. Its wait
//! ([`TurnWait`]) is one from the moment it asks for the slot: when it gives up (queued, or in
//! the engine's begin), its `Io` says the whole time it waited, and names the write lock's
//! holder as found then or, when that look finds nobody (the holder let go meanwhile), as
//! last seen during its wait, by the call ahead of it in the group or by the engine's own wait
//! for the lock ([`TurnWait::learn`]).

mod epoch;
mod limits;
#[cfg(test)]
mod tests;
mod wait;

use std::fmt;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use self::epoch::{Epoch, Outcome};
pub use self::limits::GroupLimits;
pub use self::wait::{TurnWait, deadline_after};
use super::trace::LockWait;
use crate::{Result, StateError};

/// What a backend gives its [`WriteGroup`]: its write transactions.
pub trait Transactions: Send + Sync {
    /// An open write transaction (with what the backend needs to run calls in it).
    type Tx: Send;

    /// The backend's name, for the lock-wait events of writers waiting for the slot.
    fn backend(&self) -> &'static str;

    /// The database file, for the same events.
    fn file(&self) -> &Path;

    /// Begins a write transaction, waiting for the engine's write lock (and for the turns of
    /// other writers) until `turn`'s deadline at most. A look at the lock's holder goes
    /// through [`TurnWait::holder`], so that the call's group learns what it found.
    ///
    /// # Errors
    /// `Io` when the lock is not had by the deadline, naming its holder
    /// ([`TurnWait::holder`]) and the whole wait ([`TurnWait::waited`]); `Io` when the storage
    /// fails.
    fn begin(&self, turn: &mut TurnWait) -> Result<Self::Tx>;

    /// Commits `tx` durably: on disk when this answers `Ok`.
    ///
    /// # Errors
    /// What the engine answers; the transaction is then gone as for a failed commit of a single
    /// call.
    fn commit(&self, tx: Self::Tx) -> Result<()>;

    /// Commits `tx` as [`commit`](Transactions::commit) does, for a group whose calls wait
    /// until `turn`'s deadline at the latest: an engine whose commit waits for a lock (redb's
    /// header lock) gives up there, naming the holder through `turn` and the whole wait. The
    /// group passes the wait of its call with the latest deadline, so that no call of the
    /// group fails before its own lock timeout, and none waits past it by more than the time
    /// between its start and that call's. The default ignores `turn` (an engine whose commit
    /// waits for no lock).
    ///
    /// # Errors
    /// As [`commit`](Transactions::commit); `Io` when a lock is not had by the deadline.
    fn commit_within(&self, tx: Self::Tx, turn: &mut TurnWait) -> Result<()> {
        let _ = turn;
        self.commit(tx)
    }

    /// Abandons `tx`: nothing of it remains.
    fn abort(&self, tx: Self::Tx);

    /// Whether a writer outside this group (another process, another store) waits for the
    /// engine's write lock: the group then commits at once so that it gets its turn. The
    /// default is false (an engine no other writer can wait for).
    fn others_waiting(&self, tx: &Self::Tx) -> bool {
        let _ = tx;
        false
    }

    /// The `Io` of a call that reached its deadline while queued for the slot: naming what held
    /// the slot's holder up (the write lock's holder, [`TurnWait::holder`]) and the whole wait
    /// ([`TurnWait::waited`]).
    fn turn_timed_out(&self, turn: &mut TurnWait) -> StateError;
}

/// The lock a writer waiting for the slot waits for, in its lock-wait event.
const SLOT: &str = "the write lock (its turn among the store's writers)";

/// The write calls of one store, grouped (see the module docs).
pub struct WriteGroup<P: Transactions> {
    engine: P,
    limits: GroupLimits,
    slot: Mutex<Slot<P::Tx>>,
    /// Signalled whenever the slot is released.
    freed: Condvar,
}

/// Who runs, who waits, and the open transaction between two calls.
struct Slot<Tx> {
    /// A writer holds the slot.
    busy: bool,
    /// Writers waiting for the slot.
    queued: usize,
    /// The open group, while no writer holds the slot (its holder has it meanwhile).
    open: Option<Open<Tx>>,
    /// The engine's write lock's holder, as last seen by a writer of the group, and when: for
    /// the writers that waited behind it meanwhile.
    seen: Option<(Instant, String)>,
}

/// An open group: its transaction and what decides when it commits.
struct Open<Tx> {
    tx: Tx,
    epoch: Arc<Epoch>,
    calls: usize,
    /// A call of the group succeeded, so the transaction holds writes to commit.
    wrote: bool,
    since: Instant,
    /// The wait of the group's call with the latest deadline: the commit's lock waits end
    /// there (see [`Transactions::commit_within`]).
    latest: TurnWait,
}

impl<Tx> Open<Tx> {
    /// The group that `tx`, begun for the call waiting on `turn`, opens.
    fn new(tx: Tx, turn: &TurnWait) -> Open<Tx> {
        Open {
            tx,
            epoch: Arc::default(),
            calls: 0,
            wrote: false,
            since: Instant::now(),
            latest: turn.clone(),
        }
    }

    /// The call waiting on `turn` runs in this group.
    fn joined_by(&mut self, turn: &TurnWait) {
        if turn.deadline() > self.latest.deadline() {
            self.latest = turn.clone();
        }
    }
}

impl<P: Transactions> WriteGroup<P> {
    /// The group of a store whose transactions `engine` runs, capped by `limits`.
    pub fn new(engine: P, limits: GroupLimits) -> WriteGroup<P> {
        WriteGroup {
            engine,
            limits,
            slot: Mutex::new(Slot {
                busy: false,
                queued: 0,
                open: None,
                seen: None,
            }),
            freed: Condvar::new(),
        }
    }

    /// The backend's transactions.
    pub fn engine(&self) -> &P {
        &self.engine
    }

    /// The group's caps.
    pub fn limits(&self) -> GroupLimits {
        self.limits
    }

    /// Runs one call, `f`, in the group's transaction; waits for the slot until `turn`'s
    /// deadline (`turn` begins when the call does: [`TurnWait::from_now`] with the lock
    /// timeout, so that a timeout reports the call's whole wait).
    /// `f` gets the transaction and hands it back with its answer. The answer is given once
    /// the group's commit is durable (or at once when the call depends on nothing uncommitted).
    ///
    /// Every call must check everything before its first write: a call answering an error other
    /// than `Io` or `Corrupt` must have written nothing.
    ///
    /// # Errors
    /// `f`'s error; `Io` when the slot or the engine's write lock is not had by the deadline,
    /// when the group's commit fails, or when another call of the group meets `Io` or
    /// `Corrupt`.
    pub fn write<T>(
        &self,
        turn: TurnWait,
        f: impl FnOnce(P::Tx) -> (P::Tx, Result<T>),
    ) -> Result<T> {
        self.run(turn, false, f)
    }

    /// Runs a batch, `f`, which may fail after it wrote: in a transaction it begins itself,
    /// after committing the open group. Calls queued behind it may join its transaction once
    /// it has succeeded; when it fails, its transaction (holding nothing else) is aborted.
    ///
    /// # Errors
    /// As [`write`](WriteGroup::write).
    pub fn batch<T>(
        &self,
        turn: TurnWait,
        f: impl FnOnce(P::Tx) -> (P::Tx, Result<T>),
    ) -> Result<T> {
        self.run(turn, true, f)
    }

    fn lock(&self) -> MutexGuard<'_, Slot<P::Tx>> {
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn run<T>(
        &self,
        mut turn: TurnWait,
        lead: bool,
        f: impl FnOnce(P::Tx) -> (P::Tx, Result<T>),
    ) -> Result<T> {
        let open = self.take_slot(&mut turn)?;
        let mut holding = Holding {
            group: self,
            epoch: None,
            done: false,
        };
        let open = match open {
            Some(open) if lead => {
                holding.epoch = Some(open.epoch.clone());
                // Its outcome is for the calls waiting for it; the batch goes on either way.
                let _ = self.end(open);
                None
            }
            open => open,
        };
        let mut open = match open {
            Some(open) => open,
            None => match self.begun(&mut turn) {
                Ok(tx) => Open::new(tx, &turn),
                Err(e) => {
                    holding.release();
                    return Err(e);
                }
            },
        };
        holding.epoch = Some(open.epoch.clone());
        open.joined_by(&turn);
        let read_writes = open.wrote;
        let (tx, answer) = f(open.tx);
        open.tx = tx;
        let failed = answer.as_ref().err();
        if let Some(e) = failed
            && (e.kind().is_fault() || lead)
        {
            // A fault may have left half a call written, and a failed batch wrote what nothing
            // can take back alone (it leads, so the transaction holds nothing else).
            self.engine.abort(open.tx);
            let why = format!("another call of the group failed: {}", e.message());
            open.epoch.settle(Err(why));
            holding.release();
            return answer;
        }
        open.calls += 1;
        open.wrote |= answer.is_ok();
        let waits = read_writes || answer.is_ok();
        if self.stays_open(&open) {
            let epoch = open.epoch.clone();
            match holding.hand_over(open) {
                Ok(()) if !waits || self.limits.acknowledges_early() => return answer,
                Ok(()) => return epoch.wait().and(answer),
                // Nobody is queued any more (a waiter timed out): this call ends the group.
                Err(back) => open = back,
            }
        }
        let committed = self.end(open);
        holding.release();
        committed.and(answer)
    }

    /// The engine's begin for `turn`; what it saw of the write lock's holder is kept for the
    /// writers queued behind.
    fn begun(&self, turn: &mut TurnWait) -> Result<P::Tx> {
        let begun = self.engine.begin(turn);
        if let Some(seen) = turn.seen() {
            self.lock().seen = Some(seen.clone());
        }
        begun
    }

    /// Waits for the slot until `turn`'s deadline and takes it; the open group, if any.
    fn take_slot(&self, turn: &mut TurnWait) -> Result<Option<Open<P::Tx>>> {
        let deadline = turn.deadline();
        let mut slot = self.lock();
        if slot.busy {
            slot.queued += 1;
            let mut wait = LockWait::begin();
            while slot.busy {
                let now = Instant::now();
                if now >= deadline {
                    slot.queued -= 1;
                    if let Some(seen) = &slot.seen {
                        turn.learn(seen);
                    }
                    drop(slot);
                    let e = self.engine.turn_timed_out(turn);
                    wait.set_holder(e.message().to_owned());
                    wait.end(self.engine.backend(), self.engine.file(), SLOT, false);
                    return Err(e);
                }
                if wait.wants_holder() {
                    wait.set_holder("another call of this process".to_owned());
                }
                slot = self
                    .freed
                    .wait_timeout(slot, deadline - now)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
            }
            slot.queued -= 1;
            slot.busy = true;
            if let Some(seen) = &slot.seen {
                turn.learn(seen);
            }
            let open = slot.open.take();
            drop(slot);
            wait.end(self.engine.backend(), self.engine.file(), SLOT, true);
            return Ok(open);
        }
        slot.busy = true;
        Ok(slot.open.take())
    }

    /// Whether the group may stay open for the writers queued behind it.
    fn stays_open(&self, open: &Open<P::Tx>) -> bool {
        self.lock().queued > 0
            && open.calls < self.limits.calls()
            && open.since.elapsed() < self.limits.open()
            && !self.engine.others_waiting(&open.tx)
    }

    /// Ends the group: commits what it wrote (aborts a group that wrote nothing) and settles
    /// its outcome for the calls waiting for it.
    fn end(&self, open: Open<P::Tx>) -> Result<()> {
        let Open {
            tx,
            epoch,
            wrote,
            mut latest,
            ..
        } = open;
        let outcome = if wrote {
            self.engine.commit_within(tx, &mut latest)
        } else {
            self.engine.abort(tx);
            Ok(())
        };
        let settled: Outcome = match &outcome {
            Ok(()) => Ok(()),
            Err(e) => Err(format!("its commit failed: {}", e.message())),
        };
        epoch.settle(settled);
        outcome
    }

    /// Writers waiting for the slot (for tests).
    #[cfg(test)]
    fn queued(&self) -> usize {
        self.lock().queued
    }
}

impl<P: Transactions + fmt::Debug> fmt::Debug for WriteGroup<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WriteGroup")
            .field("engine", &self.engine)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// The slot, held by one writer: released when it is done, and also when it unwinds from a
/// panic, failing its group (whose transaction went with the panic).
struct Holding<'g, P: Transactions> {
    group: &'g WriteGroup<P>,
    /// The group this writer is responsible for ending.
    epoch: Option<Arc<Epoch>>,
    done: bool,
}

impl<P: Transactions> Holding<'_, P> {
    /// Releases the slot with no group open.
    fn release(mut self) {
        self.done = true;
        self.free();
    }

    /// Releases the slot leaving `open` to the writers queued behind it; gives it back when
    /// none is queued any more (the last one timed out meanwhile), still holding the slot.
    fn hand_over(&mut self, open: Open<P::Tx>) -> std::result::Result<(), Open<P::Tx>> {
        let mut slot = self.group.lock();
        if slot.queued == 0 {
            return Err(open);
        }
        slot.open = Some(open);
        slot.busy = false;
        drop(slot);
        self.done = true;
        self.group.freed.notify_all();
        Ok(())
    }

    fn free(&self) {
        let mut slot = self.group.lock();
        slot.open = None;
        slot.busy = false;
        drop(slot);
        self.group.freed.notify_all();
    }
}

impl<P: Transactions> Drop for Holding<'_, P> {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        if let Some(epoch) = &self.epoch {
            epoch.settle(Err("a call of the group panicked".to_owned()));
        }
        self.free();
    }
}
