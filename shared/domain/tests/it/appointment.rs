//! An appointment's lifecycle: booked (or held) from an offered slot, confirmed while held,
//! cancelled until the cutoff.

use chrono::{DateTime, Duration, TimeZone, Utc};
use rand::rngs::OsRng;
use rantevou_domain::appointment::{
    Appointment, BookingRequest, CancelDecision, ConfirmDecision, MailKind, NotConfirmable, Status,
    TooLate,
};
use rantevou_domain::availability::check_slot;
use rantevou_domain::patron::FreeText;
use rantevou_domain::{LibraryConfig, ManageToken};
use rantevou_testkit::{patron, sample_config};

/// Booked through the rules: the slot `check_slot` offers is the one booked.
fn booked(start: DateTime<Utc>) -> (Appointment, ManageToken, LibraryConfig) {
    booked_at(start, start - Duration::days(1), 0)
}

/// Booked at `now` under a policy holding bookings `hold_minutes`.
fn booked_at(
    start: DateTime<Utc>,
    now: DateTime<Utc>,
    hold_minutes: u32,
) -> (Appointment, ManageToken, LibraryConfig) {
    let mut config = sample_config();
    config.policy.hold_minutes = hold_minutes;
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
        consent: rantevou_testkit::consent(&config, now),
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
        other => panic!("not cancelled: {other:?}"),
    }
}

#[test]
fn a_held_booking_is_confirmed_before_its_hold_ends_and_lapses_after() {
    let start = Utc.with_ymd_and_hms(2026, 12, 1, 7, 0, 0).unwrap();
    let now = start - Duration::days(1);
    let (a, _, config) = booked_at(start, now, 30);
    let until = now + Duration::minutes(30);
    assert_eq!(a.status, Status::Held { until });
    assert_eq!(a.pending_mail, vec![MailKind::ConfirmRequest]);
    assert!(!a.is_booked());
    assert_eq!(
        a.active_until(),
        until,
        "its place counts until the hold ends"
    );
    assert!(!a.is_lapsed(until - Duration::seconds(1)));
    assert!(a.is_lapsed(until));
    assert_eq!(
        a.may_confirm(until - Duration::seconds(1)),
        Ok(ConfirmDecision::Confirm)
    );
    assert_eq!(a.may_confirm(until), Err(NotConfirmable::Lapsed));
    assert_eq!(
        a.may_cancel(&config.policy, until),
        Ok(CancelDecision::Lapsed)
    );
    let confirmed_at = now + Duration::minutes(10);
    let booked = a.clone().confirmed(confirmed_at);
    assert!(booked.is_booked());
    assert_eq!(booked.pending_mail, vec![MailKind::Confirmation]);
    assert_eq!(booked.delivery.due, Some(confirmed_at));
    assert_eq!(booked.active_until(), start);
    assert_eq!(
        booked.may_confirm(start),
        Ok(ConfirmDecision::AlreadyConfirmed)
    );
    // Cancelled while held: no mail at all (the address was never verified).
    let cancelled = a.cancelled(confirmed_at, FreeText::parse("").unwrap());
    assert!(cancelled.pending_mail.is_empty());
    assert_eq!(cancelled.delivery.due, None);
    assert_eq!(
        cancelled.may_confirm(confirmed_at),
        Err(NotConfirmable::Cancelled)
    );
}

#[test]
fn a_hold_never_outlasts_the_start() {
    let start = Utc.with_ymd_and_hms(2026, 12, 1, 7, 0, 0).unwrap();
    let now = start - Duration::hours(3);
    let (a, _, _) = booked_at(start, now, 24 * 60);
    assert_eq!(a.hold_until(), Some(start));
    assert_eq!(a.may_confirm(start), Err(NotConfirmable::Lapsed));
}
