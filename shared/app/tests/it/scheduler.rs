//! The one scheduler of timed mail, on both stores with a pinned clock: the video-call link
//! mail at start − lead (a fixed room, or a Jitsi room of its own per appointment), never after
//! a cancel; reminders exactly once under two overlapping runs, none whose moment had passed
//! at booking; a crash between a send and its record repeats that one message, identically.
//! And the staff operations that feed it: a link changed by staff, a closure in force at once.

use crate::world::{by, config, dec1, dynamo, World};
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use icalendar::Component as _;
use rantevou_app::*;
use rantevou_domain::appointment::Appointment;
use rantevou_domain::ids::AppointmentId;
use rantevou_domain::patron::FreeText;
use rantevou_domain::ports::{
    AppointmentUpdates, Appointments, MailQueue, OutgoingMail, StoreError,
};
use rantevou_domain::provider::Meeting;
use rantevou_domain::TokenHash;
use rantevou_store::{SqliteStore, Store};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

fn subjects(mails: &[OutgoingMail]) -> Vec<String> {
    mails.iter().map(|m| m.subject.clone()).collect()
}

fn ics(mail: &OutgoingMail) -> String {
    String::from_utf8(mail.attachments[0].content.clone()).unwrap()
}

/// The link in a link mail's text.
fn room(mail: &OutgoingMail) -> String {
    mail.text
        .lines()
        .skip_while(|l| !l.starts_with("Σύνδεσμος τηλεδιάσκεψης"))
        .nth(1)
        .unwrap_or_default()
        .to_owned()
}

async fn link_mail_goes_at_start_minus_lead_in_its_own_jitsi_room_and_never_after_a_cancel(
    store: Arc<dyn Store>,
) {
    let jitsi = Meeting::Jitsi {
        base_url: "https://meet.jit.si".into(),
    };
    let w = World::new(config(jitsi, vec![]), store);
    let a = w.book(dec1(9, 0), "Anna").await;
    let b = w.book(dec1(9, 20), "Babis").await;
    let c = w.book(dec1(9, 40), "Christos").await;
    assert_eq!(
        w.mailer.take().len(),
        6,
        "three confirmations and their copies"
    );
    Cancelling::new(
        w.ctx.clone(),
        w.store.clone(),
        w.store.clone(),
        w.delivery(w.store.clone()),
    )
    .cancel(c.id, &token(&w, &c), FreeText::parse("").unwrap(), None)
    .await
    .unwrap();
    w.mailer.take();

    assert_eq!(
        w.at(dec1(7, 59)).run().await.sent,
        0,
        "not before start − 60 min"
    );
    let early = w.mailer.take();
    assert!(
        early.len() == 1 && early[0].to == ["sip@lib.uom.gr"],
        "only the provider's copy of c's cancellation, folded into the hour after the booking's: {early:?}"
    );
    let report = w.at(dec1(8, 0)).run().await;
    assert_eq!(report.sent, 1, "a's link at 08:00: {report:?}");
    let report = w.at(dec1(8, 20)).run().await;
    assert_eq!(report.sent, 1, "b's link at 08:20");
    assert_eq!(
        w.at(dec1(8, 45)).run().await.sent,
        0,
        "never for the cancelled c"
    );
    let mails = w.mailer.take();
    assert_eq!(
        subjects(&mails),
        [
            "Ο σύνδεσμος της τηλεδιάσκεψης – myLIBRARYlive, Τρίτη 1 Δεκεμβρίου 2026, 09:00 (ώρα Ελλάδας)",
            "Ο σύνδεσμος της τηλεδιάσκεψης – myLIBRARYlive, Τρίτη 1 Δεκεμβρίου 2026, 09:20 (ώρα Ελλάδας)",
        ]
    );
    let (ra, rb) = (room(&mails[0]), room(&mails[1]));
    for r in [&ra, &rb] {
        let name = r.strip_prefix("https://meet.jit.si/rantevou-").expect(r);
        assert!(
            name.len() == 32 && name.bytes().all(|b| b.is_ascii_hexdigit()),
            "128 random bits: {r}"
        );
    }
    assert_ne!(ra, rb, "a room per appointment");
    let stored = w.store.get(a.id, dec1(8, 0)).await.unwrap().unwrap();
    assert_eq!(
        stored.meeting.url.as_deref(),
        Some(ra.as_str()),
        "stable: the stored room"
    );
    assert!(
        mails[0].to[0].contains("anna@example.org"),
        "{:?}",
        mails[0].to
    );
    assert!(
        mails[0].text.contains("θα συνδεθείτε μόλις σας δεχτεί"),
        "{}",
        mails[0].text
    );
    assert!(mails[0]
        .text
        .contains(&format!("/api/appointments/{}/manage?token=", a.id)));
    let invite = ics(&mails[0]);
    for line in [
        "METHOD:PUBLISH",
        "SEQUENCE:1",
        &format!("UID:{}@rantevou", a.id),
    ] {
        assert!(invite.contains(line), "{line}: {invite}");
    }
    // The call is the event's place; its URL stays the appointment's page.
    assert!(invite.contains(&format!("LOCATION:{ra}")), "{invite}");
    assert!(!invite.contains("ATTENDEE"), "{invite}");
    let (_, event) = crate::support::calendar_event(&invite);
    assert!(
        event
            .property_value("URL")
            .is_some_and(|url| url.contains(&format!("/api/appointments/{}/manage?token=", a.id))),
        "{invite}"
    );
    assert_eq!(
        w.at(dec1(9, 10)).run().await.sent,
        0,
        "once per appointment"
    );
    assert!(w
        .store
        .get(b.id, dec1(9, 10))
        .await
        .unwrap()
        .unwrap()
        .meeting
        .due
        .is_none());
}

async fn a_fixed_room_is_mailed_to_each_and_a_late_booking_gets_it_at_once(store: Arc<dyn Store>) {
    let url = "https://uom.zoom.us/j/123456789";
    let fixed = Meeting::Fixed { url: url.into() };
    let mut config = config(fixed, vec![]);
    config.policy.min_notice_minutes = 0;
    let w = World::new(config, store);
    w.book(dec1(9, 0), "Anna").await; // link due 08:00
    w.at(dec1(10, 30)).book(dec1(13, 0), "Babis").await; // due 12:00
                                                         // Booked at 11:45 for 12:20, later than an hour before: due at once.
    let christos = w.at(dec1(11, 45)).book(dec1(12, 20), "Christos").await;
    assert_eq!(christos.meeting.due, Some(dec1(11, 45)));
    w.mailer.take();
    assert_eq!(
        w.at(dec1(11, 45)).run().await.sent,
        2,
        "Anna's (overdue) and Christos's"
    );
    assert_eq!(w.at(dec1(11, 59)).run().await.sent, 0);
    assert_eq!(
        w.at(dec1(12, 0)).run().await.sent,
        1,
        "Babis's at 12:00 (start − 60)"
    );
    let mails = w.mailer.take();
    assert_eq!(mails.len(), 3);
    assert!(mails.iter().all(|m| room(m) == url), "one room for all");
}

async fn reminders_go_exactly_once_under_two_overlapping_runs(store: Arc<dyn Store>) {
    let w = World::new(config(Meeting::Manual, vec![1440, 120]), store);
    let mut booked = Vec::new();
    // 09:00, 09:20, 09:40, 10:00, 10:20.
    for (i, who) in ["Anna", "Babis", "Christos", "Dimitra", "Eleni"]
        .iter()
        .enumerate()
    {
        booked.push(
            w.book(dec1(9, 0) + Duration::minutes(20 * i as i64), who)
                .await,
        );
    }
    // Booked on Tuesday at 08:00 for 11:00: the day-before moment had passed; 09:00 had not.
    let late = w.at(dec1(8, 0)).book(dec1(11, 0), "Fotis").await;
    assert_eq!(
        late.reminders,
        vec![dec1(9, 0)],
        "none whose moment had passed at booking"
    );
    w.mailer.take();

    // Both runs at the moment the day-before reminders fall due, at once.
    let day_before = booked.iter().map(|a| a.start).max().unwrap() - Duration::days(1);
    assert_eq!(twice(&w, day_before).await, 5);
    let mails = w.mailer.take();
    let mut to: Vec<_> = mails.iter().map(|m| m.to[0].clone()).collect();
    to.sort();
    to.dedup();
    assert_eq!(to.len(), 5, "one each: {:?}", subjects(&mails));
    assert!(mails
        .iter()
        .all(|m| m.subject.starts_with("Υπενθύμιση ραντεβού – ")));
    assert!(
        mails[0].text.contains("θα σας σταλεί σε ξεχωριστό email"),
        "no link yet (manual): it will follow"
    );
    assert!(mails[0].attachments.is_empty());
    assert_eq!(twice(&w, day_before).await, 0, "nothing twice");

    // Two hours before: Anna's at 07:00; at 09:00 the other four (07:20–08:20) and Fotis's,
    // and the provider's mailbox told of the three links missing whose moment (an hour before)
    // has come (Babis 08:20, Christos 08:40, Dimitra 09:00; Anna's has started, too late).
    assert_eq!(twice(&w, dec1(7, 0)).await, 1, "Anna's");
    assert_eq!(
        twice(&w, dec1(9, 0)).await,
        8,
        "the rest, Fotis's among them, and three alerts"
    );
    assert_eq!(
        twice(&w, dec1(12, 0)).await,
        0,
        "each reminder once; no alert once started"
    );
    let mails = w.mailer.take();
    assert_eq!(mails.len(), 9);
    assert_eq!(
        mails
            .iter()
            .filter(|m| m.subject.starts_with("Υπενθύμιση ραντεβού"))
            .count(),
        6
    );
}

async fn a_closure_hides_its_days_at_once_and_refuses_their_booking(store: Arc<dyn Store>) {
    let w = World::new(config(Meeting::Manual, vec![]), store);
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let query = SlotsQuery {
        service: "mylibrarylive".into(),
        provider: None,
        from: Some(day),
        to: Some(day),
    };
    let free = |w: &World| {
        let slots = FreeSlots::new(w.ctx.clone(), w.store.clone());
        let query = query.clone();
        async move { slots.free_slots(&query).await.unwrap()[0].slots.len() }
    };
    let booked = w.book(dec1(9, 0), "Anna").await;
    assert_eq!(free(&w).await, 17);
    let staff = w.staff();
    let added = staff
        .add_closure(&by(), day, day, None, "Εκπαίδευση", None)
        .await
        .unwrap();
    assert_eq!(free(&w).await, 0, "closed at once");
    assert_eq!(
        added.affected.iter().map(|a| a.id).collect::<Vec<_>>(),
        [booked.id],
        "listed, not cancelled"
    );
    assert!(w
        .store
        .get(booked.id, rantevou_testkit::fixture_now())
        .await
        .unwrap()
        .unwrap()
        .is_booked());
    let request = w.request(dec1(10, 0), "Babis");
    let booking = w.booking();
    assert!(
        matches!(
            booking.book(request.clone()).await,
            Err(BookError::Invalid(_))
        ),
        "not offered"
    );
    staff
        .remove_closure(&by(), &added.closure.id)
        .await
        .unwrap();
    assert_eq!(free(&w).await, 17, "offered again");
    assert!(booking.book(request).await.is_ok());
}

async fn a_closure_cancels_what_is_there_when_asked_one_mail_each_audited_and_is_not_added_twice(
    store: Arc<dyn Store>,
) {
    let w = World::new(config(Meeting::Manual, vec![]), store);
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let anna = w.book(dec1(9, 0), "Anna").await;
    let babis = w.book(dec1(11, 0), "Babis").await;
    let christos = w.book(dec1(14, 0), "Christos").await;
    w.mailer.take();
    let staff = w.staff();
    // A refused reason stores nothing: no closure, nobody cancelled.
    let blank = staff
        .add_closure(&by(), day, day, None, "Απεργία", Some("  "))
        .await;
    assert!(
        matches!(
            blank,
            Err(StaffError::Invalid {
                field: "cancel_reason",
                ..
            })
        ),
        "{blank:?}"
    );
    assert!(staff.closures().await.unwrap().is_empty());
    // Only the morning: Christos's 14:00 is not on it.
    let morning = rantevou_domain::closure::ClosedHours::new(
        chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
        chrono::NaiveTime::from_hms_opt(13, 0, 0).unwrap(),
    );
    let reason = "Η Βιβλιοθήκη μένει κλειστή λόγω απεργίας.";
    let added = staff
        .add_closure(&by(), day, day, morning, "Απεργία", Some(reason))
        .await
        .unwrap();
    assert!(added.affected.is_empty(), "{:?}", added.affected);
    let mut cancelled: Vec<_> = added.cancelled.iter().map(|a| a.id).collect();
    cancelled.sort();
    let mut expected = vec![anna.id, babis.id];
    expected.sort();
    assert_eq!(cancelled, expected);
    for a in [&anna, &babis] {
        let read = w.store.get(a.id, dec1(7, 0)).await.unwrap().unwrap();
        assert!(!read.is_booked(), "{} cancelled", a.id);
        let (_, audit) = staff.appointment(&by(), &a.id.to_string()).await.unwrap();
        assert!(
            audit
                .iter()
                .any(|e| e.action == "cancel" && e.detail == reason),
            "audited: {audit:?}"
        );
    }
    let still = w.store.get(christos.id, dec1(7, 0)).await.unwrap().unwrap();
    assert!(still.is_booked(), "the afternoon is not closed");
    let mails = w.mailer.take();
    for name in ["anna", "babis"] {
        let theirs: Vec<_> = mails
            .iter()
            .filter(|m| m.to.iter().any(|t| t.contains(name)))
            .collect();
        assert_eq!(theirs.len(), 1, "one mail to {name}: {mails:?}");
        assert!(theirs[0].text.contains(reason), "{}", theirs[0].text);
    }
    assert!(!mails
        .iter()
        .any(|m| m.to.iter().any(|t| t.contains("christos"))));
    // The same closure again is refused, naming the one there; a preview says so as well.
    for preview in [false, true] {
        let again = if preview {
            staff
                .preview_closure(&by(), day, day, morning, "Απεργία ξανά")
                .await
        } else {
            staff
                .add_closure(&by(), day, day, morning, "Απεργία ξανά", None)
                .await
        };
        match again {
            Err(StaffError::DuplicateClosure { id, name }) => {
                assert_eq!((id, name), (added.closure.id.clone(), "Απεργία".to_owned()))
            }
            other => panic!("not refused: {other:?}"),
        }
    }
    assert_eq!(staff.closures().await.unwrap().len(), 1);
    // Other hours of that day are another closure.
    assert!(staff
        .add_closure(&by(), day, day, None, "Όλη μέρα", None)
        .await
        .is_ok());
}

async fn an_attended_consultation_gets_one_thank_you_after_its_end_and_a_no_show_none(
    store: Arc<dyn Store>,
) {
    let mut cfg = config(Meeting::Manual, vec![]);
    cfg.services[0].follow_up = Some(rantevou_domain::service::FollowUp {
        after_minutes: 60,
        survey_url: Some("https://survey.example.org/uom?x=1".into()),
    });
    let w = World::new(cfg, store);
    let anna = w.book(dec1(9, 0), "Anna").await;
    let babis = w.book(dec1(10, 0), "Babis").await;
    w.mailer.take();
    let thanks = |mails: Vec<OutgoingMail>| -> Vec<OutgoingMail> {
        mails
            .into_iter()
            .filter(|m| m.subject == "Ευχαριστούμε που ήρθατε")
            .collect()
    };
    let mark = |at, a: &Appointment, attended| {
        let staff = w.at(at).staff();
        let id = a.id.to_string();
        async move { staff.set_attendance(&by(), &id, attended).await.unwrap() }
    };
    let marked = mark(dec1(9, 25), &anna, true).await;
    assert_eq!(
        marked.follow_up_due,
        Some(dec1(10, 20)),
        "an hour after 09:20"
    );
    mark(dec1(10, 25), &babis, false).await;
    w.at(dec1(10, 19)).run().await;
    assert!(
        thanks(w.mailer.take()).is_empty(),
        "not before the hour is up"
    );
    w.at(dec1(10, 30)).run().await;
    let sent = thanks(w.mailer.take());
    assert_eq!(sent.len(), 1, "Anna's only, not the no-show's");
    assert_eq!(sent[0].to, ["anna@example.org"]);
    assert!(
        sent[0].text.contains("https://survey.example.org/uom?x=1"),
        "{}",
        sent[0].text
    );
    assert!(
        sent[0].html.contains("https://survey.example.org/uom?x=1"),
        "{}",
        sent[0].html
    );
    assert!(sent[0].attachments.is_empty(), "nothing for the calendar");
    // Once: marking her again or running again sends nothing more.
    mark(dec1(12, 0), &anna, true).await;
    w.at(dec1(12, 1)).run().await;
    assert!(thanks(w.mailer.take()).is_empty());
    // A no-show corrected to attended after the hour gets it at once.
    let corrected = mark(dec1(12, 5), &babis, true).await;
    assert_eq!(corrected.follow_up_due, Some(dec1(12, 5)));
    w.at(dec1(12, 5)).run().await;
    let late = thanks(w.mailer.take());
    assert_eq!(late.len(), 1);
    assert_eq!(late[0].to, ["babis@example.org"]);
    // Without a follow_up on the service: nothing, and nothing due.
    let mut plain = config(Meeting::Manual, vec![]);
    plain.services[0].follow_up = None;
    let w = World::new(plain, w.store.clone());
    let christos = w.book(dec1(11, 0), "Christos").await;
    let marked = mark_in(&w, dec1(11, 5), &christos).await;
    assert_eq!(marked.follow_up_due, None);
}

async fn mark_in(w: &World, at: DateTime<Utc>, a: &Appointment) -> Appointment {
    w.at(at)
        .staff()
        .set_attendance(&by(), &a.id.to_string(), true)
        .await
        .unwrap()
}

async fn staff_change_the_link_and_it_is_mailed_at_once_with_a_higher_sequence(
    store: Arc<dyn Store>,
) {
    let fixed = Meeting::Fixed {
        url: "https://uom.zoom.us/j/1".into(),
    };
    let w = World::new(config(fixed, vec![]), store);
    let a = w.book(dec1(9, 0), "Anna").await;
    w.mailer.take();
    assert_eq!(w.at(dec1(8, 0)).run().await.sent, 1);
    let first = w.mailer.take();
    assert!(ics(&first[0]).contains("SEQUENCE:1"));
    let later = w.at(dec1(8, 30));
    let changed = later
        .staff()
        .send_link(&by(), &a.id.to_string(), "https://meet.jit.si/other-room")
        .await
        .unwrap();
    assert_eq!(changed.meeting.version, 2);
    let mails = w.mailer.take();
    assert_eq!(mails.len(), 1, "at once");
    assert_eq!(room(&mails[0]), "https://meet.jit.si/other-room");
    assert!(ics(&mails[0]).contains("SEQUENCE:2"));
    assert_eq!(later.run().await.sent, 0, "not again by the scheduler");
    // A cancelled appointment gets no link.
    let b = w.book(dec1(9, 40), "Babis").await;
    w.staff()
        .cancel(&by(), &b.id.to_string(), "")
        .await
        .unwrap();
    assert!(matches!(
        w.staff()
            .send_link(&by(), &b.id.to_string(), "https://x.example.org/r")
            .await,
        Err(StaffError::AlreadyCancelled(_))
    ));
}

/// A store whose `fail_at`-th update (counting from 1) fails as if the process died there.
struct Crashing {
    store: Arc<dyn Store>,
    updates: AtomicUsize,
    fail_at: usize,
}

#[async_trait]
impl AppointmentUpdates for Crashing {
    async fn update(
        &self,
        read: &Appointment,
        next: &Appointment,
    ) -> Result<Appointment, StoreError> {
        if self.updates.fetch_add(1, Ordering::SeqCst) + 1 == self.fail_at {
            return Err(StoreError::Unavailable("crashed".into()));
        }
        self.store.update(read, next).await
    }
}

#[async_trait]
impl Appointments for Crashing {
    async fn get(
        &self,
        id: AppointmentId,
        now: DateTime<Utc>,
    ) -> Result<Option<Appointment>, StoreError> {
        self.store.get(id, now).await
    }
}

#[async_trait]
impl MailQueue for Crashing {
    async fn due_mail(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Appointment>, StoreError> {
        self.store.due_mail(now, limit).await
    }
    async fn replace_token(
        &self,
        id: AppointmentId,
        old: TokenHash,
        new: TokenHash,
    ) -> Result<(), StoreError> {
        self.store.replace_token(id, old, new).await
    }
}

async fn a_crash_between_send_and_record_repeats_that_one_mail_identically(store: Arc<dyn Store>) {
    let w = World::new(config(Meeting::Manual, vec![120]), store);
    let a = w.book(dec1(9, 0), "Anna").await;
    w.mailer.take();
    let due = dec1(7, 0);
    // The claim (update 1) holds; the record after the send (update 2) is lost.
    let crashing = Arc::new(Crashing {
        store: w.store.clone(),
        updates: AtomicUsize::new(0),
        fail_at: 2,
    });
    let run = w.at(due);
    let scheduler = MailRetry::new(
        run.delivery(crashing.clone()),
        crashing.clone(),
        w.keys.clone(),
    );
    assert_eq!(scheduler.retry_pending(10).await.unwrap().sent, 1);
    let first = w.mailer.take();
    assert_eq!(first.len(), 1);

    assert_eq!(
        w.at(due + Duration::minutes(1)).run().await.sent,
        0,
        "claimed: not yet"
    );
    let retaken = due + LEASE;
    assert_eq!(
        w.at(retaken).run().await.sent,
        1,
        "the claim lapsed: sent once more"
    );
    let again = w.mailer.take();
    assert_eq!(again.len(), 1);
    assert_eq!(
        (&again[0].subject, &again[0].text, &again[0].html),
        (&first[0].subject, &first[0].text, &first[0].html),
        "the same mail"
    );
    assert_eq!(
        w.at(retaken + Duration::minutes(5)).run().await.sent,
        0,
        "recorded now"
    );
    let stored = w.store.get(a.id, retaken).await.unwrap().unwrap();
    // What is left is the link mail's moment, 08:00: without a link, the provider's alert.
    assert!(stored.reminders.is_empty());
    assert_eq!(stored.delivery.due, Some(dec1(8, 0)));
}

/// Two scheduler runs at `now`, overlapping: how many mails they sent together.
async fn twice(w: &World, now: DateTime<Utc>) -> usize {
    let (one, two) = (w.at(now), w.at(now));
    let (r1, r2) = tokio::join!(one.run(), two.run());
    r1.sent + r2.sent
}

fn token(w: &World, a: &Appointment) -> String {
    w.keys.token(&a.id).expose().to_owned()
}

async fn a_missing_link_alerts_the_providers_mailbox_at_the_link_mails_moment_and_once_more(
    store: Arc<dyn Store>,
) {
    let w = World::new(config(Meeting::Manual, vec![]), store);
    let a = w.book(dec1(10, 0), "Anna").await;
    let sent_link = w.book(dec1(11, 0), "Babis").await;
    // The booking's copy links the console's page too.
    let booked = w.mailer.take();
    assert!(
        booked.iter().any(|m| m.to == ["sip@lib.uom.gr"]
            && m.text.contains(&format!("/staff/#appointment/{}", a.id))),
        "{:?}",
        booked.iter().map(|m| &m.text).collect::<Vec<_>>()
    );
    assert_eq!(w.at(dec1(8, 30)).run().await.sent, 0, "not yet");
    // Staff send one appointment's link in time: it is never alerted.
    w.at(dec1(8, 40))
        .staff()
        .send_link(&by(), &sent_link.id.to_string(), "https://uom.zoom.us/j/2")
        .await
        .unwrap();
    w.mailer.take();
    // 09:00, the link mail's moment (60 minutes ahead), and no link: the provider is told.
    assert_eq!(w.at(dec1(9, 0)).run().await.sent, 1);
    let alert = w.mailer.take();
    assert_eq!(alert.len(), 1);
    assert_eq!(
        alert[0].to,
        ["sip@lib.uom.gr"],
        "the provider's mailbox, not the patron"
    );
    assert_eq!(
        alert[0].subject,
        "Χωρίς σύνδεσμο τηλεδιάσκεψης: 01/12 10:00"
    );
    assert!(
        alert[0]
            .text
            .contains(&format!("/staff/#appointment/{}", a.id)),
        "the console's page: {}",
        alert[0].text
    );
    assert!(alert[0].text.contains("Anna"), "who it is for");
    assert_eq!(
        alert[0].reply_to.as_deref(),
        Some(a.patron.customer.email.mailbox().as_str())
    );
    assert_eq!(w.at(dec1(9, 5)).run().await.sent, 0, "once");
    // Ten minutes before the start, still missing: once more, then never again.
    assert_eq!(w.at(dec1(9, 50)).run().await.sent, 1);
    assert!(w.mailer.take()[0].subject.starts_with("Χωρίς σύνδεσμο"));
    assert_eq!(w.at(dec1(9, 55)).run().await.sent, 0);
    // Sent at last: the patron gets it at once, and the alerts are over.
    w.at(dec1(9, 56))
        .staff()
        .send_link(&by(), &a.id.to_string(), "https://uom.zoom.us/j/1")
        .await
        .unwrap();
    let link = w.mailer.take();
    assert_eq!(link.len(), 1);
    assert!(link[0].to[0].contains("anna"), "{:?}", link[0].to);
    assert_eq!(w.at(dec1(9, 58)).run().await.sent, 0);
    let read = w.store.get(a.id, dec1(9, 58)).await.unwrap().unwrap();
    assert_eq!(read.link_alert_due(), None);
}

both_stores!(
    a_missing_link_alerts_the_providers_mailbox_at_the_link_mails_moment_and_once_more,
    link_mail_goes_at_start_minus_lead_in_its_own_jitsi_room_and_never_after_a_cancel,
    a_fixed_room_is_mailed_to_each_and_a_late_booking_gets_it_at_once,
    reminders_go_exactly_once_under_two_overlapping_runs,
    a_crash_between_send_and_record_repeats_that_one_mail_identically,
    a_closure_hides_its_days_at_once_and_refuses_their_booking,
    a_closure_cancels_what_is_there_when_asked_one_mail_each_audited_and_is_not_added_twice,
    an_attended_consultation_gets_one_thank_you_after_its_end_and_a_no_show_none,
    staff_change_the_link_and_it_is_mailed_at_once_with_a_higher_sequence,
);
