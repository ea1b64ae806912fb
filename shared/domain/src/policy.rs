//! The library's booking policy: notice, horizon, cutoff, retention, required fields, and how
//! many upcoming appointments one patron may hold.

use chrono::Duration;

/// Rules that apply to every booking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// How long before its start a slot can still be booked, in minutes.
    pub min_notice_minutes: u32,
    /// How many days ahead (in the library's calendar, today being day 0) can be booked.
    pub horizon_days: u32,
    /// How long before its start an appointment can still be cancelled, in minutes.
    pub cancel_cutoff_minutes: u32,
    /// How many days after its end an appointment's personal data is kept.
    pub retention_days: u32,
    /// Which optional patron fields this library requires.
    pub required: RequiredFields,
    /// How many booked appointments that have not started one patron (one normalised email)
    /// may hold at once; 0 = no limit.
    pub max_active_per_patron: u32,
    /// The bot check's work: the largest number a browser may have to try (about half of it on
    /// average); 0 = no bot check.
    pub proof_of_work_difficulty: u64,
    /// Email-verified bookings: a new booking holds its time this many minutes until the
    /// patron confirms it from the mail; 0 = off (booked at once, as the seed does).
    pub hold_minutes: u32,
    /// How long before its start the video-call link is mailed, in minutes (at once when
    /// booked later than that).
    pub send_link_before_minutes: u32,
    /// When reminders are mailed, in minutes before the start (none for a reminder's moment
    /// that had passed when the appointment was booked); empty = no reminders.
    pub reminders_before_minutes: Vec<u32>,
    /// How much mail one address may be sent a day that it did not ask for from its own
    /// mailbox (see [`crate::mail_cap`]); 0 = no cap.
    pub mail_per_address_per_day: u32,
    /// How many times a patron may move one appointment; 0 = moving is off.
    pub max_moves: u32,
    /// Bookings in ten minutes, across every patron, above which the bot check's work grows
    /// (see [`crate::challenge::adaptive_difficulty`]); 0 = it never grows.
    pub busy_bookings_per_10_minutes: u32,
    /// How many addresses may wait for one day of one service at a time.
    pub waitlist_per_day: u32,
}

/// The default of `policy.send_link_before_minutes`: an hour before the start.
pub const DEFAULT_SEND_LINK_BEFORE_MINUTES: u32 = 60;

/// The default of `policy.reminders_before_minutes`: one reminder, a day before.
pub const DEFAULT_REMINDERS_BEFORE_MINUTES: [u32; 1] = [1440];

/// The default of `policy.proof_of_work_difficulty`: about a second of work on a mid-range
/// phone's browser, a few hundred milliseconds on a laptop (see BENCHMARKS.md).
pub const DEFAULT_PROOF_OF_WORK_DIFFICULTY: u64 = 50_000;

/// The default of `policy.mail_per_address_per_day`: a booking counts two (its mail and its
/// cancellation's), a move, a join to the waiting list and a resend one each.
pub const DEFAULT_MAIL_PER_ADDRESS_PER_DAY: u32 = 6;

/// The default of `policy.max_moves`.
pub const DEFAULT_MAX_MOVES: u32 = 3;

/// The default of `policy.busy_bookings_per_10_minutes`: far above a library's busiest hour.
pub const DEFAULT_BUSY_BOOKINGS_PER_10_MINUTES: u32 = 10;

/// The default of `policy.waitlist_per_day`.
pub const DEFAULT_WAITLIST_PER_DAY: u32 = 50;

/// The default of `policy.max_active_per_patron` when the configuration leaves it out: a
/// patron may hold two upcoming consultations.
pub const DEFAULT_MAX_ACTIVE_PER_PATRON: u32 = 2;

impl Policy {
    /// Minimum notice as a duration.
    pub fn min_notice(&self) -> Duration {
        Duration::minutes(i64::from(self.min_notice_minutes))
    }

    /// Cancellation cutoff as a duration.
    pub fn cancel_cutoff(&self) -> Duration {
        Duration::minutes(i64::from(self.cancel_cutoff_minutes))
    }

    /// How long an unconfirmed hold keeps its time.
    pub fn hold(&self) -> Duration {
        Duration::minutes(i64::from(self.hold_minutes))
    }

    /// How long before the start the link mail goes.
    pub fn send_link_before(&self) -> Duration {
        Duration::minutes(i64::from(self.send_link_before_minutes))
    }

    /// Data retention as a duration.
    pub fn retention(&self) -> Duration {
        Duration::days(i64::from(self.retention_days))
    }
}

/// The patron fields a library may make optional; name and email are always required
/// (the confirmation is mailed to a person).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RequiredFields {
    /// Phone number required.
    pub phone: bool,
    /// Topic / notes required.
    pub notes: bool,
}

impl RequiredFields {
    /// The required fields by the names `policy.required_fields` uses in the configuration:
    /// name and email always, then phone and notes when required.
    pub fn names(&self) -> Vec<&'static str> {
        let mut names = vec!["name", "email"];
        if self.phone {
            names.push("phone");
        }
        if self.notes {
            names.push("notes");
        }
        names
    }
}
