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
        answers: Default::default(),
        from_waitlist: false,
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
        Status::Cancelled {
            at: when, reason, ..
        } => {
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

/// Tuesday 1 December 2026 at `hh:mm` Athens.
fn dec1(hh: u32, mm: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, hh - 2, mm, 0).unwrap()
}

#[test]
fn timed_mail_is_scheduled_at_booking_skipping_moments_already_past() {
    // Sample policy: link an hour before, one reminder a day before; a manual meeting.
    let (a, _, _) = booked_at(dec1(9, 0), dec1(9, 0) - Duration::days(2), 0);
    assert_eq!(a.reminders, vec![dec1(9, 0) - Duration::days(1)]);
    assert_eq!(a.meeting.url, None, "manual: staff send it");
    // The link mail's moment is kept: without a link then, the provider's mailbox is told.
    assert_eq!(a.meeting.due, Some(dec1(8, 0)));
    assert_eq!(a.link_alert_due(), Some(dec1(8, 0)));
    assert!(a.mail_due_at(dec1(8, 0)).contains(&MailKind::LinkMissing));
    assert_eq!(a.consent.as_ref().map(|c| c.at), Some(a.created_at));
    // Booked 3 hours before: the day-before moment had passed; the link's has not.
    let (late, _, _) = booked_at(dec1(12, 0), dec1(9, 0), 0);
    assert!(late.reminders.is_empty());
    assert_eq!(late.timed_due(), Some(dec1(11, 0)));
    // Once it has started without a link there is nothing left to alert.
    let mut started = late.clone();
    assert!(started.drop_stale_timed(dec1(12, 0)));
    assert_eq!(started.timed_due(), None);
    assert!(!started
        .mail_due_at(dec1(12, 0))
        .contains(&MailKind::LinkMissing));
}

#[test]
fn a_hold_waits_for_its_end_and_a_cancel_drops_the_timed_mail() {
    let start = dec1(9, 0);
    let now = start - Duration::days(1) - Duration::minutes(10);
    let (held, _, _) = booked_at(start, now, 30);
    let reminder = start - Duration::days(1);
    assert_eq!(held.reminders, vec![reminder]);
    let until = held.hold_until().unwrap();
    assert_eq!(held.timed_due(), Some(until), "not before the hold ends");
    assert!(
        held.mail_due_at(until)
            .iter()
            .all(|k| *k != MailKind::Reminder),
        "held: none"
    );
    let mut lapsed = held.clone();
    assert!(lapsed.drop_stale_timed(until), "lapsed: dropped");
    assert!(lapsed.reminders.is_empty());
    let booked = held.clone().confirmed(now);
    assert_eq!(
        booked.mail_due_at(reminder),
        vec![MailKind::Confirmation, MailKind::Reminder]
    );
    let cancelled = booked.cancelled(now, FreeText::parse("").unwrap());
    assert!(cancelled.reminders.is_empty() && cancelled.timed_due().is_none());
}

#[test]
fn a_link_mail_sent_before_staff_changed_the_link_stays_due() {
    let (a, _, _) = booked(dec1(9, 0));
    let now = dec1(8, 0);
    let v1 = a
        .clone()
        .with_link("https://meet.example.org/1".into(), now);
    assert_eq!((v1.meeting.version, v1.meeting.due), (1, Some(now)));
    assert_eq!(
        v1.mail_due_at(now),
        vec![MailKind::Confirmation, MailKind::Link]
    );
    let v2 = v1
        .clone()
        .with_link("https://meet.example.org/2".into(), now);
    // The mail rendered from v1 went; the record lands on v2: v2's own mail is still due.
    let merged = v2.clone().after_sent(MailKind::Link, &v1, now);
    assert_eq!(merged.meeting.due, Some(now));
    let done = v2.clone().after_sent(MailKind::Link, &v2, now);
    assert_eq!(done.meeting.due, None);
    // Two reminders overdue at once: one mail clears both.
    let mut two = a.clone();
    two.reminders = vec![dec1(7, 0), dec1(8, 0)];
    let after = two.after_sent(MailKind::Reminder, &a, dec1(8, 30));
    assert!(after.reminders.is_empty());
}
