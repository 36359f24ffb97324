//! The check orders of the network calls: a container's current networks and aliases.

use std::collections::BTreeMap;

use super::containers::sorted_unique;
use super::targets::passed_container;
use crate::raw::StoreRead;
use crate::raw::rules;
use crate::{Container, ErrorKind, Result, StateError};

/// `get_networks` and `get_all_network_aliases`: every connected network with its aliases.
pub fn networks(
    view: &(impl StoreRead + ?Sized),
    ns: &str,
    ctr: &Container,
) -> Result<BTreeMap<String, Vec<String>>> {
    passed_container(view, ns, ctr)?;
    view.networks(ctr.id())
}

/// `get_network_aliases`: the aliases on a connected network.
pub fn network_aliases(
    view: &(impl StoreRead + ?Sized),
    ns: &str,
    ctr: &Container,
    network: &str,
) -> Result<Vec<String>> {
    rules::check_key("network name", network)?;
    let mut connected = networks(view, ns, ctr)?;
    connected
        .remove(network)
        .ok_or_else(|| not_connected(ctr.id(), network))
}

/// `network_connect`: not connected yet. The aliases to store (sorted, duplicates collapsed).
pub fn network_connect(
    view: &(impl StoreRead + ?Sized),
    ns: &str,
    ctr: &Container,
    network: &str,
    aliases: &[String],
) -> Result<Vec<String>> {
    rules::check_key("network name", network)?;
    rules::check_aliases(aliases)?;
    if networks(view, ns, ctr)?.contains_key(network) {
        return Err(StateError::new(
            ErrorKind::NetworkExists,
            format!(
                "container {:?} is already connected to network {network:?}",
                ctr.id()
            ),
        ));
    }
    Ok(sorted_unique(aliases))
}

/// `network_disconnect`: connected now.
pub fn network_disconnect(
    view: &(impl StoreRead + ?Sized),
    ns: &str,
    ctr: &Container,
    network: &str,
) -> Result<()> {
    network_aliases(view, ns, ctr, network).map(drop)
}

/// `NoSuchNetwork` for a network the container is not connected to.
fn not_connected(id: &str, network: &str) -> StateError {
    StateError::new(
        ErrorKind::NoSuchNetwork,
        format!("container {id:?} is not connected to network {network:?}"),
    )
}
