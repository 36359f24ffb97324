//! What the bench measures: a [`Subject`] is either a podstate backend (through [`State`], as
//! a runtime uses it) or a raw engine doing the same work by hand (`raw_sqlite`, `raw_redb`).
//! One phase runner drives both, so that the two sides of every ratio run the same loop.

use std::path::{Path, PathBuf};

use podstate::{OpenOptions, StoreConfig};
use podstate_api::Store;
use podstate_api::{Container, Pod, State, Volume};

/// The bench's error: a message saying what failed (a failed call is a bug, not a figure).
pub type R<T> = Result<T, String>;

/// Something the bench drives through the phases of the workload.
pub trait Subject {
    /// Its name in the tables: `memory`, `sqlite`, `raw-sqlite`...
    fn name(&self) -> &str;

    /// The directory its files live in, or `None` for an in-memory subject.
    fn dir(&self) -> Option<&Path>;

    /// Adds a volume of the pool (setup, not timed).
    fn add_volume(&self, vol: &Volume) -> R<()>;

    /// Adds a container outside pods: one durable commit.
    fn add(&self, ctr: &Container) -> R<()>;

    /// Adds a pod, then its members one call each (setup, not timed).
    fn add_pod(&self, pod: &Pod, members: &[Container]) -> R<()>;

    /// Resolves `s` (exact ID, exact name, unique ID prefix) to the whole container.
    fn lookup(&self, s: &str) -> R<Container>;

    /// The container with exactly this ID.
    fn get(&self, id: &str) -> R<Container>;

    /// Stores `ctr`'s state: one durable commit.
    fn save(&self, ctr: &Container) -> R<()>;

    /// Reloads `ctr`'s state.
    fn update(&self, ctr: &mut Container) -> R<()>;

    /// Every container.
    fn all(&self) -> R<Vec<Container>>;

    /// The members of `pod`.
    fn pod_containers(&self, pod: &Pod) -> R<Vec<Container>>;

    /// What a CLI process pays: open the database, resolve `name`, close. `None` for a subject
    /// with nothing to open (memory).
    fn cli_lookup(&self, name: &str) -> Option<R<Container>>;

    /// Removes a container outside pods: one durable commit.
    fn remove(&self, ctr: &Container) -> R<()>;

    /// Removes a pod and its members (cleanup, not timed).
    fn remove_pod(&self, pod: &Pod) -> R<()>;
}

/// Opens a store on the subject's database again (a new process would do the same).
type Opener = Box<dyn Fn() -> R<Box<dyn Store>>>;

/// A podstate backend, through one handle of [`State`].
pub struct Backend {
    name: String,
    dir: Option<PathBuf>,
    /// Kept open for the whole run, as a runtime keeps its store.
    _store: Box<dyn Store>,
    state: Box<dyn State>,
    open: Option<Opener>,
}

/// `what` failed with `e`.
pub fn fail(what: &str, e: impl std::fmt::Display) -> String {
    format!("{what}: {e}")
}

/// The backends built into the workspace, by name: the facade's one list.
pub const BACKENDS: [&str; 3] = StoreConfig::BACKENDS;

impl Backend {
    /// Backend `name` with its database in `dir`: with durable commits, as a runtime opens it,
    /// unless `durable` is false, which only SQLite honours (`synchronous=OFF`: the same reads,
    /// for the scaling run, which times no write; redb's multi-writer mode commits durably
    /// always).
    pub fn open(name: &str, dir: &Path, durable: bool) -> R<Backend> {
        let config = StoreConfig::in_dir(name, dir).map_err(|e| fail("choose a backend", e))?;
        if !config.is_persistent() {
            let store = podstate::open_with(&config, OpenOptions::new())
                .map_err(|e| fail("open memory", e))?;
            return Backend::with(name, None, store, None);
        }
        let open: Opener = match config {
            // `synchronous=OFF` is no option of the facade's (a runtime never wants it): the
            // backend's own test options say it.
            StoreConfig::Sqlite(path) if !durable => Box::new(move || {
                let options = podstate_sqlite::SqliteOptions::for_tests();
                let store = podstate_sqlite::SqliteStore::open_with(&path, options)
                    .map_err(|e| fail("open sqlite", e))?;
                Ok(Box::new(store) as Box<dyn Store>)
            }),
            config => Box::new(move || {
                podstate::open_with(&config, OpenOptions::new())
                    .map_err(|e| fail(&format!("open {}", config.backend()), e))
            }),
        };
        let store = open()?;
        Backend::with(name, Some(dir.to_owned()), store, Some(open))
    }

    fn with(
        name: &str,
        dir: Option<PathBuf>,
        store: Box<dyn Store>,
        open: Option<Opener>,
    ) -> R<Backend> {
        let state = store.open_handle().map_err(|e| fail("open a handle", e))?;
        Ok(Backend {
            name: name.to_owned(),
            dir,
            _store: store,
            state,
            open,
        })
    }
}

impl Subject for Backend {
    fn name(&self) -> &str {
        &self.name
    }

    fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    fn add_volume(&self, vol: &Volume) -> R<()> {
        self.state
            .add_volume(vol)
            .map_err(|e| fail("add_volume", e))
    }

    fn add(&self, ctr: &Container) -> R<()> {
        self.state
            .add_container(ctr)
            .map_err(|e| fail("add_container", e))
    }

    fn add_pod(&self, pod: &Pod, members: &[Container]) -> R<()> {
        self.state.add_pod(pod).map_err(|e| fail("add_pod", e))?;
        members.iter().try_for_each(|ctr| {
            self.state
                .add_container_to_pod(pod, ctr)
                .map_err(|e| fail("add_container_to_pod", e))
        })
    }

    fn lookup(&self, s: &str) -> R<Container> {
        self.state
            .lookup_container(s)
            .map_err(|e| fail("lookup_container", e))
    }

    fn get(&self, id: &str) -> R<Container> {
        self.state.container(id).map_err(|e| fail("container", e))
    }

    fn save(&self, ctr: &Container) -> R<()> {
        self.state
            .save_container(ctr)
            .map_err(|e| fail("save_container", e))
    }

    fn update(&self, ctr: &mut Container) -> R<()> {
        self.state
            .update_container(ctr)
            .map_err(|e| fail("update_container", e))
    }

    fn all(&self) -> R<Vec<Container>> {
        self.state
            .all_containers()
            .map_err(|e| fail("all_containers", e))
    }

    fn pod_containers(&self, pod: &Pod) -> R<Vec<Container>> {
        self.state
            .pod_containers(pod)
            .map_err(|e| fail("pod_containers", e))
    }

    fn cli_lookup(&self, name: &str) -> Option<R<Container>> {
        let open = self.open.as_ref()?;
        Some((|| {
            let store = open()?;
            let state = store.open_handle().map_err(|e| fail("open a handle", e))?;
            let ctr = state
                .lookup_container(name)
                .map_err(|e| fail("lookup_container", e))?;
            state.close().map_err(|e| fail("close", e))?;
            Ok(ctr)
        })())
    }

    fn remove(&self, ctr: &Container) -> R<()> {
        self.state
            .remove_container(ctr)
            .map_err(|e| fail("remove_container", e))
    }

    fn remove_pod(&self, pod: &Pod) -> R<()> {
        self.state
            .remove_pod_containers(pod)
            .and_then(|()| self.state.remove_pod(pod))
            .map_err(|e| fail("remove pod", e))
    }
}
