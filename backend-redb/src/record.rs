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
//! panic.

use std::mem;
use std::path::Path;

use podstate_api::raw::{ContainerLinks, HolderKind};
use podstate_api::{
    ContainerConfig, ContainerState, DbConfig, Payload, PodConfig, PodState, StateError,
    VolumeConfig, VolumeState,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{undecodable, unencodable};

/// The identity of a container or pod as the checks read it: the value of
/// [`CONTAINERS`](crate::schema::CONTAINERS) and [`PODS`](crate::schema::PODS).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ObjectRecord<'a> {
    pub(crate) name: &'a str,
    pub(crate) namespace: &'a str,
    #[serde(borrow)]
    pub(crate) pod: Option<&'a str>,
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
