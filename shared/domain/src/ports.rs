//! The ports: what the domain needs from the outside world, implemented by the adapters in
//! `shared/store` (DynamoDB, SQLite) and `shared/mail` (SES v2, outbox folder).
//!
//! Each method is one operation of the API and, on DynamoDB, one round trip:
//! `create` and `cancel` are one `TransactWriteItems` each, `get` one `GetItem`, `locks` one
//! `Query` on a provider-month partition. Callers compose them: showing availability reads
//! the partitions [`crate::availability::lock_partitions`] names; cancelling first `get`s the
//! appointment (to check the token and the cutoff and to know its locks), then `cancel`s it.

use crate::appointment::{Appointment, MailKind};
use crate::ids::{AppointmentId, ProviderId};
use crate::patron::FreeText;
use crate::slot_lock::{LockMonth, SlotLock};
use crate::token::TokenHash;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::fmt;

/// A client-chosen key that makes a create safe to retry: 1–128 visible ASCII characters
/// (the site sends a UUID).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// The key, if `raw` is acceptable.
    pub fn parse(raw: &str) -> Option<Self> {
        let ok = !raw.is_empty() && raw.len() <= 128 && raw.bytes().all(|b| b.is_ascii_graphic());
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
    /// The idempotency key was used before for a different request.
    #[error("the idempotency key was used for a different request")]
    IdempotencyMismatch,
    /// The appointment is no longer booked with that token (changed since it was read).
    #[error("the appointment is not booked with that token")]
    NotBooked,
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

/// Where appointments and their slot locks live.
#[async_trait]
pub trait AppointmentStore: Send + Sync {
    /// Stores a new booked appointment together with every one of its locks, atomically:
    /// either all are written or none. Refuses with [`StoreError::SlotTaken`] when any lock is
    /// held. With an idempotency key, a repeat of the same request returns
    /// [`Created::Replayed`] with the first appointment.
    async fn create(
        &self,
        appointment: &Appointment,
        idempotency_key: Option<&IdempotencyKey>,
    ) -> Result<Created, StoreError>;

    /// The appointment with this id, unless unknown or past its retention date at `now`.
    async fn get(
        &self,
        id: AppointmentId,
        now: DateTime<Utc>,
    ) -> Result<Option<Appointment>, StoreError>;

    /// Marks a booked appointment (as read by [`AppointmentStore::get`]) cancelled and frees its
    /// locks, atomically, on condition that it is still booked with the same token hash.
    /// Returns the cancelled appointment; [`StoreError::NotBooked`] when the condition fails.
    async fn cancel(
        &self,
        appointment: &Appointment,
        at: DateTime<Utc>,
        reason: &FreeText,
    ) -> Result<Appointment, StoreError>;

    /// The locks held on `provider`'s time in `month`.
    async fn locks(
        &self,
        provider: &ProviderId,
        month: LockMonth,
    ) -> Result<Vec<SlotLock>, StoreError>;

    /// Records that `kind` of appointment `id` was sent (it leaves the pending list).
    async fn mail_sent(&self, id: AppointmentId, kind: MailKind) -> Result<(), StoreError>;

    /// Appointments with mail still to send, oldest first, at most `limit`.
    async fn pending_mail(&self, limit: usize) -> Result<Vec<Appointment>, StoreError>;

    /// Replaces the token hash of an appointment whose confirmation is still unsent, on
    /// condition that the hash is still `old`: a retried confirmation carries a fresh link,
    /// since only hashes are kept. [`StoreError::NotBooked`] when the condition fails.
    async fn replace_token(
        &self,
        id: AppointmentId,
        old: TokenHash,
        new: TokenHash,
    ) -> Result<(), StoreError>;
}

/// A file attached to a mail, such as the `.ics` invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// File name shown to the reader.
    pub filename: String,
    /// MIME type, e.g. `text/calendar; method=REQUEST`.
    pub content_type: String,
    /// The bytes.
    pub content: Vec<u8>,
}

/// A mail to send: content already rendered, recipients already validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    /// Recipients' addresses.
    pub to: Vec<String>,
    /// Subject line (one line, no control characters).
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
    /// Attachments.
    pub attachments: Vec<Attachment>,
}

/// Why a mail was not sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    /// The mail service refused the message (e.g. unverified sender); retrying as is won't help
    /// until staff fix the cause.
    #[error("the mail service rejected the message: {0}")]
    Rejected(String),
    /// The mail service could not be reached or failed; retry later.
    #[error("the mail service is unavailable: {0}")]
    Unavailable(String),
}

/// Sends mail.
#[async_trait]
pub trait Mailer: Send + Sync {
    /// Sends one mail.
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError>;
}
