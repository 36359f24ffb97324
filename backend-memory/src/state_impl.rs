//! `impl State for MemoryState`: each call takes the lock the way it needs (shared to read,
//! exclusive to change) and hands over to the concern's module.

use std::collections::BTreeMap;

use podstate_api::{
    Container, ContainerConfig, DbConfig, ExecSession, Pod, PodConfig, Result, State, Volume,
    VolumeConfig,
};

use crate::store::MemoryState;

impl State for MemoryState {
    fn close(&self) -> Result<()> {
        self.close_handle();
        Ok(())
    }

    fn refresh(&self) -> Result<()> {
        self.write(|data, _| {
            data.refresh();
            Ok(())
        })
    }

    fn get_db_config(&self) -> Result<DbConfig> {
        self.read(|data, _| Ok(data.get_db_config()))
    }

    fn validate_db_config(&self, cfg: &DbConfig) -> Result<()> {
        self.write(|data, _| data.validate_db_config(cfg))
    }

    fn set_namespace(&self, ns: &str) -> Result<()> {
        self.set_handle_namespace(ns)
    }

    fn get_name(&self, id: &str) -> Result<String> {
        self.read(|data, ns| data.get_name(ns, id))
    }

    fn container(&self, id: &str) -> Result<Container> {
        self.read(|data, ns| data.container(ns, id))
    }

    fn lookup_container_id(&self, id_or_name: &str) -> Result<String> {
        self.read(|data, ns| data.lookup_container_id(ns, id_or_name))
    }

    fn lookup_container(&self, id_or_name: &str) -> Result<Container> {
        self.read(|data, ns| data.lookup_container(ns, id_or_name))
    }

    fn has_container(&self, id: &str) -> Result<bool> {
        self.read(|data, ns| data.has_container(ns, id))
    }

    fn get_container_config(&self, id: &str) -> Result<ContainerConfig> {
        self.read(|data, ns| data.get_container_config(ns, id))
    }

    fn add_container(&self, ctr: &Container) -> Result<()> {
        self.write(|data, ns| data.add_container(ns, ctr))
    }

    fn remove_container(&self, ctr: &Container) -> Result<()> {
        self.write(|data, ns| data.remove_container(ns, ctr))
    }

    fn update_container(&self, ctr: &mut Container) -> Result<()> {
        ctr.state = self.read(|data, ns| data.container_state(ns, ctr))?;
        Ok(())
    }

    fn save_container(&self, ctr: &Container) -> Result<()> {
        self.write(|data, ns| data.save_container(ns, ctr))
    }

    fn container_in_use(&self, ctr: &Container) -> Result<Vec<String>> {
        self.read(|data, ns| data.container_in_use(ns, ctr))
    }

    fn all_containers(&self) -> Result<Vec<Container>> {
        self.read(|data, ns| Ok(data.all_containers(ns)))
    }

    fn rewrite_container_config(&self, ctr: &Container, cfg: &ContainerConfig) -> Result<()> {
        self.write(|data, ns| data.rewrite_container_config(ns, ctr, cfg))
    }

    fn get_networks(&self, ctr: &Container) -> Result<Vec<String>> {
        self.read(|data, ns| data.get_networks(ns, ctr))
    }

    fn get_network_aliases(&self, ctr: &Container, network: &str) -> Result<Vec<String>> {
        self.read(|data, ns| data.get_network_aliases(ns, ctr, network))
    }

    fn get_all_network_aliases(&self, ctr: &Container) -> Result<BTreeMap<String, Vec<String>>> {
        self.read(|data, ns| data.get_all_network_aliases(ns, ctr))
    }

    fn network_connect(&self, ctr: &Container, network: &str, aliases: &[String]) -> Result<()> {
        self.write(|data, ns| data.network_connect(ns, ctr, network, aliases))
    }

    fn network_disconnect(&self, ctr: &Container, network: &str) -> Result<()> {
        self.write(|data, ns| data.network_disconnect(ns, ctr, network))
    }

    fn add_exec_session(&self, ctr: &Container, session: &ExecSession) -> Result<()> {
        self.write(|data, ns| data.add_exec_session(ns, ctr, session))
    }

    fn get_exec_session(&self, id: &str) -> Result<String> {
        self.read(|data, _| data.get_exec_session(id))
    }

    fn remove_exec_session(&self, session: &ExecSession) -> Result<()> {
        self.write(|data, _| data.remove_exec_session(session))
    }

    fn get_container_exec_sessions(&self, ctr: &Container) -> Result<Vec<String>> {
        self.read(|data, _| data.get_container_exec_sessions(ctr))
    }

    fn remove_container_exec_sessions(&self, ctr: &Container) -> Result<()> {
        self.write(|data, _| data.remove_container_exec_sessions(ctr))
    }

    fn pod(&self, id: &str) -> Result<Pod> {
        self.read(|data, ns| data.pod(ns, id))
    }

    fn lookup_pod(&self, id_or_name: &str) -> Result<Pod> {
        self.read(|data, ns| data.lookup_pod(ns, id_or_name))
    }

    fn has_pod(&self, id: &str) -> Result<bool> {
        self.read(|data, ns| data.has_pod(ns, id))
    }

    fn pod_has_container(&self, pod: &Pod, ctr_id: &str) -> Result<bool> {
        self.read(|data, ns| data.pod_has_container(ns, pod, ctr_id))
    }

    fn pod_containers_by_id(&self, pod: &Pod) -> Result<Vec<String>> {
        self.read(|data, ns| data.pod_containers_by_id(ns, pod))
    }

    fn pod_containers(&self, pod: &Pod) -> Result<Vec<Container>> {
        self.read(|data, ns| data.pod_containers(ns, pod))
    }

    fn add_pod(&self, pod: &Pod) -> Result<()> {
        self.write(|data, ns| data.add_pod(ns, pod))
    }

    fn remove_pod(&self, pod: &Pod) -> Result<()> {
        self.write(|data, ns| data.remove_pod(ns, pod))
    }

    fn remove_pod_containers(&self, pod: &Pod) -> Result<()> {
        self.write(|data, ns| data.remove_pod_containers(ns, pod))
    }

    fn add_container_to_pod(&self, pod: &Pod, ctr: &Container) -> Result<()> {
        self.write(|data, ns| data.add_container_to_pod(ns, pod, ctr))
    }

    fn remove_container_from_pod(&self, pod: &Pod, ctr: &Container) -> Result<()> {
        self.write(|data, ns| data.remove_container_from_pod(ns, pod, ctr))
    }

    fn update_pod(&self, pod: &mut Pod) -> Result<()> {
        pod.state = self.read(|data, ns| data.pod_state(ns, pod))?;
        Ok(())
    }

    fn save_pod(&self, pod: &Pod) -> Result<()> {
        self.write(|data, ns| data.save_pod(ns, pod))
    }

    fn all_pods(&self) -> Result<Vec<Pod>> {
        self.read(|data, ns| Ok(data.all_pods(ns)))
    }

    fn rewrite_pod_config(&self, pod: &Pod, cfg: &PodConfig) -> Result<()> {
        self.write(|data, ns| data.rewrite_pod_config(ns, pod, cfg))
    }

    fn volume(&self, name: &str) -> Result<Volume> {
        self.read(|data, _| data.volume(name))
    }

    fn lookup_volume(&self, name: &str) -> Result<Volume> {
        self.read(|data, _| data.lookup_volume(name))
    }

    fn has_volume(&self, name: &str) -> Result<bool> {
        self.read(|data, _| data.has_volume(name))
    }

    fn volume_in_use(&self, vol: &Volume) -> Result<Vec<String>> {
        self.read(|data, _| data.volume_in_use(vol))
    }

    fn add_volume(&self, vol: &Volume) -> Result<()> {
        self.write(|data, _| data.add_volume(vol))
    }

    fn remove_volume(&self, vol: &Volume) -> Result<()> {
        self.write(|data, _| data.remove_volume(vol))
    }

    fn update_volume(&self, vol: &mut Volume) -> Result<()> {
        vol.state = self.read(|data, _| data.volume_state(vol))?;
        Ok(())
    }

    fn save_volume(&self, vol: &Volume) -> Result<()> {
        self.write(|data, _| data.save_volume(vol))
    }

    fn all_volumes(&self) -> Result<Vec<Volume>> {
        self.read(|data, _| Ok(data.all_volumes()))
    }

    fn rewrite_volume_config(&self, vol: &Volume, cfg: &VolumeConfig) -> Result<()> {
        self.write(|data, _| data.rewrite_volume_config(vol, cfg))
    }
}
