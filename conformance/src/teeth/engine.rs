//! Faults below the checks, which only calls running at the same time show: wrappers of a
//! backend's [`Engine`] that break its transactions while every check of `podstate_api::raw`
//! still runs. The other teeth wrap the public API and cannot reach a transaction boundary.
//!
//! Each wrapper holds a correct backend's [`Handle`] and runs on its engine. Between the
//! transactions it splits it pauses ([`GAP`]) for about what a persistent engine's commit and
//! next begin cost (file locks, the WAL index), which the memory engine's lock does not; without
//! concurrent calls neither wrapper ever answers anything a correct backend would not.

use std::fmt;
use std::sync::Arc;

use podstate_api::raw::{
    Engine, Handle, Holder, HolderKind, NewContainer, ObjectMeta, StoreLoad, StoreRead, StoreWrite,
};
use podstate_api::snapshot::Snapshot;
use podstate_api::verify::Violation;
use podstate_api::{Capabilities, Store};
use podstate_api::{
    Container, ContainerConfig, ContainerState, DbConfig, ExecSession, Pod, PodConfig, PodState,
    Result, State, StateError, Volume, VolumeConfig, VolumeState,
};
use std::collections::BTreeMap;

use crate::factory::BackendFactory;

/// The pause between two transactions a wrapper split.
pub const GAP: std::time::Duration = std::time::Duration::from_micros(20);

/// A transaction boundary broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EngineFault {
    /// Every read of a call's check and load runs in a read transaction of its own, so one
    /// call can see two states: a lookup finds a name, then the container is gone
    /// (`Corrupt: indexed but its record is missing`) or is another one.
    TornReads,
    /// A write call's checks run in one transaction and its writes in a later write
    /// transaction, so what was checked may no longer hold when it is applied: two racing adds
    /// of one ID or name both succeed, a removal races past a new dependent.
    CheckApartFromApply,
}

impl EngineFault {
    /// Every engine fault.
    pub const ALL: &'static [EngineFault] =
        &[EngineFault::TornReads, EngineFault::CheckApartFromApply];
}

/// A [`BackendFactory`] whose stores hand out handles that break `fault` over the engine of a
/// correct backend's store `S`: `make` creates the store, `handle_of` opens a handle on it.
pub struct EngineFaultFactory<S, E> {
    make: Box<dyn Fn() -> Result<S> + Send + Sync>,
    handle_of: HandleOf<S, E>,
    fault: EngineFault,
    name: String,
}

type HandleOf<S, E> = Arc<dyn Fn(&S) -> Result<Handle<E>> + Send + Sync>;

impl<S: Store + 'static, E: Engine + 'static> EngineFaultFactory<S, E> {
    /// Stores of `make` whose handles (from `handle_of`) break `fault`.
    pub fn new(
        fault: EngineFault,
        make: impl Fn() -> Result<S> + Send + Sync + 'static,
        handle_of: impl Fn(&S) -> Result<Handle<E>> + Send + Sync + 'static,
    ) -> Self {
        EngineFaultFactory {
            make: Box::new(make),
            handle_of: Arc::new(handle_of),
            fault,
            name: format!("{fault:?}"),
        }
    }
}

impl<S: Store + 'static, E: Engine + 'static> BackendFactory for EngineFaultFactory<S, E> {
    fn name(&self) -> &str {
        &self.name
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::in_memory().with_reopen(false)
    }

    fn create(&self) -> Result<Box<dyn Store>> {
        Ok(Box::new(FaultyEngineStore {
            inner: (self.make)()?,
            handle_of: Arc::clone(&self.handle_of),
            fault: self.fault,
        }))
    }
}

struct FaultyEngineStore<S, E> {
    inner: S,
    handle_of: HandleOf<S, E>,
    fault: EngineFault,
}

impl<S: fmt::Debug, E> fmt::Debug for FaultyEngineStore<S, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} breaking {:?}", self.inner, self.fault)
    }
}

impl<S: Store + 'static, E: Engine + 'static> Store for FaultyEngineStore<S, E> {
    fn backend(&self) -> &'static str {
        self.inner.backend()
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::in_memory().with_reopen(false)
    }

    fn open_handle(&self) -> Result<Box<dyn State>> {
        let handle = (self.handle_of)(&self.inner)?;
        Ok(match self.fault {
            EngineFault::TornReads => Box::new(Handle::new(TornReads(handle))),
            EngineFault::CheckApartFromApply => Box::new(Handle::new(CheckApart(handle))),
        })
    }

    fn reopen(self: std::sync::Arc<Self>) -> Result<Box<dyn Store>> {
        Err(StateError::new(
            podstate_api::ErrorKind::Io,
            "a store with a broken engine does not reopen",
        ))
    }

    fn snapshot(&self) -> Result<Snapshot> {
        self.inner.snapshot()
    }

    fn restore(&self, snapshot: &Snapshot) -> Result<()> {
        self.inner.restore(snapshot)
    }

    fn verify(&self) -> Result<Vec<Violation>> {
        self.inner.verify()
    }
}

/// [`EngineFault::TornReads`]: reads each in a transaction of their own; writes as they were.
struct TornReads<E>(Handle<E>);

impl<E: Engine> fmt::Debug for TornReads<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TornReads({:?})", self.0.engine())
    }
}

impl<E: Engine> Engine for TornReads<E> {
    const BACKEND: &'static str = E::BACKEND;

    type Read<'a>
        = Torn<'a, E>
    where
        Self: 'a;
    type Write<'a>
        = E::Write<'a>
    where
        Self: 'a;

    fn read<T>(&self, f: impl FnOnce(&Torn<'_, E>) -> Result<T>) -> Result<T> {
        f(&Torn(self.0.engine()))
    }

    fn write<T>(&self, f: impl FnOnce(&mut E::Write<'_>) -> Result<T>) -> Result<T> {
        self.0.engine().write(f)
    }

    fn batch<T>(&self, f: impl FnOnce(&mut E::Write<'_>) -> Result<T>) -> Result<T> {
        self.0.engine().batch(f)
    }

    fn close(&self) -> Result<()> {
        self.0.engine().close()
    }
}

/// A read view that opens a transaction per read.
struct Torn<'a, E>(&'a E);

impl<E: Engine> Torn<'_, E> {
    fn tx<T>(&self, f: impl FnOnce(&E::Read<'_>) -> Result<T>) -> Result<T> {
        let answer = self.0.read(f);
        std::thread::sleep(GAP);
        answer
    }
}

/// The reads of `StoreRead` or `StoreLoad`, each sent to `self.$via(|tx| tx.method(args))`.
macro_rules! forward {
    ($via:ident: $($name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
        $(fn $name(&self, $($arg: $ty),*) -> Result<$ret> {
            self.$via(|tx| tx.$name($($arg),*))
        })*
    };
}

macro_rules! store_read {
    ($via:ident) => {
        forward!($via:
            container_meta(id: &str) -> Option<ObjectMeta>;
            container_config(id: &str) -> Option<ContainerConfig>;
            pod_meta(id: &str) -> Option<ObjectMeta>;
            container_namespace(id: &str) -> Option<String>;
            pod_namespace(id: &str) -> Option<String>;
            id_holder(id: &str) -> Option<HolderKind>;
            name_holder(name: &str) -> Option<Holder>;
            container_id_prefix(prefix: &str, ns: &str) -> Vec<String>;
            pod_id_prefix(prefix: &str, ns: &str) -> Vec<String>;
            volume_exists(name: &str) -> bool;
            volume_name_prefix(prefix: &str) -> Vec<String>;
            networks(id: &str) -> BTreeMap<String, Vec<String>>;
            dependents(id: &str) -> Vec<String>;
            pod_members(id: &str) -> Vec<String>;
            volume_users(name: &str) -> Vec<String>;
            container_exec_sessions(id: &str) -> Vec<String>;
            exec_session_owner(id: &str) -> Option<String>;
            db_config() -> DbConfig;
        );
    };
}

macro_rules! store_load {
    ($via:ident) => {
        forward!($via:
            load_container(id: &str) -> Option<Container>;
            load_container_state(id: &str) -> Option<ContainerState>;
            load_pod(id: &str) -> Option<Pod>;
            load_volume(name: &str) -> Option<Volume>;
            load_all_containers(ns: &str) -> Vec<Container>;
            load_all_pods(ns: &str) -> Vec<Pod>;
            load_all_volumes() -> Vec<Volume>;
        );
    };
}

impl<E: Engine> StoreRead for Torn<'_, E> {
    store_read!(tx);
}

impl<E: Engine> StoreLoad for Torn<'_, E> {
    store_load!(tx);
}

/// [`EngineFault::CheckApartFromApply`]: a write call's reads in one transaction, its writes
/// kept and applied in a second write transaction after it.
struct CheckApart<E>(Handle<E>);

impl<E: Engine> fmt::Debug for CheckApart<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CheckApart({:?})", self.0.engine())
    }
}

/// A write transaction, as a trait object so that [`Deferred`] needs no lifetime of the
/// engine's. A write view, not a read view: it is `Send`, as [`Deferred`] must be (a persistent
/// engine's read view is not `Sync`, so a shared reference to one is not).
trait ReadAll: StoreRead + StoreLoad + StoreWrite + Send {}
impl<T: StoreRead + StoreLoad + StoreWrite + Send> ReadAll for T {}

/// A write kept for later.
type Pending = Box<dyn FnOnce(&mut dyn StoreWrite) -> Result<()> + Send>;

/// A write transaction's view whose reads are an earlier transaction's and whose writes wait;
/// in a batch (`writes` is `None`), a faithful view of the batch's transaction: the fault splits
/// single calls only, and a batch's reads must see its earlier writes.
struct Deferred<'a> {
    read: &'a mut (dyn ReadAll + 'a),
    writes: Option<Vec<Pending>>,
}

impl Deferred<'_> {
    fn pass<T>(&self, f: impl FnOnce(&dyn ReadAll) -> Result<T>) -> Result<T> {
        f(&*self.read)
    }
}

impl<E: Engine> Engine for CheckApart<E> {
    const BACKEND: &'static str = E::BACKEND;

    type Read<'a>
        = E::Read<'a>
    where
        Self: 'a;
    type Write<'a>
        = Deferred<'a>
    where
        Self: 'a;

    fn read<T>(&self, f: impl FnOnce(&E::Read<'_>) -> Result<T>) -> Result<T> {
        self.0.engine().read(f)
    }

    fn write<T>(&self, f: impl FnOnce(&mut Deferred<'_>) -> Result<T>) -> Result<T> {
        // The checks run in a transaction of their own, which writes nothing and ends.
        let (value, writes) = self.0.engine().write(|tx| {
            let mut view = Deferred {
                read: tx,
                writes: Some(Vec::new()),
            };
            let value = f(&mut view)?;
            Ok((value, view.writes.unwrap_or_default()))
        })?;
        std::thread::sleep(GAP);
        self.0.engine().write(|tx| {
            for write in writes {
                write(tx)?;
            }
            Ok(())
        })?;
        Ok(value)
    }

    fn batch<T>(&self, f: impl FnOnce(&mut Deferred<'_>) -> Result<T>) -> Result<T> {
        self.0.engine().batch(|tx| {
            f(&mut Deferred {
                read: tx,
                writes: None,
            })
        })
    }

    fn close(&self) -> Result<()> {
        self.0.engine().close()
    }
}

impl StoreRead for Deferred<'_> {
    store_read!(pass);
}

impl StoreLoad for Deferred<'_> {
    store_load!(pass);
}

/// The writes of `StoreWrite`, each kept (with owned copies of its arguments) for later.
macro_rules! defer {
    ($($name:ident($($arg:ident: $ty:ty),*);)*) => {
        $(fn $name(&mut self, $($arg: $ty),*) -> Result<()> {
            let Some(writes) = &mut self.writes else {
                return self.read.$name($($arg),*);
            };
            $(let $arg = $arg.to_owned();)*
            writes.push(Box::new(move |tx: &mut dyn StoreWrite| tx.$name($(&$arg),*)));
            Ok(())
        })*
    };
}

impl StoreWrite for Deferred<'_> {
    defer!(
        insert_container(ctr: &Container, new: &NewContainer);
        delete_container(id: &str);
        set_container_state(id: &str, state: &ContainerState);
        set_container_config(cfg: &ContainerConfig);
        connect_network(id: &str, network: &str, aliases: &[String]);
        disconnect_network(id: &str, network: &str);
        insert_exec_session(session: &ExecSession);
        delete_exec_session(id: &str);
        delete_container_exec_sessions(id: &str);
        insert_pod(pod: &Pod);
        delete_pod(id: &str);
        set_pod_state(id: &str, state: &PodState);
        set_pod_config(cfg: &PodConfig);
        insert_volume(vol: &Volume);
        delete_volume(name: &str);
        set_volume_state(name: &str, state: &VolumeState);
        set_volume_config(cfg: &VolumeConfig);
        set_db_config(cfg: &DbConfig);
        refresh();
    );
}
