//! The faulty handle: a [`StateLayer`] passing every call to the wrapped handle, except where
//! its fault bites.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use podstate_api::{
    Call, Container, ContainerConfig, DbConfig, ExecSession, Pod, Result, State, StateLayer, Volume,
};

use super::{Fault, Shared};

/// A handle that behaves like the wrapped one but for its [`Fault`].
pub(super) struct FaultyState {
    /// The handle under test.
    pub(super) inner: Box<dyn State>,
    /// A second handle on the same store, always in namespace `""`, for the wrapper's own
    /// look-ups; never closed by the wrapper.
    pub(super) admin: Box<dyn State>,
    pub(super) fault: Fault,
    pub(super) shared: Arc<Shared>,
    /// The namespace the caller set, which the wrapper cannot read back from `inner`.
    namespace: Mutex<String>,
    /// The store's close epoch when this handle was opened.
    pub(super) epoch: u64,
    /// The version of the store-wide namespace this handle last applied.
    pub(super) ns_version: AtomicU64,
    /// Reads remembered under a caching fault.
    pub(super) cache: Mutex<ReadCache>,
}

/// What a handle under [`Fault::StaleReadsAcrossHandles`] remembers, until its own next write.
#[derive(Debug, Default)]
pub(super) struct ReadCache {
    pub(super) all_containers: Option<Vec<Container>>,
    pub(super) containers: std::collections::BTreeMap<String, Container>,
}

impl fmt::Debug for FaultyState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FaultyState")
            .field("fault", &self.fault)
            .field("inner", &self.inner)
            .finish()
    }
}

impl FaultyState {
    pub(super) fn new(
        inner: Box<dyn State>,
        admin: Box<dyn State>,
        fault: Fault,
        shared: Arc<Shared>,
    ) -> Self {
        let epoch = shared.close_epoch.load(Ordering::SeqCst);
        FaultyState {
            inner,
            admin,
            fault,
            shared,
            namespace: Mutex::new(String::new()),
            epoch,
            ns_version: AtomicU64::new(0),
            cache: Mutex::default(),
        }
    }

    pub(super) fn is(&self, fault: Fault) -> bool {
        self.fault == fault
    }

    pub(super) fn namespace(&self) -> String {
        self.namespace
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// Writes with a fault of their own: the faulty version, noting the write.
macro_rules! faulty_writes {
    ($( fn $name:ident(&self $(, $arg:ident : $ty:ty)*) -> $ret:ty => $faulty:ident; )*) => {
        $(
            fn $name(&self $(, $arg: $ty)*) -> $ret {
                self.live()?;
                self.wrote();
                self.$faulty($($arg),*)
            }
        )*
    };
}

impl StateLayer for FaultyState {
    fn inner(&self) -> &dyn State {
        self.inner.as_ref()
    }

    /// The calls the wrapper never touches: the liveness check, the write noted, then the
    /// wrapped handle's answer.
    fn around<T>(&self, call: Call, f: impl FnOnce(&dyn State) -> Result<T>) -> Result<T> {
        self.live()?;
        if call.mutating {
            self.wrote();
        }
        f(self.inner.as_ref())
    }

    faulty_writes! {
        fn refresh(&self) -> Result<()> => faulty_refresh;
        fn validate_db_config(&self, cfg: &DbConfig) -> Result<()> => faulty_validate_db_config;
        fn save_container(&self, ctr: &Container) -> Result<()> => faulty_save_container;
        fn rewrite_container_config(&self, ctr: &Container, cfg: &ContainerConfig) -> Result<()>
            => faulty_rewrite_container_config;
        fn network_disconnect(&self, ctr: &Container, network: &str) -> Result<()>
            => faulty_network_disconnect;
        fn remove_exec_session(&self, session: &ExecSession) -> Result<()>
            => faulty_remove_exec_session;
        fn add_pod(&self, pod: &Pod) -> Result<()> => faulty_add_pod;
        fn remove_pod_containers(&self, pod: &Pod) -> Result<()> => faulty_remove_pod_containers;
        fn remove_volume(&self, vol: &Volume) -> Result<()> => faulty_remove_volume;
    }

    fn update_container(&self, ctr: &mut Container) -> Result<()> {
        self.live()?;
        self.faulty_update_container(ctr)
    }

    fn container(&self, id: &str) -> Result<Container> {
        self.live()?;
        self.faulty_container(id)
    }

    fn close(&self) -> Result<()> {
        self.wrote();
        if self.is(Fault::CloseClosesEveryHandle) {
            self.shared.close_epoch.fetch_add(1, Ordering::SeqCst);
        }
        self.inner.close()
    }

    fn batch(&self, f: &mut dyn FnMut(&dyn State) -> Result<()>) -> Result<()> {
        self.live()?;
        self.wrote();
        self.faulty_batch(f)
    }

    fn set_namespace(&self, ns: &str) -> Result<()> {
        self.live()?;
        self.inner.set_namespace(ns)?;
        self.share_namespace(ns);
        *self
            .namespace
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = ns.to_owned();
        Ok(())
    }

    fn get_name(&self, id: &str) -> Result<String> {
        self.live()?;
        self.faulty_get_name(id)
    }

    fn lookup_container_id(&self, id_or_name: &str) -> Result<String> {
        self.live()?;
        self.faulty_lookup_container_id(id_or_name)
    }

    fn lookup_container(&self, id_or_name: &str) -> Result<Container> {
        self.live()?;
        if self.lookup_is_faulty() {
            let id = self.faulty_lookup_container_id(id_or_name)?;
            return self.admin.container(&id);
        }
        self.inner.lookup_container(id_or_name)
    }

    fn has_container(&self, id: &str) -> Result<bool> {
        self.live()?;
        self.faulty_has_container(id)
    }

    fn add_container(&self, ctr: &Container) -> Result<()> {
        self.live()?;
        self.wrote();
        self.faulty_add(ctr, |c| self.inner.add_container(c))
    }

    fn remove_container(&self, ctr: &Container) -> Result<()> {
        self.live()?;
        self.wrote();
        self.faulty_remove(ctr, || self.inner.remove_container(ctr))
    }

    fn container_in_use(&self, ctr: &Container) -> Result<Vec<String>> {
        self.live()?;
        self.faulty_container_in_use(ctr)
    }

    fn all_containers(&self) -> Result<Vec<Container>> {
        self.live()?;
        self.faulty_all_containers()
    }

    fn add_container_to_pod(&self, pod: &Pod, ctr: &Container) -> Result<()> {
        self.live()?;
        self.wrote();
        self.faulty_add(ctr, |c| self.inner.add_container_to_pod(pod, c))
    }

    fn remove_container_from_pod(&self, pod: &Pod, ctr: &Container) -> Result<()> {
        self.live()?;
        self.wrote();
        self.faulty_remove(ctr, || self.faulty_remove_member(pod, ctr))
    }

    fn volume_in_use(&self, vol: &Volume) -> Result<Vec<String>> {
        self.live()?;
        self.faulty_volume_in_use(vol)
    }

    fn all_volumes(&self) -> Result<Vec<Volume>> {
        self.live()?;
        self.faulty_all_volumes()
    }
}
