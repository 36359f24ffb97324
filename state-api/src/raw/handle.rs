//! The handle every backend hands out: an [`Engine`] plus the handle's own namespace and closed
//! flag (step 1 and SPEC §3), implementing [`State`](crate::State) once for all backends.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use super::{Engine, rules, trace};
use crate::{Result, StateError};

/// A handle on a store: implements every call of [`State`](crate::State) as the check order of
/// [`check`](super::check) followed by the engine's apply phase, in one transaction.
///
/// The namespace and the closed flag belong to the handle, never to the store: two handles on
/// one store see one state through their own namespaces, and closing one leaves the other open.
/// Threads sharing one handle share its namespace.
pub struct Handle<E> {
    pub(super) engine: E,
    namespace: Mutex<String>,
    closed: AtomicBool,
    /// The handle a batch's closure is given: `close`, `set_namespace` and `batch` refuse.
    in_batch: bool,
}

impl<E: Engine> Handle<E> {
    /// An open handle on `engine`, in namespace `""`.
    pub fn new(engine: E) -> Handle<E> {
        Handle {
            engine,
            namespace: Mutex::new(String::new()),
            closed: AtomicBool::new(false),
            in_batch: false,
        }
    }

    /// The handle of a batch on `engine` (the batch's transaction), in namespace `ns`.
    pub(super) fn in_batch(engine: E, ns: String) -> Handle<E> {
        Handle {
            engine,
            namespace: Mutex::new(ns),
            closed: AtomicBool::new(false),
            in_batch: true,
        }
    }

    /// `InvalidArg` if this is a batch's handle: `call` belongs to a handle, not a batch.
    pub(super) fn refuse_in_batch(&self, call: &str) -> Result<()> {
        if self.in_batch {
            return Err(super::batch::not_in_batch(call));
        }
        Ok(())
    }

    /// The engine this handle runs its transactions on.
    pub fn engine(&self) -> &E {
        &self.engine
    }

    /// Step 1 of every call but `close`.
    pub(super) fn ensure_open(&self) -> Result<()> {
        if self.closed.load(Ordering::SeqCst) {
            return Err(StateError::closed());
        }
        Ok(())
    }

    /// The handle's namespace, copied so that no lock is held during the transaction.
    pub(super) fn namespace(&self) -> String {
        self.namespace
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Runs the call named `call` that only reads, inside its span ([`trace`]): closed check,
    /// then `f` in one read transaction with the handle's namespace.
    pub(super) fn read<T>(
        &self,
        call: &'static str,
        f: impl FnOnce(&E::Read<'_>, &str) -> Result<T>,
    ) -> Result<T> {
        trace::call(call, self.engine.backend(), |span| {
            self.ensure_open()?;
            let ns = self.namespace();
            span.record("namespace", ns.as_str());
            self.engine.read(|tx| f(tx, &ns))
        })
    }

    /// Runs the mutating call named `call`, inside its span ([`trace`]): closed check, then `f`
    /// in one write transaction with the handle's namespace. Every call checks everything before
    /// its first write, so an engine whose writes cannot fail needs no rollback.
    pub(super) fn write<T>(
        &self,
        call: &'static str,
        f: impl FnOnce(&mut E::Write<'_>, &str) -> Result<T>,
    ) -> Result<T> {
        trace::call(call, self.engine.backend(), |span| {
            self.ensure_open()?;
            let ns = self.namespace();
            span.record("namespace", ns.as_str());
            self.engine.write(|tx| f(tx, &ns))
        })
    }

    /// `set_namespace`, inside its span; the span's `namespace` is the new one.
    pub(super) fn set_namespace(&self, ns: &str) -> Result<()> {
        trace::call("set_namespace", self.engine.backend(), |span| {
            self.ensure_open()?;
            self.refuse_in_batch("set_namespace")?;
            rules::check_namespace(ns)?;
            span.record("namespace", ns);
            let mut guard = self
                .namespace
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            ns.clone_into(&mut guard);
            Ok(())
        })
    }

    /// `close`, inside its span: idempotent; the engine is released by the first call only.
    pub(super) fn close(&self) -> Result<()> {
        trace::call("close", self.engine.backend(), |_| {
            self.refuse_in_batch("close")?;
            if self.closed.swap(true, Ordering::SeqCst) {
                return Ok(());
            }
            self.engine.close()
        })
    }
}

impl<E: Engine> fmt::Debug for Handle<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("engine", &self.engine)
            .field("namespace", &self.namespace())
            .field("closed", &self.closed.load(Ordering::SeqCst))
            .finish()
    }
}

/// `Corrupt` for an object a check found but the same transaction then failed to load: the
/// backend's indexes and its records disagree.
pub(super) fn vanished(what: &str, id: &str) -> StateError {
    StateError::new(
        crate::ErrorKind::Corrupt,
        format!("{what} {id:?} is indexed but its record is missing"),
    )
}
