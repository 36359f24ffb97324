//! How values are stored: index values in postcard, configs and states as JSON with their
//! payloads lifted out and kept verbatim.
//!
//! **Objects.** A config or state record is a postcard pair: the serde_json text of its API type
//! with every payload replaced by `{}`, then the payload texts, byte for byte, in a fixed order
//! ([`Lifted::payloads`]). Embedding a payload in the JSON would not round-trip: serde_json's
//! `RawValue` drops the whitespace around a value (SPEC §1 keeps `" [ ] "` as it is), and every
//! read would scan the ~7.5 KiB of a podman config again (3.4 µs against 1.0 µs, measured).
//!
//! **Index values** (the records the checks read: identity and name holders) are postcard,
//! chosen by measurement over serde_json: 99 against 130 bytes for a container's identity and 35
//! against 148 ns to decode (crate docs, "Layout"); a bad record decodes to an error, never a
//! panic. A container's identity record also holds its current networks and their aliases
//! (format 2), after the identity's fields, so that a lookup decodes only those fields
//! ([`ObjectRecord`]) and adding or removing a container writes no table of networks.

use std::collections::BTreeMap;
use std::mem;
use std::path::Path;

use podstate_api::raw::{ContainerLinks, HolderKind};
use podstate_api::{
    ContainerConfig, ContainerState, DbConfig, Payload, PodConfig, PodState, StateError,
    VolumeConfig, VolumeState,
};
use redb::TableHandle;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{bad_layout, undecodable, unencodable};

/// The identity of a container or pod as the checks read it: the value of
/// [`PODS`](crate::schema::PODS), and the leading fields of a [`ContainerRecord`]. postcard
/// decodes a struct from the front of its bytes and leaves what follows unread, so a lookup
/// decodes a container's identity as this, without its networks.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ObjectRecord<'a> {
    pub(crate) name: &'a str,
    pub(crate) namespace: &'a str,
    #[serde(borrow)]
    pub(crate) pod: Option<&'a str>,
}

/// A container's current networks as stored: each network once, in byte order, with its
/// aliases in byte order, each once (SPEC §2.6, §2.8).
pub(crate) type StoredNetworks<'a> = Vec<(&'a str, Vec<&'a str>)>;

/// The value of [`CONTAINERS`](crate::schema::CONTAINERS) (format 2): the identity of
/// [`ObjectRecord`], field for field, then the container's current networks with their
/// aliases. Read and written whole only by the network calls, `verify` and the upgrade;
/// decode it with [`decode_container`], which checks the order of the networks.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ContainerRecord<'a> {
    pub(crate) name: &'a str,
    pub(crate) namespace: &'a str,
    #[serde(borrow)]
    pub(crate) pod: Option<&'a str>,
    #[serde(borrow)]
    pub(crate) networks: StoredNetworks<'a>,
}

impl ContainerRecord<'_> {
    /// The networks as the API answers them.
    pub(crate) fn networks_map(&self) -> BTreeMap<String, Vec<String>> {
        self.networks
            .iter()
            .map(|(net, aliases)| {
                let aliases = aliases.iter().map(|a| (*a).to_owned()).collect();
                ((*net).to_owned(), aliases)
            })
            .collect()
    }
}

/// Decodes the record of container `id` (a value of
/// [`CONTAINERS`](crate::schema::CONTAINERS)): `Corrupt`, naming the container, when it does
/// not decode, or when its networks are out of order or named twice, or a network's aliases
/// are out of order or repeated (the API would answer them unsorted or twice).
pub(crate) fn decode_container<'a>(
    bytes: &'a [u8],
    file: &Path,
    id: &str,
) -> Result<ContainerRecord<'a>, StateError> {
    let table = crate::schema::CONTAINERS.name();
    let rec: ContainerRecord = decode_index(bytes, file, table, id)?;
    let ascending = |a: &str, b: &str| a < b;
    if let Some(pair) = rec
        .networks
        .windows(2)
        .find(|pair| !ascending(pair[0].0, pair[1].0))
    {
        return Err(bad_layout(
            file,
            format!(
                "the stored networks of container {id:?} are out of order or repeated: \
                 {:?} before {:?} (they must be sorted, each once)",
                pair[0].0, pair[1].0
            ),
        ));
    }
    for (net, aliases) in &rec.networks {
        if !aliases.windows(2).all(|pair| ascending(pair[0], pair[1])) {
            return Err(bad_layout(
                file,
                format!(
                    "the stored networks of container {id:?} list the aliases of network \
                     {net:?} out of order or repeated: {aliases:?} (they must be sorted, each \
                     once)"
                ),
            ));
        }
    }
    Ok(rec)
}

/// Which kind holds a name, as stored.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub(crate) enum StoredKind {
    Container,
    Pod,
}

impl From<HolderKind> for StoredKind {
    fn from(kind: HolderKind) -> StoredKind {
        match kind {
            HolderKind::Container => StoredKind::Container,
            HolderKind::Pod => StoredKind::Pod,
        }
    }
}

impl From<StoredKind> for HolderKind {
    fn from(kind: StoredKind) -> HolderKind {
        match kind {
            StoredKind::Container => HolderKind::Container,
            StoredKind::Pod => HolderKind::Pod,
        }
    }
}

/// The holder of a name: the value of [`NAMES`](crate::schema::NAMES).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct NameRecord<'a> {
    pub(crate) kind: StoredKind,
    pub(crate) id: &'a str,
}

/// Encodes an index value.
pub(crate) fn encode_index(value: &impl Serialize, file: &Path) -> Result<Vec<u8>, StateError> {
    postcard::to_allocvec(value).map_err(|e| unencodable(file, e))
}

/// Decodes the index value at `key` of `table`.
pub(crate) fn decode_index<'a, T: Deserialize<'a>>(
    bytes: &'a [u8],
    file: &Path,
    table: &str,
    key: &str,
) -> Result<T, StateError> {
    postcard::from_bytes(bytes).map_err(|e| undecodable(file, table, key, e))
}

/// A config or state stored as JSON with its payloads lifted out.
pub(crate) trait Lifted: Serialize + DeserializeOwned + Clone {
    /// Every payload of the value, in a fixed order.
    fn payloads(&mut self) -> Vec<&mut Payload>;
}

impl Lifted for ContainerConfig {
    fn payloads(&mut self) -> Vec<&mut Payload> {
        vec![&mut self.payload]
    }
}

impl Lifted for ContainerState {
    fn payloads(&mut self) -> Vec<&mut Payload> {
        let mut all = vec![&mut self.payload];
        all.extend(self.exec_sessions.values_mut());
        all
    }
}

impl Lifted for PodConfig {
    fn payloads(&mut self) -> Vec<&mut Payload> {
        vec![&mut self.payload]
    }
}

impl Lifted for PodState {
    fn payloads(&mut self) -> Vec<&mut Payload> {
        vec![&mut self.payload]
    }
}

impl Lifted for VolumeConfig {
    fn payloads(&mut self) -> Vec<&mut Payload> {
        vec![&mut self.payload]
    }
}

impl Lifted for VolumeState {
    fn payloads(&mut self) -> Vec<&mut Payload> {
        vec![&mut self.payload]
    }
}

impl Lifted for DbConfig {
    fn payloads(&mut self) -> Vec<&mut Payload> {
        Vec::new()
    }
}

/// A stored object record: the JSON with `{}` for each payload, then the payload texts.
#[derive(Serialize, Deserialize)]
struct Envelope<'a> {
    json: &'a str,
    #[serde(borrow)]
    payloads: Vec<&'a str>,
}

/// Encodes a config or state.
pub(crate) fn encode_object<T: Lifted>(value: &T, file: &Path) -> Result<Vec<u8>, StateError> {
    let mut bare = value.clone();
    let texts: Vec<Payload> = bare
        .payloads()
        .into_iter()
        .map(|p| mem::replace(p, Payload::empty_object()))
        .collect();
    let json = serde_json::to_string(&bare).map_err(|e| unencodable(file, e))?;
    let envelope = Envelope {
        json: &json,
        payloads: texts.iter().map(Payload::as_str).collect(),
    };
    postcard::to_allocvec(&envelope).map_err(|e| unencodable(file, e))
}

/// Decodes the config or state at `key` of `table`.
pub(crate) fn decode_object<T: Lifted>(
    bytes: &[u8],
    file: &Path,
    table: &str,
    key: &str,
) -> Result<T, StateError> {
    let bad = |e: &dyn std::fmt::Display| undecodable(file, table, key, e);
    let envelope: Envelope = postcard::from_bytes(bytes).map_err(|e| bad(&e))?;
    let mut value: T = serde_json::from_str(envelope.json).map_err(|e| bad(&e))?;
    let slots = value.payloads();
    if slots.len() != envelope.payloads.len() {
        return Err(bad(&format_args!(
            "{} payloads stored for {} places",
            envelope.payloads.len(),
            slots.len()
        )));
    }
    for (slot, text) in slots.into_iter().zip(envelope.payloads) {
        *slot = Payload::from_stored(text);
    }
    Ok(value)
}

/// The links (dependencies, named volumes) of the container config at `key` of `table`,
/// decoding only those fields of its JSON and none of its payloads.
pub(crate) fn decode_links(
    bytes: &[u8],
    file: &Path,
    table: &str,
    key: &str,
) -> Result<ContainerLinks, StateError> {
    let bad = |e: &dyn std::fmt::Display| undecodable(file, table, key, e);
    let envelope: Envelope = postcard::from_bytes(bytes).map_err(|e| bad(&e))?;
    ContainerLinks::from_config_json(envelope.json).map_err(|e| bad(&e))
}

/// The JSON and the payload texts of an object record, for the layout snapshot.
#[cfg(test)]
pub(crate) fn object_parts(bytes: &[u8]) -> Option<(String, Vec<String>)> {
    let envelope: Envelope = postcard::from_bytes(bytes).ok()?;
    let payloads = envelope.payloads.iter().map(|p| (*p).to_owned()).collect();
    Some((envelope.json.to_owned(), payloads))
}

/// An object record made of `json` and `payloads`, for the tests that plant damaged records.
#[cfg(test)]
pub(crate) fn object_from_parts(json: &str, payloads: &[String]) -> Vec<u8> {
    let envelope = Envelope {
        json,
        payloads: payloads.iter().map(String::as_str).collect(),
    };
    postcard::to_allocvec(&envelope).expect("an envelope encodes")
}
