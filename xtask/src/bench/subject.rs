//! What the bench measures: a [`Subject`] is either a podstate backend (through [`State`], as
//! a runtime uses it) or a raw engine doing the same work by hand (`raw_sqlite`, `raw_redb`).
//! One phase runner drives both, so that the two sides of every ratio run the same loop.

use anyhow::Context;
use std::path::{Path, PathBuf};

use podstate::{OpenOptions, StoreConfig};
use podstate_api::Store;
use podstate_api::{Container, Pod, State, Volume};

/// Something the bench drives through the phases of the workload.
pub trait Subject {
    /// Its name in the tables: `memory`, `sqlite`, `raw-sqlite`...
    fn name(&self) -> &str;

    /// The directory its files live in, or `None` for an in-memory subject.
    fn dir(&self) -> Option<&Path>;

    /// Adds a volume of the pool (setup, not timed).
    fn add_volume(&self, vol: &Volume) -> anyhow::Result<()>;

    /// Adds a container outside pods: one durable commit.
    fn add(&self, ctr: &Container) -> anyhow::Result<()>;

    /// Adds a pod, then its members one call each (setup, not timed).
    fn add_pod(&self, pod: &Pod, members: &[Container]) -> anyhow::Result<()>;

    /// Resolves `s` (exact ID, exact name, unique ID prefix) to the whole container.
    fn lookup(&self, s: &str) -> anyhow::Result<Container>;

    /// The container with exactly this ID.
    fn get(&self, id: &str) -> anyhow::Result<Container>;

    /// Stores `ctr`'s state: one durable commit.
    fn save(&self, ctr: &Container) -> anyhow::Result<()>;

    /// Reloads `ctr`'s state.
    fn update(&self, ctr: &mut Container) -> anyhow::Result<()>;

    /// Every container.
    fn all(&self) -> anyhow::Result<Vec<Container>>;

    /// The members of `pod`.
    fn pod_containers(&self, pod: &Pod) -> anyhow::Result<Vec<Container>>;

    /// What a CLI process pays: open the database, resolve `name`, close. `None` for a subject
    /// with nothing to open (memory).
    fn cli_lookup(&self, name: &str) -> Option<anyhow::Result<Container>>;

    /// Removes a container outside pods: one durable commit.
    fn remove(&self, ctr: &Container) -> anyhow::Result<()>;

    /// Removes a pod and its members (cleanup, not timed).
    fn remove_pod(&self, pod: &Pod) -> anyhow::Result<()>;
}

/// A store of backend `name` with its database in `dir` (made if missing), opened as a runtime
/// opens it: durable commits, through the facade.
pub fn open_store(name: &str, dir: &Path) -> anyhow::Result<Box<dyn Store>> {
    std::fs::create_dir_all(dir).context("make a directory")?;
    let config = StoreConfig::in_dir(name, dir).context("choose a backend")?;
    podstate::open_with(&config, OpenOptions::new()).with_context(|| format!("open {name}"))
}

/// Opens a store on the subject's database again (a new process would do the same).
type Opener = Box<dyn Fn() -> anyhow::Result<Box<dyn Store>>>;

/// A podstate backend, through one handle of [`State`].
pub struct PodstateSubject {
    name: String,
    dir: Option<PathBuf>,
    /// Kept open for the whole run, as a runtime keeps its store.
    _store: Box<dyn Store>,
    state: Box<dyn State>,
    open: Option<Opener>,
}

/// The backends built into the workspace, by name: the facade's one list.
pub const BACKENDS: [&str; 3] = StoreConfig::BACKENDS;

impl PodstateSubject {
    /// Backend `name` with its database in `dir`: with durable commits, as a runtime opens it,
    /// unless `durable` is false, which only SQLite honours (`synchronous=OFF`: the same reads,
    /// for the scaling run, which times no write; redb's multi-writer mode commits durably
    /// always).
    pub fn open(name: &str, dir: &Path, durable: bool) -> anyhow::Result<PodstateSubject> {
        let config = StoreConfig::in_dir(name, dir).context("choose a backend")?;
        if !config.is_persistent() {
            let store = podstate::open_with(&config, OpenOptions::new()).context("open memory")?;
            return PodstateSubject::with(name, None, store, None);
        }
        let open: Opener = match config {
            // `synchronous=OFF` is no option of the facade's (a runtime never wants it): the
            // backend's own test options say it.
            StoreConfig::Sqlite(path) if !durable => Box::new(move || {
                let options = podstate_sqlite::SqliteOptions::for_tests();
                let store = podstate_sqlite::SqliteStore::open_with(&path, options)
                    .context("open sqlite")?;
                Ok(Box::new(store) as Box<dyn Store>)
            }),
            config => Box::new(move || {
                podstate::open_with(&config, OpenOptions::new())
                    .with_context(|| format!("open {}", config.backend()))
            }),
        };
        let store = open()?;
        PodstateSubject::with(name, Some(dir.to_owned()), store, Some(open))
    }

    fn with(
        name: &str,
        dir: Option<PathBuf>,
        store: Box<dyn Store>,
        open: Option<Opener>,
    ) -> anyhow::Result<PodstateSubject> {
        let state = store.open_handle().context("open a handle")?;
        Ok(PodstateSubject {
            name: name.to_owned(),
            dir,
            _store: store,
            state,
            open,
        })
    }
}

impl Subject for PodstateSubject {
    fn name(&self) -> &str {
        &self.name
    }

    fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    fn add_volume(&self, vol: &Volume) -> anyhow::Result<()> {
        self.state.add_volume(vol).context("add_volume")
    }

    fn add(&self, ctr: &Container) -> anyhow::Result<()> {
        self.state.add_container(ctr).context("add_container")
    }

    fn add_pod(&self, pod: &Pod, members: &[Container]) -> anyhow::Result<()> {
        self.state.add_pod(pod).context("add_pod")?;
        members.iter().try_for_each(|ctr| {
            self.state
                .add_container_to_pod(pod, ctr)
                .context("add_container_to_pod")
        })
    }

    fn lookup(&self, s: &str) -> anyhow::Result<Container> {
        self.state.lookup_container(s).context("lookup_container")
    }

    fn get(&self, id: &str) -> anyhow::Result<Container> {
        self.state.container(id).context("container")
    }

    fn save(&self, ctr: &Container) -> anyhow::Result<()> {
        self.state.save_container(ctr).context("save_container")
    }

    fn update(&self, ctr: &mut Container) -> anyhow::Result<()> {
        self.state.update_container(ctr).context("update_container")
    }

    fn all(&self) -> anyhow::Result<Vec<Container>> {
        self.state.all_containers().context("all_containers")
    }

    fn pod_containers(&self, pod: &Pod) -> anyhow::Result<Vec<Container>> {
        self.state.pod_containers(pod).context("pod_containers")
    }

    fn cli_lookup(&self, name: &str) -> Option<anyhow::Result<Container>> {
        let open = self.open.as_ref()?;
        Some((|| {
            let store = open()?;
            let state = store.open_handle().context("open a handle")?;
            let ctr = state.lookup_container(name).context("lookup_container")?;
            state.close().context("close")?;
            Ok(ctr)
        })())
    }

    fn remove(&self, ctr: &Container) -> anyhow::Result<()> {
        self.state.remove_container(ctr).context("remove_container")
    }

    fn remove_pod(&self, pod: &Pod) -> anyhow::Result<()> {
        self.state
            .remove_pod_containers(pod)
            .and_then(|()| self.state.remove_pod(pod))
            .context("remove pod")
    }
}
