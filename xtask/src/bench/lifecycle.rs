//! The lifecycle phase (issue 20, item 5): one container's typical twenty calls, as a runtime
//! makes them from `podman run` to `podman rm`, one durable call at a time, and the same twenty
//! inside one [`State::batch`] (one transaction, one durable commit). Each backend runs in a
//! worker of its own, on one fresh store holding the volume pool, both ways in turns: a
//! lifecycle unbatched, then one batched, the order swapped each time, so that both ways meet
//! the same disk in the same second (a shared disk's fsync rate moves a lot within a run: the
//! two ways timed one after the other measured 4.98x and 5.7x in two runs of the same code).
//! One store, as a runtime has: on two files in turns, each batch's one fsync also paid for the
//! other file's (SQLite's batch took 500-530 µs instead of 430-445).

use anyhow::{Context, bail};
use std::path::Path;
use std::time::Instant;

use podstate_api::{Container, ContainerStatus, ExecSession, State, Store};
use serde::{Deserialize, Serialize};

use super::subject::open_store;
use super::workload::{self, Workload};

/// The calls of one lifecycle, 12 of them writes.
pub const CALLS: usize = 20;

/// The second network a lifecycle connects the container to, and disconnects it from.
const EXTRA_NETWORK: &str = "lifecycle-net";

/// The lifecycles of one backend, unbatched or batched.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LifecycleResult {
    /// The backend.
    pub backend: String,
    /// Whether each lifecycle ran as one batch.
    pub batched: bool,
    /// Lifecycles run.
    pub lifecycles: usize,
    /// Seconds they took.
    pub secs: f64,
}

impl LifecycleResult {
    /// Mean µs per lifecycle.
    pub fn us(&self) -> f64 {
        self.secs * 1e6 / self.lifecycles.max(1) as f64
    }
}

/// `want` or an error naming the step.
fn check(step: &str, ok: bool) -> podstate_api::Result<()> {
    match ok {
        true => Ok(()),
        false => Err(podstate_api::StateError::invalid(format!(
            "lifecycle: {step} answered something else"
        ))),
    }
}

/// The twenty calls on `ctr` (outside pods, no dependency), through `s`.
fn one_lifecycle(s: &dyn State, ctr: &Container) -> podstate_api::Result<()> {
    let id = ctr.config.id.as_str();
    let mut c = ctr.clone();
    s.add_container(&c)?; // 1
    c.state.status = ContainerStatus::Created;
    s.save_container(&c)?; // 2
    check(
        "lookup by name",
        s.lookup_container(&c.config.name)?.config.id == id,
    )?; // 3
    s.network_connect(&c, EXTRA_NETWORK, &["web".to_owned()])?; // 4
    c.state.status = ContainerStatus::Running;
    c.state.pid = 4242;
    s.save_container(&c)?; // 5
    check("container", s.container(id)?.state.pid == 4242)?; // 6
    let session = ExecSession::new(format!("exec-{id}"), id);
    s.add_exec_session(&c, &session)?; // 7
    c.state
        .exec_sessions
        .insert(session.id.clone(), Default::default());
    s.save_container(&c)?; // 8
    check("get_exec_session", s.get_exec_session(&session.id)? == id)?; // 9
    s.remove_exec_session(&session)?; // 10
    c.state.exec_sessions.clear();
    s.save_container(&c)?; // 11
    s.network_disconnect(&c, EXTRA_NETWORK)?; // 12
    s.update_container(&mut c)?; // 13
    c.state.status = ContainerStatus::Stopped;
    c.state.pid = 0;
    s.save_container(&c)?; // 14
    check("lookup by prefix", s.lookup_container_id(&id[..12])? == id)?; // 15
    check("networks", s.get_networks(&c)?.len() == 1)?; // 16
    c.state.status = ContainerStatus::Exited;
    c.state.exited = true;
    s.save_container(&c)?; // 17
    check("in use", s.container_in_use(&c)?.is_empty())?; // 18
    s.update_container(&mut c)?; // 19
    s.remove_container(&c) // 20
}

/// `lifecycles` lifecycles on `backend` each way, in turns on one fresh store in `dir`: the
/// unbatched way's result, then the batched way's.
pub fn run(backend: &str, lifecycles: usize, dir: &Path) -> anyhow::Result<Vec<LifecycleResult>> {
    let store: Box<dyn Store> = open_store(backend, dir)?;
    let state = store.open_handle().context("open a handle")?;
    for vol in Workload::new(0, 0).volumes {
        state.add_volume(&vol).context("add_volume")?;
    }
    let ctrs: Vec<Container> = workload::generate(2 * lifecycles)
        .into_iter()
        .map(|mut c| {
            c.config.depends_on.clear();
            c
        })
        .collect();
    // Seconds taken, unbatched then batched.
    let mut secs = [0.0; 2];
    for (k, pair) in ctrs.chunks(2).enumerate() {
        let first = k % 2;
        for (way, ctr) in [first, 1 - first].into_iter().zip(pair) {
            let batched = way == 1;
            let start = Instant::now();
            let done = if batched {
                state.batch(&mut |tx| one_lifecycle(tx, ctr))
            } else {
                one_lifecycle(state.as_ref(), ctr)
            };
            secs[way] += start.elapsed().as_secs_f64();
            done.with_context(|| format!("a lifecycle on {backend} (batched: {batched})"))?;
        }
    }
    if !state.all_containers().context("all_containers")?.is_empty() {
        bail!("{backend}: the lifecycles left containers behind");
    }
    Ok([false, true]
        .into_iter()
        .zip(secs)
        .map(|(batched, secs)| LifecycleResult {
            backend: backend.to_owned(),
            batched,
            lifecycles,
            secs,
        })
        .collect())
}
