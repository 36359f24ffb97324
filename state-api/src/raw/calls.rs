//! `impl State for Handle`: each call is its check order from [`check`](super::check), then the
//! engine's loads or writes, in one transaction.

use std::collections::BTreeMap;

use super::handle::vanished;
use super::{Engine, Handle, StoreLoad, StoreRead, StoreWrite, check, lifecycle};
use crate::{
    Container, ContainerConfig, DbConfig, ExecSession, Pod, PodConfig, Result, State, Volume,
    VolumeConfig,
};

/// The container `id`, which a check of this transaction found.
fn load_container(tx: &(impl StoreLoad + ?Sized), id: &str) -> Result<Container> {
    tx.load_container(id)?
        .ok_or_else(|| vanished("container", id))
}

/// The pod `id`, which a check of this transaction found.
fn load_pod(tx: &(impl StoreLoad + ?Sized), id: &str) -> Result<Pod> {
    tx.load_pod(id)?.ok_or_else(|| vanished("pod", id))
}

/// The volume `name`, which a check of this transaction found.
fn load_volume(tx: &(impl StoreLoad + ?Sized), name: &str) -> Result<Volume> {
    tx.load_volume(name)?
        .ok_or_else(|| vanished("volume", name))
}

impl<E: Engine> State for Handle<E> {
    // ----- lifecycle -------------------------------------------------------------------------

    fn close(&self) -> Result<()> {
        Handle::close(self)
    }

    fn refresh(&self) -> Result<()> {
        self.write("refresh", |tx, _| tx.refresh())
    }

    fn get_db_config(&self) -> Result<DbConfig> {
        self.read("get_db_config", |tx, _| tx.db_config())
    }

    fn validate_db_config(&self, cfg: &DbConfig) -> Result<()> {
        self.write("validate_db_config", |tx, _| {
            let pinned = tx.db_config()?;
            let next = lifecycle::pin_db_config(&pinned, cfg)?;
            if next == pinned {
                return Ok(());
            }
            tx.set_db_config(&next)
        })
    }

    fn set_namespace(&self, ns: &str) -> Result<()> {
        Handle::set_namespace(self, ns)
    }

    fn batch(&self, f: &mut dyn FnMut(&dyn State) -> Result<()>) -> Result<()> {
        Handle::batch(self, f)
    }

    // ----- names and container lookups -------------------------------------------------------

    fn get_name(&self, id: &str) -> Result<String> {
        self.read("get_name", |tx, ns| check::get_name(tx, ns, id))
    }

    fn container(&self, id: &str) -> Result<Container> {
        self.read("container", |tx, ns| {
            check::container(tx, ns, id)?;
            load_container(tx, id)
        })
    }

    fn lookup_container_id(&self, id_or_name: &str) -> Result<String> {
        self.read("lookup_container_id", |tx, ns| {
            check::lookup_container(tx, ns, id_or_name)
        })
    }

    fn lookup_container(&self, id_or_name: &str) -> Result<Container> {
        self.read("lookup_container", |tx, ns| {
            let id = check::lookup_container(tx, ns, id_or_name)?;
            load_container(tx, &id)
        })
    }

    fn has_container(&self, id: &str) -> Result<bool> {
        self.read("has_container", |tx, ns| check::has_container(tx, ns, id))
    }

    fn get_container_config(&self, id: &str) -> Result<ContainerConfig> {
        self.read("get_container_config", |tx, ns| {
            check::container(tx, ns, id)?;
            tx.container_config(id)?
                .ok_or_else(|| vanished("container", id))
        })
    }

    // ----- containers ------------------------------------------------------------------------

    fn add_container(&self, ctr: &Container) -> Result<()> {
        self.write("add_container", |tx, ns| {
            let new = check::add_container(tx, ns, ctr)?;
            tx.insert_container(ctr, &new)
        })
    }

    fn remove_container(&self, ctr: &Container) -> Result<()> {
        self.write("remove_container", |tx, ns| {
            check::remove_container(tx, ns, ctr)?;
            tx.delete_container(ctr.id())
        })
    }

    fn update_container(&self, ctr: &mut Container) -> Result<()> {
        ctr.state = self.read("update_container", |tx, ns| {
            check::passed_container(tx, ns, ctr)?;
            tx.load_container_state(ctr.id())?
                .ok_or_else(|| vanished("container", ctr.id()))
        })?;
        Ok(())
    }

    fn save_container(&self, ctr: &Container) -> Result<()> {
        self.write("save_container", |tx, ns| {
            check::passed_container(tx, ns, ctr)?;
            tx.set_container_state(ctr.id(), &ctr.state)
        })
    }

    fn container_in_use(&self, ctr: &Container) -> Result<Vec<String>> {
        self.read("container_in_use", |tx, ns| {
            check::container_in_use(tx, ns, ctr)
        })
    }

    fn all_containers(&self) -> Result<Vec<Container>> {
        self.read("all_containers", |tx, ns| tx.load_all_containers(ns))
    }

    fn rewrite_container_config(&self, ctr: &Container, cfg: &ContainerConfig) -> Result<()> {
        self.write("rewrite_container_config", |tx, ns| {
            check::rewrite_container_config(tx, ns, ctr, cfg)?;
            tx.set_container_config(cfg)
        })
    }

    // ----- networks --------------------------------------------------------------------------

    fn get_networks(&self, ctr: &Container) -> Result<Vec<String>> {
        self.read("get_networks", |tx, ns| {
            Ok(check::networks(tx, ns, ctr)?.into_keys().collect())
        })
    }

    fn get_network_aliases(&self, ctr: &Container, network: &str) -> Result<Vec<String>> {
        self.read("get_network_aliases", |tx, ns| {
            check::network_aliases(tx, ns, ctr, network)
        })
    }

    fn get_all_network_aliases(&self, ctr: &Container) -> Result<BTreeMap<String, Vec<String>>> {
        self.read("get_all_network_aliases", |tx, ns| {
            check::networks(tx, ns, ctr)
        })
    }

    fn network_connect(&self, ctr: &Container, network: &str, aliases: &[String]) -> Result<()> {
        self.write("network_connect", |tx, ns| {
            let aliases = check::network_connect(tx, ns, ctr, network, aliases)?;
            tx.connect_network(ctr.id(), network, &aliases)
        })
    }

    fn network_disconnect(&self, ctr: &Container, network: &str) -> Result<()> {
        self.write("network_disconnect", |tx, ns| {
            check::network_disconnect(tx, ns, ctr, network)?;
            tx.disconnect_network(ctr.id(), network)
        })
    }

    // ----- exec sessions ---------------------------------------------------------------------

    fn add_exec_session(&self, ctr: &Container, session: &ExecSession) -> Result<()> {
        self.write("add_exec_session", |tx, ns| {
            check::add_exec_session(tx, ns, ctr, session)?;
            tx.insert_exec_session(session)
        })
    }

    fn get_exec_session(&self, id: &str) -> Result<String> {
        self.read("get_exec_session", |tx, _| check::get_exec_session(tx, id))
    }

    fn remove_exec_session(&self, session: &ExecSession) -> Result<()> {
        self.write("remove_exec_session", |tx, _| {
            check::remove_exec_session(tx, session)?;
            tx.delete_exec_session(&session.id)
        })
    }

    fn get_container_exec_sessions(&self, ctr: &Container) -> Result<Vec<String>> {
        self.read("get_container_exec_sessions", |tx, _| {
            check::container_exec_sessions(tx, ctr)
        })
    }

    fn remove_container_exec_sessions(&self, ctr: &Container) -> Result<()> {
        self.write("remove_container_exec_sessions", |tx, _| {
            check::exec_container(tx, ctr)?;
            tx.delete_container_exec_sessions(ctr.id())
        })
    }

    // ----- pods ------------------------------------------------------------------------------

    fn pod(&self, id: &str) -> Result<Pod> {
        self.read("pod", |tx, ns| {
            check::pod(tx, ns, id)?;
            load_pod(tx, id)
        })
    }

    fn lookup_pod(&self, id_or_name: &str) -> Result<Pod> {
        self.read("lookup_pod", |tx, ns| {
            let id = check::lookup_pod(tx, ns, id_or_name)?;
            load_pod(tx, &id)
        })
    }

    fn has_pod(&self, id: &str) -> Result<bool> {
        self.read("has_pod", |tx, ns| check::has_pod(tx, ns, id))
    }

    fn pod_has_container(&self, pod: &Pod, ctr_id: &str) -> Result<bool> {
        self.read("pod_has_container", |tx, ns| {
            check::pod_has_container(tx, ns, pod, ctr_id)
        })
    }

    fn pod_containers_by_id(&self, pod: &Pod) -> Result<Vec<String>> {
        self.read("pod_containers_by_id", |tx, ns| {
            check::pod_members(tx, ns, pod)
        })
    }

    fn pod_containers(&self, pod: &Pod) -> Result<Vec<Container>> {
        self.read("pod_containers", |tx, ns| {
            let members = check::pod_members(tx, ns, pod)?;
            members.iter().map(|id| load_container(tx, id)).collect()
        })
    }

    fn add_pod(&self, pod: &Pod) -> Result<()> {
        self.write("add_pod", |tx, ns| {
            check::add_pod(tx, ns, pod)?;
            tx.insert_pod(pod)
        })
    }

    fn remove_pod(&self, pod: &Pod) -> Result<()> {
        self.write("remove_pod", |tx, ns| {
            check::remove_pod(tx, ns, pod)?;
            tx.delete_pod(pod.id())
        })
    }

    fn remove_pod_containers(&self, pod: &Pod) -> Result<()> {
        self.write("remove_pod_containers", |tx, ns| {
            let members = check::pod_members(tx, ns, pod)?;
            members.iter().try_for_each(|id| tx.delete_container(id))
        })
    }

    fn add_container_to_pod(&self, pod: &Pod, ctr: &Container) -> Result<()> {
        self.write("add_container_to_pod", |tx, ns| {
            let new = check::add_container_to_pod(tx, ns, pod, ctr)?;
            tx.insert_container(ctr, &new)
        })
    }

    fn remove_container_from_pod(&self, pod: &Pod, ctr: &Container) -> Result<()> {
        self.write("remove_container_from_pod", |tx, ns| {
            check::remove_container_from_pod(tx, ns, pod, ctr)?;
            tx.delete_container(ctr.id())
        })
    }

    fn update_pod(&self, pod: &mut Pod) -> Result<()> {
        pod.state = self.read("update_pod", |tx, ns| {
            check::passed_pod(tx, ns, pod)?;
            Ok(load_pod(tx, pod.id())?.state)
        })?;
        Ok(())
    }

    fn save_pod(&self, pod: &Pod) -> Result<()> {
        self.write("save_pod", |tx, ns| {
            check::passed_pod(tx, ns, pod)?;
            tx.set_pod_state(pod.id(), &pod.state)
        })
    }

    fn all_pods(&self) -> Result<Vec<Pod>> {
        self.read("all_pods", |tx, ns| tx.load_all_pods(ns))
    }

    fn rewrite_pod_config(&self, pod: &Pod, cfg: &PodConfig) -> Result<()> {
        self.write("rewrite_pod_config", |tx, ns| {
            check::rewrite_pod_config(tx, ns, pod, cfg)?;
            tx.set_pod_config(cfg)
        })
    }

    // ----- volumes ---------------------------------------------------------------------------

    fn volume(&self, name: &str) -> Result<Volume> {
        self.read("volume", |tx, _| {
            check::volume(tx, name)?;
            load_volume(tx, name)
        })
    }

    fn lookup_volume(&self, name: &str) -> Result<Volume> {
        self.read("lookup_volume", |tx, _| {
            let name = check::lookup_volume(tx, name)?;
            load_volume(tx, &name)
        })
    }

    fn has_volume(&self, name: &str) -> Result<bool> {
        self.read("has_volume", |tx, _| check::has_volume(tx, name))
    }

    fn volume_in_use(&self, vol: &Volume) -> Result<Vec<String>> {
        self.read("volume_in_use", |tx, _| check::volume_in_use(tx, vol))
    }

    fn add_volume(&self, vol: &Volume) -> Result<()> {
        self.write("add_volume", |tx, _| {
            check::add_volume(tx, vol)?;
            tx.insert_volume(vol)
        })
    }

    fn remove_volume(&self, vol: &Volume) -> Result<()> {
        self.write("remove_volume", |tx, _| {
            check::remove_volume(tx, vol)?;
            tx.delete_volume(vol.name())
        })
    }

    fn update_volume(&self, vol: &mut Volume) -> Result<()> {
        vol.state = self.read("update_volume", |tx, _| {
            check::passed_volume(tx, vol)?;
            Ok(load_volume(tx, vol.name())?.state)
        })?;
        Ok(())
    }

    fn save_volume(&self, vol: &Volume) -> Result<()> {
        self.write("save_volume", |tx, _| {
            check::passed_volume(tx, vol)?;
            tx.set_volume_state(vol.name(), &vol.state)
        })
    }

    fn all_volumes(&self) -> Result<Vec<Volume>> {
        self.read("all_volumes", |tx, _| tx.load_all_volumes())
    }

    fn rewrite_volume_config(&self, vol: &Volume, cfg: &VolumeConfig) -> Result<()> {
        self.write("rewrite_volume_config", |tx, _| {
            check::rewrite_volume_config(tx, vol, cfg)?;
            tx.set_volume_config(cfg)
        })
    }
}
