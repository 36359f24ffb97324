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

use podstate_api::{Capabilities, Store};
use podstate_api::{
    Container, ContainerConfig, DbConfig, ExecSession, Pod, PodConfig, Result, State, Volume,
    VolumeConfig,
};
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

/// A handle that counts every call, then lets the wrapped handle answer it.
#[derive(Debug)]
pub struct MeteredState {
    inner: Box<dyn State>,
    metrics: Metrics,
}

macro_rules! metered {
    ($( fn $name:ident(&self $(, $arg:ident : $ty:ty)*) -> $ret:ty; )*) => {
        impl State for MeteredState {
            $(
                fn $name(&self $(, $arg: $ty)*) -> $ret {
                    self.metrics.count(stringify!($name));
                    self.inner.$name($($arg),*)
                }
            )*
        }
    };
}

metered! {
    fn close(&self) -> Result<()>;
    fn refresh(&self) -> Result<()>;
    fn get_db_config(&self) -> Result<DbConfig>;
    fn validate_db_config(&self, cfg: &DbConfig) -> Result<()>;
    fn set_namespace(&self, ns: &str) -> Result<()>;
    fn get_name(&self, id: &str) -> Result<String>;
    fn container(&self, id: &str) -> Result<Container>;
    fn lookup_container_id(&self, id_or_name: &str) -> Result<String>;
    fn lookup_container(&self, id_or_name: &str) -> Result<Container>;
    fn has_container(&self, id: &str) -> Result<bool>;
    fn get_container_config(&self, id: &str) -> Result<ContainerConfig>;
    fn add_container(&self, ctr: &Container) -> Result<()>;
    fn remove_container(&self, ctr: &Container) -> Result<()>;
    fn update_container(&self, ctr: &mut Container) -> Result<()>;
    fn save_container(&self, ctr: &Container) -> Result<()>;
    fn container_in_use(&self, ctr: &Container) -> Result<Vec<String>>;
    fn all_containers(&self) -> Result<Vec<Container>>;
    fn rewrite_container_config(&self, ctr: &Container, cfg: &ContainerConfig) -> Result<()>;
    fn get_networks(&self, ctr: &Container) -> Result<Vec<String>>;
    fn get_network_aliases(&self, ctr: &Container, network: &str) -> Result<Vec<String>>;
    fn get_all_network_aliases(&self, ctr: &Container) -> Result<BTreeMap<String, Vec<String>>>;
    fn network_connect(&self, ctr: &Container, network: &str, aliases: &[String]) -> Result<()>;
    fn network_disconnect(&self, ctr: &Container, network: &str) -> Result<()>;
    fn add_exec_session(&self, ctr: &Container, session: &ExecSession) -> Result<()>;
    fn get_exec_session(&self, id: &str) -> Result<String>;
    fn remove_exec_session(&self, session: &ExecSession) -> Result<()>;
    fn get_container_exec_sessions(&self, ctr: &Container) -> Result<Vec<String>>;
    fn remove_container_exec_sessions(&self, ctr: &Container) -> Result<()>;
    fn pod(&self, id: &str) -> Result<Pod>;
    fn lookup_pod(&self, id_or_name: &str) -> Result<Pod>;
    fn has_pod(&self, id: &str) -> Result<bool>;
    fn pod_has_container(&self, pod: &Pod, ctr_id: &str) -> Result<bool>;
    fn pod_containers_by_id(&self, pod: &Pod) -> Result<Vec<String>>;
    fn pod_containers(&self, pod: &Pod) -> Result<Vec<Container>>;
    fn add_pod(&self, pod: &Pod) -> Result<()>;
    fn remove_pod(&self, pod: &Pod) -> Result<()>;
    fn remove_pod_containers(&self, pod: &Pod) -> Result<()>;
    fn add_container_to_pod(&self, pod: &Pod, ctr: &Container) -> Result<()>;
    fn remove_container_from_pod(&self, pod: &Pod, ctr: &Container) -> Result<()>;
    fn update_pod(&self, pod: &mut Pod) -> Result<()>;
    fn save_pod(&self, pod: &Pod) -> Result<()>;
    fn all_pods(&self) -> Result<Vec<Pod>>;
    fn rewrite_pod_config(&self, pod: &Pod, cfg: &PodConfig) -> Result<()>;
    fn volume(&self, name: &str) -> Result<Volume>;
    fn lookup_volume(&self, name: &str) -> Result<Volume>;
    fn has_volume(&self, name: &str) -> Result<bool>;
    fn volume_in_use(&self, vol: &Volume) -> Result<Vec<String>>;
    fn add_volume(&self, vol: &Volume) -> Result<()>;
    fn remove_volume(&self, vol: &Volume) -> Result<()>;
    fn update_volume(&self, vol: &mut Volume) -> Result<()>;
    fn save_volume(&self, vol: &Volume) -> Result<()>;
    fn all_volumes(&self) -> Result<Vec<Volume>>;
    fn rewrite_volume_config(&self, vol: &Volume, cfg: &VolumeConfig) -> Result<()>;
}

/// The backend's store: wraps any store and meters every handle it opens. A third party's store
/// implements the same four methods.
#[derive(Debug)]
pub struct MeteredStore {
    inner: Box<dyn Store>,
    metrics: Metrics,
}

impl MeteredStore {
    /// A fresh metered in-memory store, as a test needs it.
    pub fn temporary() -> Result<MeteredStore> {
        Ok(MeteredStore {
            inner: Box::new(podstate_memory::MemoryStore::new()),
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
        Ok(Box::new(MeteredState {
            inner: self.inner.open_handle()?,
            metrics: self.metrics.clone(),
        }))
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

    fn reopen(self: Box<Self>) -> Result<Box<dyn Store>> {
        let MeteredStore { inner, metrics } = *self;
        Ok(Box::new(MeteredStore {
            inner: inner.reopen()?,
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
