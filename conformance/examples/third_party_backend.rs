//! An out-of-tree-style backend checked by the conformance suite exactly as a third party would:
//! through the published API of `podstate-conformance` and nothing else.
//!
//! The backend, `MeteredState`, adds call metrics to any `State` (here the in-memory backend): a
//! count per call, kept per store. The suite proves the metering changes no answer.
//!
//! `cargo test -p podstate-conformance --example third_party_backend` runs every scenario as its
//! own test plus the model check at the CI budget; `cargo run -p podstate-conformance --example
//! third_party_backend` prints the metrics of one checker run.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use podstate_api::{Call, Layered, Result, State, StateLayer};
use podstate_api::{Capabilities, Store};
use podstate_conformance::StoreFactory;

/// Calls made on one store, by name.
#[derive(Debug, Default, Clone)]
pub struct Metrics(Arc<Mutex<BTreeMap<&'static str, u64>>>);

impl Metrics {
    fn count(&self, call: &'static str) {
        let mut counts = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        *counts.entry(call).or_default() += 1;
    }

    /// A copy of the counts.
    pub fn snapshot(&self) -> BTreeMap<&'static str, u64> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// A handle that counts every call, then lets the wrapped handle answer it: a [`StateLayer`]
/// whose `around` runs for each of the 53 calls, made a [`State`] by [`Layered`].
#[derive(Debug)]
pub struct MeteredState {
    inner: Box<dyn State>,
    metrics: Metrics,
}

impl StateLayer for MeteredState {
    fn inner(&self) -> &dyn State {
        self.inner.as_ref()
    }

    fn around<T>(&self, call: Call, f: impl FnOnce(&dyn State) -> Result<T>) -> Result<T> {
        self.metrics.count(call.name);
        f(self.inner.as_ref())
    }
}

/// The backend's store: wraps any store and meters every handle it opens. A third party's store
/// implements the same four methods.
#[derive(Debug)]
pub struct MeteredStore {
    inner: Arc<dyn Store>,
    metrics: Metrics,
}

impl MeteredStore {
    /// A fresh metered in-memory store, as a test needs it.
    pub fn temporary() -> Result<MeteredStore> {
        Ok(MeteredStore {
            inner: Arc::new(podstate_memory::MemoryStore::new()),
            metrics: Metrics::default(),
        })
    }
}

impl Store for MeteredStore {
    fn backend(&self) -> &'static str {
        "metered-memory"
    }

    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }

    fn open_handle(&self) -> Result<Box<dyn State>> {
        Ok(Box::new(Layered(MeteredState {
            inner: self.inner.open_handle()?,
            metrics: self.metrics.clone(),
        })))
    }

    fn snapshot(&self) -> Result<podstate_api::snapshot::Snapshot> {
        self.inner.snapshot()
    }

    fn restore(&self, snapshot: &podstate_api::snapshot::Snapshot) -> Result<()> {
        self.inner.restore(snapshot)
    }

    fn verify(&self) -> Result<Vec<podstate_api::verify::Violation>> {
        self.inner.verify()
    }

    fn reopen(self: Arc<Self>) -> Result<Box<dyn Store>> {
        let (inner, metrics) = (Arc::clone(&self.inner), self.metrics.clone());
        drop(self);
        Ok(Box::new(MeteredStore {
            inner: Arc::from(inner.reopen()?),
            metrics,
        }))
    }
}

/// The factory the suite needs: a fresh metered store per test.
fn metered_factory() -> impl podstate_conformance::BackendFactory {
    StoreFactory::new(MeteredStore::temporary)
}

#[cfg(test)]
podstate_conformance::conformance_tests!(metered_factory());

fn main() {
    let config = podstate_conformance::checker::CheckConfig::ci();
    let report = podstate_conformance::checker::check_backend(&metered_factory(), &config);
    println!("{}", report.summary());
    report.assert_passed();
}
