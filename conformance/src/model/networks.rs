//! Network calls (SPEC §5 Networks): the container's *current* networks and aliases, which start
//! as its config's and then change only through connect and disconnect. Step 1 (closed) is the
//! handle's.

use std::collections::BTreeMap;

use podstate_api::{Container, ErrorKind, Result, StateError};

use super::checks;
use super::containers;
use super::data::ModelData;

fn not_connected(ctr: &Container, network: &str) -> StateError {
    StateError::new(
        ErrorKind::NoSuchNetwork,
        format!("container {:?} is not connected to {network:?}", ctr.id()),
    )
}

/// `get_networks`.
pub(super) fn networks(data: &ModelData, ns: &str, ctr: &Container) -> Result<Vec<String>> {
    let stored = containers::target(data, ns, ctr)?;
    Ok(stored.networks.keys().cloned().collect())
}

/// `get_network_aliases`.
pub(super) fn aliases(
    data: &ModelData,
    ns: &str,
    ctr: &Container,
    network: &str,
) -> Result<Vec<String>> {
    // 2. Both strings before namespaces and existence.
    checks::passed_container(ctr)?;
    checks::ident("network name", network)?;
    let stored = containers::target(data, ns, ctr)?;
    // 5. Connected.
    let aliases = stored
        .networks
        .get(network)
        .ok_or_else(|| not_connected(ctr, network))?;
    Ok(aliases.iter().cloned().collect())
}

/// `get_all_network_aliases`: every connected network is a key, `[]` when it has no alias.
pub(super) fn all_aliases(
    data: &ModelData,
    ns: &str,
    ctr: &Container,
) -> Result<BTreeMap<String, Vec<String>>> {
    let stored = containers::target(data, ns, ctr)?;
    Ok(stored
        .networks
        .iter()
        .map(|(net, aliases)| (net.clone(), aliases.iter().cloned().collect()))
        .collect())
}

/// `network_connect`: duplicate aliases collapse.
pub(super) fn connect(
    data: &mut ModelData,
    ns: &str,
    ctr: &Container,
    network: &str,
    aliases: &[String],
) -> Result<()> {
    // 2. Every string before namespaces and existence.
    checks::passed_container(ctr)?;
    checks::ident("network name", network)?;
    for alias in aliases {
        checks::ident("network alias", alias)?;
    }
    let stored = containers::target(data, ns, ctr)?;
    // 5. Not yet connected.
    if stored.networks.contains_key(network) {
        return Err(StateError::new(
            ErrorKind::NetworkExists,
            format!("container {:?} is already on {network:?}", ctr.id()),
        ));
    }
    if let Some(stored) = data.containers.get_mut(ctr.id()) {
        let aliases = aliases.iter().cloned().collect();
        stored.networks.insert(network.to_owned(), aliases);
    }
    Ok(())
}

/// `network_disconnect`: the network goes with its aliases.
pub(super) fn disconnect(
    data: &mut ModelData,
    ns: &str,
    ctr: &Container,
    network: &str,
) -> Result<()> {
    // 2. Both strings before namespaces and existence.
    checks::passed_container(ctr)?;
    checks::ident("network name", network)?;
    let stored = containers::target(data, ns, ctr)?;
    // 5. Connected.
    if !stored.networks.contains_key(network) {
        return Err(not_connected(ctr, network));
    }
    if let Some(stored) = data.containers.get_mut(ctr.id()) {
        stored.networks.remove(network);
    }
    Ok(())
}
