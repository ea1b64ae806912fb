//! Unit tests of `appointment`.

use super::*;
use crate::config::LibraryConfig;
use crate::language::Language;
use crate::patron::{parse_patron_input, PatronInput};
use chrono::{Duration, TimeZone};
use rand::rngs::OsRng;

fn config() -> LibraryConfig {
    LibraryConfig::from_toml_str(include_str!("../../../../infra/library.toml")).unwrap()
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
