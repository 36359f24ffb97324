//! Runs a generated case on a store, real or model: the case's handles, and `Reopen` as a real
//! reopen (every handle dropped, the store reopened, the handles opened again), as the
//! conformance checker does.

use std::panic::{AssertUnwindSafe, catch_unwind};

use podstate_api::raw::Store;
use podstate_api::{ErrorKind, State, StateError};
use podstate_conformance::checker::{self, Answer, HandleOp, Op, Value};

/// The handles of one case on one store.
pub struct Driver {
    // Handles go before the store (and its files).
    handles: Vec<Box<dyn State>>,
    store: Option<Box<dyn Store>>,
}

impl Driver {
    /// Opens `handles` handles (at least one) on `store`.
    ///
    /// # Errors
    /// A handle that cannot be opened.
    pub fn new(store: Box<dyn Store>, handles: usize) -> Result<Driver, StateError> {
        let handles = (0..handles.max(1))
            .map(|_| store.open_handle())
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Driver {
            handles,
            store: Some(store),
        })
    }

    /// Runs `step`; a panic is a broken answer.
    pub fn apply(&mut self, step: &HandleOp) -> Answer {
        if let Op::Reopen = step.op {
            return self.reopen();
        }
        let Some(handle) = self.handles.get(step.handle) else {
            return Answer::Broken(format!("the case has no handle {}", step.handle));
        };
        let handle = handle.as_ref();
        catch_unwind(AssertUnwindSafe(|| checker::call(handle, &step.op)))
            .unwrap_or_else(|panic| Answer::Broken(format!("panicked: {}", panic_text(&*panic))))
    }

    fn reopen(&mut self) -> Answer {
        let count = self.handles.len();
        let result = catch_unwind(AssertUnwindSafe(|| -> Result<(), StateError> {
            self.handles.clear();
            let store = self.store.take().ok_or_else(|| {
                StateError::new(ErrorKind::Io, "an earlier reopen lost the store")
            })?;
            let store = store.reopen()?;
            self.handles = (0..count)
                .map(|_| store.open_handle())
                .collect::<Result<Vec<_>, _>>()?;
            self.store = Some(store);
            Ok(())
        }));
        match result {
            Ok(Ok(())) => Answer::Ok(Value::Unit),
            Ok(Err(e)) => Answer::from_result(Err(e)),
            Err(panic) => Answer::Broken(format!("panicked: {}", panic_text(&*panic))),
        }
    }

    /// The store, unless a reopen failed.
    pub fn store(&self) -> Option<&dyn Store> {
        self.store.as_deref()
    }

    /// Drops every handle and hands back the store.
    pub fn into_store(mut self) -> Option<Box<dyn Store>> {
        self.handles.clear();
        self.store.take()
    }
}

/// The text of a panic payload.
pub fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-text panic payload".to_owned()
    }
}
