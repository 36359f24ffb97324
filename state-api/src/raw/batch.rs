//! Batches: several calls in one write transaction. The handle a batch's closure is given is a
//! [`Handle`] like any other, over an engine that runs every call in the batch's transaction,
//! so a call inside a batch goes through the very checks and writes it goes through alone.

use std::fmt;
use std::sync::{Mutex, PoisonError};

use super::{Engine, Handle, StoreLoad, StoreRead, StoreWrite, trace};
use crate::{ErrorKind, Result, State, StateError};

impl<E: Engine> Handle<E> {
    /// `batch`, inside its span: the calls of `f` run in one transaction of the engine's
    /// [`batch`](Engine::batch), which commits once, after `f`, unless `f` or a doomed call
    /// says otherwise.
    pub(super) fn batch(&self, f: &mut dyn FnMut(&dyn State) -> Result<()>) -> Result<()> {
        let backend = self.engine.backend();
        trace::call("batch", backend, |span| {
            self.ensure_open()?;
            self.refuse_in_batch("batch")?;
            let ns = self.namespace();
            span.record("namespace", ns.as_str());
            self.engine.batch(|tx| {
                let inside = Handle::in_batch(InBatch::new(tx, backend), ns);
                let answer = f(&inside);
                inside.engine.finish(answer)
            })
        })
    }
}

/// `InvalidArg` for a call that makes no sense inside a batch (`close`, `set_namespace`, a
/// nested `batch`).
pub(super) fn not_in_batch(call: &str) -> StateError {
    StateError::invalid(format!(
        "{call} cannot be called inside a batch (it belongs to the handle, not to the batch's transaction)"
    ))
}

/// The engine of a batch's handle: every read and write runs on the batch's one write
/// transaction, one call at a time.
///
/// Not generic over the backend's engine (its name is a field): a batch's handle has a `batch`
/// too, which refuses, and a type parameter would make each level's `batch` name a deeper type.
pub(super) struct InBatch<'t, W> {
    tx: Mutex<&'t mut W>,
    /// The first `Io` or `Corrupt` a call inside met: the transaction may be half-written (or,
    /// in SQLite, already rolled back by the engine), so nothing more may run in it and the
    /// batch must not commit.
    doomed: Mutex<Option<(ErrorKind, String)>>,
    /// The backend's name, for the spans of the calls inside.
    backend: &'static str,
}

impl<'t, W> InBatch<'t, W> {
    fn new(tx: &'t mut W, backend: &'static str) -> Self {
        InBatch {
            tx: Mutex::new(tx),
            doomed: Mutex::new(None),
            backend,
        }
    }

    fn doomed(&self) -> Option<StateError> {
        let doomed = self.doomed.lock().unwrap_or_else(PoisonError::into_inner);
        let (kind, message) = doomed.as_ref()?;
        Some(StateError::new(*kind, message.clone()))
    }

    fn doom(&self, e: &StateError) {
        let mut doomed = self.doomed.lock().unwrap_or_else(PoisonError::into_inner);
        doomed.get_or_insert_with(|| {
            (
                e.kind(),
                format!("the batch was rolled back: {}", e.message()),
            )
        });
    }

    /// Runs one call's body on the transaction, unless the batch is doomed.
    fn run<T>(&self, f: impl FnOnce(&mut W) -> Result<T>) -> Result<T> {
        let mut tx = match self.tx.lock() {
            Ok(tx) => tx,
            // A call panicked half-way and the closure caught it: its writes may be half done.
            Err(poisoned) => {
                self.doom(&StateError::new(
                    ErrorKind::Io,
                    "a call inside it panicked half-way",
                ));
                poisoned.into_inner()
            }
        };
        if let Some(e) = self.doomed() {
            return Err(e);
        }
        let answer = f(&mut tx);
        if let Err(e) = &answer
            && e.kind().is_fault()
        {
            self.doom(e);
        }
        answer
    }

    /// The batch's answer: a doomed batch answers its first storage error whatever the closure
    /// said, so that the engine rolls back.
    fn finish(&self, answer: Result<()>) -> Result<()> {
        if self.tx.is_poisoned() {
            self.run(|_| Ok(()))?;
        }
        match self.doomed() {
            Some(e) => Err(e),
            None => answer,
        }
    }
}

impl<W> fmt::Debug for InBatch<'_, W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InBatch")
            .field("doomed", &self.doomed())
            .finish_non_exhaustive()
    }
}

impl<W> Engine for InBatch<'_, W>
where
    W: StoreRead + StoreLoad + StoreWrite + Send,
{
    type Read<'a>
        = W
    where
        Self: 'a;

    type Write<'a>
        = W
    where
        Self: 'a;

    fn read<T>(&self, f: impl FnOnce(&W) -> Result<T>) -> Result<T> {
        self.run(|tx| f(tx))
    }

    fn write<T>(&self, f: impl FnOnce(&mut W) -> Result<T>) -> Result<T> {
        self.run(f)
    }

    /// Never reached: a batch's handle refuses a nested batch before its engine is asked.
    fn batch<T>(&self, f: impl FnOnce(&mut W) -> Result<T>) -> Result<T> {
        self.run(f)
    }

    fn backend(&self) -> &'static str {
        self.backend
    }
}
