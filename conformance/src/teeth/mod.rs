//! Teeth: faulty wrappers that break one rule of the contract each, subtly, around any backend.
//!
//! A checker that never fails proves nothing. Each [`Fault`] wraps a correct backend and breaks
//! exactly one rule, the way real implementations did (several are podman's own bugs); the test
//! suite asserts that the model checker catches every one of them at the CI budget under each of
//! four seeds and shrinks the case, and that the scenario suite catches the classic ones.
//!
//! The wrappers only use the public [`podstate_api::State`] API of the wrapped backend, so
//! they work around any backend; each handle keeps a second, unfiltered "admin" handle on the
//! same store to look things up without disturbing the handle under test. The faults live by
//! concern: lookups and visibility (`lookups.rs`), adds and removals (`mutations.rs`), lists
//! (`lists.rs`), copies in and out of the store (`copies.rs`), refresh and DB config
//! (`lifecycle.rs`), what handles of one store share (`sharing.rs`), batches (`batches.rs`);
//! `handle.rs` routes each call to its hook.
//!
//! Two more faults ([`EngineFault`], `engine.rs`) sit below the checks, in a backend's
//! transactions, where only calls running at the same time show them: they are the teeth of
//! the [concurrent class](crate::concurrent).

mod batches;
mod copies;
mod engine;
mod handle;
mod lifecycle;
mod lists;
mod lookups;
mod mutations;
mod sharing;

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

use podstate_api::{Layered, Result, State, StateError};

use crate::factory::{BackendFactory, Capabilities, Store};
pub use engine::{EngineFault, EngineFaultFactory};
use handle::FaultyState;
use mutations::Ghosts;

/// One subtly broken rule. Each variant's doc says what the wrapper gets wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    /// With no namespace set, a container prefix lookup ignores a second match living in
    /// another namespace than the first match.
    PrefixIgnoresOtherNamespace,
    /// A container prefix lookup answers the first (lowest) of several visible matches instead
    /// of `Ambiguous`.
    IgnoresSecondPrefixMatch,
    /// From a namespace, a container lookup whose string is the exact ID of a container in
    /// another namespace stops there (`NoSuchCtr`) instead of going on to the visible prefix
    /// matches (SPEC §3: an invisible object is skipped at every lookup step).
    LookupStopsAtInvisibleExactId,
    /// A container lookup tries the exact name before the exact ID.
    NameBeforeExactId,
    /// A container prefix lookup is ambiguous when a visible pod ID shares the prefix
    /// (podman's in-memory state).
    ContainerPrefixClashesWithPods,
    /// `has_container` answers true for a container in another namespace.
    HasContainerIgnoresNamespace,
    /// `get_name` resolves IDs in other namespaces.
    GetNameIgnoresNamespace,
    /// `get_name` answers only for containers: a pod's ID is `NoSuchCtr`.
    GetNameMissesPods,
    /// A failed `add_container` (missing dependency or volume) leaves its name reserved.
    FailedAddReservesName,
    /// A name or ID held by a pod is reported as `CtrExists` (podman's BoltDB kind bug).
    HolderKindAlwaysCtr,
    /// The mirror image: `add_pod` reports a name or ID held by a container as `PodExists`
    /// (the kind names the call, not the holder).
    HolderKindAlwaysPod,
    /// A self-dependency is answered `NoSuchCtr` instead of `InvalidArg`.
    SelfDependencyIsNoSuchCtr,
    /// A dependency check is skipped when the dependency is in a pod: the container is added
    /// without it.
    PodDependencyUnchecked,
    /// `remove_container` with dependents answers Ok and removes nothing.
    RemovalIgnoresDependents,
    /// A removed container stays listed as a dependent of its dependencies.
    RemovalLeavesDependentEdge,
    /// `remove_container_from_pod` removes a member that still has registered exec sessions
    /// (dropping them) instead of answering `InUse`.
    MemberRemovalIgnoresSessions,
    /// `container_in_use` leaves out dependents that are pod members.
    DependentsMissPodMembers,
    /// `remove_pod_containers` forgets to drop the members' volume uses.
    PodRemovalKeepsVolumeUsers,
    /// `remove_exec_session` removes a session registered to another container.
    RemoveExecSessionIgnoresOwner,
    /// `refresh` keeps exec-session registrations.
    RefreshKeepsExecRegistrations,
    /// `refresh` also clears the exit code.
    RefreshClearsExitCode,
    /// `refresh` forgets to zero the volumes' mount counts.
    RefreshKeepsMountCounts,
    /// `save_container` also writes the passed config.
    SaveContainerWritesConfig,
    /// `update_container` writes into the caller's container even when it fails (SPEC §4: a
    /// failed call changes nothing, the caller's object included).
    UpdateScribblesOnError,
    /// `rewrite_container_config` accepts a rename.
    RewriteAcceptsRename,
    /// `all_containers` is unsorted past 64 entries.
    AllContainersUnsortedPast64,
    /// `all_volumes` lists volumes in reverse order.
    UnsortedVolumes,
    /// `network_disconnect` also drops every network sorted after the one named (podman's
    /// in-memory state).
    DisconnectDropsLaterNetworks,
    /// `validate_db_config` pins the values before the mismatching field anyway.
    ValidateDbConfigPinsOnMismatch,
    /// `close` also closes every other handle open on the store at that time.
    CloseClosesEveryHandle,
    /// A handle remembers what `container` and `all_containers` answered until its own next
    /// write, so it never sees what other handles wrote meanwhile (a handle-local cache).
    StaleReadsAcrossHandles,
    /// `set_namespace` moves every handle of the store, not just its own (a namespace kept per
    /// store instead of per handle).
    NamespacePerStore,
    /// A batch that rolls back keeps the first write that succeeded in it (SPEC §3 Batches: all
    /// or nothing), as a batch that commits each call's write at once and undoes the rest from
    /// a log that misses the first entry would.
    RolledBackBatchKeepsFirstWrite,
}

impl Fault {
    /// Every fault.
    pub const ALL: &'static [Fault] = &[
        Fault::PrefixIgnoresOtherNamespace,
        Fault::IgnoresSecondPrefixMatch,
        Fault::LookupStopsAtInvisibleExactId,
        Fault::NameBeforeExactId,
        Fault::ContainerPrefixClashesWithPods,
        Fault::HasContainerIgnoresNamespace,
        Fault::GetNameIgnoresNamespace,
        Fault::GetNameMissesPods,
        Fault::FailedAddReservesName,
        Fault::HolderKindAlwaysCtr,
        Fault::HolderKindAlwaysPod,
        Fault::SelfDependencyIsNoSuchCtr,
        Fault::PodDependencyUnchecked,
        Fault::RemovalIgnoresDependents,
        Fault::RemovalLeavesDependentEdge,
        Fault::MemberRemovalIgnoresSessions,
        Fault::DependentsMissPodMembers,
        Fault::PodRemovalKeepsVolumeUsers,
        Fault::RemoveExecSessionIgnoresOwner,
        Fault::RefreshKeepsExecRegistrations,
        Fault::RefreshClearsExitCode,
        Fault::RefreshKeepsMountCounts,
        Fault::SaveContainerWritesConfig,
        Fault::UpdateScribblesOnError,
        Fault::RewriteAcceptsRename,
        Fault::AllContainersUnsortedPast64,
        Fault::UnsortedVolumes,
        Fault::DisconnectDropsLaterNetworks,
        Fault::ValidateDbConfigPinsOnMismatch,
        Fault::CloseClosesEveryHandle,
        Fault::StaleReadsAcrossHandles,
        Fault::NamespacePerStore,
        Fault::RolledBackBatchKeepsFirstWrite,
    ];
}

/// A [`BackendFactory`] whose stores break `fault` around the stores of `inner`.
pub struct FaultyFactory<'a> {
    inner: &'a dyn BackendFactory,
    fault: Fault,
    name: String,
}

impl<'a> FaultyFactory<'a> {
    /// Wraps every store `inner` creates so that it breaks `fault`.
    pub fn new(inner: &'a dyn BackendFactory, fault: Fault) -> Self {
        FaultyFactory {
            name: format!("{}+{fault:?}", inner.name()),
            inner,
            fault,
        }
    }
}

impl BackendFactory for FaultyFactory<'_> {
    fn name(&self) -> &str {
        &self.name
    }

    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }

    fn create(&self) -> Result<Box<dyn Store>, StateError> {
        Ok(Box::new(FaultyStore {
            inner: Arc::from(self.inner.create()?),
            fault: self.fault,
            shared: Arc::default(),
        }))
    }
}

/// What the handles of one faulty store share: the bookkeeping some faults need.
#[derive(Debug, Default)]
struct Shared {
    /// Bumped by `close` under [`Fault::CloseClosesEveryHandle`].
    close_epoch: AtomicU64,
    /// Names left reserved by failed adds under [`Fault::FailedAddReservesName`].
    reserved_names: Mutex<std::collections::BTreeSet<String>>,
    /// Entries that should have been dropped but were "forgotten".
    ghosts: Mutex<Ghosts>,
    /// The store-wide namespace under [`Fault::NamespacePerStore`], with a version bumped by
    /// every `set_namespace`.
    namespace: Mutex<(u64, String)>,
}

#[derive(Debug)]
struct FaultyStore {
    inner: Arc<dyn Store>,
    fault: Fault,
    shared: Arc<Shared>,
}

impl Store for FaultyStore {
    fn backend(&self) -> &'static str {
        self.inner.backend()
    }

    fn capabilities(&self) -> Capabilities {
        self.inner.capabilities()
    }

    fn open_handle(&self) -> Result<Box<dyn State>> {
        Ok(Box::new(Layered(FaultyState::new(
            self.inner.open_handle()?,
            self.inner.open_handle()?,
            self.fault,
            Arc::clone(&self.shared),
        ))))
    }

    /// Whole-store operations are not faulted: they pass to the wrapped store.
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
        let (inner, fault, shared) = (
            Arc::clone(&self.inner),
            self.fault,
            Arc::clone(&self.shared),
        );
        drop(self);
        Ok(Box::new(FaultyStore {
            inner: Arc::from(inner.reopen()?),
            fault,
            shared,
        }))
    }
}
