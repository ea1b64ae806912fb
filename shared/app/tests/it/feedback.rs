//! What SES says of a message after it went, on both stores: a permanent bounce fails the
//! appointment's mail with the server's words, tells the provider's mailbox once, and stops
//! every mail to the address (the scheduler gives up the next due one, a booking with it is
//! refused) until staff correct it; a complaint stops the reminders only; a delay changes
//! nothing.

use crate::world::{by, config, dec1, dynamo, World};
use chrono::{DateTime, Duration, Utc};
use rantevou_app::*;
use rantevou_domain::appointment::{Appointment, MailKind};
use rantevou_domain::feedback::{Feedback, MailFeedback};
use rantevou_domain::patron::FieldCode;
use rantevou_domain::ports::Audience;
use rantevou_domain::provider::Meeting;
use rantevou_store::{SqliteStore, Store};
use std::sync::Arc;

const DIAGNOSTIC: &str = "5.1.1 smtp; 550 5.1.1 user unknown";

fn event(a: &Appointment, feedback: Feedback) -> MailFeedback {
    MailFeedback {
        appointment: a.id,
        kind: Some(MailKind::Confirmation),
        audience: Audience::Patron,
        feedback,
        at: rantevou_testkit::fixture_now(),
    }
}

async fn stored(w: &World, a: &Appointment) -> Appointment {
    w.store
        .get(a.id, rantevou_testkit::fixture_now())
        .await
        .unwrap()
        .unwrap()
}

/// The reminder moment of an appointment at `start` (a day before, as configured here).
fn day_before(start: DateTime<Utc>) -> DateTime<Utc> {
    start - Duration::days(1)
}

async fn a_bounce_fails_the_mail_tells_the_library_and_nothing_more_goes_to_the_address(
    store: Arc<dyn Store>,
) {
    let w = World::new(config(Meeting::Manual, vec![24 * 60]), store);
    let first = w.book(dec1(9, 0), "Anna").await;
    let second = w.book(dec1(11, 0), "Anna").await;
    assert_eq!(
        w.mailer.take().len(),
        4,
        "two confirmations and their copies"
    );

    let bounce = event(
        &first,
        Feedback::Bounced {
            diagnostic: DIAGNOSTIC.into(),
        },
    );
    let scheduler = w.scheduler();
    assert_eq!(
        scheduler.record_feedback(&bounce).await.unwrap(),
        Recorded::Bounced
    );
    let failed = stored(&w, &first).await;
    assert_eq!(
        failed.delivery.failure.as_deref(),
        Some(format!("bounced: {DIAGNOSTIC}").as_str())
    );
    assert!(failed.bounced() && failed.delivery.due.is_none());
    let told = w.mailer.take();
    assert_eq!(told.len(), 1, "the provider's mailbox is told, once");
    assert_eq!(told[0].to, vec!["sip@lib.uom.gr".to_owned()]);
    assert!(
        told[0].text.contains("δεν υπάρχει ή δεν δέχεται μηνύματα")
            && told[0].text.contains(DIAGNOSTIC),
        "{}",
        told[0].text
    );
    // The staff console's failed mail lists it.
    let listed = w.staff().failed_mail(&by()).await.unwrap();
    assert_eq!(
        listed.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![first.id]
    );

    // Told twice (SES delivers at least once): nothing more happens.
    assert_eq!(
        scheduler.record_feedback(&bounce).await.unwrap(),
        Recorded::Bounced
    );
    assert!(w.mailer.take().is_empty());
    assert_eq!(stored(&w, &first).await.version, failed.version);

    // The other appointment of the address: its reminder is not sent, its mail given up.
    let later = w.at(day_before(dec1(11, 0)) + Duration::minutes(1));
    let run = later.run().await;
    assert_eq!((run.sent, run.given_up), (0, 1), "{run:?}");
    let sent = w.mailer.take();
    assert!(
        sent.iter()
            .all(|m| !m.to.contains(&"anna@example.org".to_owned())),
        "nothing to the address: {:?}",
        sent.iter().map(|m| &m.to).collect::<Vec<_>>()
    );
    let given_up = stored(&w, &second).await;
    assert!(
        given_up
            .delivery
            .failure
            .as_deref()
            .is_some_and(|f| f.starts_with("suppressed: the address bounced on 2026-11-28")),
        "{:?}",
        given_up.delivery.failure
    );
    assert!(given_up.bounced());

    // A new booking with the address is refused, naming the field.
    match w.booking().book(w.request(dec1(13, 0), "Anna")).await {
        Err(BookError::Invalid(errors)) => assert_eq!(
            errors
                .0
                .iter()
                .map(|e| (&*e.field, e.code))
                .collect::<Vec<_>>(),
            vec![("customer.email", FieldCode::Undeliverable)]
        ),
        other => panic!("refused, not {other:?}"),
    }
    // Corrected by staff: the bounced confirmation goes again, to the new address.
    w.staff()
        .retry_mail(&by(), &first.id.to_string(), Some("anna.k@example.org"))
        .await
        .unwrap();
    let again = w.mailer.take();
    assert_eq!(again[0].to, vec!["anna.k@example.org".to_owned()]);
    assert!(
        again[0].subject.starts_with("Το ραντεβού σας κλείστηκε"),
        "{}",
        again[0].subject
    );
    assert!(stored(&w, &first).await.delivery.failure.is_none());
}

async fn a_complaint_stops_the_reminders_and_nothing_the_patron_asked_for(store: Arc<dyn Store>) {
    let w = World::new(config(Meeting::Manual, vec![24 * 60]), store);
    let first = w.book(dec1(9, 0), "Christos").await;
    w.mailer.take();
    assert_eq!(
        w.scheduler()
            .record_feedback(&event(&first, Feedback::Complained))
            .await
            .unwrap(),
        Recorded::Complained
    );
    let quiet = stored(&w, &first).await;
    assert!(quiet.reminders.is_empty() && quiet.delivery.failure.is_none());
    assert!(w.mailer.take().is_empty(), "nobody is mailed about it");

    // A booking the patron makes is confirmed; its reminder does not go.
    let second = w.book(dec1(11, 0), "Christos").await;
    let confirmations = w.mailer.take();
    assert!(confirmations
        .iter()
        .any(|m| m.to == vec!["christos@example.org".to_owned()]));
    assert!(!stored(&w, &second).await.reminders.is_empty());
    let run = w
        .at(day_before(dec1(11, 0)) + Duration::minutes(1))
        .run()
        .await;
    assert_eq!((run.sent, run.given_up), (0, 0), "{run:?}");
    assert!(w.mailer.take().is_empty(), "no reminder");
    assert!(stored(&w, &second).await.reminders.is_empty());
}

async fn a_delay_or_the_libraries_own_mailbox_changes_nothing(store: Arc<dyn Store>) {
    let w = World::new(config(Meeting::Manual, vec![24 * 60]), store);
    let a = w.book(dec1(9, 0), "Dimitra").await;
    w.mailer.take();
    let before = stored(&w, &a).await;
    let delay = event(
        &a,
        Feedback::Delayed {
            diagnostic: "4.4.1 smtp; 421 4.4.1 Unable to connect".into(),
        },
    );
    assert_eq!(
        w.scheduler().record_feedback(&delay).await.unwrap(),
        Recorded::Noted
    );
    let staff_copy = MailFeedback {
        audience: Audience::Staff,
        ..event(
            &a,
            Feedback::Bounced {
                diagnostic: DIAGNOSTIC.into(),
            },
        )
    };
    assert_eq!(
        w.scheduler().record_feedback(&staff_copy).await.unwrap(),
        Recorded::StaffMailbox
    );
    assert_eq!(stored(&w, &a).await, before, "the appointment is as it was");
    assert!(w.mailer.take().is_empty());
    // The patron can still book.
    w.book(dec1(11, 0), "Dimitra").await;
}

both_stores!(
    a_bounce_fails_the_mail_tells_the_library_and_nothing_more_goes_to_the_address,
    a_complaint_stops_the_reminders_and_nothing_the_patron_asked_for,
    a_delay_or_the_libraries_own_mailbox_changes_nothing,
);
