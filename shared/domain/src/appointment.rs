//! The appointment and its lifecycle: `booked → cancelled`.

use crate::ids::{AppointmentId, ProviderId, ServiceId};
use crate::patron::{FreeText, PatronDetails};
use crate::policy::Policy;
use crate::provider::Provider;
use crate::service::Service;
use crate::slot_lock::{locks_for, SlotLock};
use crate::token::{ManageToken, TokenHash};
use chrono::{DateTime, Utc};
use rand::{CryptoRng, RngCore};

/// Where an appointment is in its life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Holds its slot.
    Booked,
    /// Cancelled by the patron; its slot is free again.
    Cancelled {
        /// When it was cancelled.
        at: DateTime<Utc>,
        /// Why, as the patron wrote it (may be empty).
        reason: FreeText,
    },
}

/// A message the patron (and the provider's mailbox) gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MailKind {
    /// "Your appointment has been booked", with the manage link.
    Confirmation,
    /// "Your appointment was cancelled", with the reason.
    Cancellation,
}

/// A booked (or once booked) consultation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appointment {
    /// UUID v7 id.
    pub id: AppointmentId,
    /// The service booked.
    pub service: ServiceId,
    /// The provider holding it.
    pub provider: ProviderId,
    /// Start.
    pub start: DateTime<Utc>,
    /// End (buffer excluded).
    pub end: DateTime<Utc>,
    /// Who booked, the topic and the language.
    pub patron: PatronDetails,
    /// When it was booked.
    pub created_at: DateTime<Utc>,
    /// Booked or cancelled.
    pub status: Status,
    /// Hash of the manage token; the token itself is only in the patron's link.
    pub token_hash: TokenHash,
    /// The lock units it holds while booked.
    pub locks: Vec<SlotLock>,
    /// When its personal data is deleted: end + retention.
    pub expires_at: DateTime<Utc>,
    /// Mail not yet sent. Recorded with the booking (and the cancellation) in the same write,
    /// so a failed or interrupted send is never lost: the retry path sends what is listed here.
    pub pending_mail: Vec<MailKind>,
}

/// What a booking needs that the patron chose.
#[derive(Debug, Clone)]
pub struct BookingRequest<'a> {
    /// The service.
    pub service: &'a Service,
    /// The provider.
    pub provider: &'a Provider,
    /// The start, already checked against the schedule (see [`crate::availability::check_slot`]).
    pub start: DateTime<Utc>,
    /// The patron's parsed details.
    pub patron: PatronDetails,
}

impl Appointment {
    /// A new booked appointment and the manage token for the patron's link (shown once).
    pub fn book<R: RngCore + CryptoRng>(
        request: BookingRequest<'_>,
        policy: &Policy,
        now: DateTime<Utc>,
        rng: &mut R,
    ) -> (Appointment, ManageToken) {
        let token = ManageToken::generate(rng);
        let end = request.start + request.service.duration();
        let appointment = Appointment {
            id: AppointmentId::generate(now, rng),
            service: request.service.id.clone(),
            provider: request.provider.id.clone(),
            start: request.start,
            end,
            patron: request.patron,
            created_at: now,
            status: Status::Booked,
            token_hash: token.hash(),
            locks: locks_for(request.provider, request.start, request.service.occupied()),
            expires_at: end + policy.retention(),
            pending_mail: vec![MailKind::Confirmation],
        };
        (appointment, token)
    }

    /// Whether it still holds its slot.
    pub fn is_booked(&self) -> bool {
        self.status == Status::Booked
    }

    /// Whether the personal data has passed its retention date (the store hides it then, even
    /// before DynamoDB's TTL sweeper deletes it).
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        now >= self.expires_at
    }

    /// Decides whether the patron may cancel at `now`. Cancelling twice is harmless: an
    /// appointment already cancelled answers [`CancelDecision::AlreadyCancelled`].
    pub fn may_cancel(
        &self,
        policy: &Policy,
        now: DateTime<Utc>,
    ) -> Result<CancelDecision, CancelError> {
        match self.status {
            Status::Cancelled { .. } => Ok(CancelDecision::AlreadyCancelled),
            Status::Booked if now >= self.start - policy.cancel_cutoff() => {
                Err(CancelError::TooLate {
                    cutoff_minutes: policy.cancel_cutoff_minutes,
                })
            }
            Status::Booked => Ok(CancelDecision::Cancel),
        }
    }

    /// The appointment after cancellation at `at` for `reason` (its locks are released).
    pub fn cancelled(mut self, at: DateTime<Utc>, reason: FreeText) -> Appointment {
        self.status = Status::Cancelled { at, reason };
        if !self.pending_mail.contains(&MailKind::Cancellation) {
            self.pending_mail.push(MailKind::Cancellation);
        }
        self
    }

    /// Whether `kind` is still to be sent.
    pub fn mail_pending(&self, kind: MailKind) -> bool {
        self.pending_mail.contains(&kind)
    }
}

/// What cancelling at a given moment would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelDecision {
    /// Go ahead: change the status and free the locks.
    Cancel,
    /// Nothing to do; answer as if it had just been cancelled, and send no second mail.
    AlreadyCancelled,
}

/// Why an appointment cannot be cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CancelError {
    /// Past the cancellation cutoff (or the appointment has started).
    #[error("appointments can be cancelled until {cutoff_minutes} minutes before they start")]
    TooLate {
        /// The policy's cutoff.
        cutoff_minutes: u32,
    },
}

#[cfg(test)]
#[path = "tests/appointment.rs"]
mod tests;
