//! UTC timestamps with nanosecond precision.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// A UTC instant with nanosecond precision that round-trips exactly through every backend.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(try_from = "RawTimestamp", into = "RawTimestamp")]
pub struct Timestamp {
    secs: i64,
    nanos: u32,
}

/// The wire form of a [`Timestamp`]: seconds and nanoseconds since the Unix epoch.
#[derive(Serialize, Deserialize)]
struct RawTimestamp {
    secs: i64,
    nanos: u32,
}

/// A timestamp whose nanoseconds are not below one second.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("timestamp nanoseconds must be below 1_000_000_000, got {0}")]
pub struct TimestampError(u32);

impl Timestamp {
    /// The Unix epoch, 1970-01-01T00:00:00Z.
    pub const UNIX_EPOCH: Timestamp = Timestamp { secs: 0, nanos: 0 };

    /// `secs` seconds and `nanos` nanoseconds after the Unix epoch (`secs` may be negative).
    pub fn new(secs: i64, nanos: u32) -> Result<Self, TimestampError> {
        if nanos >= 1_000_000_000 {
            return Err(TimestampError(nanos));
        }
        Ok(Timestamp { secs, nanos })
    }

    /// The current time of the system clock.
    pub fn now() -> Self {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => Timestamp {
                secs: i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
                nanos: d.subsec_nanos(),
            },
            Err(before) => {
                let d = before.duration();
                let secs = -i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
                match d.subsec_nanos() {
                    0 => Timestamp { secs, nanos: 0 },
                    n => Timestamp {
                        secs: secs - 1,
                        nanos: 1_000_000_000 - n,
                    },
                }
            }
        }
    }

    /// Whole seconds since the Unix epoch.
    pub fn secs(self) -> i64 {
        self.secs
    }

    /// Nanoseconds within the second, below 1_000_000_000.
    pub fn nanos(self) -> u32 {
        self.nanos
    }
}

impl TryFrom<RawTimestamp> for Timestamp {
    type Error = TimestampError;

    fn try_from(raw: RawTimestamp) -> Result<Self, Self::Error> {
        Timestamp::new(raw.secs, raw.nanos)
    }
}

impl From<Timestamp> for RawTimestamp {
    fn from(t: Timestamp) -> Self {
        RawTimestamp {
            secs: t.secs,
            nanos: t.nanos,
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:09}", self.secs, self.nanos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_a_full_second_of_nanos() {
        assert_eq!(
            Timestamp::new(1, 1_000_000_000),
            Err(TimestampError(1_000_000_000))
        );
        let parsed: Result<Timestamp, _> = serde_json::from_str(r#"{"secs":1,"nanos":1000000000}"#);
        assert!(parsed.is_err());
    }

    #[test]
    fn round_trips_nanoseconds_through_json() {
        let t = Timestamp::new(-5, 999_999_999).unwrap();
        let back: Timestamp = serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
        assert_eq!(back, t);
    }
}
