//! Sign-in throttling: after N failures, a lock that doubles with each further failure, up to a cap.

use chrono::{DateTime, Duration, Utc};

/// The failure state of one key (an account or a client address).
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub failures: u32,
    pub last_failure_at: DateTime<Utc>,
    pub locked_until: Option<DateTime<Utc>>,
}

/// Failures older than this are forgotten.
const MEMORY: Duration = Duration::hours(24);

/// The first lock lasts this long; each further failure doubles it.
const FIRST_LOCK: Duration = Duration::seconds(30);

/// How long the key is still locked at `now`; `None` when it may try.
pub fn locked_for(state: Option<&State>, now: DateTime<Utc>) -> Option<Duration> {
    let until = state?.locked_until?;
    (until > now).then(|| until - now)
}

/// The state after one more failure at `now`.
pub fn after_failure(prev: Option<&State>, now: DateTime<Utc>, max_failures: u32, max_lock: Duration) -> State {
    let failures = match prev {
        Some(p) if now - p.last_failure_at < MEMORY => p.failures + 1,
        _ => 1,
    };
    let locked_until = (failures >= max_failures).then(|| {
        let doublings = (failures - max_failures).min(20);
        let lock = FIRST_LOCK * 2i32.pow(doublings);
        now + lock.min(max_lock)
    });
    State { failures, last_failure_at: now, locked_until }
}

/// "3 minutes", "1 minute", "45 seconds": for the message a locked-out person sees.
pub fn describe(d: Duration) -> String {
    let secs = d.num_seconds().max(1);
    if secs < 60 {
        return format!("{secs} second{}", if secs == 1 { "" } else { "s" });
    }
    let mins = (secs + 59) / 60;
    format!("{mins} minute{}", if mins == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fail_n(n: u32, now: DateTime<Utc>) -> State {
        let mut s: Option<State> = None;
        for _ in 0..n {
            s = Some(after_failure(s.as_ref(), now, 5, Duration::minutes(15)));
        }
        s.unwrap()
    }

    #[test]
    fn four_failures_do_not_lock_the_fifth_does() {
        let now = Utc::now();
        assert_eq!(locked_for(Some(&fail_n(4, now)), now), None);
        assert_eq!(locked_for(Some(&fail_n(5, now)), now), Some(Duration::seconds(30)));
    }

    #[test]
    fn lock_grows_and_is_capped_at_the_maximum() {
        let now = Utc::now();
        assert_eq!(locked_for(Some(&fail_n(6, now)), now), Some(Duration::seconds(60)));
        assert_eq!(locked_for(Some(&fail_n(8, now)), now), Some(Duration::seconds(240)));
        assert_eq!(locked_for(Some(&fail_n(30, now)), now), Some(Duration::minutes(15)));
    }

    #[test]
    fn old_failures_are_forgotten() {
        let then = Utc::now() - Duration::hours(25);
        let old = fail_n(4, then);
        let s = after_failure(Some(&old), Utc::now(), 5, Duration::minutes(15));
        assert_eq!(s.failures, 1);
    }

    #[test]
    fn describes_durations_for_people() {
        assert_eq!(describe(Duration::seconds(1)), "1 second");
        assert_eq!(describe(Duration::seconds(30)), "30 seconds");
        assert_eq!(describe(Duration::seconds(61)), "2 minutes");
        assert_eq!(describe(Duration::minutes(15)), "15 minutes");
    }
}
