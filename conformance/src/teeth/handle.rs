//! The faulty handle: delegates every call to the wrapped handle, except where its fault bites.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, PoisonError};

use podstate_api::{
    Container, ContainerConfig, DbConfig, ExecSession, Pod, PodConfig, Result, State, StateError,
    Volume, VolumeConfig,
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
    epoch: u64,
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

    /// Under [`Fault::CloseClosesEveryHandle`], a handle opened before another one closed is
    /// treated as closed.
    fn live(&self) -> Result<()> {
        if self.is(Fault::CloseClosesEveryHandle)
            && self.shared.close_epoch.load(Ordering::SeqCst) != self.epoch
        {
            return Err(StateError::closed());
        }
        Ok(())
    }
}

/// Calls the faulty wrappers never touch: plain delegation after the liveness check.
macro_rules! delegate {
    ($( fn $name:ident(&self $(, $arg:ident : $ty:ty)*) -> $ret:ty; )*) => {
        $(
            fn $name(&self $(, $arg: $ty)*) -> $ret {
                self.live()?;
                self.inner.$name($($arg),*)
            }
        )*
    };
}

impl State for FaultyState {
    delegate! {
        fn get_db_config(&self) -> Result<DbConfig>;
        fn container(&self, id: &str) -> Result<Container>;
        fn get_container_config(&self, id: &str) -> Result<ContainerConfig>;
        fn get_networks(&self, ctr: &Container) -> Result<Vec<String>>;
        fn get_network_aliases(&self, ctr: &Container, network: &str) -> Result<Vec<String>>;
        fn get_all_network_aliases(&self, ctr: &Container) -> Result<BTreeMap<String, Vec<String>>>;
        fn network_connect(&self, ctr: &Container, network: &str, aliases: &[String]) -> Result<()>;
        fn add_exec_session(&self, ctr: &Container, session: &ExecSession) -> Result<()>;
        fn get_exec_session(&self, id: &str) -> Result<String>;
        fn get_container_exec_sessions(&self, ctr: &Container) -> Result<Vec<String>>;
        fn remove_container_exec_sessions(&self, ctr: &Container) -> Result<()>;
        fn pod(&self, id: &str) -> Result<Pod>;
        fn lookup_pod(&self, id_or_name: &str) -> Result<Pod>;
        fn has_pod(&self, id: &str) -> Result<bool>;
        fn pod_has_container(&self, pod: &Pod, ctr_id: &str) -> Result<bool>;
        fn pod_containers_by_id(&self, pod: &Pod) -> Result<Vec<String>>;
        fn pod_containers(&self, pod: &Pod) -> Result<Vec<Container>>;
        fn remove_pod(&self, pod: &Pod) -> Result<()>;
        fn update_pod(&self, pod: &mut Pod) -> Result<()>;
        fn save_pod(&self, pod: &Pod) -> Result<()>;
        fn all_pods(&self) -> Result<Vec<Pod>>;
        fn rewrite_pod_config(&self, pod: &Pod, cfg: &PodConfig) -> Result<()>;
        fn volume(&self, name: &str) -> Result<Volume>;
        fn lookup_volume(&self, name: &str) -> Result<Volume>;
        fn has_volume(&self, name: &str) -> Result<bool>;
        fn add_volume(&self, vol: &Volume) -> Result<()>;
        fn update_volume(&self, vol: &mut Volume) -> Result<()>;
        fn save_volume(&self, vol: &Volume) -> Result<()>;
        fn rewrite_volume_config(&self, vol: &Volume, cfg: &VolumeConfig) -> Result<()>;
    }

    fn close(&self) -> Result<()> {
        if self.is(Fault::CloseClosesEveryHandle) {
            self.shared.close_epoch.fetch_add(1, Ordering::SeqCst);
        }
        self.inner.close()
    }

    fn refresh(&self) -> Result<()> {
        self.live()?;
        self.faulty_refresh()
    }

    fn validate_db_config(&self, cfg: &DbConfig) -> Result<()> {
        self.live()?;
        self.faulty_validate_db_config(cfg)
    }

    fn set_namespace(&self, ns: &str) -> Result<()> {
        self.live()?;
        self.inner.set_namespace(ns)?;
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
        self.faulty_add(ctr, |c| self.inner.add_container(c))
    }

    fn remove_container(&self, ctr: &Container) -> Result<()> {
        self.live()?;
        self.faulty_remove(ctr, || self.inner.remove_container(ctr))
    }

    fn update_container(&self, ctr: &mut Container) -> Result<()> {
        self.live()?;
        self.faulty_update_container(ctr)
    }

    fn save_container(&self, ctr: &Container) -> Result<()> {
        self.live()?;
        self.faulty_save_container(ctr)
    }

    fn container_in_use(&self, ctr: &Container) -> Result<Vec<String>> {
        self.live()?;
        self.faulty_container_in_use(ctr)
    }

    fn all_containers(&self) -> Result<Vec<Container>> {
        self.live()?;
        self.faulty_all_containers()
    }

    fn rewrite_container_config(&self, ctr: &Container, cfg: &ContainerConfig) -> Result<()> {
        self.live()?;
        self.faulty_rewrite_container_config(ctr, cfg)
    }

    fn network_disconnect(&self, ctr: &Container, network: &str) -> Result<()> {
        self.live()?;
        self.inner.network_disconnect(ctr, network)?;
        if self.is(Fault::DisconnectDropsLaterNetworks) {
            for later in self.admin.get_networks(ctr)? {
                if later.as_str() > network {
                    self.admin.network_disconnect(ctr, &later)?;
                }
            }
        }
        Ok(())
    }

    fn remove_exec_session(&self, session: &ExecSession) -> Result<()> {
        self.live()?;
        self.faulty_remove_exec_session(session)
    }

    fn add_pod(&self, pod: &Pod) -> Result<()> {
        self.live()?;
        self.faulty_add_pod(pod)
    }

    fn remove_pod_containers(&self, pod: &Pod) -> Result<()> {
        self.live()?;
        self.faulty_remove_pod_containers(pod)
    }

    fn add_container_to_pod(&self, pod: &Pod, ctr: &Container) -> Result<()> {
        self.live()?;
        self.faulty_add(ctr, |c| self.inner.add_container_to_pod(pod, c))
    }

    fn remove_container_from_pod(&self, pod: &Pod, ctr: &Container) -> Result<()> {
        self.live()?;
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

    fn remove_volume(&self, vol: &Volume) -> Result<()> {
        self.live()?;
        self.faulty_remove_volume(vol)
    }
}
