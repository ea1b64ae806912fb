//! A librarian's own calendar: its text fetched (the wiring's HTTP client), its busy times kept
//! in the store as lock units, and when it was last read.
//!
//! The busy units live beside the slot locks, in the same provider-month partitions: the
//! month's one lock read ([`super::LockReader::locks`]) returns them with the booked locks, so
//! availability subtracts them at no extra request, and a booking's write refuses them (with
//! [`super::CreateConditions::calendar`]) in the same transaction. The slot locks stay the
//! authority: a time booked in rantevou is never offered again, whatever the calendar says.

use crate::ids::ProviderId;
use crate::provider::Calendar;
use crate::slot_lock::LockMonth;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;

/// A calendar's busy lock units, month by month: each month's whole set (the unit starts).
pub type BusyMonths = Vec<(LockMonth, Vec<DateTime<Utc>>)>;

/// What the store knows of the last reads of a provider's calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarStatus {
    /// The last read that succeeded: the busy times kept are that read's.
    pub read_at: Option<DateTime<Utc>>,
    /// The last attempt, whatever came of it.
    pub tried_at: DateTime<Utc>,
    /// Since when every read failed (`None`: the last one succeeded).
    pub failing_since: Option<DateTime<Utc>>,
    /// What the last failure was (no address, no personal data: e.g. "HTTP 404").
    pub problem: Option<String>,
}

/// The busy times of providers' calendars, kept per provider-month.
#[async_trait]
pub trait CalendarBusy: Send + Sync {
    /// Replaces, for each of `months`, `provider`'s busy lock units there by the given unit
    /// starts (an empty list clears the month), and records a successful read at `read_at`.
    async fn put_busy(
        &self,
        provider: &ProviderId,
        months: &[(LockMonth, Vec<DateTime<Utc>>)],
        read_at: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Records a failed read at `at`: the busy times kept stay as they were.
    async fn calendar_failed(
        &self,
        provider: &ProviderId,
        at: DateTime<Utc>,
        problem: &str,
    ) -> Result<(), StoreError>;

    /// What is known of `provider`'s calendar reads (`None`: never tried).
    async fn calendar_status(
        &self,
        provider: &ProviderId,
    ) -> Result<Option<CalendarStatus>, StoreError>;
}

/// Why a calendar could not be fetched. The text names no address (it may hold a secret
/// token) and no personal data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CalendarFetchError(pub String);

/// Fetching a calendar's text: bounded in size and time, from the configured host only.
#[async_trait]
pub trait CalendarFetch: Send + Sync {
    /// The calendar's text as served now: all of a published calendar, or a CalDAV
    /// collection's events that touch `[from, to)` (in one iCalendar text).
    async fn fetch(
        &self,
        calendar: &Calendar,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<String, CalendarFetchError>;
}
