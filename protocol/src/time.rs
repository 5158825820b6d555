//! Time conventions: stored in UTC, shown and bucketed by day in Asia/Ho_Chi_Minh (UTC+7, no DST).

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;

/// The local calendar day of an instant in Ho Chi Minh City: what "today" means on a dashboard.
pub fn local_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Ho_Chi_Minh).date_naive()
}

/// `dd/MM/yyyy HH:mm:ss` in local time, as people in the city read it.
pub fn local_display(at: DateTime<Utc>) -> String {
    at.with_timezone(&Ho_Chi_Minh).format("%d/%m/%Y %H:%M:%S").to_string()
}

/// `HH:mm dd/MM` in local time: compact, for deadlines in a work queue.
pub fn local_short(at: DateTime<Utc>) -> String {
    at.with_timezone(&Ho_Chi_Minh).format("%H:%M %d/%m").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_local_day_turns_at_17_00_utc() {
        let before = "2025-10-10T16:59:59Z".parse().unwrap();
        let after = "2025-10-10T17:00:00Z".parse().unwrap();
        assert_eq!(local_day(before).to_string(), "2025-10-10");
        assert_eq!(local_day(after).to_string(), "2025-10-11");
        assert_eq!(local_display(after), "11/10/2025 00:00:00");
        assert_eq!(local_short(after), "00:00 11/10");
    }
}
