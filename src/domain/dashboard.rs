//! The dashboard's figures for today, 7 days or 30 days in the shop's time zone, worked out from
//! the orders each time (never kept twice).

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::orders::Status;
use super::zone::Zone;

/// The period the dashboard shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Period {
    Today,
    #[default]
    Week,
    Month,
}

impl Period {
    pub const ALL: [Period; 3] = [Period::Today, Period::Week, Period::Month];

    pub fn as_str(self) -> &'static str {
        match self {
            Period::Today => "today",
            Period::Week => "7d",
            Period::Month => "30d",
        }
    }

    pub fn parse(s: &str) -> Option<Period> {
        match s {
            "" => Some(Period::default()),
            _ => Period::ALL.into_iter().find(|p| p.as_str() == s),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Period::Today => "Today",
            Period::Week => "7 days",
            Period::Month => "30 days",
        }
    }

    pub fn days(self) -> i64 {
        match self {
            Period::Today => 1,
            Period::Week => 7,
            Period::Month => 30,
        }
    }

    /// The period's calendar days in `zone` (today last) and the moment its first day began.
    pub fn range(self, now: DateTime<Utc>, zone: Zone) -> (DateTime<Utc>, Vec<NaiveDate>) {
        let today = zone.date(now);
        let days: Vec<NaiveDate> = (0..self.days()).rev().map(|n| today - Duration::days(n)).collect();
        (zone.start_of(days[0]), days)
    }
}

/// Orders placed in one quarter hour (UTC) with one status: how many and their totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    /// Unix seconds of the quarter hour's start.
    pub start: i64,
    pub status: Status,
    /// Cancelled because it expired unacknowledged (an abandoned draft).
    pub expired: bool,
    pub count: i64,
    pub total: i64,
}

/// Seconds in a bucket: a quarter hour, so every time zone's midnight (offsets are whole quarter
/// hours) falls on a bucket's edge.
pub const BUCKET_SECS: i64 = 900;

/// Statuses whose orders count as sales: confirmed and not cancelled or returned.
pub const SOLD: [Status; 5] =
    [Status::Confirmed, Status::Processing, Status::ReadyToShip, Status::Shipped, Status::Delivered];

/// A product's sales in the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopProduct {
    pub title: String,
    pub slug: String,
    pub units: i64,
    pub revenue: i64,
}

/// A variant nearly sold out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LowStock {
    pub product_id: i64,
    pub title: String,
    pub sku: String,
    pub options: String,
    pub available: i64,
}

/// Everything the dashboard shows for a period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    /// Totals of the period's orders that sold (confirmed, not cancelled or returned).
    pub revenue: i64,
    pub placed: i64,
    pub sold: i64,
    pub average_order: Option<i64>,
    pub delivered: i64,
    /// Delivered ÷ placed, in per mille (0 to 1000); `None` with nothing placed.
    pub completion_permille: Option<i64>,
    /// Drafts placed in the period and cancelled because they expired.
    pub abandoned: i64,
    /// The median time from confirmation to shipping of orders shipped in the period.
    pub median_to_ship: Option<Duration>,
    /// Orders waiting for payment now, and what they still owe.
    pub awaiting: i64,
    pub awaiting_total: i64,
    /// Each day of the period with its revenue (for the chart and its table).
    pub revenue_per_day: Vec<(NaiveDate, i64)>,
    /// The period's orders by their status now (statuses with none left out).
    pub per_status: Vec<(Status, i64)>,
    pub top: Vec<TopProduct>,
    pub low_stock: Vec<LowStock>,
}

/// Adds up the period's buckets into the figures (the rest are filled in by the caller).
pub fn add_up(buckets: &[Bucket], days: &[NaiveDate], zone: Zone) -> Figures {
    let mut f = Figures { revenue_per_day: days.iter().map(|d| (*d, 0)).collect(), ..Default::default() };
    let mut per_status: Vec<(Status, i64)> = Status::ALL.iter().map(|s| (*s, 0)).collect();
    for b in buckets {
        f.placed += b.count;
        if let Some(s) = per_status.iter_mut().find(|(s, _)| *s == b.status) {
            s.1 += b.count;
        }
        if b.status == Status::Delivered {
            f.delivered += b.count;
        }
        if b.expired {
            f.abandoned += b.count;
        }
        if SOLD.contains(&b.status) {
            f.revenue += b.total;
            f.sold += b.count;
            let day = DateTime::from_timestamp(b.start, 0).map(|t| zone.date(t));
            if let Some(d) = f.revenue_per_day.iter_mut().find(|(d, _)| Some(*d) == day) {
                d.1 += b.total;
            }
        }
    }
    f.per_status = per_status.into_iter().filter(|(_, n)| *n > 0).collect();
    f.average_order = (f.sold > 0).then(|| (f.revenue as f64 / f.sold as f64).round() as i64);
    f.completion_permille = (f.placed > 0).then(|| (f.delivered * 1000 + f.placed / 2) / f.placed);
    f
}

/// The middle value (the mean of the two middle ones for an even count); `None` for none.
pub fn median(mut values: Vec<i64>) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) { (values[mid - 1] + values[mid]) / 2 } else { values[mid] })
}

/// A duration as people read it: "45 min", "5 h 20 min", "2 d 3 h".
pub fn duration_text(d: Duration) -> String {
    let mins = d.num_minutes().max(0);
    match mins {
        0..60 => format!("{mins} min"),
        60..1440 => format!("{} h {} min", mins / 60, mins % 60),
        _ => format!("{} d {} h", mins / 1440, (mins % 1440) / 60),
    }
}

#[cfg(test)]
mod tests {
    use chrono::Datelike;

    use super::*;

    fn at(s: &str) -> i64 {
        crate::domain::time::parse_ts(s).unwrap().timestamp() / BUCKET_SECS * BUCKET_SECS
    }

    #[test]
    fn days_follow_the_shops_zone_across_midnight() {
        let zone = Zone::parse("Asia/Kolkata").unwrap();
        // 20:00 UTC on 1 Dec is 01:30 on 2 Dec in India: "today" began at 18:30 UTC.
        let now = crate::domain::time::parse_ts("2026-12-01T20:00:00Z").unwrap();
        let (from, days) = Period::Today.range(now, zone);
        assert_eq!(crate::domain::time::ts(from), "2026-12-01T18:30:00.000Z");
        assert_eq!(days, vec![NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()]);
        let (_, week) = Period::Week.range(now, zone);
        assert_eq!(week.len(), 7);
        assert_eq!(week[0], NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());

        // An order at 18:45 UTC is on 2 Dec in India; one at 18:15 UTC on 1 Dec.
        let buckets = [
            Bucket {
                start: at("2026-12-01T18:45:00Z"),
                status: Status::Delivered,
                expired: false,
                count: 1,
                total: 1000,
            },
            Bucket {
                start: at("2026-12-01T18:15:00Z"),
                status: Status::Confirmed,
                expired: false,
                count: 2,
                total: 3000,
            },
            Bucket {
                start: at("2026-12-01T18:15:00Z"),
                status: Status::Cancelled,
                expired: true,
                count: 1,
                total: 500,
            },
        ];
        let f = add_up(&buckets, &week, zone);
        assert_eq!((f.placed, f.sold, f.revenue, f.delivered, f.abandoned), (4, 3, 4000, 1, 1));
        assert_eq!(f.average_order, Some(1333));
        assert_eq!(f.completion_permille, Some(250));
        let day = |d: u32| f.revenue_per_day.iter().find(|(x, _)| x.day() == d).unwrap().1;
        assert_eq!((day(1), day(2)), (3000, 1000));
        assert_eq!(f.per_status, vec![(Status::Confirmed, 2), (Status::Delivered, 1), (Status::Cancelled, 1)]);
    }

    #[test]
    fn medians_and_durations() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![5, 1, 3]), Some(3));
        assert_eq!(median(vec![4, 1, 3, 2]), Some(2));
        assert_eq!(duration_text(Duration::minutes(45)), "45 min");
        assert_eq!(duration_text(Duration::minutes(320)), "5 h 20 min");
        assert_eq!(duration_text(Duration::minutes(3060)), "2 d 3 h");
    }
}
