//! Opaque JSON payloads, kept as raw text and compared byte for byte.

use std::fmt;
use std::sync::Arc;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

/// An opaque JSON document the runtime keeps with an object (spec, image, labels, ...).
///
/// The state never reads a payload: it stores the exact text and returns it byte for byte, because
/// decoding podman's ~7.6 KB configs dominated its reads. The text is checked to be one JSON value
/// once, when the caller builds the payload. Equality is byte-wise: `{"a":1}` and `{ "a": 1 }` are
/// different payloads.
///
/// The text is shared and immutable: cloning a payload (as every retrieval does) copies a
/// pointer, not the ~7.5 KiB a podman config carries. See the crate docs, "What retrievals copy".
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Payload(Arc<str>);

/// The text given to [`Payload::from_json`] is not one JSON value.
#[derive(Debug, thiserror::Error)]
#[error("payload is not a JSON document: {0}")]
pub struct PayloadError(#[from] serde_json::Error);

impl Payload {
    /// Wraps `text` after checking that it is exactly one JSON value.
    pub fn from_json(text: impl Into<String>) -> Result<Self, PayloadError> {
        let text = text.into();
        serde_json::from_str::<&RawValue>(&text)?;
        Ok(Payload(Arc::from(text)))
    }

    /// Wraps text a backend stored earlier from [`Payload::as_str`], without checking it again.
    ///
    /// Only for backends restoring what they were given: the text was checked when the caller
    /// built the payload, and the state never parses payloads.
    pub fn from_stored(text: impl Into<String>) -> Self {
        Payload(Arc::from(text.into()))
    }

    /// The empty JSON object `{}`.
    pub fn empty_object() -> Self {
        Payload(Arc::from("{}"))
    }

    /// The raw JSON text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Payload {
    /// `{}`.
    fn default() -> Self {
        Payload::empty_object()
    }
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Payload({})", self.0)
    }
}

impl fmt::Display for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Payload {
    /// Embeds the text as raw JSON (not as a string), so a serialized object stays readable.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let raw: &RawValue = serde_json::from_str(&self.0).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Payload {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)
            .map_err(|e| D::Error::custom(format!("payload must be raw JSON: {e}")))?;
        Ok(Payload(Arc::from(raw.get())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_text_byte_for_byte_through_serde() {
        let p = Payload::from_json(r#"{ "b": 2,  "a": [1, 2] }"#).unwrap();
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(json, r#"{ "b": 2,  "a": [1, 2] }"#);
        let back: Payload = serde_json::from_str(&json).unwrap();
        assert_eq!(back.as_str(), p.as_str());
    }

    #[test]
    fn clones_share_the_text() {
        let a = Payload::from_json(r#"{"spec":"big"}"#).unwrap();
        let b = a.clone();
        assert!(std::ptr::eq(a.as_str(), b.as_str()));
    }

    #[test]
    fn equality_is_byte_wise() {
        let a = Payload::from_json(r#"{"a":1}"#).unwrap();
        let b = Payload::from_json(r#"{ "a": 1 }"#).unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn rejects_text_that_is_not_one_json_value() {
        assert!(Payload::from_json("{").is_err());
        assert!(Payload::from_json("1 2").is_err());
        assert!(Payload::from_json("").is_err());
    }
}
