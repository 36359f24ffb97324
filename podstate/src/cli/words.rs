//! How the command words what it prints: counts with proper plurals, times in UTC.

use podstate::Timestamp;
use podstate::snapshot::Snapshot;

/// `1 pod`, `2 pods`, `0 pods`; `1 entry`... with the plural given where it is not `+s`.
pub fn counted(n: usize, singular: &str) -> String {
    let plural = match singular {
        "entry" => "entries".to_owned(),
        other => format!("{other}s"),
    };
    let word = if n == 1 { singular } else { plural.as_str() };
    format!("{} {word}", thousands(n))
}

/// `12,345`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `N containers, M pods, K volumes` of a snapshot.
pub fn counts(snapshot: &Snapshot) -> String {
    format!(
        "{}, {}, {}",
        counted(snapshot.containers.len(), "container"),
        counted(snapshot.pods.len(), "pod"),
        counted(snapshot.volumes.len(), "volume")
    )
}

/// `2026-11-29 10:31` (UTC, to the minute): a created time as a table shows it.
pub fn minute(t: Timestamp) -> String {
    let (date, secs) = civil(t.secs());
    format!("{date} {:02}:{:02}", secs / 3600, secs / 60 % 60)
}

/// `2026-11-29T10:31:07.000000123Z`: a time as JSON shows it, to the nanosecond.
pub fn rfc3339(t: Timestamp) -> String {
    let (date, secs) = civil(t.secs());
    format!(
        "{date}T{:02}:{:02}:{:02}.{:09}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        t.nanos()
    )
}

/// The UTC date (`YYYY-MM-DD`) of `secs` after the epoch and the seconds into that day
/// (Howard Hinnant's `civil_from_days`, proleptic Gregorian, any year).
fn civil(secs: i64) -> (String, i64) {
    let days = secs.div_euclid(86_400);
    let in_day = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (format!("{year:04}-{month:02}-{day:02}"), in_day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_english() {
        assert_eq!(counted(1, "volume"), "1 volume");
        assert_eq!(counted(0, "volume"), "0 volumes");
        assert_eq!(counted(12_345, "pod"), "12,345 pods");
        assert_eq!(counted(2, "entry"), "2 entries");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }

    #[test]
    fn times_are_utc_dates() {
        let t = |secs, nanos| Timestamp::new(secs, nanos).unwrap();
        assert_eq!(minute(t(0, 0)), "1970-01-01 00:00");
        assert_eq!(minute(t(1_795_948_267, 0)), "2026-11-29 10:31");
        assert_eq!(rfc3339(t(-1, 5)), "1969-12-31T23:59:59.000000005Z");
        assert_eq!(rfc3339(t(951_782_400, 0)), "2000-02-29T00:00:00.000000000Z");
    }
}
