//! Forwarding the 53 calls and `batch`: `State` for references and smart pointers, and [`StateLayer`] for
//! wrappers that change a few calls and pass the rest through (as OpenDAL's `LayeredAccess`).
//!
//! The 54 signatures are written once, in `state_calls!`, and every forwarding impl is generated
//! from that list, so a wrapper never restates them and cannot fall out of step with [`State`].

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::Arc;

use crate::{
    Container, ContainerConfig, DbConfig, ExecSession, Pod, PodConfig, Result, State, Volume,
    VolumeConfig,
};

/// Hands the 53 calls of [`State`] and `batch` to `$callback`, each marked `read` (changes nothing the store
/// holds: retrievals, `update_*`, and the handle-local `close` and `set_namespace`) or `write`.
macro_rules! state_calls {
    ($callback:ident) => {
        $callback! {
        read fn close(&self) -> Result<()>;
        write fn refresh(&self) -> Result<()>;
        read fn get_db_config(&self) -> Result<DbConfig>;
        write fn validate_db_config(&self, cfg: &DbConfig) -> Result<()>;
        read fn set_namespace(&self, ns: &str) -> Result<()>;
        write fn batch(&self, f: &mut dyn FnMut(&dyn State) -> Result<()>) -> Result<()>;
        read fn get_name(&self, id: &str) -> Result<String>;
        read fn container(&self, id: &str) -> Result<Container>;
        read fn lookup_container_id(&self, id_or_name: &str) -> Result<String>;
        read fn lookup_container(&self, id_or_name: &str) -> Result<Container>;
        read fn has_container(&self, id: &str) -> Result<bool>;
        read fn get_container_config(&self, id: &str) -> Result<ContainerConfig>;
        write fn add_container(&self, ctr: &Container) -> Result<()>;
        write fn remove_container(&self, ctr: &Container) -> Result<()>;
        read fn update_container(&self, ctr: &mut Container) -> Result<()>;
        write fn save_container(&self, ctr: &Container) -> Result<()>;
        read fn container_in_use(&self, ctr: &Container) -> Result<Vec<String>>;
        read fn all_containers(&self) -> Result<Vec<Container>>;
        write fn rewrite_container_config(&self, ctr: &Container, cfg: &ContainerConfig) -> Result<()>;
        read fn get_networks(&self, ctr: &Container) -> Result<Vec<String>>;
        read fn get_network_aliases(&self, ctr: &Container, network: &str) -> Result<Vec<String>>;
        read fn get_all_network_aliases(&self, ctr: &Container) -> Result<BTreeMap<String, Vec<String>>>;
        write fn network_connect(&self, ctr: &Container, network: &str, aliases: &[String]) -> Result<()>;
        write fn network_disconnect(&self, ctr: &Container, network: &str) -> Result<()>;
        write fn add_exec_session(&self, ctr: &Container, session: &ExecSession) -> Result<()>;
        read fn get_exec_session(&self, id: &str) -> Result<String>;
        write fn remove_exec_session(&self, session: &ExecSession) -> Result<()>;
        read fn get_container_exec_sessions(&self, ctr: &Container) -> Result<Vec<String>>;
        write fn remove_container_exec_sessions(&self, ctr: &Container) -> Result<()>;
        read fn pod(&self, id: &str) -> Result<Pod>;
        read fn lookup_pod(&self, id_or_name: &str) -> Result<Pod>;
        read fn has_pod(&self, id: &str) -> Result<bool>;
        read fn pod_has_container(&self, pod: &Pod, ctr_id: &str) -> Result<bool>;
        read fn pod_containers_by_id(&self, pod: &Pod) -> Result<Vec<String>>;
        read fn pod_containers(&self, pod: &Pod) -> Result<Vec<Container>>;
        write fn add_pod(&self, pod: &Pod) -> Result<()>;
        write fn remove_pod(&self, pod: &Pod) -> Result<()>;
        write fn remove_pod_containers(&self, pod: &Pod) -> Result<()>;
        write fn add_container_to_pod(&self, pod: &Pod, ctr: &Container) -> Result<()>;
        write fn remove_container_from_pod(&self, pod: &Pod, ctr: &Container) -> Result<()>;
        read fn update_pod(&self, pod: &mut Pod) -> Result<()>;
        write fn save_pod(&self, pod: &Pod) -> Result<()>;
        read fn all_pods(&self) -> Result<Vec<Pod>>;
        write fn rewrite_pod_config(&self, pod: &Pod, cfg: &PodConfig) -> Result<()>;
        read fn volume(&self, name: &str) -> Result<Volume>;
        read fn lookup_volume(&self, name: &str) -> Result<Volume>;
        read fn has_volume(&self, name: &str) -> Result<bool>;
        read fn volume_in_use(&self, vol: &Volume) -> Result<Vec<String>>;
        write fn add_volume(&self, vol: &Volume) -> Result<()>;
        write fn remove_volume(&self, vol: &Volume) -> Result<()>;
        read fn update_volume(&self, vol: &mut Volume) -> Result<()>;
        write fn save_volume(&self, vol: &Volume) -> Result<()>;
        read fn all_volumes(&self) -> Result<Vec<Volume>>;
        write fn rewrite_volume_config(&self, vol: &Volume, cfg: &VolumeConfig) -> Result<()>;
        }
    };
}

/// The calls of `State`, forwarded to `**self` (a reference or smart pointer).
macro_rules! forward_to_target {
    ($( $kind:ident fn $name:ident(&self $(, $arg:ident : $ty:ty)*) -> $ret:ty; )*) => {
        $(
            fn $name(&self $(, $arg: $ty)*) -> $ret {
                (**self).$name($($arg),*)
            }
        )*
    };
}

impl<S: State + ?Sized> State for &S {
    state_calls!(forward_to_target);
}

impl<S: State + ?Sized> State for Box<S> {
    state_calls!(forward_to_target);
}

impl<S: State + ?Sized> State for Arc<S> {
    state_calls!(forward_to_target);
}

/// One call of [`State`], as [`StateLayer::around`] sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Call {
    /// The call's name, as in [`State`] (`"add_container"`).
    pub name: &'static str,
    /// Whether the call may change what the store holds (`add_*`, `remove_*`, `save_*`,
    /// `rewrite_*`, network and exec-session changes, `refresh`, `validate_db_config`). `close`
    /// and `set_namespace` change only the handle, and the `update_*` calls only the object
    /// passed in, so they are not mutating.
    pub mutating: bool,
}

/// The default methods of `StateLayer`: each runs its call on the inner handle through
/// `around`.
macro_rules! layer_defaults {
    ($( $kind:ident fn $name:ident(&self $(, $arg:ident : $ty:ty)*) -> $ret:ty; )*) => {
        $(
            #[doc = concat!(
                "[`State::", stringify!($name), "`]; by default the inner handle's, run through ",
                "[`around`](StateLayer::around)."
            )]
            ///
            /// # Errors
            /// Those of the inner handle, unless the layer overrides this call.
            fn $name(&self $(, $arg: $ty)*) -> $ret {
                self.around(
                    Call { name: stringify!($name), mutating: layer_defaults!(@mutating $kind) },
                    |inner| inner.$name($($arg),*),
                )
            }
        )*
    };
    (@mutating read) => { false };
    (@mutating write) => { true };
}

/// A wrapper around a handle that changes some calls and passes the rest through: implement
/// [`inner`](StateLayer::inner), optionally [`around`](StateLayer::around) (run for every call
/// not overridden: metering, logging, a liveness check), and only the calls the wrapper changes;
/// then [`Layered`] makes it a [`State`].
///
/// `batch` passes through `around` as one mutating call, and the calls inside it go to the
/// inner handle's batch directly: a layer that must see those overrides `batch` and wraps the
/// handle its closure is given.
///
/// ```
/// use podstate_api::{Call, Layered, Result, State, StateLayer};
/// use std::sync::atomic::{AtomicU64, Ordering};
///
/// /// Counts the calls that may change the store.
/// #[derive(Debug)]
/// struct CountWrites<S> { inner: S, writes: AtomicU64 }
///
/// impl<S: State> StateLayer for CountWrites<S> {
///     fn inner(&self) -> &dyn State { &self.inner }
///     fn around<T>(&self, call: Call, f: impl FnOnce(&dyn State) -> Result<T>) -> Result<T> {
///         if call.mutating {
///             self.writes.fetch_add(1, Ordering::Relaxed);
///         }
///         f(&self.inner)
///     }
/// }
///
/// let store = podstate_memory::MemoryStore::new();
/// let state = Layered(CountWrites { inner: store.open_handle()?, writes: AtomicU64::new(0) });
/// state.refresh()?;
/// state.all_containers()?;
/// assert_eq!(state.0.writes.load(Ordering::Relaxed), 1);
/// # Ok::<(), podstate_api::StateError>(())
/// ```
pub trait StateLayer: Send + Sync + Debug {
    /// The wrapped handle, which answers every call the layer passes through.
    fn inner(&self) -> &dyn State;

    /// Runs `f` (one call, on the inner handle) for every call the layer does not override.
    /// The default runs it as is.
    ///
    /// # Errors
    /// Those of `f`, or the layer's own.
    fn around<T>(&self, call: Call, f: impl FnOnce(&dyn State) -> Result<T>) -> Result<T> {
        let _ = call;
        f(self.inner())
    }

    state_calls!(layer_defaults);
}

/// A [`StateLayer`] as a [`State`]: every call goes to the layer's method of the same name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layered<L>(pub L);

/// The calls of `State`, answered by the layer's methods.
macro_rules! forward_to_layer {
    ($( $kind:ident fn $name:ident(&self $(, $arg:ident : $ty:ty)*) -> $ret:ty; )*) => {
        $(
            fn $name(&self $(, $arg: $ty)*) -> $ret {
                StateLayer::$name(&self.0 $(, $arg)*)
            }
        )*
    };
}

impl<L: StateLayer> State for Layered<L> {
    state_calls!(forward_to_layer);
}
