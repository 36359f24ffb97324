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
/// Through serde a payload is embedded as the raw JSON it is, and reads back byte for byte (the
/// rare payloads raw JSON cannot carry exactly, with whitespace around the value, travel in a
/// small wrapper object, see the `Serialize` impl).
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

/// The key of the wrapper that carries a payload raw embedding cannot: `{"podstate:payload-text":
/// "<text>"}`.
const TEXT_KEY: &str = "podstate:payload-text";

/// The wrapper form, as serde sees it.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Wrapped<'a> {
    #[serde(rename = "podstate:payload-text", borrow)]
    text: std::borrow::Cow<'a, str>,
}

impl Payload {
    /// Whether serde must carry this payload in the wrapper: raw embedding drops whitespace
    /// around a JSON value, and a payload that itself looks like the wrapper must be wrapped too,
    /// or it would read back as its inner text.
    fn needs_wrapper(&self) -> bool {
        let text = &*self.0;
        text.trim() != text
            || (text.contains(TEXT_KEY) && serde_json::from_str::<Wrapped<'_>>(text).is_ok())
    }
}

impl Serialize for Payload {
    /// Embeds the text as raw JSON (not as a string), so a serialized object stays readable and
    /// the text comes back byte for byte. The two payloads raw embedding cannot carry exactly (a
    /// value with whitespace around it, and one shaped like the wrapper) are written as
    /// `{"podstate:payload-text": "<text>"}` instead.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.needs_wrapper() {
            return Wrapped {
                text: std::borrow::Cow::Borrowed(&self.0),
            }
            .serialize(serializer);
        }
        let raw: &RawValue = serde_json::from_str(&self.0).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Payload {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)
            .map_err(|e| D::Error::custom(format!("payload must be raw JSON: {e}")))?;
        let text = raw.get();
        if text.contains(TEXT_KEY)
            && let Ok(wrapped) = serde_json::from_str::<Wrapped<'_>>(text)
        {
            return Ok(Payload(Arc::from(wrapped.text.as_ref())));
        }
        Ok(Payload(Arc::from(text)))
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
    fn every_payload_survives_serde_exactly_even_with_surrounding_whitespace_or_the_wrapper_shape()
    {
        let texts = [
            " [ ] ",
            "\n{\"a\":1}",
            r#"{"podstate:payload-text":"x"}"#,
            r#"{ "podstate:payload-text" : " {} " }"#,
            r#"{"podstate:payload-text":"x","other":1}"#,
            r#""podstate:payload-text""#,
            "[1, 2.50, null]",
        ];
        for text in texts {
            let p = Payload::from_json(text).unwrap();
            let json = serde_json::to_string(&vec![p.clone()]).unwrap();
            let back: Vec<Payload> = serde_json::from_str(&json).unwrap();
            assert_eq!(back[0].as_str(), text, "through {json}");
        }
        // The common case stays readable: embedded as the JSON it is.
        let plain = Payload::from_json(r#"{"image":"alpine"}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&plain).unwrap(),
            r#"{"image":"alpine"}"#
        );
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
