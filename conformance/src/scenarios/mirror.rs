//! Every scenario against the reference model too, so that a storage bug on any read path shows
//! in every scenario that reaches it, whatever the scenario asserts itself.
//!
//! The [`Tester`](super::harness::Tester)'s handles are [`Mirror`]s: each call that can change a
//! store (or a handle's namespace or closed flag) runs on the backend's handle and on a handle of
//! a [`ModelStore`] alike; reads go to the backend only. The scenario sees the backend's answers.
//! When the scenario ends, [`compare`] judges what the backend shows against the model: every
//! changing call must have had the same outcome on both, the invariants must hold through the
//! API ([`check_invariants`]), and the [`dump`] and the exec registry seen from namespace `""`,
//! and the dump seen from every namespace the scenario used or stored, must be the model's.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use podstate_api::dump::{Dump, describe, dump};
use podstate_api::{
    Container, ContainerConfig, DbConfig, ExecSession, Pod, PodConfig, Result, State, StateError,
    Volume, VolumeConfig,
};

use super::explain::brief;
use super::fixtures::SESSION_IDS;
use crate::Outcome;
use crate::checker::check_invariants;
use crate::factory::Store;
use crate::model::ModelStore;

/// What the mirrors of one scenario noticed on the way.
#[derive(Debug, Default)]
pub(super) struct Seen {
    /// Every namespace a handle was moved to.
    namespaces: Mutex<BTreeSet<String>>,
    /// The first changing call whose outcome differed between backend and model.
    disagreement: Mutex<Option<String>>,
    /// The calls the scenario made, for its failure message (the harness's own are left out).
    calls: Mutex<Vec<Logged>>,
    /// While set, calls are not logged: the harness is looking (snapshots, probes).
    quiet: AtomicBool,
}

/// One call a scenario made: `add_container({"config":{"id":"c1",...}}) -> Ok`.
#[derive(Debug, Clone)]
pub(super) struct Logged {
    /// The call, its arguments and its outcome on the backend.
    pub(super) text: String,
    /// Whether the call can change the store (it ran on the model too).
    pub(super) changes: bool,
}

impl Seen {
    /// Runs `f` without logging the calls it makes.
    pub(super) fn quietly<T>(&self, f: impl FnOnce() -> T) -> T {
        let was = self.quiet.swap(true, Ordering::SeqCst);
        let result = f();
        self.quiet.store(was, Ordering::SeqCst);
        result
    }

    /// A mark to ask [`Seen::since`] for the calls logged after it.
    pub(super) fn mark(&self) -> usize {
        lock(&self.calls).len()
    }

    /// The calls logged since `mark`.
    pub(super) fn since(&self, mark: usize) -> Vec<Logged> {
        lock(&self.calls).get(mark..).unwrap_or_default().to_vec()
    }

    /// Every call logged so far, kept.
    pub(super) fn calls(&self) -> Vec<Logged> {
        lock(&self.calls).clone()
    }
}

/// A handle on the backend and one on the model, moved together (see the module docs). Inside
/// a batch, the two are the batches' handles.
#[derive(Debug)]
pub(super) struct Mirror<S = Box<dyn State>> {
    backend: S,
    model: S,
    seen: Arc<Seen>,
}

impl Mirror {
    /// A new handle on each store, in namespace `""`.
    pub(super) fn open(store: &dyn Store, model: &ModelStore, seen: &Arc<Seen>) -> Result<Mirror> {
        Ok(Mirror {
            backend: store.open_handle()?,
            model: Box::new(model.open()),
            seen: Arc::clone(seen),
        })
    }
}

impl<S: State> Mirror<S> {
    fn agree<T>(&self, call: &str, backend: &Result<T>, model: &Result<T>) {
        let (b, m) = (Outcome::of(backend), Outcome::of(model));
        let mut first = lock(&self.seen.disagreement);
        if b != m && first.is_none() {
            *first = Some(format!(
                "{call} answered {b} on the backend, {m} on the model"
            ));
        }
    }

    /// Logs `call` with its arguments (already shown by [`brief`]) and the backend's outcome;
    /// answers the call's text, `name(args)`.
    fn log<T>(&self, call: &str, args: &[String], backend: &Result<T>, changes: bool) -> String {
        let text = format!("{call}({})", args.join(", "));
        if !self.seen.quiet.load(Ordering::SeqCst) {
            lock(&self.seen.calls).push(Logged {
                text: format!("{text} -> {}", Outcome::of(backend)),
                changes,
            });
        }
        text
    }
}

/// A second `StateError` of the same kind and message (the error is not `Clone`: its source).
fn copy(result: &Result<()>) -> Result<()> {
    match result {
        Ok(()) => Ok(()),
        Err(e) => Err(StateError::new(e.kind(), e.message())),
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Calls that can change a store or a handle: on both sides, outcomes compared.
macro_rules! mirrored {
    ($( fn $name:ident(&self $(, $arg:ident : $ty:ty)*) -> $ret:ty; )*) => {$(
        fn $name(&self $(, $arg: $ty)*) -> $ret {
            let args: Vec<String> = vec![$(brief(&$arg)),*];
            let model = self.model.$name($($arg),*);
            let backend = self.backend.$name($($arg),*);
            let call = self.log(stringify!($name), &args, &backend, true);
            self.agree(&call, &backend, &model);
            backend
        }
    )*};
}

/// Reads (and `update_*`, which writes only into the caller's object): the backend's answer.
macro_rules! backend_only {
    ($( fn $name:ident(&self $(, $arg:ident : $ty:ty)*) -> $ret:ty; )*) => {$(
        fn $name(&self $(, $arg: $ty)*) -> $ret {
            let args: Vec<String> = vec![$(brief(&$arg)),*];
            let backend = self.backend.$name($($arg),*);
            self.log(stringify!($name), &args, &backend, false);
            backend
        }
    )*};
}

impl<S: State> State for Mirror<S> {
    /// One batch on each side, the model's inside the backend's, with the scenario's closure
    /// run once on a mirror of the two batches' handles.
    fn batch(&self, f: &mut dyn FnMut(&dyn State) -> Result<()>) -> Result<()> {
        // The calls inside are logged as they run, between these two lines.
        self.log("batch", &["|s| { ... }".into()], &Ok(()), true);
        let mut model = None;
        let backend = self.backend.batch(&mut |backend| {
            let mut answer = None;
            model = Some(self.model.batch(&mut |model| {
                let inside = Mirror {
                    backend,
                    model,
                    seen: Arc::clone(&self.seen),
                };
                let result = f(&inside);
                answer = Some(copy(&result));
                result
            }));
            // The model refused before running the closure: the backend's batch ends alike.
            answer.unwrap_or_else(|| Err(StateError::invalid("the model's batch did not start")))
        });
        // The backend refused before running the closure: ask the model on its own.
        let model = model.unwrap_or_else(|| self.model.batch(&mut |_| Ok(())));
        let call = self.log("end of batch", &[], &backend, true);
        self.agree(&call, &backend, &model);
        backend
    }

    fn set_namespace(&self, ns: &str) -> Result<()> {
        let model = self.model.set_namespace(ns);
        let backend = self.backend.set_namespace(ns);
        let call = self.log("set_namespace", &[brief(ns)], &backend, true);
        self.agree(&call, &backend, &model);
        if backend.is_ok() {
            lock(&self.seen.namespaces).insert(ns.to_owned());
        }
        backend
    }

    mirrored! {
        fn close(&self) -> Result<()>;
        fn refresh(&self) -> Result<()>;
        fn validate_db_config(&self, cfg: &DbConfig) -> Result<()>;
        fn add_container(&self, ctr: &Container) -> Result<()>;
        fn remove_container(&self, ctr: &Container) -> Result<()>;
        fn save_container(&self, ctr: &Container) -> Result<()>;
        fn rewrite_container_config(&self, ctr: &Container, cfg: &ContainerConfig) -> Result<()>;
        fn network_connect(&self, ctr: &Container, network: &str, aliases: &[String]) -> Result<()>;
        fn network_disconnect(&self, ctr: &Container, network: &str) -> Result<()>;
        fn add_exec_session(&self, ctr: &Container, session: &ExecSession) -> Result<()>;
        fn remove_exec_session(&self, session: &ExecSession) -> Result<()>;
        fn remove_container_exec_sessions(&self, ctr: &Container) -> Result<()>;
        fn add_pod(&self, pod: &Pod) -> Result<()>;
        fn remove_pod(&self, pod: &Pod) -> Result<()>;
        fn remove_pod_containers(&self, pod: &Pod) -> Result<()>;
        fn add_container_to_pod(&self, pod: &Pod, ctr: &Container) -> Result<()>;
        fn remove_container_from_pod(&self, pod: &Pod, ctr: &Container) -> Result<()>;
        fn save_pod(&self, pod: &Pod) -> Result<()>;
        fn rewrite_pod_config(&self, pod: &Pod, cfg: &PodConfig) -> Result<()>;
        fn add_volume(&self, vol: &Volume) -> Result<()>;
        fn remove_volume(&self, vol: &Volume) -> Result<()>;
        fn save_volume(&self, vol: &Volume) -> Result<()>;
        fn rewrite_volume_config(&self, vol: &Volume, cfg: &VolumeConfig) -> Result<()>;
    }

    backend_only! {
        fn get_db_config(&self) -> Result<DbConfig>;
        fn get_name(&self, id: &str) -> Result<String>;
        fn container(&self, id: &str) -> Result<Container>;
        fn lookup_container_id(&self, id_or_name: &str) -> Result<String>;
        fn lookup_container(&self, id_or_name: &str) -> Result<Container>;
        fn has_container(&self, id: &str) -> Result<bool>;
        fn get_container_config(&self, id: &str) -> Result<ContainerConfig>;
        fn update_container(&self, ctr: &mut Container) -> Result<()>;
        fn container_in_use(&self, ctr: &Container) -> Result<Vec<String>>;
        fn all_containers(&self) -> Result<Vec<Container>>;
        fn get_networks(&self, ctr: &Container) -> Result<Vec<String>>;
        fn get_network_aliases(&self, ctr: &Container, network: &str) -> Result<Vec<String>>;
        fn get_all_network_aliases(&self, ctr: &Container) -> Result<BTreeMap<String, Vec<String>>>;
        fn get_exec_session(&self, id: &str) -> Result<String>;
        fn get_container_exec_sessions(&self, ctr: &Container) -> Result<Vec<String>>;
        fn pod(&self, id: &str) -> Result<Pod>;
        fn lookup_pod(&self, id_or_name: &str) -> Result<Pod>;
        fn has_pod(&self, id: &str) -> Result<bool>;
        fn pod_has_container(&self, pod: &Pod, ctr_id: &str) -> Result<bool>;
        fn pod_containers_by_id(&self, pod: &Pod) -> Result<Vec<String>>;
        fn pod_containers(&self, pod: &Pod) -> Result<Vec<Container>>;
        fn update_pod(&self, pod: &mut Pod) -> Result<()>;
        fn all_pods(&self) -> Result<Vec<Pod>>;
        fn volume(&self, name: &str) -> Result<Volume>;
        fn lookup_volume(&self, name: &str) -> Result<Volume>;
        fn has_volume(&self, name: &str) -> Result<bool>;
        fn volume_in_use(&self, vol: &Volume) -> Result<Vec<String>>;
        fn update_volume(&self, vol: &mut Volume) -> Result<()>;
        fn all_volumes(&self) -> Result<Vec<Volume>>;
    }
}

/// The end-of-scenario judgement (see the module docs): `Err` says where the backend and the
/// model part, one line per difference.
pub(super) fn compare(store: &dyn Store, model: &ModelStore, seen: &Seen) -> Result<(), String> {
    let fail = |what: &str, e: podstate_api::StateError| format!("{what} failed: {e}");
    let backend = store
        .open_handle()
        .map_err(|e| fail("opening a handle", e))?;
    let oracle = model.open();
    let sessions: BTreeSet<String> = SESSION_IDS.iter().map(|s| (*s).to_owned()).collect();
    let mut report = String::new();
    if let Some(why) = lock(&seen.disagreement).take() {
        let _ = writeln!(report, "the backend and the model disagree: {why}");
    }
    // The invariant check takes the dump it checks; when it fails, a plain dump still shows
    // where the two sides differ.
    let shown = match check_invariants(backend.as_ref(), &sessions) {
        Ok(shown) => shown,
        Err(why) => {
            let _ = writeln!(report, "the backend breaks an invariant: {why}");
            dump(backend.as_ref()).map_err(|e| fail("dumping the backend", e))?
        }
    };
    let expected = dump(&oracle).map_err(|e| fail("dumping the model", e))?;
    differences("", &shown, &expected, &mut report);
    for id in SESSION_IDS {
        let (b, m) = (backend.get_exec_session(id), oracle.get_exec_session(id));
        if b.as_ref().map_err(|e| e.kind()) != m.as_ref().map_err(|e| e.kind()) {
            let show = |r: &Result<String>| match r {
                Ok(owner) => format!("registered to {owner:?}"),
                Err(e) => e.to_string(),
            };
            let (b, m) = (show(&b), show(&m));
            let _ = writeln!(report, "exec session {id:?}: backend {b}, model {m}");
        }
    }
    let mut namespaces = lock(&seen.namespaces).clone();
    namespaces.extend(stored_namespaces(&expected).chain(stored_namespaces(&shown)));
    // The same two handles, moved from namespace to namespace (a handle opened afresh per
    // namespace would cost a connection each on SQLite).
    for ns in namespaces.iter().filter(|ns| !ns.is_empty()) {
        let dumps = (backend.set_namespace(ns))
            .and_then(|()| oracle.set_namespace(ns))
            .and_then(|()| Ok((dump(backend.as_ref())?, dump(&oracle)?)));
        let (b, m) = dumps.map_err(|e| fail(&format!("dumping namespace {ns:?}"), e))?;
        differences(ns, &b, &m, &mut report);
    }
    if report.is_empty() {
        return Ok(());
    }
    Err(format!(
        "after the scenario, the backend does not show what the model does:\n{report}"
    ))
}

/// The namespaces the stored containers and pods of `d` live in.
fn stored_namespaces(d: &Dump) -> impl Iterator<Item = String> + '_ {
    let ctrs = d.containers.iter().map(|c| &c.container.config.namespace);
    let pods = d.pods.iter().map(|p| &p.pod.config.namespace);
    ctrs.chain(pods).cloned()
}

/// Appends where `backend` and `model`, both seen from namespace `ns`, differ.
fn differences(ns: &str, backend: &Dump, model: &Dump, report: &mut String) {
    if backend != model {
        let diff = describe(backend, model, ("backend", "model"));
        let _ = writeln!(report, "seen from namespace {ns:?}:\n{diff}");
    }
}
