//! Batches across the C boundary: `podstate_batch_begin` / `_commit` / `_rollback` on top of
//! the closure-scoped [`State::batch`].
//!
//! A Rust batch is a closure: the handle it gets (`tx`) lives only inside it, and the batch
//! commits when the closure returns. A C caller cannot hand Rust a closure that makes its calls
//! one by one, so each batch gets a thread of its own that runs `State::batch` with a closure
//! that serves orders from a channel: "run this call on `tx`" (answered on a second channel),
//! and finally "commit" or "roll back", which returns from the closure. `tx` never leaves that
//! thread; a C caller's calls reach it as jobs. A job owns what it needs (the call's name,
//! arguments and payloads are copied out of the caller's memory), so the caller's pointers are
//! never used on another thread.
//!
//! Why not `begin`/`commit` on the engine directly: `State::batch` is the one place that runs a
//! batch's checks, dooming and rollback for every backend (`podstate-api`'s implementer module);
//! a second way into the engines would have to restate them. The price is a thread start per
//! batch (tens of microseconds, against a durable commit's hundreds) and two channel hops per
//! call inside it.
//!
//! Dropping an unfinished [`Batch`] closes its order channel: the closure returns as for a
//! rollback, and the drop waits for the thread, so that once `podstate_handle_free` returns the
//! batch is rolled back and its write lock released.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};

use podstate::{ErrorKind, State, StateError};

use crate::calls::Reply;
use crate::errors::{AbiError, AbiKind};

/// One call to run on the batch's handle, on the batch's thread.
pub(crate) type Job = Box<dyn FnOnce(&dyn State) -> Result<Reply, AbiError> + Send>;

/// How a batch ends when its caller says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ending {
    /// `podstate_batch_commit`.
    Commit,
    /// `podstate_batch_rollback`.
    Rollback,
}

/// What the caller's side sends the batch's thread.
enum Order {
    Run(Job),
    Finish(Ending),
}

/// What the batch's thread sends back.
enum Note {
    /// The closure runs: the batch holds its transaction.
    Begun,
    /// The answer of the last [`Order::Run`].
    Answer(Result<Reply, AbiError>),
    /// `State::batch` returned: `Ok` once committed, or once rolled back on request.
    Finished(Result<(), AbiError>),
}

/// The error the closure answers to roll the batch back on request; told apart from every
/// error of the store by its message.
const ROLLED_BACK: &str = "rolled back by podstate_batch_rollback";

/// A batch begun through the boundary (see the [module docs](self)).
pub struct Batch {
    phase: Mutex<Phase>,
}

/// Where a batch is. Held locked for the whole of a call or an ending, so that calls from
/// several threads are served one at a time and an ending waits for the call before it.
struct Phase {
    /// The batch's thread, running the closure and waiting for orders; `None` once finished.
    link: Option<Link>,
    /// How the batch ended, for the answers after it (meaningless while `link` is `Some`).
    how: &'static str,
}

/// The two channels to the batch's thread, and the thread.
struct Link {
    orders: Sender<Order>,
    notes: Receiver<Note>,
    thread: JoinHandle<()>,
}

impl Batch {
    /// Begins a batch on `state`: starts its thread and waits until `State::batch` runs the
    /// closure (which, for a persistent backend, is when the write lock is held).
    ///
    /// # Errors
    /// What `state.batch` answers when it refuses before running its closure (`DbClosed` for a
    /// closed handle, `InvalidArg` on a batch's handle, `Io` when the lock timeout runs out);
    /// `Io` when no thread can be started.
    pub(crate) fn begin(state: Arc<dyn State>) -> Result<Batch, AbiError> {
        let (orders, inbox) = mpsc::channel();
        let (outbox, notes) = mpsc::channel();
        let thread = thread::Builder::new()
            .name("podstate-batch".to_owned())
            .spawn(move || serve(state.as_ref(), &inbox, &outbox))
            .map_err(|e| {
                AbiError::new(
                    AbiKind::State(ErrorKind::Io),
                    format!("cannot start the batch's thread: {e}"),
                )
            })?;
        match notes.recv() {
            Ok(Note::Begun) => Ok(Batch {
                phase: Mutex::new(Phase {
                    link: Some(Link {
                        orders,
                        notes,
                        thread,
                    }),
                    how: "open",
                }),
            }),
            Ok(Note::Finished(Err(e))) => {
                let _ = thread.join();
                Err(e)
            }
            _ => {
                drop(orders);
                let _ = thread.join();
                Err(broken("the batch ended before its closure ran"))
            }
        }
    }

    /// Runs `job` on the batch's handle and answers what it answers.
    ///
    /// # Errors
    /// The job's; `DbClosed` once the batch is finished.
    pub(crate) fn run(&self, job: Job) -> Result<Reply, AbiError> {
        let mut phase = self.phase();
        let Some(link) = &phase.link else {
            return Err(over(phase.how));
        };
        // A send fails, and a receive finds no answer, only when the thread is gone.
        if link.orders.send(Order::Run(job)).is_ok()
            && let Ok(Note::Answer(answer)) = link.notes.recv()
        {
            return answer;
        }
        phase.how = "ended by a fault";
        if let Some(link) = phase.link.take() {
            let _ = link.thread.join();
        }
        Err(broken("the batch's thread ended without answering a call"))
    }

    /// Commits or rolls back the batch, as `ending` says, and waits for its thread.
    ///
    /// # Errors
    /// `DbClosed` when the batch is already finished. For a commit, what `State::batch`
    /// answers (`Io` or `Corrupt` from a call that doomed the batch, or from the commit); for a
    /// rollback, only the `Io` or `Corrupt` of a call that had doomed it (rolled back all the
    /// same).
    pub(crate) fn finish(&self, ending: Ending) -> Result<(), AbiError> {
        let mut phase = self.phase();
        let Some(link) = phase.link.take() else {
            return Err(over(phase.how));
        };
        let _ = link.orders.send(Order::Finish(ending));
        let answer = match link.notes.recv() {
            Ok(Note::Finished(answer)) => answer,
            _ => Err(broken("the batch's thread ended without answering its end")),
        };
        let _ = link.thread.join();
        phase.how = match (ending, &answer) {
            (Ending::Commit, Ok(())) => "committed",
            (Ending::Commit, Err(_)) => "rolled back by its failed commit",
            (Ending::Rollback, _) => "rolled back",
        };
        answer
    }

    fn phase(&self) -> MutexGuard<'_, Phase> {
        self.phase.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Batch {
    /// Rolls an unfinished batch back (its closure sees the order channel closed) and waits
    /// for its thread.
    fn drop(&mut self) {
        let phase = self.phase.get_mut().unwrap_or_else(PoisonError::into_inner);
        if let Some(link) = phase.link.take() {
            drop(link.orders);
            let _ = link.thread.join();
        }
    }
}

impl std::fmt::Debug for Batch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let how = self.phase().how;
        f.debug_struct("Batch").field("phase", &how).finish()
    }
}

/// The answer to anything but freeing, once the batch is finished: a finished batch is a
/// closed handle.
fn over(how: &str) -> AbiError {
    AbiError::new(
        AbiKind::State(ErrorKind::DbClosed),
        format!("the batch was already {how}: begin another with podstate_batch_begin"),
    )
}

/// A batch thread that broke its protocol: a bug, like a caught panic.
fn broken(what: &str) -> AbiError {
    AbiError::new(
        AbiKind::Panic,
        format!("{what} (a bug in podstate, please report it)"),
    )
}

/// The batch's thread: runs `state.batch`, its closure serving `orders` until told to finish
/// (or until the channel closes: the batch was freed), then says how the batch ended.
fn serve(state: &dyn State, orders: &Receiver<Order>, notes: &Sender<Note>) {
    let finished = catch_unwind(AssertUnwindSafe(|| run_batch(state, orders, notes)))
        .unwrap_or_else(|p| Err(crate::errors::panicked(p)));
    // Nobody listens when the batch was freed.
    let _ = notes.send(Note::Finished(finished));
}

fn run_batch(
    state: &dyn State,
    orders: &Receiver<Order>,
    notes: &Sender<Note>,
) -> Result<(), AbiError> {
    let mut ending = None;
    let answer = state.batch(&mut |tx| {
        let _ = notes.send(Note::Begun);
        ending = serve_calls(tx, orders, notes);
        match ending {
            Some(Ending::Commit) => Ok(()),
            // Rolled back on request, or freed unfinished.
            _ => Err(StateError::invalid(ROLLED_BACK)),
        }
    });
    match answer {
        Ok(()) => Ok(()),
        Err(e)
            if ending != Some(Ending::Commit)
                && e.kind() == ErrorKind::InvalidArg
                && e.message() == ROLLED_BACK =>
        {
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

/// Runs each call sent until an order to finish (its ending) or the channel's end (`None`).
fn serve_calls(tx: &dyn State, orders: &Receiver<Order>, notes: &Sender<Note>) -> Option<Ending> {
    for order in orders {
        match order {
            Order::Run(job) => {
                // A panic inside a call is answered like one outside a batch; the batch's
                // handle dooms the batch when the panic left its transaction half-written.
                let answer = catch_unwind(AssertUnwindSafe(|| job(tx)))
                    .unwrap_or_else(|p| Err(crate::errors::panicked(p)));
                let _ = notes.send(Note::Answer(answer));
            }
            Order::Finish(ending) => return Some(ending),
        }
    }
    None
}
