//! A storage engine with one planted bug: a wrapper around any backend's [`Engine`] that passes
//! every read and write through, except where its [`Bug`] bites, the way a real backend's
//! storage code goes wrong (an index entry left behind on one path, a range scan with a wrong
//! bound). Unlike the teeth, which break a rule of the API, these bugs live below the shared
//! checks, so every call that reads the damaged index sees the damage.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex, PoisonError};

use podstate_api::raw::{
    Engine, Handle, Holder, HolderKind, NewContainer, ObjectMeta, StoreLoad, StoreRead, StoreWrite,
    whole,
};
use podstate_api::snapshot::Snapshot;
use podstate_api::verify::Violation;
use podstate_api::{Capabilities, Store};
use podstate_api::{
    Container, ContainerConfig, ContainerState, DbConfig, ExecSession, Pod, PodConfig, PodState,
    Result, State, Volume, VolumeConfig, VolumeState,
};

/// The storage bug a [`PlantedStore`] has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bug {
    /// None: the wrapper is faithful (the control).
    None,
    /// Deleting a pod member leaves it in its pod's member index (the removal forgets one
    /// table).
    MemberRemovalKeepsMembership,
    /// `remove_exec_session` drops the registration but leaves the per-container session index.
    SessionRemovalKeepsSessionIndex,
    /// `refresh` clears the exec-session registry but leaves the per-container session index.
    RefreshKeepsSessionIndex,
    /// The ID and volume-name prefix scans are bounded by the prefix, its end computed as the
    /// SQLite backend does, correctly: the control of the range scans.
    PrefixEndRight,
    /// The same scans with the end computed without skipping the surrogate gap: a prefix ending
    /// in U+D7FF gets an end one character short, so the scan runs on past U+E000.
    PrefixEndIntoSurrogates,
    /// The same scans bounded by the prefix followed by U+FFFF, missing every key whose next
    /// character lies above the Basic Multilingual Plane.
    PrefixEndBmpOnly,
}

/// Index entries the planted bug left behind, shared by every handle of the store.
#[derive(Debug, Default)]
struct Ghosts {
    /// Pod ID -> IDs still listed as its members.
    members: BTreeMap<String, BTreeSet<String>>,
    /// Container ID -> exec session IDs still in its session index.
    sessions: BTreeMap<String, BTreeSet<String>>,
}

/// The engine: `E` with the bug.
#[derive(Debug, Clone)]
pub struct Planted<E> {
    inner: E,
    bug: Bug,
    ghosts: Arc<Mutex<Ghosts>>,
}

/// Every read of one transaction, as an object.
pub trait View: StoreRead + StoreLoad {}
impl<T: StoreRead + StoreLoad + ?Sized> View for T {}
/// Every read and write of one transaction, as an object.
pub trait ViewMut: View + StoreWrite + Send {}
impl<T: StoreRead + StoreLoad + StoreWrite + Send + ?Sized> ViewMut for T {}

/// One transaction of a [`Planted`] engine.
pub struct Tx<'a, T> {
    inner: T,
    bug: Bug,
    ghosts: &'a Mutex<Ghosts>,
}

impl<E: Engine + 'static> Engine for Planted<E> {
    const BACKEND: &'static str = E::BACKEND;

    type Read<'a>
        = Tx<'a, &'a (dyn View + 'a)>
    where
        Self: 'a;
    type Write<'a>
        = Tx<'a, &'a mut (dyn ViewMut + 'a)>
    where
        Self: 'a;

    fn read<T>(&self, f: impl FnOnce(&Self::Read<'_>) -> Result<T>) -> Result<T> {
        self.inner.read(|r| {
            f(&Tx {
                inner: r as &dyn View,
                bug: self.bug,
                ghosts: &self.ghosts,
            })
        })
    }

    fn write<T>(&self, f: impl FnOnce(&mut Self::Write<'_>) -> Result<T>) -> Result<T> {
        self.inner.write(|w| {
            f(&mut Tx {
                inner: w as &mut dyn ViewMut,
                bug: self.bug,
                ghosts: &self.ghosts,
            })
        })
    }

    fn batch<T>(&self, f: impl FnOnce(&mut Self::Write<'_>) -> Result<T>) -> Result<T> {
        self.inner.batch(|w| {
            f(&mut Tx {
                inner: w as &mut dyn ViewMut,
                bug: self.bug,
                ghosts: &self.ghosts,
            })
        })
    }
}

impl<T> Tx<'_, T> {
    fn ghosts(&self) -> std::sync::MutexGuard<'_, Ghosts> {
        self.ghosts.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// `inner` and `ghosts`, sorted, without duplicates.
fn with_ghosts(inner: Vec<String>, ghosts: Option<&BTreeSet<String>>) -> Vec<String> {
    let all: BTreeSet<String> = inner
        .into_iter()
        .chain(ghosts.into_iter().flatten().cloned())
        .collect();
    all.into_iter().collect()
}

/// The SQLite backend's end of a prefix range (the least string above every string starting
/// with `prefix`), copied, with `bug`'s mistake when it has one.
fn prefix_end(prefix: &str, bug: Bug) -> Option<String> {
    if bug == Bug::PrefixEndBmpOnly {
        return Some(format!("{prefix}\u{FFFF}"));
    }
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = match last {
            '\u{D7FF}' if bug != Bug::PrefixEndIntoSurrogates => Some('\u{E000}'),
            c => char::from_u32(u32::from(c) + 1),
        };
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// The first two of `keys` (sorted) in the range from `prefix` to its end.
fn first_two(keys: impl Iterator<Item = String>, prefix: &str, bug: Bug) -> Vec<String> {
    let end = prefix_end(prefix, bug);
    keys.filter(|k| k.as_str() >= prefix && end.as_deref().is_none_or(|e| k.as_str() < e))
        .take(2)
        .collect()
}

impl<T> Tx<'_, T> {
    fn scans(&self) -> bool {
        matches!(
            self.bug,
            Bug::PrefixEndRight | Bug::PrefixEndIntoSurrogates | Bug::PrefixEndBmpOnly
        )
    }
}

/// Reads passed through unchanged.
macro_rules! reads {
    ($( fn $name:ident(&self $(, $arg:ident : $ty:ty)*) -> $ret:ty; )*) => {$(
        fn $name(&self $(, $arg: $ty)*) -> $ret {
            self.inner.$name($($arg),*)
        }
    )*};
}

/// Writes passed through unchanged.
macro_rules! writes {
    ($( fn $name:ident(&mut self $(, $arg:ident : $ty:ty)*) -> $ret:ty; )*) => {$(
        fn $name(&mut self $(, $arg: $ty)*) -> $ret {
            self.inner.$name($($arg),*)
        }
    )*};
}

impl<T: Deref<Target: View>> StoreRead for Tx<'_, T> {
    reads! {
        fn container_meta(&self, id: &str) -> Result<Option<ObjectMeta>>;
        fn container_config(&self, id: &str) -> Result<Option<ContainerConfig>>;
        fn pod_meta(&self, id: &str) -> Result<Option<ObjectMeta>>;
        fn container_namespace(&self, id: &str) -> Result<Option<String>>;
        fn pod_namespace(&self, id: &str) -> Result<Option<String>>;
        fn id_holder(&self, id: &str) -> Result<Option<HolderKind>>;
        fn name_holder(&self, name: &str) -> Result<Option<Holder>>;
        fn volume_exists(&self, name: &str) -> Result<bool>;
        fn dependents(&self, id: &str) -> Result<Vec<String>>;
        fn volume_users(&self, name: &str) -> Result<Vec<String>>;
        fn networks(&self, id: &str) -> Result<BTreeMap<String, Vec<String>>>;
        fn exec_session_owner(&self, id: &str) -> Result<Option<String>>;
        fn db_config(&self) -> Result<DbConfig>;
    }

    fn container_id_prefix(&self, prefix: &str, ns: &str) -> Result<Vec<String>> {
        if !self.scans() {
            return self.inner.container_id_prefix(prefix, ns);
        }
        let all = self.inner.load_all_containers(ns)?;
        Ok(first_two(
            all.into_iter().map(|c| c.config.id),
            prefix,
            self.bug,
        ))
    }

    fn pod_id_prefix(&self, prefix: &str, ns: &str) -> Result<Vec<String>> {
        if !self.scans() {
            return self.inner.pod_id_prefix(prefix, ns);
        }
        let all = self.inner.load_all_pods(ns)?;
        Ok(first_two(
            all.into_iter().map(|p| p.config.id),
            prefix,
            self.bug,
        ))
    }

    fn volume_name_prefix(&self, prefix: &str) -> Result<Vec<String>> {
        if !self.scans() {
            return self.inner.volume_name_prefix(prefix);
        }
        let all = self.inner.load_all_volumes()?;
        Ok(first_two(
            all.into_iter().map(|v| v.config.name),
            prefix,
            self.bug,
        ))
    }

    fn pod_members(&self, id: &str) -> Result<Vec<String>> {
        let inner = self.inner.pod_members(id)?;
        Ok(with_ghosts(inner, self.ghosts().members.get(id)))
    }

    fn container_exec_sessions(&self, id: &str) -> Result<Vec<String>> {
        let inner = self.inner.container_exec_sessions(id)?;
        Ok(with_ghosts(inner, self.ghosts().sessions.get(id)))
    }
}

impl<T: Deref<Target: View>> StoreLoad for Tx<'_, T> {
    reads! {
        fn load_container(&self, id: &str) -> Result<Option<Container>>;
        fn load_container_state(&self, id: &str) -> Result<Option<ContainerState>>;
        fn load_pod(&self, id: &str) -> Result<Option<Pod>>;
        fn load_volume(&self, name: &str) -> Result<Option<Volume>>;
        fn load_all_containers(&self, ns: &str) -> Result<Vec<Container>>;
        fn load_all_pods(&self, ns: &str) -> Result<Vec<Pod>>;
        fn load_all_volumes(&self) -> Result<Vec<Volume>>;
    }
}

impl<T: DerefMut<Target: ViewMut>> StoreWrite for Tx<'_, T> {
    writes! {
        fn insert_container(&mut self, ctr: &Container, new: &NewContainer) -> Result<()>;
        fn set_container_state(&mut self, id: &str, state: &ContainerState) -> Result<()>;
        fn set_container_config(&mut self, cfg: &ContainerConfig) -> Result<()>;
        fn connect_network(&mut self, id: &str, network: &str, aliases: &[String]) -> Result<()>;
        fn disconnect_network(&mut self, id: &str, network: &str) -> Result<()>;
        fn insert_exec_session(&mut self, session: &ExecSession) -> Result<()>;
        fn insert_pod(&mut self, pod: &Pod) -> Result<()>;
        fn delete_pod(&mut self, id: &str) -> Result<()>;
        fn set_pod_state(&mut self, id: &str, state: &PodState) -> Result<()>;
        fn set_pod_config(&mut self, cfg: &PodConfig) -> Result<()>;
        fn insert_volume(&mut self, vol: &Volume) -> Result<()>;
        fn delete_volume(&mut self, name: &str) -> Result<()>;
        fn set_volume_state(&mut self, name: &str, state: &VolumeState) -> Result<()>;
        fn set_volume_config(&mut self, cfg: &VolumeConfig) -> Result<()>;
        fn set_db_config(&mut self, cfg: &DbConfig) -> Result<()>;
    }

    fn delete_container(&mut self, id: &str) -> Result<()> {
        if self.bug == Bug::MemberRemovalKeepsMembership
            && let Some(pod) = self.inner.container_meta(id)?.and_then(|m| m.pod)
        {
            self.ghosts()
                .members
                .entry(pod)
                .or_default()
                .insert(id.to_owned());
        }
        // Deleting a container drops its whole session index, ghosts included.
        self.ghosts().sessions.remove(id);
        self.inner.delete_container(id)
    }

    fn delete_exec_session(&mut self, id: &str) -> Result<()> {
        if self.bug == Bug::SessionRemovalKeepsSessionIndex
            && let Some(owner) = self.inner.exec_session_owner(id)?
        {
            self.ghosts()
                .sessions
                .entry(owner)
                .or_default()
                .insert(id.to_owned());
        }
        self.inner.delete_exec_session(id)
    }

    fn delete_container_exec_sessions(&mut self, id: &str) -> Result<()> {
        self.ghosts().sessions.remove(id);
        self.inner.delete_container_exec_sessions(id)
    }

    fn refresh(&mut self) -> Result<()> {
        if self.bug == Bug::RefreshKeepsSessionIndex {
            for ctr in self.inner.load_all_containers("")? {
                let sessions = self.inner.container_exec_sessions(&ctr.config.id)?;
                let mut ghosts = self.ghosts();
                ghosts
                    .sessions
                    .entry(ctr.config.id)
                    .or_default()
                    .extend(sessions);
            }
        }
        self.inner.refresh()
    }
}

/// A store of `E`'s engine with a planted bug; its handles are the shared `Handle`s.
#[derive(Debug, Clone)]
pub struct PlantedStore<E> {
    engine: Planted<E>,
}

impl<E: Engine + Clone + Default + 'static> PlantedStore<E> {
    /// A fresh store of `E` with `bug`.
    pub fn new(bug: Bug) -> PlantedStore<E> {
        PlantedStore {
            engine: Planted {
                inner: E::default(),
                bug,
                ghosts: Arc::default(),
            },
        }
    }
}

impl<E: Engine + Clone + Default + 'static> Store for PlantedStore<E> {
    fn backend(&self) -> &'static str {
        "planted"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::in_memory()
    }

    fn open_handle(&self) -> Result<Box<dyn State>> {
        Ok(Box::new(Handle::new(self.engine.clone())))
    }

    fn reopen(self: Arc<Self>) -> Result<Box<dyn Store>> {
        Ok(Box::new(PlantedStore::clone(&self)))
    }

    fn snapshot(&self) -> Result<Snapshot> {
        whole::snapshot_of(&self.engine)
    }

    fn restore(&self, snapshot: &Snapshot) -> Result<()> {
        whole::restore_into(&self.engine, snapshot)
    }

    /// The planted store has no walk of its own tables: the API is what is under test.
    fn verify(&self) -> Result<Vec<Violation>> {
        Ok(Vec::new())
    }
}
