//! How much mail one address may be sent in a day that its owner did not ask for from their own
//! mailbox: the library's address must not be a way to write to strangers.
//!
//! Whoever types an address into a public form makes the library mail it: a booking (its
//! confirmation, or the request to confirm a hold, and the cancellation that may follow), a move,
//! a join to the waiting list, a resend of the links. Each takes places from the address's
//! allowance for the day (`policy.mail_per_address_per_day`, in the library's calendar), counted
//! by the store in the same write that queues the mail, so no race can pass it. A booking takes
//! two places up front (its own mail and its cancellation's), so that a cancel is always told.
//!
//! Outside the cap: what follows from a link in the patron's own mailbox (confirming a hold, the
//! waiting list's "a time is free" for a join its owner confirmed), the timed mail of an
//! appointment (the video-call link, reminders), and whatever staff send.

use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;

/// What makes the library mail an address someone typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unasked {
    /// A booking: its confirmation (or request to confirm), and its cancellation's mail.
    Booking,
    /// A move: "your appointment was moved".
    Move,
    /// A join to the waiting list: the mail that asks to confirm it.
    WaitlistJoin,
    /// The links mailed again.
    Resend,
}

impl Unasked {
    /// The places it takes of the day's allowance.
    pub fn weight(self) -> u32 {
        match self {
            Unasked::Booking => 2,
            Unasked::Move | Unasked::WaitlistJoin | Unasked::Resend => 1,
        }
    }
}

/// Places to take from one address's allowance of one day, in the write that queues the mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailCap {
    /// The counter's key: the patron key (a keyed digest of the address) and the day.
    pub key: String,
    /// How many places this mail takes.
    pub weight: u32,
    /// The allowance: the counter may not pass it.
    pub max: u32,
    /// When the counter can be forgotten (the day after its day).
    pub keep_until: DateTime<Utc>,
}

impl MailCap {
    /// The places `what` takes at `now` of the address with key `patron_key`, under an
    /// allowance of `max` a day (`policy.mail_per_address_per_day`); `None` when it is 0 (no cap).
    pub fn of(
        max: u32,
        timezone: Tz,
        patron_key: &str,
        what: Unasked,
        now: DateTime<Utc>,
    ) -> Option<MailCap> {
        if max == 0 {
            return None;
        }
        let day = now.with_timezone(&timezone).date_naive();
        Some(MailCap {
            key: format!("{patron_key}#{day}"),
            weight: what.weight(),
            max,
            keep_until: forget_after(day),
        })
    }
}

/// The moment a day's counter can be dropped: two days after the day began, in UTC (past the
/// day's end in every time zone).
fn forget_after(day: NaiveDate) -> DateTime<Utc> {
    let later = day.checked_add_days(Days::new(2)).unwrap_or(day);
    later.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_cap_counts_by_address_and_library_day() {
        let tz: Tz = "Europe/Athens".parse().unwrap();
        // 22:30 UTC on 1 December is already 2 December in Athens.
        let late = Utc.with_ymd_and_hms(2026, 12, 1, 22, 30, 0).unwrap();
        let cap = MailCap::of(6, tz, "k1", Unasked::Booking, late).unwrap();
        assert_eq!(cap.key, "k1#2026-12-02");
        assert_eq!((cap.weight, cap.max), (2, 6));
        assert_eq!(
            cap.keep_until,
            Utc.with_ymd_and_hms(2026, 12, 4, 0, 0, 0).unwrap()
        );
        let early = Utc.with_ymd_and_hms(2026, 12, 1, 21, 30, 0).unwrap();
        let moved = MailCap::of(6, tz, "k1", Unasked::Move, early).unwrap();
        assert_eq!((moved.key.as_str(), moved.weight), ("k1#2026-12-01", 1));
    }

    #[test]
    fn no_cap_when_the_library_sets_none() {
        let tz: Tz = "Europe/Athens".parse().unwrap();
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        assert_eq!(MailCap::of(0, tz, "k", Unasked::Resend, now), None);
    }
}
