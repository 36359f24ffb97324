//! How configs and states are stored: the JSON text serde_json makes of the API types, with
//! each record's payload taken out into a column of its own.
//!
//! A payload must come back byte for byte (SPEC §1), and serde cannot promise that for a payload
//! embedded in a record (a raw JSON value loses the white space around it). So a record's
//! payload is stored as its exact text in a column of its own (`config_payload`,
//! `state_payload`), never parsed, and the record's JSON holds `null` in its place. The one
//! nested kind, the exec session payloads of a container state, are small: each is embedded as
//! a JSON *string* holding its exact text. A record that does not decode is `Corrupt`.
//!
//! A container's current networks are stored beside its record as a JSON object from network
//! to its aliases (`{"podman":["db","db.0"]}`), decoded into a sorted map; a network named twice
//! or aliases not sorted and unique are `Corrupt` (version 1 made both impossible by its keys).

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use podstate_api::{
    ContainerConfig, ContainerState, ErrorKind, Payload, PodConfig, PodState, Result, StateError,
    VolumeConfig, VolumeState,
};
use serde::de::{self, DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::error;

/// A config or state stored as JSON plus its payload's text.
pub(crate) trait Record: Serialize + DeserializeOwned + Clone {
    /// The record's own payload.
    fn payload_mut(&mut self) -> &mut Payload;

    /// Makes nested payloads safe to embed (see the module docs). Most records have none.
    fn wrap_nested(&mut self) {}

    /// Undoes [`wrap_nested`](Record::wrap_nested).
    fn unwrap_nested(&mut self) -> Result<(), serde_json::Error> {
        Ok(())
    }
}

macro_rules! plain_record {
    ($($ty:ty),*) => {$(
        impl Record for $ty {
            fn payload_mut(&mut self) -> &mut Payload {
                &mut self.payload
            }
        }
    )*};
}

plain_record!(
    ContainerConfig,
    PodConfig,
    PodState,
    VolumeConfig,
    VolumeState
);

impl Record for ContainerState {
    fn payload_mut(&mut self) -> &mut Payload {
        &mut self.payload
    }

    fn wrap_nested(&mut self) {
        for payload in self.exec_sessions.values_mut() {
            let quoted = serde_json::Value::String(payload.as_str().to_owned()).to_string();
            *payload = Payload::from_stored(quoted);
        }
    }

    fn unwrap_nested(&mut self) -> Result<(), serde_json::Error> {
        for payload in self.exec_sessions.values_mut() {
            let text: String = serde_json::from_str(payload.as_str())?;
            *payload = Payload::from_stored(text);
        }
        Ok(())
    }
}

/// The placeholder a record's JSON holds where its payload was.
const PLACEHOLDER: &str = "null";

/// The stored JSON of `record`, without its payload (store `payload.as_str()` beside it).
pub(crate) fn encode<R: Record>(record: &R) -> Result<String> {
    let mut stored = record.clone();
    *stored.payload_mut() = Payload::from_stored(PLACEHOLDER);
    stored.wrap_nested();
    encode_plain(&stored)
}

/// The record stored as `json` with payload text `payload`.
pub(crate) fn decode<R: Record>(json: &str, payload: &str) -> Result<R, serde_json::Error> {
    let mut record: R = serde_json::from_str(json)?;
    record.unwrap_nested()?;
    *record.payload_mut() = Payload::from_stored(payload);
    Ok(record)
}

/// The stored JSON of a value without payloads (the DB config).
pub(crate) fn encode_plain<T: Serialize>(value: &T) -> Result<String> {
    // Only a payload that is not JSON fails here: `Payload::from_json` refuses one, so it can
    // only come from `Payload::from_stored`, i.e. from a store that holds damaged text.
    serde_json::to_string(value).map_err(|e| {
        StateError::new(
            ErrorKind::Corrupt,
            format!("a record to store holds a payload that is not JSON: {e}"),
        )
        .with_source(e)
    })
}

/// The value stored as `json` (without payloads).
pub(crate) fn decode_plain<T: DeserializeOwned>(path: &Path, what: &str, json: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| error::record(path, what, e))
}

/// The `networks` column of a container: its current networks, each with its aliases.
pub(crate) type Networks = BTreeMap<String, Vec<String>>;

/// The stored JSON of a container's current networks (a JSON object, keys and aliases sorted).
pub(crate) fn encode_networks(networks: &Networks) -> Result<String> {
    encode_plain(networks)
}

/// The current networks of container `id` stored as `json`: `Corrupt` naming both when it does
/// not decode, when it names a network twice, or when a network's aliases are not strictly
/// increasing (sorted, each once, as SPEC §2.8 has the calls answer them). JSON holds whatever
/// a hand with `sqlite3` writes there; the calls answer the lists as stored, so a list out of
/// order is damage to report, not to tidy away.
pub(crate) fn decode_networks(path: &Path, id: &str, json: &str) -> Result<Networks> {
    let what = format!("networks of container {id:?}");
    let StoredNetworks(networks) = decode_plain(path, &what, json)?;
    for (net, aliases) in &networks {
        if !aliases.windows(2).all(|pair| pair[0] < pair[1]) {
            return Err(StateError::new(
                ErrorKind::Corrupt,
                format!(
                    "SQLite database {}: the stored {what} list the aliases of network {net:?} \
                     out of order or repeated: {aliases:?} (they must be sorted, each once)",
                    path.display()
                ),
            ));
        }
    }
    Ok(networks)
}

/// A stored networks object decoded so that a network named twice is an error: serde_json
/// would otherwise keep the last of the two and drop the first without a word.
struct StoredNetworks(Networks);

impl<'de> Deserialize<'de> for StoredNetworks {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_map(NetworksVisitor)
    }
}

/// Builds a [`StoredNetworks`] from a JSON object, refusing a repeated key.
struct NetworksVisitor;

impl<'de> Visitor<'de> for NetworksVisitor {
    type Value = StoredNetworks;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object from network name to its list of aliases")
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut networks = Networks::new();
        while let Some((net, aliases)) = map.next_entry::<String, Vec<String>>()? {
            if networks.contains_key(&net) {
                return Err(de::Error::custom(format!("network {net:?} is named twice")));
            }
            networks.insert(net, aliases);
        }
        Ok(StoredNetworks(networks))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_keep_every_byte_even_surrounding_white_space() {
        let mut state = ContainerState {
            payload: Payload::from_stored(" { \"a\" : 1 }\n"),
            ..ContainerState::default()
        };
        state
            .exec_sessions
            .insert("e1".into(), Payload::from_stored(" [ \"\\u00e9\" ] "));
        let json = encode(&state).unwrap();
        assert!(
            !json.contains("\"a\" : 1"),
            "the payload is not in the JSON: {json}"
        );
        let back: ContainerState = decode(&json, state.payload.as_str()).unwrap();
        assert_eq!(back, state);
        assert_eq!(back.exec_sessions["e1"].as_str(), " [ \"\\u00e9\" ] ");
    }

    #[test]
    fn a_record_that_does_not_decode_is_corrupt_and_named() {
        let err =
            decode_plain::<PodState>(Path::new("/d/x.db"), "state of pod \"p\"", "{").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Corrupt);
        assert!(err.message().contains("/d/x.db") && err.message().contains("pod \"p\""));
    }
}
