//! Times as stored and shown: UTC text in one fixed-width format, so stored times compare as strings.

use chrono::{DateTime, SecondsFormat, Utc};

/// A time in the one text format stored in the database (`2026-11-22T04:55:12.123Z`).
pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Parses a stored timestamp; `None` for anything malformed.
pub fn parse_ts(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_sort_as_text() {
        let a = ts(DateTime::from_timestamp(1_700_000_000, 0).unwrap());
        let b = ts(DateTime::from_timestamp(1_700_000_000, 5_000_000).unwrap());
        assert_eq!(a, "2023-11-14T22:13:20.000Z");
        assert!(a < b);
        assert_eq!(parse_ts(&b).unwrap().timestamp_subsec_millis(), 5);
        assert_eq!(parse_ts("yesterday"), None);
    }
}
