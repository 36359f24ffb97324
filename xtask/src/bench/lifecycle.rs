//! The lifecycle phase (issue 20, item 5): one container's typical twenty calls, as a runtime
//! makes them from `podman run` to `podman rm`, one durable call at a time, and the same twenty
//! inside one [`State::batch`] (one transaction, one durable commit). Each backend runs in a
//! worker of its own on a fresh store holding the volume pool.

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

/// `lifecycles` lifecycles on `backend` (a fresh store in `dir`), each as twenty calls or, when
/// `batched`, as one batch of them.
pub fn run(
    backend: &str,
    lifecycles: usize,
    batched: bool,
    dir: &Path,
) -> anyhow::Result<LifecycleResult> {
    let store: Box<dyn Store> = open_store(backend, dir)?;
    let state = store.open_handle().context("open a handle")?;
    for vol in Workload::new(0, 0).volumes {
        state.add_volume(&vol).context("add_volume")?;
    }
    let ctrs: Vec<Container> = workload::generate(lifecycles)
        .into_iter()
        .map(|mut c| {
            c.config.depends_on.clear();
            c
        })
        .collect();
    let start = Instant::now();
    for ctr in &ctrs {
        let done = if batched {
            state.batch(&mut |tx| one_lifecycle(tx, ctr))
        } else {
            one_lifecycle(state.as_ref(), ctr)
        };
        done.with_context(|| format!("a lifecycle on {backend}"))?;
    }
    let secs = start.elapsed().as_secs_f64();
    if !state.all_containers().context("all_containers")?.is_empty() {
        bail!("{backend}: the lifecycles left containers behind");
    }
    Ok(LifecycleResult {
        backend: backend.to_owned(),
        batched,
        lifecycles,
        secs,
    })
}
