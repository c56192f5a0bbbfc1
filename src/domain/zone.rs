//! The shop's time zone: every time shown to a person is in it, with the zone named; the database
//! keeps UTC.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// An IANA time zone, `UTC` by default; stored and sent as its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Zone(Tz);

impl TryFrom<String> for Zone {
    type Error = String;
    fn try_from(name: String) -> Result<Zone, String> {
        Zone::parse(&name)
    }
}

impl From<Zone> for String {
    fn from(z: Zone) -> String {
        z.name().to_string()
    }
}

impl Default for Zone {
    fn default() -> Self {
        Zone(Tz::UTC)
    }
}

impl Zone {
    /// The zone with this IANA name (`Asia/Kolkata`); the error says what is wrong.
    pub fn parse(name: &str) -> Result<Zone, String> {
        let name = name.trim();
        if name.is_empty() {
            return Ok(Zone::default());
        }
        name.parse::<Tz>().map(Zone).map_err(|_| {
            format!("{name} is not a time zone name; use one like Asia/Kolkata, Europe/London or America/New_York.")
        })
    }

    /// The IANA name.
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// A moment as people read it here: `2 Dec 2026, 09:31 IST`.
    pub fn format(self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.0).format("%-d %b %Y, %H:%M %Z").to_string()
    }

    /// A moment as `2026-12-02T09:31` in this zone, for a `datetime-local` field.
    pub fn local_input(self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.0).format("%Y-%m-%dT%H:%M").to_string()
    }

    /// A moment as `2026-12-02 09:31:05` in this zone, for a spreadsheet.
    pub fn local_plain(self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.0).format("%Y-%m-%d %H:%M:%S").to_string()
    }

    /// The calendar date of a moment here.
    pub fn date(self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.0).date_naive()
    }

    /// The first moment of a calendar date here, in UTC (the earlier one when the clocks change).
    pub fn start_of(self, date: NaiveDate) -> DateTime<Utc> {
        let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
        match self.0.from_local_datetime(&midnight).earliest() {
            Some(t) => t.with_timezone(&Utc),
            // A zone whose clocks skip midnight: an hour later exists.
            None => self
                .0
                .from_local_datetime(&(midnight + chrono::Duration::hours(1)))
                .earliest()
                .map_or_else(|| Utc.from_utc_datetime(&midnight), |t| t.with_timezone(&Utc)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_the_shops_zone_with_its_name() {
        let at = Utc.with_ymd_and_hms(2026, 12, 2, 4, 1, 0).unwrap();
        let kolkata = Zone::parse("Asia/Kolkata").unwrap();
        assert_eq!(kolkata.format(at), "2 Dec 2026, 09:31 IST");
        assert_eq!(Zone::default().format(at), "2 Dec 2026, 04:01 UTC");
        assert_eq!(kolkata.local_input(at), "2026-12-02T09:31");
        assert!(Zone::parse("Mars/Olympus").unwrap_err().contains("Mars/Olympus"));
        assert_eq!(Zone::parse("").unwrap(), Zone::default());
        let late = Utc.with_ymd_and_hms(2026, 12, 2, 20, 0, 0).unwrap();
        assert_eq!(kolkata.date(late).to_string(), "2026-12-03", "01:30 the next day in India");
        let start = kolkata.start_of(NaiveDate::from_ymd_opt(2026, 12, 3).unwrap());
        assert_eq!(start, Utc.with_ymd_and_hms(2026, 12, 2, 18, 30, 0).unwrap());
    }
}
