//! Moving an appointment (issue 16) on both stores: the mail says the old and the new time
//! and carries the same calendar event (one `UID`, a rising `SEQUENCE`, parsed back); the
//! reminders and the link mail follow the new time; a move too late, on a stale read, onto a
//! taken or unoffered time changes nothing.

use crate::world::{by, config, dec1, dynamo, World};
use chrono::{DateTime, Utc};
use icalendar::Component;
use rantevou_app::RescheduleError;
use rantevou_domain::appointment::MailKind;
use rantevou_domain::patron::{FieldCode, FreeText};
use rantevou_domain::ports::OutgoingMail;
use rantevou_domain::provider::Meeting;
use rantevou_store::{SqliteStore, Store};
use std::sync::Arc;

/// `(METHOD, UID, SEQUENCE, DTSTART)` of a mail's `.ics`, parsed.
fn event_of(mail: &OutgoingMail) -> (String, String, u32, String) {
    let text = String::from_utf8(mail.attachments[0].content.clone()).unwrap();
    let (method, event) = crate::support::calendar_event(&text);
    (
        method,
        event.get_uid().unwrap().to_owned(),
        event.property_value("SEQUENCE").unwrap().parse().unwrap(),
        event.property_value("DTSTART").unwrap().to_owned(),
    )
}

async fn a_move_mails_old_and_new_time_in_one_event_with_a_rising_sequence(store: Arc<dyn Store>) {
    let w = World::new(config(Meeting::Manual, vec![24 * 60]), store.clone());
    // Booked over an hour before the move: the provider's copy of the move goes at once.
    let earlier = rantevou_testkit::fixture_now() - chrono::Duration::minutes(61);
    let booked = w.at(earlier).book(dec1(10, 0), "Μαρία").await;
    let confirmation = w.mailer.take();
    let (method, uid, sequence, _) = event_of(&confirmation[0]);
    assert_eq!((method.as_str(), sequence), ("PUBLISH", 0));
    let read = store.get(booked.id, dec1(8, 0)).await.unwrap().unwrap();

    let moved = w
        .rescheduling()
        .reschedule(w.move_request(&read, dec1(11, 0), read.version))
        .await
        .unwrap();
    assert_eq!((moved.start, moved.end), (dec1(11, 0), dec1(11, 20)));
    assert_eq!(moved.reminders, [dec1(11, 0) - chrono::Duration::days(1)]);
    let mails = w.mailer.take();
    assert_eq!(mails.len(), 2, "the patron's and the provider's copy");
    let (patron, staff) = (&mails[0], &mails[1]);
    assert!(
        patron.subject.starts_with("Το ραντεβού σας άλλαξε"),
        "{}",
        patron.subject
    );
    assert!(
        patron.text.contains("Τρίτη 1 Δεκεμβρίου 2026, 10:00")
            && patron.text.contains("Τρίτη 1 Δεκεμβρίου 2026, 11:00")
    );
    assert!(
        patron.text.contains("/manage?token="),
        "the manage link: {}",
        patron.text
    );
    let (method, moved_uid, moved_sequence, start) = event_of(patron);
    assert_eq!(
        (method.as_str(), moved_uid.as_str()),
        ("PUBLISH", uid.as_str())
    );
    assert_eq!(moved_sequence, 1);
    assert_eq!(start, "20261201T090000Z");
    assert!(
        staff.subject.starts_with("Αλλαγή ώρας: 01/12 11:00"),
        "{}",
        staff.subject
    );
    assert!(
        staff.text.contains("Τρίτη 1 Δεκεμβρίου 2026, 10:00"),
        "the staff copy says from when"
    );
    assert_eq!(event_of(staff).1, uid);

    // The link, set after the move, and the cancellation: the same event, higher each time.
    let stored = store.get(booked.id, dec1(8, 0)).await.unwrap().unwrap();
    assert_eq!(
        moved.version, stored.version,
        "the answer names the version a next move must"
    );
    w.staff()
        .send_link(&by(), &stored.id.to_string(), "https://uom.zoom.us/j/1")
        .await
        .unwrap();
    let link = w.mailer.take();
    let (_, link_uid, link_sequence, link_start) = event_of(&link[0]);
    assert_eq!((link_uid.as_str(), link_sequence), (uid.as_str(), 2));
    assert_eq!(
        link_start, "20261201T090000Z",
        "the link mail tells the new time"
    );
    w.staff()
        .cancel(&by(), &stored.id.to_string(), "Ασθένεια")
        .await
        .unwrap();
    let cancel = w.mailer.take();
    let (method, cancel_uid, cancel_sequence, _) = event_of(&cancel[0]);
    assert_eq!(
        (method.as_str(), cancel_uid.as_str(), cancel_sequence),
        ("CANCEL", uid.as_str(), 3)
    );
}

async fn a_repeated_move_answers_the_same_and_mails_nothing_more(store: Arc<dyn Store>) {
    let w = World::new(config(Meeting::Manual, vec![]), store.clone());
    let booked = w.book(dec1(10, 0), "Μαρία").await;
    let read = store.get(booked.id, dec1(8, 0)).await.unwrap().unwrap();
    let request = w.move_request(&read, dec1(11, 0), read.version);
    let first = w.rescheduling().reschedule(request.clone()).await.unwrap();
    w.mailer.take();
    let again = w.rescheduling().reschedule(request).await.unwrap();
    assert_eq!(again.start, first.start);
    assert!(w.mailer.take().is_empty(), "a double submit mails once");
    // The scheduler has nothing left of it either.
    let run = w.run().await;
    assert_eq!(run.sent, 0);
    assert!(!store
        .get(booked.id, dec1(8, 0))
        .await
        .unwrap()
        .unwrap()
        .mail_pending(MailKind::Moved));
}

async fn refused_moves_change_nothing(store: Arc<dyn Store>) {
    let w = World::new(config(Meeting::Manual, vec![]), store.clone());
    let booked = w.book(dec1(10, 0), "Μαρία").await;
    w.book(dec1(12, 0), "Γιώργος").await;
    w.mailer.take();
    let read = store.get(booked.id, dec1(8, 0)).await.unwrap().unwrap();
    let moving = w.rescheduling();
    // Onto a taken time: 409 slot-taken, the old time kept.
    assert_eq!(
        moving
            .reschedule(w.move_request(&read, dec1(12, 0), read.version))
            .await,
        Err(RescheduleError::SlotTaken)
    );
    // Decided on an older version: 409 changed.
    assert_eq!(
        moving
            .reschedule(w.move_request(&read, dec1(11, 0), read.version + 5))
            .await,
        Err(RescheduleError::Changed)
    );
    // Off the grid: 422 on `start`.
    match moving
        .reschedule(w.move_request(&read, dec1(11, 7), read.version))
        .await
    {
        Err(RescheduleError::Invalid(errors)) => {
            assert_eq!(
                errors.get("start").map(|e| e.code),
                Some(FieldCode::NotOffered)
            )
        }
        other => panic!("{other:?}"),
    }
    // Past the cancellation cutoff of the old time (an hour before it): 409 too-late.
    let late = w.at(dec1(9, 30));
    assert_eq!(
        late.rescheduling()
            .reschedule(late.move_request(&read, dec1(14, 0), read.version))
            .await,
        Err(RescheduleError::TooLate { cutoff_minutes: 60 })
    );
    assert_eq!(store.get(read.id, dec1(8, 0)).await.unwrap().unwrap(), read);
    assert!(w.mailer.take().is_empty(), "nothing mailed");
}

/// Moves at `minutes` after the fixture's now, each to the next of `starts`, as the page sends
/// them; the mails each sent.
async fn moves(
    w: &World,
    id: rantevou_domain::AppointmentId,
    steps: &[(i64, DateTime<Utc>)],
) -> Vec<usize> {
    let mut sent = Vec::new();
    for (minutes, start) in steps {
        let at = w.at(rantevou_testkit::fixture_now() + chrono::Duration::minutes(*minutes));
        let read = w.store.get(id, at.ctx.now()).await.unwrap().unwrap();
        at.rescheduling()
            .reschedule(at.move_request(&read, *start, read.version))
            .await
            .unwrap();
        sent.push(w.mailer.take().len());
    }
    sent
}

async fn moves_within_the_hour_reach_the_provider_as_one_copy_an_hour_on(store: Arc<dyn Store>) {
    let mut policy = config(Meeting::Manual, vec![]);
    policy.policy.max_moves = 5;
    policy.policy.mail_per_address_per_day = 0;
    let w = World::new(policy, store.clone());
    let booked = w.book(dec1(10, 0), "Μαρία").await;
    assert_eq!(
        w.mailer.take().len(),
        2,
        "the confirmation and the provider's copy"
    );
    // Three moves within the hour of the booking's copy: the patron is told each, the
    // provider's mailbox nothing yet.
    let sent = moves(
        &w,
        booked.id,
        &[(5, dec1(11, 0)), (10, dec1(12, 0)), (20, dec1(13, 0))],
    )
    .await;
    assert_eq!(sent, [1, 1, 1]);
    let before = w.at(rantevou_testkit::fixture_now() + chrono::Duration::minutes(59));
    before.run().await;
    assert!(w.mailer.take().is_empty(), "not before the hour is up");
    let after = w.at(rantevou_testkit::fixture_now() + chrono::Duration::minutes(60));
    after.run().await;
    let copies = w.mailer.take();
    assert_eq!(copies.len(), 1, "one copy for the three moves");
    assert_eq!(copies[0].to, ["sip@lib.uom.gr"]);
    assert!(
        copies[0].subject.contains("01/12 13:00"),
        "{}",
        copies[0].subject
    );
    assert!(
        copies[0].text.contains("Τρίτη 1 Δεκεμβρίου 2026, 10:00"),
        "from the time the mailbox knew: {}",
        copies[0].text
    );
    assert!(
        after.run().await.sent == 0 && w.mailer.take().is_empty(),
        "once"
    );
    // Within the hour of that copy, moved away and back: nothing to tell the provider.
    let sent = moves(&w, booked.id, &[(70, dec1(14, 0)), (80, dec1(13, 0))]).await;
    assert_eq!(sent, [1, 1]);
    w.at(rantevou_testkit::fixture_now() + chrono::Duration::minutes(121))
        .run()
        .await;
    assert!(w.mailer.take().is_empty(), "back where the mailbox knew it");
}

/// Booked, moved and cancelled within the hour of the booking's copy: the patron is told each
/// at once, the provider's mailbox one more copy (the cancellation) when the hour is up.
async fn a_cancellation_within_the_hour_reaches_the_provider_once_the_hour_is_up(
    store: Arc<dyn Store>,
) {
    let w = World::new(config(Meeting::Manual, vec![]), store.clone());
    let booked = w.book(dec1(10, 0), "Μαρία").await;
    assert_eq!(w.mailer.take().len(), 2, "the confirmation and its copy");
    assert_eq!(moves(&w, booked.id, &[(5, dec1(11, 0))]).await, [1]);
    let at = w.at(rantevou_testkit::fixture_now() + chrono::Duration::minutes(10));
    let read = store.get(booked.id, at.ctx.now()).await.unwrap().unwrap();
    let token = w.keys.token(&booked.id).expose().to_owned();
    at.cancelling()
        .cancel(booked.id, &token, FreeText::default(), Some(read.version))
        .await
        .unwrap();
    let told = w.mailer.take();
    assert_eq!(told.len(), 1, "the patron's cancellation only: {told:?}");
    assert_ne!(told[0].to, ["sip@lib.uom.gr"]);
    w.at(rantevou_testkit::fixture_now() + chrono::Duration::minutes(59))
        .run()
        .await;
    assert!(w.mailer.take().is_empty(), "not before the hour is up");
    w.at(rantevou_testkit::fixture_now() + chrono::Duration::minutes(60))
        .run()
        .await;
    let copies = w.mailer.take();
    assert_eq!(copies.len(), 1, "one copy: {copies:?}");
    assert_eq!(copies[0].to, ["sip@lib.uom.gr"]);
    assert!(
        copies[0].subject.contains("01/12 11:00"),
        "the cancelled time: {}",
        copies[0].subject
    );
    w.at(rantevou_testkit::fixture_now() + chrono::Duration::minutes(61))
        .run()
        .await;
    assert!(w.mailer.take().is_empty(), "once");
}

async fn an_appointment_is_moved_a_few_times_at_most(store: Arc<dyn Store>) {
    let w = World::new(config(Meeting::Manual, vec![]), store.clone());
    let booked = w.book(dec1(10, 0), "Μαρία").await;
    w.mailer.take();
    let max = w.ctx.config.policy.max_moves;
    assert_eq!(max, 3, "the default");
    let steps: Vec<_> = (0..max).map(|i| (i64::from(i), dec1(11 + i, 0))).collect();
    moves(&w, booked.id, &steps).await;
    let read = store.get(booked.id, w.ctx.now()).await.unwrap().unwrap();
    assert_eq!(
        w.rescheduling()
            .reschedule(w.move_request(&read, dec1(15, 0), read.version))
            .await,
        Err(RescheduleError::TooManyMoves { max: 3 })
    );
    assert!(w.mailer.take().is_empty());
}

async fn the_day_s_mail_allowance_of_an_address_refuses_the_move_that_would_pass_it(
    store: Arc<dyn Store>,
) {
    let mut capped = config(Meeting::Manual, vec![]);
    capped.policy.mail_per_address_per_day = 3;
    let w = World::new(capped, store.clone());
    // The booking takes two places (its mail and its cancellation's), the move the third.
    let booked = w.book(dec1(10, 0), "Μαρία").await;
    moves(&w, booked.id, &[(0, dec1(11, 0))]).await;
    w.mailer.take();
    let read = store.get(booked.id, w.ctx.now()).await.unwrap().unwrap();
    assert_eq!(
        w.rescheduling()
            .reschedule(w.move_request(&read, dec1(12, 0), read.version))
            .await,
        Err(RescheduleError::MailCapped)
    );
    assert_eq!(
        store
            .get(booked.id, w.ctx.now())
            .await
            .unwrap()
            .unwrap()
            .start,
        dec1(11, 0),
        "not moved"
    );
    // A second booking of the same address that day does not fit either; the cancel is told.
    match w.booking().book(w.request(dec1(14, 0), "Μαρία")).await {
        Err(rantevou_app::BookError::Invalid(errors)) => assert_eq!(
            errors.get("customer.email").map(|e| e.code),
            Some(rantevou_domain::patron::FieldCode::TooManyMails)
        ),
        other => panic!("{other:?}"),
    }
    w.staff()
        .cancel(&by(), &booked.id.to_string(), "")
        .await
        .unwrap();
    assert!(
        w.mailer.take().iter().any(|m| m.to[0] != "sip@lib.uom.gr"),
        "the cancellation went to the patron"
    );
}

both_stores!(
    a_move_mails_old_and_new_time_in_one_event_with_a_rising_sequence,
    a_repeated_move_answers_the_same_and_mails_nothing_more,
    refused_moves_change_nothing,
    moves_within_the_hour_reach_the_provider_as_one_copy_an_hour_on,
    a_cancellation_within_the_hour_reaches_the_provider_once_the_hour_is_up,
    an_appointment_is_moved_a_few_times_at_most,
    the_day_s_mail_allowance_of_an_address_refuses_the_move_that_would_pass_it,
);
