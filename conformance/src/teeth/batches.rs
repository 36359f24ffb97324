//! A fault in batches: one write outlives the rollback of its batch.

use std::fmt;
use std::sync::{Mutex, PoisonError};

use podstate_api::{
    Container, ContainerConfig, DbConfig, ExecSession, Layered, Pod, PodConfig, Result, State,
    StateLayer, Volume, VolumeConfig,
};

use super::Fault;
use super::handle::FaultyState;
use crate::checker::{Op, call};

impl FaultyState {
    /// `batch`: under [`Fault::RolledBackBatchKeepsFirstWrite`], the closure is given the
    /// batch's handle behind a layer noting the first write that succeeds, and when the batch
    /// answers an error (it rolled back), that write is made once more on this handle, alone.
    pub(super) fn faulty_batch(&self, f: &mut dyn FnMut(&dyn State) -> Result<()>) -> Result<()> {
        if !self.is(Fault::RolledBackBatchKeepsFirstWrite) {
            return self.inner.batch(f);
        }
        let first = Mutex::new(None);
        let answer = self
            .inner
            .batch(&mut |tx| f(&Layered(FirstWrite { tx, first: &first })));
        let first = first.into_inner().unwrap_or_else(PoisonError::into_inner);
        if let (Err(_), Some(op)) = (&answer, first) {
            // Its answer is the one it gave inside the batch, on the state before the batch:
            // every write before it failed and changed nothing.
            call(self.inner.as_ref(), &op);
        }
        answer
    }
}

/// The handle a batch's closure is given under [`Fault::RolledBackBatchKeepsFirstWrite`]: the
/// batch's own, noting the first write that succeeds on it as an [`Op`].
struct FirstWrite<'a> {
    tx: &'a dyn State,
    first: &'a Mutex<Option<Op>>,
}

impl fmt::Debug for FirstWrite<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FirstWrite").field("tx", &self.tx).finish()
    }
}

impl FirstWrite<'_> {
    /// Notes `op` (made only when needed) if it is the batch's first write that succeeded.
    fn note(&self, result: &Result<()>, op: impl FnOnce() -> Op) {
        let mut first = self.first.lock().unwrap_or_else(PoisonError::into_inner);
        if result.is_ok() && first.is_none() {
            *first = Some(op());
        }
    }
}

/// The write calls, each noted as the operation that makes it again.
macro_rules! noted_writes {
    ($( fn $name:ident(&self $(, $arg:ident : $ty:ty)*) => $op:expr; )*) => {
        $(
            fn $name(&self $(, $arg: $ty)*) -> Result<()> {
                let result = self.tx.$name($($arg),*);
                self.note(&result, || $op);
                result
            }
        )*
    };
}

impl StateLayer for FirstWrite<'_> {
    fn inner(&self) -> &dyn State {
        self.tx
    }

    noted_writes! {
        fn refresh(&self) => Op::Refresh;
        fn validate_db_config(&self, cfg: &DbConfig) => Op::ValidateDbConfig { cfg: cfg.clone() };
        fn add_container(&self, ctr: &Container) => Op::AddContainer { ctr: ctr.clone() };
        fn remove_container(&self, ctr: &Container) => Op::RemoveContainer { ctr: ctr.clone() };
        fn save_container(&self, ctr: &Container) => Op::SaveContainer { ctr: ctr.clone() };
        fn rewrite_container_config(&self, ctr: &Container, cfg: &ContainerConfig) =>
            Op::RewriteContainerConfig { ctr: ctr.clone(), cfg: cfg.clone() };
        fn network_connect(&self, ctr: &Container, network: &str, aliases: &[String]) =>
            Op::NetworkConnect {
                ctr: ctr.clone(),
                network: network.to_owned(),
                aliases: aliases.to_vec(),
            };
        fn network_disconnect(&self, ctr: &Container, network: &str) =>
            Op::NetworkDisconnect { ctr: ctr.clone(), network: network.to_owned() };
        fn add_exec_session(&self, ctr: &Container, session: &ExecSession) =>
            Op::AddExecSession { ctr: ctr.clone(), session: session.clone() };
        fn remove_exec_session(&self, session: &ExecSession) =>
            Op::RemoveExecSession { session: session.clone() };
        fn remove_container_exec_sessions(&self, ctr: &Container) =>
            Op::RemoveContainerExecSessions { ctr: ctr.clone() };
        fn add_pod(&self, pod: &Pod) => Op::AddPod { pod: pod.clone() };
        fn remove_pod(&self, pod: &Pod) => Op::RemovePod { pod: pod.clone() };
        fn remove_pod_containers(&self, pod: &Pod) => Op::RemovePodContainers { pod: pod.clone() };
        fn add_container_to_pod(&self, pod: &Pod, ctr: &Container) =>
            Op::AddContainerToPod { pod: pod.clone(), ctr: ctr.clone() };
        fn remove_container_from_pod(&self, pod: &Pod, ctr: &Container) =>
            Op::RemoveContainerFromPod { pod: pod.clone(), ctr: ctr.clone() };
        fn save_pod(&self, pod: &Pod) => Op::SavePod { pod: pod.clone() };
        fn rewrite_pod_config(&self, pod: &Pod, cfg: &PodConfig) =>
            Op::RewritePodConfig { pod: pod.clone(), cfg: cfg.clone() };
        fn add_volume(&self, vol: &Volume) => Op::AddVolume { vol: vol.clone() };
        fn remove_volume(&self, vol: &Volume) => Op::RemoveVolume { vol: vol.clone() };
        fn save_volume(&self, vol: &Volume) => Op::SaveVolume { vol: vol.clone() };
        fn rewrite_volume_config(&self, vol: &Volume, cfg: &VolumeConfig) =>
            Op::RewriteVolumeConfig { vol: vol.clone(), cfg: cfg.clone() };
    }
}
