//! An appointment's lifecycle: booked from an offered slot, cancelled until the cutoff.

use chrono::{DateTime, Duration, TimeZone, Utc};
use rand::rngs::OsRng;
use rantevou_domain::appointment::{Appointment, BookingRequest, CancelDecision, Status, TooLate};
use rantevou_domain::availability::check_slot;
use rantevou_domain::patron::FreeText;
use rantevou_domain::{LibraryConfig, ManageToken};
use rantevou_testkit::{patron, sample_config};

/// Booked through the rules: the slot `check_slot` offers is the one booked.
fn booked(start: DateTime<Utc>) -> (Appointment, ManageToken, LibraryConfig) {
    let config = sample_config();
    let now = start - Duration::days(1);
    let slot = check_slot(
        &config,
        &config.services[0],
        &config.providers[0],
        start,
        now,
    )
    .expect("an offered start");
    let locks = slot.locks.clone();
    let request = BookingRequest {
        slot,
        patron: patron("Κατερίνα"),
    };
    let (a, t) = Appointment::book(
        request,
        &rantevou_testkit::keys(),
        &config.policy,
        now,
        &mut OsRng,
    );
    assert_eq!(a.locks, locks, "the locks checked are the locks booked");
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
        Err(TooLate { cutoff_minutes: 60 })
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
