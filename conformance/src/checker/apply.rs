//! Running one operation on a handle and turning what happened into an [`Answer`].

use std::panic::{AssertUnwindSafe, catch_unwind};

use podstate_api::raw::panic_message;
use podstate_api::{ErrorKind, State, StateError};

use super::answer::{Answer, Value};
use super::batch::ROLLBACK;
use super::case::HandleOp;
use super::ops::Op;
use crate::factory::Store;

/// The handles a case drives on one store, plus the checking handle. `Reopen` is a real reopen:
/// every handle, the checking one included, is dropped, the store is reopened (a persistent
/// backend drops its connections and opens its path again) and new handles are opened.
pub struct Driver {
    // Field order matters: handles are dropped before the store (and its temporary files).
    handles: Vec<Box<dyn State>>,
    checker: Option<Box<dyn State>>,
    store: Option<Box<dyn Store>>,
}

impl Driver {
    /// Opens `handles` handles (at least one) and the checking handle on `store`.
    pub fn new(store: Box<dyn Store>, handles: usize) -> Result<Driver, StateError> {
        let opened = (0..handles.max(1))
            .map(|_| store.open_handle())
            .collect::<Result<Vec<_>, _>>()?;
        let checker = Some(store.open_handle()?);
        Ok(Driver {
            handles: opened,
            checker,
            store: Some(store),
        })
    }

    /// The store the handles are on; `None` after a reopen that failed.
    pub fn store(&self) -> Option<&dyn Store> {
        self.store.as_deref()
    }

    /// Drops every handle and hands back the store (`None` after a reopen that failed).
    pub fn into_store(mut self) -> Option<Box<dyn Store>> {
        self.handles.clear();
        self.checker = None;
        self.store.take()
    }

    /// The checking handle: always in namespace `""`, never closed by the case; `None` after a
    /// reopen that failed.
    pub fn checker(&self) -> Option<&dyn State> {
        self.checker.as_deref()
    }

    /// Runs `step`, catching a panic as a broken answer.
    pub fn apply(&mut self, step: &HandleOp) -> Answer {
        if let Op::Reopen = step.op {
            return self.reopen();
        }
        let Some(handle) = self.handles.get(step.handle) else {
            return Answer::Broken(format!("the case has no handle {}", step.handle));
        };
        let handle = handle.as_ref();
        match catch_unwind(AssertUnwindSafe(|| call(handle, &step.op))) {
            Ok(answer) => answer,
            Err(panic) => Answer::Broken(format!("panicked: {}", panic_message(&*panic))),
        }
    }

    fn reopen(&mut self) -> Answer {
        let count = self.handles.len();
        let result = catch_unwind(AssertUnwindSafe(|| -> Result<(), StateError> {
            // Every handle goes before the store is reopened, as in a process that exits.
            self.handles.clear();
            self.checker = None;
            let store = self.store.take().ok_or_else(|| {
                StateError::new(ErrorKind::Io, "an earlier reopen lost the store")
            })?;
            let store = std::sync::Arc::<dyn Store>::from(store).reopen()?;
            self.handles = (0..count)
                .map(|_| store.open_handle())
                .collect::<Result<Vec<_>, _>>()?;
            self.checker = Some(store.open_handle()?);
            self.store = Some(store);
            Ok(())
        }));
        match result {
            Ok(Ok(())) => Answer::Ok(Value::Unit),
            Ok(Err(e)) => Answer::from_result(Err(e)),
            Err(panic) => Answer::Broken(format!("panicked: {}", panic_message(&*panic))),
        }
    }
}

fn unit(r: podstate_api::Result<()>) -> Result<Value, StateError> {
    r.map(|()| Value::Unit)
}

/// `update_*` answers the caller's object; on error the object must be left as it was.
fn updated<T: Clone + PartialEq>(
    what: &str,
    passed: &T,
    update: impl FnOnce(&mut T) -> podstate_api::Result<()>,
    wrap: impl FnOnce(T) -> Value,
) -> Answer {
    let mut obj = passed.clone();
    match update(&mut obj) {
        Ok(()) => Answer::Ok(wrap(obj)),
        Err(e) if obj != *passed => Answer::Broken(format!(
            "update_{what} failed with {} but changed the caller's {what}",
            e.kind()
        )),
        Err(e) => Answer::from_result(Err(e)),
    }
}

/// Runs `op` on the handle `s`: the one place where an operation becomes a `State` call (the
/// checker's cases and the scenario tables both come here). [`Op::Reopen`] needs the store, so
/// a bare handle answers it as broken. [`Op::Batch`] runs its calls in one batch.
pub fn call(s: &dyn State, op: &Op) -> Answer {
    let result = match op {
        // Only the driver can reopen: it owns the store.
        Op::Reopen => return Answer::Broken("reopen reached a bare handle".into()),
        Op::Batch { ops, rollback } => return batch(s, ops, *rollback),
        Op::Close => unit(s.close()),
        Op::Refresh => unit(s.refresh()),
        Op::GetDbConfig => s.get_db_config().map(Value::DbConfig),
        Op::ValidateDbConfig { cfg } => unit(s.validate_db_config(cfg)),
        Op::SetNamespace { ns } => unit(s.set_namespace(ns)),
        Op::GetName { id } => s.get_name(id).map(Value::Text),
        Op::Container { id } => s.container(id).map(|c| Value::Container(Box::new(c))),
        Op::LookupContainerId { id_or_name } => s.lookup_container_id(id_or_name).map(Value::Text),
        Op::LookupContainer { id_or_name } => s
            .lookup_container(id_or_name)
            .map(|c| Value::Container(Box::new(c))),
        Op::HasContainer { id } => s.has_container(id).map(Value::Bool),
        Op::GetContainerConfig { id } => s
            .get_container_config(id)
            .map(|c| Value::Config(Box::new(c))),
        Op::AddContainer { ctr } => unit(s.add_container(ctr)),
        Op::RemoveContainer { ctr } => unit(s.remove_container(ctr)),
        Op::UpdateContainer { ctr } => {
            return updated(
                "container",
                ctr,
                |c| s.update_container(c),
                |c| Value::Container(Box::new(c)),
            );
        }
        Op::SaveContainer { ctr } => unit(s.save_container(ctr)),
        Op::ContainerInUse { ctr } => s.container_in_use(ctr).map(Value::Texts),
        Op::AllContainers => s.all_containers().map(Value::Containers),
        Op::RewriteContainerConfig { ctr, cfg } => unit(s.rewrite_container_config(ctr, cfg)),
        Op::GetNetworks { ctr } => s.get_networks(ctr).map(Value::Texts),
        Op::GetNetworkAliases { ctr, network } => {
            s.get_network_aliases(ctr, network).map(Value::Texts)
        }
        Op::GetAllNetworkAliases { ctr } => s.get_all_network_aliases(ctr).map(Value::Aliases),
        Op::NetworkConnect {
            ctr,
            network,
            aliases,
        } => unit(s.network_connect(ctr, network, aliases)),
        Op::NetworkDisconnect { ctr, network } => unit(s.network_disconnect(ctr, network)),
        Op::AddExecSession { ctr, session } => unit(s.add_exec_session(ctr, session)),
        Op::GetExecSession { id } => s.get_exec_session(id).map(Value::Text),
        Op::RemoveExecSession { session } => unit(s.remove_exec_session(session)),
        Op::GetContainerExecSessions { ctr } => {
            s.get_container_exec_sessions(ctr).map(Value::Texts)
        }
        Op::RemoveContainerExecSessions { ctr } => unit(s.remove_container_exec_sessions(ctr)),
        Op::Pod { id } => s.pod(id).map(|p| Value::Pod(Box::new(p))),
        Op::LookupPod { id_or_name } => s.lookup_pod(id_or_name).map(|p| Value::Pod(Box::new(p))),
        Op::HasPod { id } => s.has_pod(id).map(Value::Bool),
        Op::PodHasContainer { pod, ctr_id } => s.pod_has_container(pod, ctr_id).map(Value::Bool),
        Op::PodContainersById { pod } => s.pod_containers_by_id(pod).map(Value::Texts),
        Op::PodContainers { pod } => s.pod_containers(pod).map(Value::Containers),
        Op::AddPod { pod } => unit(s.add_pod(pod)),
        Op::RemovePod { pod } => unit(s.remove_pod(pod)),
        Op::RemovePodContainers { pod } => unit(s.remove_pod_containers(pod)),
        Op::AddContainerToPod { pod, ctr } => unit(s.add_container_to_pod(pod, ctr)),
        Op::RemoveContainerFromPod { pod, ctr } => unit(s.remove_container_from_pod(pod, ctr)),
        Op::UpdatePod { pod } => {
            return updated("pod", pod, |p| s.update_pod(p), |p| Value::Pod(Box::new(p)));
        }
        Op::SavePod { pod } => unit(s.save_pod(pod)),
        Op::AllPods => s.all_pods().map(Value::Pods),
        Op::RewritePodConfig { pod, cfg } => unit(s.rewrite_pod_config(pod, cfg)),
        Op::Volume { name } => s.volume(name).map(|v| Value::Volume(Box::new(v))),
        Op::LookupVolume { name } => s.lookup_volume(name).map(|v| Value::Volume(Box::new(v))),
        Op::HasVolume { name } => s.has_volume(name).map(Value::Bool),
        Op::VolumeInUse { vol } => s.volume_in_use(vol).map(Value::Texts),
        Op::AddVolume { vol } => unit(s.add_volume(vol)),
        Op::RemoveVolume { vol } => unit(s.remove_volume(vol)),
        Op::UpdateVolume { vol } => {
            return updated(
                "volume",
                vol,
                |v| s.update_volume(v),
                |v| Value::Volume(Box::new(v)),
            );
        }
        Op::SaveVolume { vol } => unit(s.save_volume(vol)),
        Op::AllVolumes => s.all_volumes().map(Value::Volumes),
        Op::RewriteVolumeConfig { vol, cfg } => unit(s.rewrite_volume_config(vol, cfg)),
    };
    Answer::from_result(result)
}

/// Runs `ops` as one batch on `s`: the closure makes each call (a panic inside becomes that
/// call's broken answer), then answers `Ok` or, when `rollback`, the [`ROLLBACK`] error.
fn batch(s: &dyn State, ops: &[Op], rollback: bool) -> Answer {
    let mut calls = Vec::with_capacity(ops.len());
    let mut runs = 0;
    let result = s.batch(&mut |tx| {
        runs += 1;
        calls.clear();
        for op in ops {
            let answer = catch_unwind(AssertUnwindSafe(|| call(tx, op)))
                .unwrap_or_else(|p| Answer::Broken(format!("panicked: {}", panic_message(&*p))));
            calls.push(answer);
        }
        match rollback {
            true => Err(StateError::invalid(ROLLBACK)),
            false => Ok(()),
        }
    });
    if runs > 1 {
        // SPEC §3: the batch runs its closure once; a retry would make every call twice.
        return Answer::Broken(format!("batch ran its closure {runs} times"));
    }
    Answer::Batch {
        calls,
        answer: Box::new(Answer::from_result(result.map(|()| Value::Unit))),
    }
}
