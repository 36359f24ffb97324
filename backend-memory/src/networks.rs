//! A container's current networks and aliases. They start as the config's and then move only
//! through connect and disconnect; config rewrites never touch them.

use std::collections::BTreeMap;

use podstate_api::{Container, ErrorKind, Result, StateError, rules};

use crate::store::Data;

impl Data {
    /// `get_networks`.
    pub(crate) fn get_networks(&self, ns: &str, ctr: &Container) -> Result<Vec<String>> {
        let stored = self.passed_container(ns, ctr)?;
        Ok(stored.networks.keys().cloned().collect())
    }

    /// `get_network_aliases`.
    pub(crate) fn get_network_aliases(
        &self,
        ns: &str,
        ctr: &Container,
        network: &str,
    ) -> Result<Vec<String>> {
        rules::check_key("network name", network)?;
        let stored = self.passed_container(ns, ctr)?;
        let aliases = stored
            .networks
            .get(network)
            .ok_or_else(|| not_connected(ctr.id(), network))?;
        Ok(aliases.iter().cloned().collect())
    }

    /// `get_all_network_aliases`.
    pub(crate) fn get_all_network_aliases(
        &self,
        ns: &str,
        ctr: &Container,
    ) -> Result<BTreeMap<String, Vec<String>>> {
        let stored = self.passed_container(ns, ctr)?;
        Ok(stored
            .networks
            .iter()
            .map(|(net, aliases)| (net.clone(), aliases.iter().cloned().collect()))
            .collect())
    }

    /// `network_connect`.
    pub(crate) fn network_connect(
        &mut self,
        ns: &str,
        ctr: &Container,
        network: &str,
        aliases: &[String],
    ) -> Result<()> {
        rules::check_key("network name", network)?;
        rules::check_aliases(aliases)?;
        let stored = self.passed_container(ns, ctr)?;
        let id = ctr.id();
        if stored.networks.contains_key(network) {
            return Err(StateError::new(
                ErrorKind::NetworkExists,
                format!("container {id:?} is already connected to network {network:?}"),
            ));
        }
        if let Some(stored) = self.containers.get_mut(id) {
            stored
                .networks
                .insert(network.to_owned(), aliases.iter().cloned().collect());
        }
        Ok(())
    }

    /// `network_disconnect`.
    pub(crate) fn network_disconnect(
        &mut self,
        ns: &str,
        ctr: &Container,
        network: &str,
    ) -> Result<()> {
        rules::check_key("network name", network)?;
        let stored = self.passed_container(ns, ctr)?;
        let id = ctr.id();
        if !stored.networks.contains_key(network) {
            return Err(not_connected(id, network));
        }
        if let Some(stored) = self.containers.get_mut(id) {
            stored.networks.remove(network);
        }
        Ok(())
    }
}

/// `NoSuchNetwork` for a network the container is not connected to.
fn not_connected(id: &str, network: &str) -> StateError {
    StateError::new(
        ErrorKind::NoSuchNetwork,
        format!("container {id:?} is not connected to network {network:?}"),
    )
}
