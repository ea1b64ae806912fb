//! Each use case against an in-memory SQLite store and a mailer that records (or refuses):
//! what it returns, which error of its own enum, and what it sends.

use async_trait::async_trait;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rantevou_app::*;
use rantevou_domain::patron::{FieldCode, FreeText};
use rantevou_domain::ports::{IdempotencyKey, MailError, MailQueue, Mailer, OutgoingMail};
use rantevou_store::SqliteStore;
use std::sync::{Arc, Mutex};

/// Saturday 28 November 2026, 12:00 Athens.
fn now() -> DateTime<Utc> {
    rantevou_testkit::fixture_now()
}

use crate::support::Recorder;

struct World {
    ctx: Context,
    store: Arc<SqliteStore>,
    mailer: Arc<Recorder>,
}

impl World {
    /// The sample library without its bot check (its own test below), mail working or not.
    fn new(refuse: bool) -> World {
        let mut config = rantevou_testkit::sample_config();
        config.policy.proof_of_work_difficulty = 0;
        World::of(config, refuse)
    }
    fn of(config: rantevou_domain::LibraryConfig, refuse: bool) -> World {
        let config = Arc::new(config);
        let links = Links::same_origin("https://book.example.org").unwrap();
        World {
            ctx: Context::new(config, Arc::new(now), links),
            store: Arc::new(SqliteStore::in_memory().unwrap()),
            mailer: Arc::new(Recorder {
                refuse,
                ..Recorder::default()
            }),
        }
    }
    /// The same world `minutes` later (the same store and mailer).
    fn at(&self, minutes: i64) -> World {
        let later = now() + Duration::minutes(minutes);
        World {
            ctx: Context::new(
                self.ctx.config.clone(),
                Arc::new(move || later),
                self.ctx.links.clone(),
            ),
            store: self.store.clone(),
            mailer: self.mailer.clone(),
        }
    }
    fn retry(&self, keys: Arc<rantevou_domain::ManageKeys>) -> MailRetry {
        MailRetry::new(self.mail(), self.store.clone(), keys)
    }
    fn mail(&self) -> MailDelivery {
        MailDelivery::new(self.ctx.clone(), self.mailer.clone(), self.store.clone())
    }
    fn booking(&self) -> Booking {
        Booking::new(
            self.ctx.clone(),
            self.store.clone(),
            self.mail(),
            Arc::new(rantevou_testkit::keys()),
        )
    }
    fn cancelling(&self) -> Cancelling {
        Cancelling::new(
            self.ctx.clone(),
            self.store.clone(),
            self.store.clone(),
            self.mail(),
        )
    }
    fn confirming(&self) -> Confirming {
        Confirming::new(
            self.ctx.clone(),
            self.store.clone(),
            self.store.clone(),
            self.mail(),
            Arc::new(rantevou_testkit::keys()),
        )
    }
    fn resending(&self) -> Resending {
        Resending::new(
            self.ctx.clone(),
            self.store.clone(),
            self.mailer.clone(),
            Arc::new(rantevou_testkit::keys()),
        )
    }
    fn fetching(&self) -> Fetching {
        Fetching::new(self.ctx.clone(), self.store.clone())
    }
    /// The free starts of 1 December 2026, as the API writes them.
    async fn free_slots_of_dec_1(&self) -> Vec<String> {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let query = SlotsQuery {
            service: "mylibrarylive".into(),
            provider: None,
            from: Some(day),
            to: Some(day),
        };
        let tz = self.ctx.config.library.timezone;
        FreeSlots::new(self.ctx.clone(), self.store.clone())
            .free_slots(&query)
            .await
            .unwrap()
            .into_iter()
            .flat_map(|d| d.slots)
            .map(|s| s.start.with_timezone(&tz).to_rfc3339())
            .collect()
    }
    fn sent(&self) -> Vec<OutgoingMail> {
        self.mailer.sent.lock().unwrap().clone()
    }
}

/// Tuesday 1 December 2026 at `hh:mm` Athens, as the site sends it.
fn start(hh: u32, mm: u32) -> String {
    format!("2026-12-01T{hh:02}:{mm:02}:00+02:00")
}

fn request(start: &str) -> BookRequest {
    BookRequest {
        service: Some("mylibrarylive".into()),
        provider: Some("any".into()),
        start: Some(start.into()),
        patron: rantevou_testkit::patron_input("Katerina"),
        answers: rantevou_testkit::sample_answers(),
        from_waitlist: false,
        idempotency_key: None,
        challenge: None,
    }
}

fn token_of(url: &str) -> String {
    url.split("token=").nth(1).unwrap().to_owned()
}

#[tokio::test]
async fn booking_stores_sends_the_confirmation_with_the_link_and_dates_it_by_the_clock() {
    let w = World::new(false);
    let Booked::New {
        appointment,
        manage_url: Some(manage_url),
    } = w.booking().book(request(&start(9, 0))).await.unwrap()
    else {
        panic!("a new booking");
    };
    assert!(manage_url.starts_with(&format!(
        "https://book.example.org/api/appointments/{}/manage?token=",
        appointment.id
    )));
    let sent = w.sent();
    assert_eq!(sent.len(), 2, "the patron's and the provider's copy");
    assert!(sent[0].text.contains(&manage_url));
    assert!(
        sent.iter().all(|m| m.date == now()),
        "the use case's clock, not the adapter's"
    );
    assert!(
        w.store
            .due_mail(now() + Duration::days(1), 10)
            .await
            .unwrap()
            .is_empty(),
        "recorded sent"
    );
    let fetched = w
        .fetching()
        .fetch(appointment.id, &token_of(&manage_url))
        .await
        .unwrap();
    assert_eq!(fetched.id, appointment.id);
}

#[tokio::test]
async fn every_field_at_fault_comes_back_at_once_with_the_service_first() {
    let w = World::new(false);
    let mut r = request("tomorrow");
    r.service = None;
    r.patron.email = Some("a..b@example.org".into());
    r.patron.accept_privacy = None;
    let Err(BookError::Invalid(errors)) = w.booking().book(r).await else {
        panic!("invalid");
    };
    let got: Vec<_> = errors.0.iter().map(|e| (&*e.field, e.code)).collect();
    assert_eq!(
        got,
        [
            ("service", FieldCode::Required),
            ("customer.email", FieldCode::Invalid),
            ("accept_privacy", FieldCode::MustAccept),
            ("start", FieldCode::Invalid),
        ]
    );
    assert!(w.sent().is_empty());
}

#[tokio::test]
async fn refusals_are_the_booking_errors() {
    let w = World::new(false);
    let book = |r| async { w.booking().book(r).await };
    let mut r = request(&start(9, 0));
    r.service = Some("nothing".into());
    assert_eq!(book(r).await, Err(BookError::UnknownService));
    let mut r = request(&start(9, 0));
    r.provider = Some("nobody".into());
    assert_eq!(book(r).await, Err(BookError::UnknownProvider));
    let Err(BookError::Invalid(e)) = book(request(&start(9, 10))).await else {
        panic!("off the grid");
    };
    assert_eq!(e.get("start").map(|e| e.code), Some(FieldCode::NotOffered));
    let Err(BookError::Invalid(e)) = book(request("2027-03-01T09:00:00+02:00")).await else {
        panic!("past the horizon");
    };
    assert_eq!(
        e.get("start").map(|e| e.code),
        Some(FieldCode::BeyondHorizon)
    );

    assert!(book(request(&start(9, 0))).await.is_ok());
    assert_eq!(book(request(&start(9, 0))).await, Err(BookError::SlotTaken));
}

#[tokio::test]
async fn a_repeat_with_the_same_key_is_replayed_and_sends_nothing_again() {
    let w = World::new(false);
    let mut r = request(&start(11, 0));
    r.idempotency_key = IdempotencyKey::parse("key-1");
    let first = w.booking().book(r.clone()).await.unwrap();
    let again = w.booking().book(r.clone()).await.unwrap();
    let (
        Booked::New {
            appointment,
            manage_url: Some(manage_url),
        },
        Booked::Replayed {
            appointment: replayed,
            manage_url: again_url,
        },
    ) = (first, again)
    else {
        panic!("new, then replayed");
    };
    assert_eq!(replayed.id, appointment.id);
    assert_eq!(
        again_url,
        Some(manage_url),
        "the replay shows the same link again"
    );
    assert_eq!(w.sent().len(), 2, "one confirmation and its copy");
    r.patron.notes = Some("another topic".into());
    assert_eq!(
        w.booking().book(r).await,
        Err(BookError::IdempotencyKeyReused)
    );
}

#[tokio::test]
async fn cancelling_is_once_then_idempotent_refused_past_the_cutoff_and_needs_the_token() {
    let w = World::new(false);
    let Booked::New {
        appointment: a,
        manage_url: Some(manage_url),
    } = w.booking().book(request(&start(10, 0))).await.unwrap()
    else {
        panic!("new");
    };
    let token = token_of(&manage_url);
    let c = w.cancelling();
    assert_eq!(c.look(a.id, "wrong").await, Err(CancelError::NotFound));
    assert_eq!(c.look(a.id, "").await, Err(CancelError::NotFound));
    assert_eq!(
        c.look(a.id, &token).await.unwrap().1,
        CancelState::Cancellable
    );

    // Past the cutoff: 09:30 on the day.
    let late = Context::new(
        w.ctx.config.clone(),
        Arc::new(|| Utc.with_ymd_and_hms(2026, 12, 1, 7, 30, 0).unwrap()),
        w.ctx.links.clone(),
    );
    let late = Cancelling::new(late, w.store.clone(), w.store.clone(), w.mail());
    assert_eq!(
        late.look(a.id, &token).await.unwrap().1,
        CancelState::TooLate
    );
    assert!(matches!(
        late.cancel(a.id, &token, FreeText::default(), None).await,
        Err(CancelError::TooLate {
            cutoff_minutes: 60,
            ..
        })
    ));
    // Started (10:05 on the day) and over (10:30): each named for what it is.
    let at = |hour, minute| {
        let ctx = Context::new(
            w.ctx.config.clone(),
            Arc::new(move || Utc.with_ymd_and_hms(2026, 12, 1, hour, minute, 0).unwrap()),
            w.ctx.links.clone(),
        );
        Cancelling::new(ctx, w.store.clone(), w.store.clone(), w.mail())
    };
    assert_eq!(
        at(8, 5).look(a.id, &token).await.unwrap().1,
        CancelState::InProgress
    );
    assert_eq!(
        at(8, 30).look(a.id, &token).await.unwrap().1,
        CancelState::Finished
    );

    let reason = FreeText::parse("άλλη ώρα").unwrap();
    let Cancelled::Now(done) = c.cancel(a.id, &token, reason.clone(), None).await.unwrap() else {
        panic!("cancelled now");
    };
    assert!(!done.is_booked());
    assert!(matches!(
        c.cancel(a.id, &token, reason, None).await,
        Ok(Cancelled::Before(_))
    ));
    assert_eq!(
        c.look(a.id, &token).await.unwrap().1,
        CancelState::AlreadyCancelled
    );
    assert_eq!(
        w.sent().len(),
        3,
        "a confirmation with its copy, and the cancellation (its copy folded into the hour after)"
    );
    assert_eq!(
        w.fetching().fetch(a.id, "wrong").await,
        Err(FetchError::NotFound)
    );
}

#[tokio::test]
async fn mail_that_failed_stays_pending_and_the_retry_sends_it_once_with_the_same_link() {
    let down = World::new(true);
    let Booked::New {
        appointment: a,
        manage_url: Some(manage_url),
    } = down.booking().book(request(&start(12, 0))).await.unwrap()
    else {
        panic!("new");
    };
    let keys = Arc::new(rantevou_testkit::keys());
    assert_eq!(
        down.store.due_mail(now(), 10).await.unwrap().len(),
        0,
        "put off a minute"
    );
    assert_eq!(
        down.at(1)
            .retry(keys.clone())
            .retry_pending(10)
            .await
            .unwrap(),
        Delivery {
            sent: 0,
            failed: 1,
            given_up: 0,
            waitlist_told: 0,
            counted: 0,
            ..Delivery::default()
        }
    );
    let up = World {
        mailer: Arc::new(Recorder::default()),
        ..down.at(3)
    };
    let retry = up.retry(keys.clone());
    assert_eq!(
        retry.retry_pending(10).await.unwrap(),
        Delivery {
            sent: 1,
            failed: 0,
            given_up: 0,
            waitlist_told: 0,
            counted: 0,
            ..Delivery::default()
        }
    );
    assert_eq!(
        retry.retry_pending(10).await.unwrap(),
        Delivery {
            sent: 0,
            failed: 0,
            given_up: 0,
            waitlist_told: 0,
            counted: 0,
            ..Delivery::default()
        }
    );
    let mailed = &up.sent()[0].text;
    let link = mailed
        .lines()
        .find_map(|l| {
            l.split_once(": https://")
                .map(|(_, rest)| format!("https://{rest}"))
        })
        .unwrap();
    assert_eq!(
        link, manage_url,
        "a late confirmation carries the link the booking showed"
    );
    assert!(up.fetching().fetch(a.id, &token_of(&link)).await.is_ok());

    // With the key retired meanwhile, the link cannot be made again: a fresh one replaces it.
    let Booked::New {
        appointment: b,
        manage_url: Some(first),
    } = down_booking(&up)
        .book(request(&start(12, 20)))
        .await
        .unwrap()
    else {
        panic!("new");
    };
    let rotated = Arc::new(rantevou_domain::ManageKeys::one(
        rantevou_domain::ManageKey::new([9; 32]),
    ));
    let retry = up.at(5).retry(rotated);
    assert_eq!(
        retry.retry_pending(10).await.unwrap(),
        Delivery {
            sent: 1,
            failed: 0,
            given_up: 0,
            waitlist_told: 0,
            counted: 0,
            ..Delivery::default()
        }
    );
    let fresh = up
        .sent()
        .iter()
        .find_map(|m| {
            m.text.lines().find_map(|l| {
                l.split_once(": https://")
                    .map(|(_, rest)| format!("https://{rest}"))
                    .filter(|url| url.contains(&b.id.to_string()))
            })
        })
        .expect("b's confirmation with its link");
    assert_ne!(fresh, first, "a fresh link, since the old key is gone");
    assert!(up.fetching().fetch(b.id, &token_of(&fresh)).await.is_ok());
    assert_eq!(
        up.fetching().fetch(b.id, &token_of(&first)).await,
        Err(FetchError::NotFound)
    );
}

/// Booking through a mailer that refuses, over `w`'s store.
fn down_booking(w: &World) -> Booking {
    let down = MailDelivery::new(
        w.ctx.clone(),
        Arc::new(Recorder {
            refuse: true,
            ..Recorder::default()
        }),
        w.store.clone(),
    );
    Booking::new(
        w.ctx.clone(),
        w.store.clone(),
        down,
        Arc::new(rantevou_testkit::keys()),
    )
}

#[tokio::test]
async fn a_queue_of_failing_mail_never_holds_up_the_mail_behind_it() {
    // 131 bookings during an outage (more than a page of the queue); then mail works again
    // but for 130 addresses that keep failing, listed first: the retry reaches the last one.
    let w = World::new(false);
    let failing = Arc::new(FailsFor(Mutex::new(String::new()), Recorder::default()));
    let keys = Arc::new(rantevou_testkit::keys());
    let mail = MailDelivery::new(w.ctx.clone(), failing.clone(), w.store.clone());
    let booking = Booking::new(w.ctx.clone(), w.store.clone(), mail, keys.clone());
    let slots = FreeSlots::new(w.ctx.clone(), w.store.clone());
    let query = SlotsQuery {
        service: "mylibrarylive".into(),
        provider: None,
        from: NaiveDate::from_ymd_opt(2026, 12, 1),
        to: NaiveDate::from_ymd_opt(2027, 1, 20),
    };
    let free: Vec<String> = slots
        .free_slots(&query)
        .await
        .unwrap()
        .into_iter()
        .flat_map(|d| d.slots)
        .map(|s| s.start.to_rfc3339())
        .collect();
    assert!(free.len() > 131, "{} free times", free.len());
    for (i, start) in free.iter().take(131).enumerate() {
        let mut r = request(start);
        let who = if i < 130 {
            format!("fail{i}")
        } else {
            "fine".into()
        };
        r.patron = rantevou_testkit::patron_input(&who);
        booking.book(r).await.unwrap();
    }
    assert!(failing.1.sent.lock().unwrap().is_empty());
    *failing.0.lock().unwrap() = "fail".into();
    let later = w.at(2);
    let retry = MailRetry::new(
        MailDelivery::new(later.ctx.clone(), failing.clone(), later.store.clone()),
        later.store.clone(),
        keys,
    );
    let report = retry.retry_pending(1000).await.unwrap();
    assert_eq!((report.sent, report.failed), (1, 130), "{report:?}");
    assert!(failing
        .1
        .sent
        .lock()
        .unwrap()
        .iter()
        .any(|m| m.to == ["fine@example.org"]));
}

#[tokio::test]
async fn the_providers_copy_of_a_booking_goes_when_it_is_made_even_while_the_patrons_mail_fails() {
    let w = World::new(false);
    let failing = Arc::new(FailsFor(Mutex::new("anna".into()), Recorder::default()));
    let keys = Arc::new(rantevou_testkit::keys());
    let mail = MailDelivery::new(w.ctx.clone(), failing.clone(), w.store.clone());
    let booking = Booking::new(w.ctx.clone(), w.store.clone(), mail, keys.clone());
    let mut r = request(&start(12, 0));
    r.patron = rantevou_testkit::patron_input("Anna");
    booking.book(r).await.unwrap();
    let to_provider = |f: &FailsFor| {
        f.1.sent
            .lock()
            .unwrap()
            .iter()
            .filter(|m| m.to.iter().all(|t| !t.starts_with("anna")))
            .map(|m| m.subject.clone())
            .collect::<Vec<_>>()
    };
    let copies = to_provider(&failing);
    assert_eq!(copies.len(), 1, "the copy went at booking: {copies:?}");
    // Mail works again: the patron's confirmation goes, and the copy is not sent twice.
    *failing.0.lock().unwrap() = "nobody".into();
    let later = w.at(2);
    let retry = MailRetry::new(
        MailDelivery::new(later.ctx.clone(), failing.clone(), later.store.clone()),
        later.store.clone(),
        keys,
    );
    let report = retry.retry_pending(10).await.unwrap();
    assert_eq!((report.sent, report.failed), (1, 0), "{report:?}");
    let sent = failing.1.sent.lock().unwrap().clone();
    assert!(
        sent.iter().any(|m| m.to == ["anna@example.org"]),
        "{sent:?}"
    );
    assert_eq!(to_provider(&failing), copies, "one copy of the booking");
}

/// Fails (for now) every mail to an address starting with `.0`; records the rest.
struct FailsFor(Mutex<String>, Recorder);

#[async_trait]
impl Mailer for FailsFor {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        let prefix = self.0.lock().unwrap().clone();
        if mail.to.iter().any(|to| to.starts_with(&prefix)) {
            return Err(MailError::Unavailable("ses: timed out".into()));
        }
        self.1.send(mail).await
    }
}

#[tokio::test]
async fn free_slots_reads_the_locks_and_names_its_refusals() {
    let w = World::new(false);
    let slots = FreeSlots::new(w.ctx.clone(), w.store.clone());
    let day = NaiveDate::from_ymd_opt(2026, 12, 1);
    let query = |provider: &str, from, to| SlotsQuery {
        service: "mylibrarylive".into(),
        provider: Some(provider.into()),
        from,
        to,
    };
    let before = slots.free_slots(&query("", day, day)).await.unwrap();
    assert_eq!(before[0].slots.len(), 18);
    w.booking().book(request(&start(9, 0))).await.unwrap();
    let after = slots.free_slots(&query("sip", day, day)).await.unwrap();
    assert_eq!(after[0].slots.len(), 17);
    let default = slots.free_slots(&query("any", None, None)).await.unwrap();
    assert_eq!(default.len(), 31, "today and thirty days");
    assert_eq!(
        slots.free_slots(&query("nobody", day, day)).await,
        Err(FreeSlotsError::UnknownProvider)
    );
    let later = day.map(|d| d + Duration::days(1));
    assert_eq!(
        slots.free_slots(&query("", later, day)).await,
        Err(FreeSlotsError::RangeReversed)
    );
    let far = day.map(|d| d + Duration::days(90));
    assert!(matches!(
        slots.free_slots(&query("", day, far)).await,
        Err(FreeSlotsError::RangeTooLong(91))
    ));
}

#[tokio::test]
async fn the_bot_check_is_required_verified_and_used_once() {
    let mut config = rantevou_testkit::sample_config();
    config.policy.proof_of_work_difficulty = 500;
    let w = World::of(config, false);
    let booking = w.booking();
    let code = |r: Result<Booked, BookError>| match r {
        Err(BookError::Invalid(e)) => e.get("challenge").map(|e| e.code),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        code(booking.book(request(&start(9, 0))).await),
        Some(FieldCode::Required)
    );

    let challenge = booking.challenge().await.expect("the library asks for one");
    assert_eq!(challenge.maxnumber, 500);
    let solved = rantevou_domain::challenge::solve(&challenge).unwrap();
    let mut r = request(&start(9, 0));
    r.challenge = Some(solved.clone());
    assert!(matches!(booking.book(r).await, Ok(Booked::New { .. })));

    let mut again = request(&start(9, 20));
    again.challenge = Some(solved.clone());
    assert_eq!(code(booking.book(again).await), Some(FieldCode::Used));

    let stale = rantevou_domain::challenge::solve(&booking.challenge().await.unwrap()).unwrap();
    let mut late = request(&start(9, 40));
    late.challenge = Some(stale);
    assert_eq!(
        code(w.at(10).booking().book(late).await),
        Some(FieldCode::Expired)
    );

    let mut forged = request(&start(10, 0));
    forged.challenge = Some("eyJhbGdvcml0aG0iOiJTSEEtMjU2In0=".into());
    assert_eq!(code(booking.book(forged).await), Some(FieldCode::Invalid));

    // Without a bot check, there is no challenge to get.
    assert!(World::new(false).booking().challenge().await.is_none());
}

/// The sample library holding bookings 30 minutes until confirmed, no bot check.
fn holding(refuse: bool) -> World {
    let mut config = rantevou_testkit::sample_config();
    config.policy.proof_of_work_difficulty = 0;
    config.policy.hold_minutes = 30;
    World::of(config, refuse)
}

/// The service's link in a mail's text.
fn link_in(text: &str) -> String {
    text.split_whitespace()
        .find(|w| w.starts_with("https://book.example.org/"))
        .expect("a link")
        .to_owned()
}

#[tokio::test]
async fn a_held_booking_mails_only_the_time_and_a_link_and_books_when_confirmed() {
    let w = holding(false);
    let mut r = request(&start(9, 0));
    r.patron.name = Some("Visit https://evil.example now".into());
    r.patron.notes = Some("Click https://evil.example/login".into());
    let Booked::New {
        appointment: held,
        manage_url,
    } = w.booking().book(r).await.unwrap()
    else {
        panic!("new");
    };
    assert_eq!(manage_url, None, "the answer carries no link that confirms");
    assert_eq!(held.hold_until(), Some(now() + Duration::minutes(30)));
    let sent = w.sent();
    assert_eq!(sent.len(), 1, "to the patron only, no copy to the library");
    let request_mail = &sent[0];
    assert_eq!(request_mail.to, vec![held.patron.customer.email.mailbox()]);
    assert!(request_mail.attachments.is_empty(), "no calendar entry yet");
    for part in [
        &request_mail.subject,
        &request_mail.text,
        &request_mail.html,
    ] {
        assert!(!part.contains("evil"), "nothing the patron typed: {part}");
        assert!(part.contains("09:00"), "the time: {part}");
    }
    let link = link_in(&request_mail.text);
    assert!(link.starts_with(&format!(
        "https://book.example.org/api/appointments/{}/confirm?token=",
        held.id
    )));
    let token = token_of(&link);

    let c = w.at(10).confirming();
    assert_eq!(c.look(held.id, "wrong").await, Err(ConfirmError::NotFound));
    assert_eq!(
        c.look(held.id, &token).await.unwrap().1,
        ConfirmState::Confirmable
    );
    assert_eq!(w.sent().len(), 1, "looking changes nothing");
    let Confirmed::Now(booked) = c.confirm(held.id, &token).await.unwrap() else {
        panic!("confirmed now");
    };
    assert!(booked.is_booked());
    let sent = w.sent();
    assert_eq!(sent.len(), 3, "the confirmation and the library's copy");
    assert_eq!(
        link_in(&sent[1].text),
        format!(
            "https://book.example.org/api/appointments/{}/manage?token={token}",
            held.id
        ),
        "the confirmation's manage link is the same token"
    );
    assert!(matches!(
        c.confirm(held.id, &token).await,
        Ok(Confirmed::Before(_))
    ));
    assert_eq!(w.sent().len(), 3, "confirmed once, mailed once");
    // Booked: its time stays taken past the hold's end.
    assert_eq!(
        w.at(60).booking().book(request(&start(9, 0))).await,
        Err(BookError::SlotTaken)
    );
}

#[tokio::test]
async fn an_unconfirmed_hold_lapses_and_its_time_is_free_again_with_no_sweep() {
    let w = holding(false);
    let Booked::New {
        appointment: held, ..
    } = w.booking().book(request(&start(9, 20))).await.unwrap()
    else {
        panic!("new");
    };
    let token = token_of(&link_in(&w.sent()[0].text));
    let free = |w: World| async move {
        let days = w.free_slots_of_dec_1().await;
        days.contains(&"2026-12-01T09:20:00+02:00".to_owned())
    };
    assert!(!free(w.at(29)).await, "held for 30 minutes");
    assert_eq!(
        w.at(29).booking().book(request(&start(9, 20))).await,
        Err(BookError::SlotTaken)
    );
    assert!(free(w.at(30)).await, "free again the moment the hold ends");
    let c = w.at(30).confirming();
    assert_eq!(
        c.look(held.id, &token).await.unwrap().1,
        ConfirmState::Lapsed
    );
    assert!(matches!(
        c.confirm(held.id, &token).await,
        Err(ConfirmError::NotConfirmable {
            reason: rantevou_domain::NotConfirmable::Lapsed,
            ..
        })
    ));
    // Someone else books it; the old link still cannot take it back.
    assert!(matches!(
        w.at(31).booking().book(request(&start(9, 20))).await,
        Ok(Booked::New { .. })
    ));
    assert!(c.confirm(held.id, &token).await.is_err());
}

#[tokio::test]
async fn a_failed_request_to_confirm_is_retried_with_the_same_link_until_the_hold_ends() {
    let down = holding(true);
    let Booked::New { appointment: a, .. } =
        down.booking().book(request(&start(10, 0))).await.unwrap()
    else {
        panic!("new");
    };
    let keys = Arc::new(rantevou_testkit::keys());
    let up = World {
        mailer: Arc::new(Recorder::default()),
        ..down.at(2)
    };
    assert_eq!(
        up.retry(keys.clone()).retry_pending(10).await.unwrap().sent,
        1
    );
    let link = link_in(&up.sent()[0].text);
    assert!(link.contains(&format!("/api/appointments/{}/confirm?token=", a.id)));
    assert!(matches!(
        up.confirming().confirm(a.id, &token_of(&link)).await,
        Ok(Confirmed::Now(_))
    ));
    // Another whose mail never got through: after its hold ends the retry drops it unsent.
    let Booked::New { appointment: b, .. } =
        down.booking().book(request(&start(10, 20))).await.unwrap()
    else {
        panic!("new");
    };
    let late = World {
        mailer: Arc::new(Recorder::default()),
        ..down.at(31)
    };
    late.retry(keys).retry_pending(10).await.unwrap();
    assert!(
        late.sent()
            .iter()
            .all(|m| !m.text.contains(&b.id.to_string())),
        "no request to confirm a lapsed hold"
    );
    assert!(late
        .store
        .due_mail(now() + Duration::days(1), 10)
        .await
        .unwrap()
        .is_empty());
}

fn resend_to(email: &str) -> ResendRequest {
    ResendRequest {
        email: Some(email.into()),
        language: Some("en".into()),
        challenge: None,
    }
}

#[tokio::test]
async fn the_links_of_a_patrons_upcoming_bookings_are_mailed_again_to_that_address_only() {
    let w = World::new(false);
    let book = |r: BookRequest| async { w.booking().book(r).await.unwrap() };
    let Booked::New {
        manage_url: Some(first_url),
        ..
    } = book(request(&start(9, 0))).await
    else {
        panic!("new");
    };
    let Booked::New {
        appointment: second,
        manage_url: Some(second_url),
    } = book(request(&start(9, 20))).await
    else {
        panic!("new");
    };
    w.cancelling()
        .cancel(
            second.id,
            &token_of(&second_url),
            FreeText::parse("").unwrap(),
            None,
        )
        .await
        .unwrap();
    let mut other = request(&start(9, 40));
    other.patron = rantevou_testkit::patron_input("Nikos");
    book(other).await;
    let mailed_before = w.sent().len();

    let r = w.resending();
    assert_eq!(
        r.resend(resend_to("KATERINA@example.org")).await,
        Ok(Resent::Mailed(1)),
        "the address as typed, any case: its one booked appointment"
    );
    let sent = w.sent();
    assert_eq!(sent.len(), mailed_before + 1);
    let mail = sent.last().unwrap();
    assert_eq!(mail.to, vec!["katerina@example.org".to_owned()]);
    assert!(
        mail.text.contains(&first_url),
        "the same link as the booking's"
    );
    assert!(!mail.text.contains(&second_url), "not the cancelled one");
    assert!(
        !mail.text.contains("Αναζήτηση"),
        "nothing typed into the form"
    );
    assert!(
        mail.text
            .contains("Tuesday 1 December 2026, 09:00 (Greek time)"),
        "{}",
        mail.text
    );

    assert_eq!(
        r.resend(resend_to("katerina@example.org")).await,
        Ok(Resent::TooSoon)
    );
    assert_eq!(
        w.sent().len(),
        mailed_before + 1,
        "not twice in ten minutes"
    );
    assert_eq!(
        w.at(10)
            .resending()
            .resend(resend_to("katerina@example.org"))
            .await,
        Ok(Resent::Mailed(1))
    );
    assert_eq!(
        r.resend(resend_to("nobody@example.org")).await,
        Ok(Resent::NothingUpcoming)
    );
    assert_eq!(w.sent().len(), mailed_before + 2);

    let Err(ResendError::Invalid(errors)) = r.resend(resend_to("not an address")).await else {
        panic!("invalid");
    };
    assert_eq!(errors.0[0].field, "email");
}

#[tokio::test]
async fn a_resend_needs_the_bot_check_when_the_library_asks_for_one() {
    let w = World::of(rantevou_testkit::sample_config(), false);
    let Err(ResendError::Invalid(errors)) = w.resending().resend(resend_to("a@example.org")).await
    else {
        panic!("refused");
    };
    let got: Vec<_> = errors.0.iter().map(|e| (&*e.field, e.code)).collect();
    assert_eq!(got, [("challenge", FieldCode::Required)]);
}
