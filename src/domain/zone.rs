//! The shop's time zone: every time shown to a person is in it, with the zone named; the database
//! keeps UTC.

use std::sync::{Mutex, OnceLock};

use chrono::{DateTime, Datelike, NaiveDate, TimeZone as _, Utc};
use jiff::tz::TimeZone;

/// An IANA time zone, `UTC` by default; stored and sent as its name.
///
/// The rules come from the time zone database built into the binary (jiff's bundled copy: 0.5 MB
/// where chrono-tz's tables took 1.9 MB), never from the machine's files, so a shop shows the
/// same times on every box.
#[derive(Clone, Copy, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Zone(&'static TimeZone);

static UTC: TimeZone = TimeZone::UTC;

impl PartialEq for Zone {
    fn eq(&self, other: &Zone) -> bool {
        self.name() == other.name()
    }
}

impl Eq for Zone {}

impl std::fmt::Debug for Zone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Zone({})", self.name())
    }
}

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
        Zone(&UTC)
    }
}

/// Each zone used is kept once for the life of the process (there are about 600 names), so a
/// `Zone` is a plain copyable reference.
fn interned(zone: TimeZone) -> &'static TimeZone {
    static SEEN: OnceLock<Mutex<Vec<&'static TimeZone>>> = OnceLock::new();
    let mut seen = SEEN.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    if let Some(known) = seen.iter().find(|z| z.iana_name() == zone.iana_name()) {
        return known;
    }
    let kept: &'static TimeZone = Box::leak(Box::new(zone));
    seen.push(kept);
    kept
}

impl Zone {
    /// The zone with this IANA name (`Asia/Kolkata`, any case); the error says what is wrong.
    pub fn parse(name: &str) -> Result<Zone, String> {
        let name = name.trim();
        if name.is_empty() {
            return Ok(Zone::default());
        }
        match jiff::tz::db().get(name) {
            Ok(zone) if zone.iana_name().is_some() => Ok(Zone(interned(zone))),
            _ => Err(format!(
                "{name} is not a time zone name; use one like Asia/Kolkata, Europe/London or America/New_York."
            )),
        }
    }

    /// The IANA name.
    pub fn name(self) -> &'static str {
        self.0.iana_name().unwrap_or("UTC")
    }

    /// The moment on this zone's clock, or `None` beyond the years 9999 (never for a real time).
    fn here(self, at: DateTime<Utc>) -> Option<jiff::Zoned> {
        let at = jiff::Timestamp::new(at.timestamp(), at.timestamp_subsec_nanos() as i32).ok()?;
        Some(at.to_zoned(self.0.clone()))
    }

    fn show(self, at: DateTime<Utc>, pattern: &str) -> String {
        match self.here(at) {
            Some(local) => local.strftime(pattern).to_string(),
            None => at.format(pattern).to_string(),
        }
    }

    /// A moment as people read it here: `2 Dec 2026, 09:31 IST`.
    pub fn format(self, at: DateTime<Utc>) -> String {
        self.show(at, "%-d %b %Y, %H:%M %Z")
    }

    /// A moment as `2026-12-02T09:31` in this zone, for a `datetime-local` field.
    pub fn local_input(self, at: DateTime<Utc>) -> String {
        self.show(at, "%Y-%m-%dT%H:%M")
    }

    /// A moment as `2026-12-02 09:31:05` in this zone, for a spreadsheet.
    pub fn local_plain(self, at: DateTime<Utc>) -> String {
        self.show(at, "%Y-%m-%d %H:%M:%S")
    }

    /// The calendar date of a moment here.
    pub fn date(self, at: DateTime<Utc>) -> NaiveDate {
        self.here(at)
            .and_then(|local| {
                let d = local.date();
                NaiveDate::from_ymd_opt(d.year().into(), d.month() as u32, d.day() as u32)
            })
            .unwrap_or_else(|| at.date_naive())
    }

    /// The first moment of a calendar date here, in UTC (the earlier one when the clocks go back;
    /// the first that exists when they skip midnight).
    pub fn start_of(self, date: NaiveDate) -> DateTime<Utc> {
        let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
        let civil = i16::try_from(date.year())
            .ok()
            .and_then(|y| jiff::civil::Date::new(y, date.month() as i8, date.day() as i8).ok());
        civil
            .and_then(|d| d.to_zoned(self.0.clone()).ok())
            .and_then(|z| DateTime::from_timestamp(z.timestamp().as_second(), z.timestamp().subsec_nanosecond() as u32))
            .unwrap_or_else(|| Utc.from_utc_datetime(&midnight))
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

    #[test]
    fn names_are_kept_as_the_database_spells_them_and_compare_by_name() {
        let z = Zone::parse(" asia/kolkata ").unwrap();
        assert_eq!(z.name(), "Asia/Kolkata");
        assert_eq!(z, Zone::parse("Asia/Kolkata").unwrap());
        assert_ne!(z, Zone::default());
        assert_eq!(Zone::parse("UTC").unwrap().name(), "UTC");
        let json = serde_json::to_string(&z).unwrap();
        assert_eq!(json, "\"Asia/Kolkata\"");
        assert_eq!(serde_json::from_str::<Zone>(&json).unwrap(), z);
        assert!(serde_json::from_str::<Zone>("\"../../etc/passwd\"").is_err());
        assert!(Zone::parse("/etc/localtime").is_err());
    }

    #[test]
    fn days_begin_where_the_clocks_say_across_daylight_saving() {
        // London: clocks go forward at 01:00 on 29 March 2026; midnight still exists, in GMT.
        let london = Zone::parse("Europe/London").unwrap();
        let spring = london.start_of(NaiveDate::from_ymd_opt(2026, 3, 29).unwrap());
        assert_eq!(spring, Utc.with_ymd_and_hms(2026, 3, 29, 0, 0, 0).unwrap());
        let summer = london.start_of(NaiveDate::from_ymd_opt(2026, 7, 1).unwrap());
        assert_eq!(summer, Utc.with_ymd_and_hms(2026, 6, 30, 23, 0, 0).unwrap());
        assert_eq!(london.format(summer), "1 Jul 2026, 00:00 BST");
        // Santiago skips from 00:00 to 01:00 on 6 September 2026: the day begins at 01:00 local.
        let santiago = Zone::parse("America/Santiago").unwrap();
        let skipped = santiago.start_of(NaiveDate::from_ymd_opt(2026, 9, 6).unwrap());
        assert_eq!(skipped, Utc.with_ymd_and_hms(2026, 9, 6, 4, 0, 0).unwrap());
        assert_eq!(santiago.local_plain(skipped), "2026-09-06 01:00:00");
    }
}
