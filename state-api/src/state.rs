//! The `State` trait: the 53 calls of SPEC §5.

use std::collections::BTreeMap;
use std::fmt::Debug;

use crate::{
    Container, ContainerConfig, DbConfig, ExecSession, Pod, PodConfig, Result, StateError, Volume,
    VolumeConfig,
};

/// A handle on a podstate store: the 53 calls of podman's libpod `State` (SPEC §5).
///
/// Every call is one atomic, serializable transaction on `&self`; a failed call changes nothing.
/// Errors follow the check order of SPEC §4 (see [`contract`](crate::contract)); each call lists the kinds it may
/// answer under `# Errors`. Besides those, every call except `close` answers
/// [`DbClosed`](crate::ErrorKind::DbClosed) once the handle is closed, and a persistent backend whose
/// storage fails may answer [`Io`](crate::ErrorKind::Io) or [`Corrupt`](crate::ErrorKind::Corrupt).
///
/// "Visible" means: the handle has no namespace, or the object's namespace equals it.
/// Every computed list is sorted ascending without duplicates (objects by ID, volumes by name,
/// strings by bytes). Retrievals return independent copies.
pub trait State: Send + Sync + Debug {
    // ----- lifecycle -------------------------------------------------------------------------

    /// Closes this handle; every later call on it answers `DbClosed`. Idempotent; other handles on
    /// the same store are not affected.
    ///
    /// # Errors
    /// `InvalidArg` inside a [`batch`](State::batch); otherwise none in the memory backend, and
    /// `Io` if a persistent backend fails to release its resources.
    fn close(&self) -> Result<()>;

    /// Resets run-time state after a reboot, in every namespace: each container's status becomes
    /// `Configured` unless `Exited`, and `pid`, `conmon_pid`, `mountpoint`, `mounted`,
    /// `exec_sessions`, `bind_mounts`, `stopped_by_user`, `restart_policy_match`, `restart_count`
    /// and `netns_path` are cleared; every pod's `cgroup_path` is cleared; every volume's
    /// `mount_count` becomes 0; every exec registration is dropped. Everything else is kept.
    ///
    /// # Errors
    /// `DbClosed`.
    fn refresh(&self) -> Result<()>;

    /// The pinned DB config (empty where a field is unpinned).
    ///
    /// # Errors
    /// `DbClosed`.
    fn get_db_config(&self) -> Result<DbConfig>;

    /// Checks `cfg` against the pinned values field by field, in the order of SPEC §1, then pins
    /// every non-empty unpinned value. An empty value never pins and never conflicts.
    ///
    /// # Errors
    /// `DbBadConfig` naming the first field whose non-empty value differs from a pinned one (and
    /// then nothing is pinned).
    fn validate_db_config(&self, cfg: &DbConfig) -> Result<()>;

    /// Sets this handle's namespace; `""` sees everything.
    ///
    /// The namespace belongs to the handle, not to the thread or the store: threads sharing one
    /// handle (through `&`, `Arc`, a pool) share its namespace, and a `set_namespace` in one of
    /// them changes what every other sees from its next call on. A thread or task that needs a
    /// namespace of its own opens a handle of its own
    /// ([`Store::open_handle_in`](crate::Store::open_handle_in)); handles are cheap.
    ///
    /// # Errors
    /// `InvalidArg` if `ns` holds a NUL, or inside a [`batch`](State::batch).
    fn set_namespace(&self, ns: &str) -> Result<()>;

    /// Runs `f` as one batch: every call `f` makes on the handle it is given runs in one
    /// transaction with one durable commit, and all their effects become visible to every other
    /// handle and process at one instant, or none do (SPEC §3, *Batches*).
    ///
    /// * Reads inside the batch see its earlier writes; other handles see none of them until the
    ///   batch commits.
    /// * A call that fails inside the batch changes nothing (every call checks before it
    ///   writes), and `f` may go on with the next.
    /// * When `f` answers `Err`, nothing of the batch remains and `batch` answers that error.
    /// * An `Io` or `Corrupt` while a call inside writes dooms the batch: later calls inside
    ///   answer the same error, and the batch rolls back whatever `f` answers.
    ///
    /// The batch's namespace is this handle's when the batch starts. Inside it, `close`,
    /// `set_namespace` and `batch` answer `InvalidArg`. The batch holds the write lock while it
    /// runs; other writers wait for it up to their lock timeout, as for one long call. To return
    /// a value from the batch, see [`batch`](crate::batch).
    ///
    /// ```
    /// use podstate_api::{Container, ContainerConfig, State, Store};
    ///
    /// let store = podstate_memory::MemoryStore::new();
    /// let state = store.open_handle()?;
    /// let ctr = Container::new(ContainerConfig::new("1234abcd", "web"));
    /// state.batch(&mut |tx| {
    ///     tx.add_container(&ctr)?;
    ///     tx.network_connect(&ctr, "podman", &[])?;
    ///     Ok(())
    /// })?;
    /// assert_eq!(state.get_networks(&ctr)?, ["podman"]);
    /// # Ok::<(), podstate_api::StateError>(())
    /// ```
    ///
    /// # Errors
    /// `InvalidArg` when called inside a batch; otherwise whatever `f` answers (the calls
    /// inside answer their own kinds), and `Io` or `Corrupt` from a call inside or from the
    /// commit.
    fn batch(&self, f: &mut dyn FnMut(&dyn State) -> Result<()>) -> Result<()>;

    // ----- names and container lookups -------------------------------------------------------

    /// The name of the visible container or pod whose ID is exactly `id`.
    ///
    /// # Errors
    /// `InvalidArg` for an empty or NUL-holding `id`; `NoSuchCtr` when no visible container or
    /// pod has that ID (also for pods).
    fn get_name(&self, id: &str) -> Result<String>;

    /// The container whose ID is exactly `id`.
    ///
    /// # Errors
    /// `InvalidArg` (bad `id`); `NoSuchCtr` (no container has that ID); `NsMismatch` (it is in
    /// another namespace than the handle's).
    fn container(&self, id: &str) -> Result<Container>;

    /// Resolves `id_or_name` among visible containers: exact ID, then exact name, then unique ID
    /// prefix. Invisible containers are skipped at every step; names are never prefix-matched;
    /// pods never match.
    ///
    /// # Errors
    /// `InvalidArg` (bad string); `Ambiguous` (several IDs share the prefix); `NoSuchCtr`
    /// (nothing matched; the message says so when the string names a pod).
    fn lookup_container_id(&self, id_or_name: &str) -> Result<String>;

    /// As [`State::lookup_container_id`], returning the container.
    ///
    /// # Errors
    /// As [`State::lookup_container_id`].
    fn lookup_container(&self, id_or_name: &str) -> Result<Container>;

    /// Whether a visible container has exactly this ID (false for pods and other namespaces).
    ///
    /// # Errors
    /// `InvalidArg` (bad `id`).
    fn has_container(&self, id: &str) -> Result<bool>;

    /// The config of the container whose ID is exactly `id`.
    ///
    /// # Errors
    /// As [`State::container`].
    fn get_container_config(&self, id: &str) -> Result<ContainerConfig>;

    // ----- containers ------------------------------------------------------------------------

    /// Adds a container that is not in a pod, storing its config and state verbatim; its current
    /// networks and aliases start as the config's.
    ///
    /// # Errors
    /// In order: `InvalidArg` (string rules, or `pod` set); `NsMismatch` (namespace differs from
    /// the handle's); `CtrExists`/`PodExists` (ID taken, then name taken; the kind names the
    /// holder); `InvalidArg` (aliases for a network not listed); then each dependency in sorted
    /// order: `InvalidArg` (itself), `NoSuchCtr` (not a stored container), `NsMismatch` (other
    /// namespace), `InvalidArg` (in a pod); then each named volume: `NoSuchVolume`.
    fn add_container(&self, ctr: &Container) -> Result<()>;

    /// Removes a container that is not in a pod, with its networks, aliases and volume uses.
    ///
    /// # Errors
    /// `InvalidArg` (bad ID, `pod` set on the passed or the stored container); `NsMismatch`;
    /// `NoSuchCtr`; `InUse` (registered exec sessions, then dependents).
    fn remove_container(&self, ctr: &Container) -> Result<()>;

    /// Replaces `ctr.state` with the stored state (the config is left alone).
    ///
    /// # Errors
    /// `InvalidArg` (bad ID); `NsMismatch`; `NoSuchCtr`. On error `ctr` is unchanged.
    fn update_container(&self, ctr: &mut Container) -> Result<()>;

    /// Stores `ctr.state` (never its config).
    ///
    /// # Errors
    /// `InvalidArg` (bad ID); `NsMismatch`; `NoSuchCtr`.
    fn save_container(&self, ctr: &Container) -> Result<()>;

    /// The IDs of the containers that depend on `ctr`.
    ///
    /// # Errors
    /// `InvalidArg` (bad ID); `NsMismatch`; `NoSuchCtr`.
    fn container_in_use(&self, ctr: &Container) -> Result<Vec<String>>;

    /// Every visible container.
    ///
    /// # Errors
    /// `DbClosed` only.
    fn all_containers(&self) -> Result<Vec<Container>>;

    /// Replaces the stored config of `ctr` with `cfg`, verbatim. Current networks and aliases are
    /// not touched.
    ///
    /// # Errors
    /// `InvalidArg` (string rules on `ctr` or `cfg`); `NsMismatch`; `NoSuchCtr`; `InvalidArg`
    /// (`cfg` changes the id, name, pod, namespace, dependency set or named-volume name set).
    fn rewrite_container_config(&self, ctr: &Container, cfg: &ContainerConfig) -> Result<()>;

    // ----- networks --------------------------------------------------------------------------

    /// The networks `ctr` is connected to now.
    ///
    /// # Errors
    /// `InvalidArg` (bad ID); `NsMismatch`; `NoSuchCtr`.
    fn get_networks(&self, ctr: &Container) -> Result<Vec<String>>;

    /// The aliases of `ctr` on `network`.
    ///
    /// # Errors
    /// `InvalidArg` (bad ID or network); `NsMismatch`; `NoSuchCtr`; `NoSuchNetwork` (not
    /// connected).
    fn get_network_aliases(&self, ctr: &Container, network: &str) -> Result<Vec<String>>;

    /// Every connected network of `ctr` with its aliases (`[]` when it has none).
    ///
    /// # Errors
    /// `InvalidArg` (bad ID); `NsMismatch`; `NoSuchCtr`.
    fn get_all_network_aliases(&self, ctr: &Container) -> Result<BTreeMap<String, Vec<String>>>;

    /// Connects `ctr` to `network` with `aliases` (duplicates collapse).
    ///
    /// # Errors
    /// `InvalidArg` (bad ID, network or alias); `NsMismatch`; `NoSuchCtr`; `NetworkExists`
    /// (already connected).
    fn network_connect(&self, ctr: &Container, network: &str, aliases: &[String]) -> Result<()>;

    /// Disconnects `ctr` from `network`, dropping its aliases there.
    ///
    /// # Errors
    /// `InvalidArg` (bad ID or network); `NsMismatch`; `NoSuchCtr`; `NoSuchNetwork` (not
    /// connected).
    fn network_disconnect(&self, ctr: &Container, network: &str) -> Result<()>;

    // ----- exec sessions ---------------------------------------------------------------------

    /// Registers exec session `session` for `ctr` (the container's state is not touched).
    ///
    /// # Errors
    /// `InvalidArg` (bad strings); `NsMismatch`; `NoSuchCtr`; `InvalidArg`
    /// (`session.container_id` is not `ctr`'s ID); `ExecSessionExists`.
    fn add_exec_session(&self, ctr: &Container, session: &ExecSession) -> Result<()>;

    /// The ID of the container exec session `id` is registered to. Ignores namespaces.
    ///
    /// # Errors
    /// `InvalidArg` (bad `id`); `NoSuchExecSession`.
    fn get_exec_session(&self, id: &str) -> Result<String>;

    /// Drops the registration of `session`. Ignores namespaces.
    ///
    /// # Errors
    /// `InvalidArg` (bad strings); `NoSuchExecSession`; `InvalidArg` (registered to another
    /// container than `session.container_id`).
    fn remove_exec_session(&self, session: &ExecSession) -> Result<()>;

    /// The IDs of the sessions registered to `ctr`. Ignores namespaces.
    ///
    /// # Errors
    /// `InvalidArg` (bad ID); `NoSuchCtr`.
    fn get_container_exec_sessions(&self, ctr: &Container) -> Result<Vec<String>>;

    /// Drops every session registered to `ctr`. Ignores namespaces.
    ///
    /// # Errors
    /// `InvalidArg` (bad ID); `NoSuchCtr`.
    fn remove_container_exec_sessions(&self, ctr: &Container) -> Result<()>;

    // ----- pods ------------------------------------------------------------------------------

    /// The pod whose ID is exactly `id`.
    ///
    /// # Errors
    /// `InvalidArg` (bad `id`); `NoSuchPod`; `NsMismatch`.
    fn pod(&self, id: &str) -> Result<Pod>;

    /// Resolves `id_or_name` among visible pods: exact ID, exact name, unique ID prefix.
    ///
    /// # Errors
    /// `InvalidArg` (bad string); `Ambiguous`; `NoSuchPod`.
    fn lookup_pod(&self, id_or_name: &str) -> Result<Pod>;

    /// Whether a visible pod has exactly this ID.
    ///
    /// # Errors
    /// `InvalidArg` (bad `id`).
    fn has_pod(&self, id: &str) -> Result<bool>;

    /// Whether the container with exactly `ctr_id` is a member of `pod`.
    ///
    /// # Errors
    /// `InvalidArg` (bad pod ID or `ctr_id`); `NsMismatch`; `NoSuchPod`.
    fn pod_has_container(&self, pod: &Pod, ctr_id: &str) -> Result<bool>;

    /// The IDs of `pod`'s members.
    ///
    /// # Errors
    /// `InvalidArg` (bad ID); `NsMismatch`; `NoSuchPod`.
    fn pod_containers_by_id(&self, pod: &Pod) -> Result<Vec<String>>;

    /// `pod`'s members.
    ///
    /// # Errors
    /// As [`State::pod_containers_by_id`].
    fn pod_containers(&self, pod: &Pod) -> Result<Vec<Container>>;

    /// Adds a pod, storing its config and state verbatim.
    ///
    /// # Errors
    /// `InvalidArg` (string rules); `NsMismatch`; `CtrExists`/`PodExists` (ID taken, then name
    /// taken; the kind names the holder).
    fn add_pod(&self, pod: &Pod) -> Result<()>;

    /// Removes an empty pod.
    ///
    /// # Errors
    /// `InvalidArg` (bad ID); `NsMismatch`; `NoSuchPod`; `InUse` (it has members).
    fn remove_pod(&self, pod: &Pod) -> Result<()>;

    /// Removes every member of `pod` at once (dependencies among members do not block), with
    /// their networks, aliases, volume uses and exec registrations. Never `InUse`.
    ///
    /// # Errors
    /// `InvalidArg` (bad ID); `NsMismatch`; `NoSuchPod`.
    fn remove_pod_containers(&self, pod: &Pod) -> Result<()>;

    /// Adds `ctr` as a member of `pod`.
    ///
    /// # Errors
    /// In order: `InvalidArg` (string rules, `ctr.pod` not `pod`'s ID); `NsMismatch` (pod, then
    /// container, against the handle); `NoSuchPod`; `NsMismatch` (stored pod against the handle,
    /// then container namespace against the pod's); then as [`State::add_container`] after its
    /// pod rule, except that each dependency must be in the same pod (`InvalidArg`).
    fn add_container_to_pod(&self, pod: &Pod, ctr: &Container) -> Result<()>;

    /// Removes member `ctr` of `pod` from the state.
    ///
    /// # Errors
    /// `InvalidArg` (bad IDs, `ctr.pod` passed or stored not `pod`'s ID); `NsMismatch`;
    /// `NoSuchPod`; `NoSuchCtr`; `InUse` (exec sessions, then dependents).
    fn remove_container_from_pod(&self, pod: &Pod, ctr: &Container) -> Result<()>;

    /// Replaces `pod.state` with the stored state.
    ///
    /// # Errors
    /// `InvalidArg` (bad ID); `NsMismatch`; `NoSuchPod`. On error `pod` is unchanged.
    fn update_pod(&self, pod: &mut Pod) -> Result<()>;

    /// Stores `pod.state`.
    ///
    /// # Errors
    /// `InvalidArg` (bad ID); `NsMismatch`; `NoSuchPod`.
    fn save_pod(&self, pod: &Pod) -> Result<()>;

    /// Every visible pod.
    ///
    /// # Errors
    /// `DbClosed` only.
    fn all_pods(&self) -> Result<Vec<Pod>>;

    /// Replaces the stored config of `pod` with `cfg`, verbatim.
    ///
    /// # Errors
    /// `InvalidArg` (string rules on `pod` or `cfg`); `NsMismatch`; `NoSuchPod`; `InvalidArg`
    /// (`cfg` changes the id, name or namespace).
    fn rewrite_pod_config(&self, pod: &Pod, cfg: &PodConfig) -> Result<()>;

    // ----- volumes ---------------------------------------------------------------------------

    /// The volume named exactly `name`. Volumes ignore namespaces.
    ///
    /// # Errors
    /// `InvalidArg` (bad name); `NoSuchVolume`.
    fn volume(&self, name: &str) -> Result<Volume>;

    /// Resolves `name`: exact volume name, then unique name prefix.
    ///
    /// # Errors
    /// `InvalidArg` (bad name); `Ambiguous`; `NoSuchVolume`.
    fn lookup_volume(&self, name: &str) -> Result<Volume>;

    /// Whether a volume is named exactly `name`.
    ///
    /// # Errors
    /// `InvalidArg` (bad name).
    fn has_volume(&self, name: &str) -> Result<bool>;

    /// The IDs of every stored container using `vol`, whatever the handle's namespace.
    ///
    /// # Errors
    /// `InvalidArg` (bad name); `NoSuchVolume`.
    fn volume_in_use(&self, vol: &Volume) -> Result<Vec<String>>;

    /// Adds a volume, storing its config and state verbatim.
    ///
    /// # Errors
    /// `InvalidArg` (bad name); `VolumeExists`.
    fn add_volume(&self, vol: &Volume) -> Result<()>;

    /// Removes a volume no stored container uses.
    ///
    /// # Errors
    /// `InvalidArg` (bad name); `NoSuchVolume`; `InUse`.
    fn remove_volume(&self, vol: &Volume) -> Result<()>;

    /// Replaces `vol.state` with the stored state.
    ///
    /// # Errors
    /// `InvalidArg` (bad name); `NoSuchVolume`. On error `vol` is unchanged.
    fn update_volume(&self, vol: &mut Volume) -> Result<()>;

    /// Stores `vol.state`.
    ///
    /// # Errors
    /// `InvalidArg` (bad name); `NoSuchVolume`.
    fn save_volume(&self, vol: &Volume) -> Result<()>;

    /// Every volume.
    ///
    /// # Errors
    /// `DbClosed` only.
    fn all_volumes(&self) -> Result<Vec<Volume>>;

    /// Replaces the stored config of `vol` with `cfg`, verbatim.
    ///
    /// # Errors
    /// `InvalidArg` (bad names); `NoSuchVolume`; `InvalidArg` (`cfg` changes the name).
    fn rewrite_volume_config(&self, vol: &Volume, cfg: &VolumeConfig) -> Result<()>;
}

/// Runs `f` as one batch on `state` and returns its value: [`State::batch`] for a closure that
/// computes something (an ID it looked up, a count), which a `FnMut` can only hand out through a
/// captured variable.
///
/// # Errors
/// Those of [`State::batch`].
pub fn batch<S: State + ?Sized, T>(
    state: &S,
    f: impl FnOnce(&dyn State) -> Result<T>,
) -> Result<T> {
    let mut f = Some(f);
    let mut value = None;
    state.batch(&mut |tx| {
        // `batch` runs its closure once; a second run would find `f` gone.
        let f = f
            .take()
            .ok_or_else(|| StateError::invalid("a batch closure ran twice"))?;
        value = Some(f(tx)?);
        Ok(())
    })?;
    value.ok_or_else(|| StateError::invalid("a batch committed without running its closure"))
}

// The contract must stay usable as `Box<dyn State>`.
const _: Option<&dyn State> = None;

fn _assert_send_sync<T: Send + Sync + ?Sized>() {}
const _: fn() = _assert_send_sync::<dyn State>;
