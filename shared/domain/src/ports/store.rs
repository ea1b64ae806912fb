//! The store's ports, one per kind of access (see the table in [`super`]). Callers compose
//! them: showing availability reads the partitions [`crate::availability::lock_partitions`]
//! names; cancelling first `get`s the appointment (to check the token and the cutoff and to
//! know its locks), then `cancel`s it.

use crate::appointment::{Appointment, Canceller};
use crate::challenge::SolvedChallenge;
use crate::closure::StaffClosure;
use crate::feedback::Suppression;
use crate::ids::{AppointmentId, ProviderId};
use crate::mail_cap::MailCap;
use crate::patron::FreeText;
use crate::slot_lock::{LockMonth, SlotLock};
use crate::staff::AuditEntry;
use crate::token::TokenHash;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::fmt;

pub use super::conditions::{CreateConditions, MoveConditions};

/// How long a store remembers an idempotency key, in seconds (both adapters).
pub const IDEMPOTENCY_KEY_TTL_SECONDS: i64 = 24 * 3600;

/// A client-chosen key that makes a create safe to retry: 1–128 visible ASCII characters
/// (the site sends a UUID).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// The key, if `raw` is acceptable: 1-128 visible ASCII characters but the comma (the
    /// separator of a repeated header, as API Gateway joins them).
    pub fn parse(raw: &str) -> Option<Self> {
        let ok = !raw.is_empty()
            && raw.len() <= 128
            && raw.bytes().all(|b| b.is_ascii_graphic() && b != b',');
        ok.then(|| IdempotencyKey(raw.to_owned()))
    }

    /// The key as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdempotencyKey({})", self.0)
    }
}

/// What a create did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Created {
    /// The appointment was stored now.
    New(Appointment),
    /// A request with the same idempotency key stored this appointment before; nothing was
    /// written and no mail should be sent again.
    Replayed(Appointment),
}

/// Why the store refused or failed an operation. Messages carry no personal data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// Another appointment holds at least one of the slot locks; nothing was written.
    #[error("the slot is taken")]
    SlotTaken,
    /// The bot check's challenge was used before; nothing was written.
    #[error("the challenge was used before")]
    ChallengeUsed,
    /// The patron holds as many active appointments as the limit allows; nothing was written.
    #[error("the patron holds as many appointments as allowed")]
    PatronLimit,
    /// Mail to the patron's address bounced for good before; nothing was written.
    #[error("mail to the patron's address bounced before")]
    Undeliverable,
    /// The address was sent as much unasked mail today as the library allows (see
    /// [`crate::mail_cap`]); nothing was written.
    #[error("the address had as much mail today as allowed")]
    MailCapped,
    /// The idempotency key was used before for a different request.
    #[error("the idempotency key was used for a different request")]
    IdempotencyMismatch,
    /// The appointment is no longer booked with that token (changed since it was read).
    #[error("the appointment is not booked with that token")]
    NotBooked,
    /// The appointment changed since it was read (its version moved); nothing was written.
    #[error("the appointment changed since it was read")]
    Changed,
    /// The store asked us to slow down; safe to retry later.
    #[error("the store is throttling requests")]
    Throttled,
    /// A concurrent transaction touched the same items; safe to retry.
    #[error("a concurrent transaction conflicted")]
    Conflict,
    /// The store could not be reached or failed.
    #[error("the store is unavailable: {0}")]
    Unavailable(String),
    /// An item did not have the expected shape.
    #[error("a stored item is malformed: {0}")]
    Corrupt(String),
}

/// A pushed library configuration: its `library.toml` source and the version it was pushed
/// as (a digest of the source: the same file pushed twice is one version).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredConfig {
    /// The validated `library.toml`.
    pub source: String,
    /// Its version.
    pub version: String,
}

/// The library configuration pushed by staff (`rantevou config push`): read whole at a start,
/// then only its version, at most once a minute, to see whether a new one was pushed.
#[async_trait]
pub trait ConfigSource: Send + Sync {
    /// The stored configuration, if one was pushed.
    async fn load_config(&self) -> Result<Option<StoredConfig>, StoreError>;
    /// Only the stored configuration's version (a read of a few bytes), if one was pushed.
    async fn config_version(&self) -> Result<Option<String>, StoreError>;
}

/// The addresses that bounced for good or whose owner complained ([`Suppression`]), by
/// patron key (the keyed digest of the normalised address): the mail-events handler writes
/// them, the scheduler reads them before the mail it sends unasked, a booking checks them.
#[async_trait]
pub trait Suppressions: Send + Sync {
    /// What is known of the address with `patron_key`.
    async fn suppression(&self, patron_key: &str) -> Result<Option<Suppression>, StoreError>;
    /// Records `suppression` of the address, kept until `until`; a bounce outweighs a
    /// complaint (a complaint never turns a bounce back).
    async fn suppress(
        &self,
        patron_key: &str,
        suppression: &Suppression,
        until: DateTime<Utc>,
    ) -> Result<(), StoreError>;
}

/// The closures staff added in the store (`rantevou closure add`): availability and booking
/// read them on every request, so they take effect at once.
#[async_trait]
pub trait ClosureReader: Send + Sync {
    /// Every closure staff added, in the order added.
    async fn staff_closures(&self) -> Result<Vec<StaffClosure>, StoreError>;
}

/// Adding and removing staff closures.
#[async_trait]
pub trait ClosureWriter: ClosureReader {
    /// Adds `closure` (its id new).
    async fn add_closure(&self, closure: &StaffClosure) -> Result<(), StoreError>;
    /// Removes the closure with `id`; `false` when there was none.
    async fn remove_closure(&self, id: &str) -> Result<bool, StoreError>;
}

/// The audit record of staff actions: written after each, read on the appointment's page.
#[async_trait]
pub trait AuditLog: Send + Sync {
    /// Adds `entry`, kept until `keep_until` (then the store may forget it).
    async fn record_audit(
        &self,
        entry: &AuditEntry,
        keep_until: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// The entries about `subject` (an appointment's id, or the library), oldest first.
    async fn audit_of(&self, subject: &str) -> Result<Vec<AuditEntry>, StoreError>;
}

/// What staff read: a provider's appointments in a time range, and everything stored about one
/// patron.
#[async_trait]
pub trait Agenda: Send + Sync {
    /// `provider`'s appointments starting in `[from, to)`, in start order, whatever their
    /// status (expired ones included; callers hide them).
    async fn agenda(
        &self,
        provider: &ProviderId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Appointment>, StoreError>;

    /// Every appointment of the patron with key `patron` (see [`Appointment::patron_key`]),
    /// past and future, in start order.
    async fn of_patron(&self, patron: &str) -> Result<Vec<Appointment>, StoreError>;
}

/// The slot locks held (and the staff closures): what availability subtracts.
#[async_trait]
pub trait LockReader: ClosureReader {
    /// The locks held on `provider`'s time in `month` at `now` (a lapsed hold's are free).
    async fn locks(
        &self,
        provider: &ProviderId,
        month: LockMonth,
        now: DateTime<Utc>,
    ) -> Result<Vec<SlotLock>, StoreError>;
}

/// Where bookings are written (a booking checks the staff closures too).
#[async_trait]
pub trait Bookings: ClosureReader + BookingRate {
    /// Stores a new booked (or held) appointment together with every one of its locks,
    /// atomically: either all are written or none. Refuses with [`StoreError::SlotTaken`] when
    /// any lock is held (a lock whose hold lapsed by the appointment's `created_at` is free and
    /// is taken over). A held appointment's locks and place are marked with its hold's end. With an idempotency key, a repeat of the same request returns
    /// [`Created::Replayed`] with the first appointment. With a patron limit, the same write
    /// takes one of the patron's `max` places (a place is free when unused, or when the
    /// appointment holding it has started or its hold lapsed); none free is [`StoreError::PatronLimit`]. The
    /// stored appointment names its place. With a challenge, the same write marks it used.
    async fn create(
        &self,
        appointment: &Appointment,
        conditions: &CreateConditions<'_>,
    ) -> Result<Created, StoreError>;
}

/// Reading one appointment.
#[async_trait]
pub trait Appointments: Send + Sync {
    /// The appointment with this id, unless unknown or past its retention date at `now`.
    async fn get(
        &self,
        id: AppointmentId,
        now: DateTime<Utc>,
    ) -> Result<Option<Appointment>, StoreError>;
}

/// How many bookings were made lately, across every patron: the bot check's work grows with it
/// (see [`crate::challenge::adaptive_difficulty`]).
#[async_trait]
pub trait BookingRate: Send + Sync {
    /// Counts `n` bookings made by `at` (best effort: a lost count only makes the next
    /// challenges a little easier). The app adds up its own bookings and counts them when it
    /// reads the rate, so that no booking waits for this write.
    async fn count_bookings(&self, at: DateTime<Utc>, n: u32) -> Result<(), StoreError>;

    /// About how many bookings were made in the ten minutes before `now`.
    async fn recent_bookings(&self, now: DateTime<Utc>) -> Result<u32, StoreError>;
}

/// The ten-minute window of the booking rate `at` falls in (Unix seconds / 600).
pub fn rate_window(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(RATE_WINDOW_SECONDS)
}

/// The length of one window of [`BookingRate`], in seconds.
pub const RATE_WINDOW_SECONDS: i64 = 600;

/// The bookings of the ten minutes before `now`, from the counts of `now`'s window and the one
/// before it: the earlier window weighted by how much of it is still inside the ten minutes.
pub fn recent_from_windows(now: DateTime<Utc>, current: u32, previous: u32) -> u32 {
    let into = now.timestamp().rem_euclid(RATE_WINDOW_SECONDS);
    let earlier =
        u64::from(previous) * (RATE_WINDOW_SECONDS - into) as u64 / RATE_WINDOW_SECONDS as u64;
    current.saturating_add(u32::try_from(earlier).unwrap_or(u32::MAX))
}

/// The daily allowance of unasked mail of each address (see [`crate::mail_cap`]), for the
/// mail that is queued by no other write (a resend, the waiting list's join).
#[async_trait]
pub trait MailCaps: Send + Sync {
    /// Takes `cap.weight` places of the counter `cap.key`, on condition that it stays within
    /// `cap.max`; [`StoreError::MailCapped`] (nothing taken) when it would not.
    async fn take_mail_places(&self, cap: &MailCap) -> Result<(), StoreError>;
}

/// What the resend of a patron's links needs: a patron's upcoming appointments, a bot check's
/// challenge used once, and a ceiling on how often one address is mailed.
#[async_trait]
pub trait Resends: MailCaps + BookingRate + Suppressions {
    /// The appointments of the patron with key `patron` (see [`Appointment::patron_key`])
    /// that start after `now`, in start order, whatever their status (at most a page of them).
    async fn upcoming_of(
        &self,
        patron: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<Appointment>, StoreError>;

    /// Marks the bot check's challenge used; used before is [`StoreError::ChallengeUsed`]
    /// (the same record a booking's challenge is kept in, so neither can reuse the other's).
    async fn use_challenge(&self, challenge: &SolvedChallenge) -> Result<(), StoreError>;

    /// Whether `patron` may be mailed their links now: `true` (and remembered until `until`)
    /// unless an earlier resend's mark is still in force at `now`.
    async fn resend_allowed(
        &self,
        patron: &str,
        until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
}

/// Where held bookings are confirmed.
#[async_trait]
pub trait Confirmations: Send + Sync {
    /// Books a held appointment (as read by [`Appointments::get`]) at `at`: booked, its locks
    /// and its patron's place kept until cancelled or started, the confirmation pending; on
    /// condition that it is still held with the same token hash, its hold has not lapsed at
    /// `at`, and every lock is still its own. Returns the booked appointment;
    /// [`StoreError::NotBooked`] when the appointment's condition fails, and
    /// [`StoreError::SlotTaken`] when a lock was taken over after the hold lapsed.
    async fn confirm(
        &self,
        appointment: &Appointment,
        at: DateTime<Utc>,
    ) -> Result<Appointment, StoreError>;
}

/// Where cancellations are written.
#[async_trait]
pub trait Cancellations: Send + Sync {
    /// Marks a booked or held appointment (as read by [`Appointments::get`]) cancelled and
    /// frees its locks and its patron's place, atomically, on condition that it is still in the
    /// same status with the same token hash.
    /// Returns the cancelled appointment; [`StoreError::NotBooked`] when the condition fails.
    /// Records `by` as who cancelled it.
    async fn cancel_by(
        &self,
        appointment: &Appointment,
        at: DateTime<Utc>,
        reason: &FreeText,
        by: Canceller,
    ) -> Result<Appointment, StoreError>;

    /// [`Cancellations::cancel_by`] the patron.
    async fn cancel(
        &self,
        appointment: &Appointment,
        at: DateTime<Utc>,
        reason: &FreeText,
    ) -> Result<Appointment, StoreError> {
        self.cancel_by(appointment, at, reason, Canceller::Patron)
            .await
    }
}

/// Where a patron's move to another time is written.
#[async_trait]
pub trait Reschedules: ClosureReader + BookingRate {
    /// Moves `read` (as read by [`Appointments::get`]) to `moved` (`read` moved by
    /// [`Appointment::moved`]) at `at`, in one atomic write: `moved` replaces the appointment on
    /// condition that it is still booked with the same token hash and at `read.version`; the
    /// locks of `read` that `moved` does not hold are released and those it newly holds taken
    /// (free, or held by a hold lapsed at `at`; a lock both hold is left as it is); the
    /// patron's place follows the new time; the bot check's challenge is marked used and the
    /// "moved" mail takes its places of the address's allowance, as `conditions` say. Returns
    /// what was stored (version raised).
    /// [`StoreError::SlotTaken`] when another appointment holds a new lock,
    /// [`StoreError::Changed`] when the appointment's condition fails,
    /// [`StoreError::ChallengeUsed`], [`StoreError::MailCapped`]; nothing is written then.
    async fn reschedule(
        &self,
        read: &Appointment,
        moved: &Appointment,
        at: DateTime<Utc>,
        conditions: &MoveConditions<'_>,
    ) -> Result<Appointment, StoreError>;
}

/// Changing one appointment where no lock, place or status moves: the mail bookkeeping (a
/// message sent, a failed attempt, the scheduler's claim), the video-call link, anonymising.
#[async_trait]
pub trait AppointmentUpdates: Send + Sync {
    /// Writes `next` (the appointment `read` changed) on condition that the stored one is still
    /// at `read.version`, raising the version; returns what was stored.
    /// [`StoreError::Changed`] when another write came between (nothing is written; read it
    /// again and decide again); [`StoreError::Corrupt`] if `next` changes the id, the status,
    /// the token or the locks (those have their own conditioned writes).
    async fn update(
        &self,
        read: &Appointment,
        next: &Appointment,
    ) -> Result<Appointment, StoreError>;

    /// [`AppointmentUpdates::update`] for the record that a message went: a store may make it
    /// durable with its next write rather than wait for the disk (SQLite: no `fsync` of its
    /// own), since losing it in a power cut means only that the same message is sent once more
    /// (the design allows one identical resend); never for anything a person was answered.
    async fn record_delivery(
        &self,
        read: &Appointment,
        next: &Appointment,
    ) -> Result<Appointment, StoreError> {
        self.update(read, next).await
    }
}

/// What the staff commands use: reading, cancelling and changing appointments, the agenda,
/// and the closures.
pub trait StaffStore:
    Appointments
    + super::CalendarBusy
    + Cancellations
    + AppointmentUpdates
    + Agenda
    + ClosureWriter
    + MailLog
    + AuditLog
    + Outcomes
{
}

impl<T> StaffStore for T where
    T: Appointments
        + super::CalendarBusy
        + Cancellations
        + AppointmentUpdates
        + Agenda
        + ClosureWriter
        + MailLog
        + AuditLog
        + Outcomes
{
}

/// Where deliveries are recorded: conditioned updates, and the appointment read again when
/// another write came between.
pub trait MailLog: AppointmentUpdates + Appointments {}

impl<T: AppointmentUpdates + Appointments> MailLog for T {}

/// The mail due to send, for the retry path.
#[async_trait]
pub trait MailQueue: Send + Sync {
    /// Appointments whose next mail (pending or timed) is due at `now`, the longest due first,
    /// at most
    /// `limit` (the next call, after these were sent or put off, returns the next ones).
    async fn due_mail(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Appointment>, StoreError>;

    /// Replaces the token hash of an appointment whose confirmation (or request to confirm) is
    /// still unsent, on condition that the hash is still `old`: a retried mail whose key was
    /// retired carries a fresh link. [`StoreError::NotBooked`] when the condition fails.
    async fn replace_token(
        &self,
        id: AppointmentId,
        old: TokenHash,
        new: TokenHash,
    ) -> Result<(), StoreError>;
}

/// The anonymous outcome records (see [`crate::statistics`]): written once an appointment's
/// outcome is known, kept for years (no expiry), read by month for the statistics.
#[async_trait]
pub trait Outcomes: Send + Sync {
    /// Writes `record` under `next.outcome_key` (replacing the record there, if any) and
    /// `next` (the appointment `read`, naming the key), both or neither, on condition that the
    /// stored appointment is still at `read.version`; returns the appointment as stored.
    /// [`StoreError::Changed`] when another write came between; [`StoreError::Corrupt`] if
    /// `next` has no key or changes what [`AppointmentUpdates::update`] may not.
    async fn record_outcome(
        &self,
        read: &Appointment,
        next: &Appointment,
        record: &crate::statistics::OutcomeRecord,
    ) -> Result<Appointment, StoreError>;

    /// The records of the months `from` to `to` (`YYYY-MM`, both included), in no order.
    async fn outcomes(
        &self,
        from: &str,
        to: &str,
    ) -> Result<Vec<crate::statistics::OutcomeRecord>, StoreError>;

    /// The last UTC day whose appointments were all counted, if any was.
    async fn counted_through(&self) -> Result<Option<chrono::NaiveDate>, StoreError>;

    /// Records that every appointment of `day` (UTC) and before was counted.
    async fn set_counted_through(&self, day: chrono::NaiveDate) -> Result<(), StoreError>;
}
