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
        self
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
mod tests {
    use super::*;
    use crate::config::LibraryConfig;
    use crate::language::Language;
    use crate::patron::{parse_patron_input, PatronInput};
    use chrono::{Duration, TimeZone};
    use rand::rngs::OsRng;

    fn config() -> LibraryConfig {
        LibraryConfig::from_toml_str(include_str!("../../../infra/library.toml")).unwrap()
    }

    fn patron() -> PatronDetails {
        let input = PatronInput {
            name: Some("Κατερίνα".into()),
            email: Some("k@example.org".into()),
            phone: Some("6900000000".into()),
            notes: Some("άρθρα".into()),
            language: Some("el".into()),
            accept_terms: Some(true),
            accept_privacy: Some(true),
        };
        parse_patron_input(&input, Default::default(), Language::El).unwrap()
    }

    fn booked(start: DateTime<Utc>) -> (Appointment, ManageToken, LibraryConfig) {
        let config = config();
        let request = BookingRequest {
            service: &config.services[0],
            provider: &config.providers[0],
            start,
            patron: patron(),
        };
        let now = start - Duration::days(1);
        let (a, t) = Appointment::book(request, &config.policy, now, &mut OsRng);
        (a, t, config)
    }

    #[test]
    fn booking_sets_end_locks_expiry_and_token_hash() {
        let start = Utc.with_ymd_and_hms(2026, 12, 1, 7, 0, 0).unwrap();
        let (a, token, _) = booked(start);
        assert_eq!(a.end, start + Duration::minutes(20));
        assert_eq!(a.locks.len(), 1);
        assert_eq!(a.expires_at, a.end + Duration::days(90));
        assert!(a.token_hash.verify(token.expose()));
        assert!(a.is_booked());
        assert!(!a.is_expired(a.end + Duration::days(89)));
        assert!(a.is_expired(a.end + Duration::days(90)));
    }

    #[test]
    fn cancelling_is_allowed_until_the_cutoff_and_idempotent_after() {
        let start = Utc.with_ymd_and_hms(2026, 12, 1, 7, 0, 0).unwrap();
        let (a, _, config) = booked(start);
        let policy = &config.policy;
        assert_eq!(
            a.may_cancel(policy, start - Duration::minutes(61)),
            Ok(CancelDecision::Cancel)
        );
        assert_eq!(
            a.may_cancel(policy, start - Duration::minutes(60)),
            Err(CancelError::TooLate { cutoff_minutes: 60 })
        );
        assert!(a.may_cancel(policy, start + Duration::minutes(5)).is_err());
        let at = start - Duration::hours(3);
        let cancelled = a.cancelled(at, FreeText::parse("αλλαγή ημερομηνίας").unwrap());
        assert!(!cancelled.is_booked());
        assert_eq!(
            cancelled.may_cancel(policy, start + Duration::hours(1)),
            Ok(CancelDecision::AlreadyCancelled)
        );
        match cancelled.status {
            Status::Cancelled { at: when, reason } => {
                assert_eq!(when, at);
                assert_eq!(reason.as_str(), "αλλαγή ημερομηνίας");
            }
            Status::Booked => panic!("still booked"),
        }
    }
}
