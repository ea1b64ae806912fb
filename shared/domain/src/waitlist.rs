//! The waiting list: a patron who finds no time on a day leaves an address, confirms it from
//! the mail that asks (so nobody can put a stranger's address on it), and is told once
//! when a time frees on that day for that service (whatever freed it: a cancel, a move away,
//! a hold that lapsed, a closure removed). Entries end with their day: after it, the store
//! forgets them (DynamoDB's TTL; SQLite's purge) and nothing more is sent.

use crate::ids::{AppointmentId, ServiceId};
use crate::language::Language;
use crate::patron::PatronEmail;
use crate::token::TokenHash;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// How many days one address may wait for at a time (days not yet over).
pub const WAITLIST_PER_ADDRESS: u32 = 3;

/// One address waiting for a time on one day of one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitEntry {
    /// Its id (UUID v7), in the link that leaves the list.
    pub id: AppointmentId,
    /// The service waited for.
    pub service: ServiceId,
    /// The day, in the library's calendar.
    pub date: NaiveDate,
    /// Where to write.
    pub email: PatronEmail,
    /// The language of the mail.
    pub language: Language,
    /// The keyed digest of the address: the per-address cap counts by it.
    pub patron_key: String,
    /// Hash of the token of the link that leaves the list.
    pub token_hash: TokenHash,
    /// When the patron joined.
    pub created_at: DateTime<Utc>,
    /// The end of the day waited for: then it is forgotten.
    pub expires_at: DateTime<Utc>,
    /// The privacy notice accepted.
    pub privacy_url: String,
    /// The free starts of that day when the patron joined (a time "frees" when it is not one
    /// of these; on a full day, none).
    pub known_free: Vec<DateTime<Utc>>,
    /// When the address's owner confirmed the join from its mail (`None`: not yet, and
    /// nothing more is sent until they do).
    pub confirmed_at: Option<DateTime<Utc>>,
    /// When the patron was told a time freed (then nothing more is sent).
    pub notified_at: Option<DateTime<Utc>>,
}

impl WaitEntry {
    /// Whether its day is over at `now`.
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        now >= self.expires_at
    }

    /// Whether `free` (the day's free starts now) holds a time that was not free when the
    /// patron joined.
    pub fn freed_among(&self, free: &[DateTime<Utc>]) -> bool {
        free.iter().any(|t| !self.known_free.contains(t))
    }
}

/// The end of `date` in `tz` (the next midnight), when its entries expire.
pub fn end_of_day(date: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let next = date.succ_opt().unwrap_or(date);
    let midnight = next.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&midnight).earliest().map_or_else(
        || Utc.from_utc_datetime(&midnight),
        |t| t.with_timezone(&Utc),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_ends_at_the_next_local_midnight() {
        let tz: Tz = "Europe/Athens".parse().unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(
            end_of_day(date, tz),
            Utc.with_ymd_and_hms(2026, 12, 1, 22, 0, 0).unwrap()
        );
        // The night the clocks go back (25 October 2026) still ends at midnight.
        let date = NaiveDate::from_ymd_opt(2026, 10, 24).unwrap();
        assert_eq!(
            end_of_day(date, tz),
            Utc.with_ymd_and_hms(2026, 10, 24, 21, 0, 0).unwrap()
        );
    }
}
