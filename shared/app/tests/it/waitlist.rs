//! The waiting list (issue 16) on both stores: a cancel on a full day tells each waiting
//! address once, with a link to that day; joining twice is one entry; the leave link works;
//! after the day nothing is kept or sent.

use crate::world::{by, config, dec1, dynamo, World};
use chrono::{Duration, NaiveDate};
use rantevou_app::{Joined, WaitRequest, WaitlistError};
use rantevou_domain::ports::OutgoingMail;
use rantevou_domain::provider::Meeting;
use rantevou_store::{SqliteStore, Store};
use std::sync::Arc;

fn dec1_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
}

fn wait(email: &str) -> WaitRequest {
    WaitRequest {
        service: Some("mylibrarylive".into()),
        date: Some("2026-12-01".into()),
        email: Some(email.into()),
        language: Some("en".into()),
        accept_privacy: Some(true),
        challenge: None,
    }
}

/// The id and token of the link `marker` (`?wait=` or `?leave=`) in `mail`.
fn link_of(mail: &OutgoingMail, marker: &str) -> (rantevou_domain::AppointmentId, String) {
    let link = mail
        .text
        .split_whitespace()
        .find(|word| word.contains(marker))
        .unwrap_or_else(|| panic!("no {marker} link in {}", mail.text))
        .to_owned();
    let url = url::Url::parse(&link).unwrap();
    let name = marker.trim_start_matches("?").trim_end_matches('=');
    let id = url
        .query_pairs()
        .find(|(k, _)| k == name)
        .unwrap()
        .1
        .parse()
        .unwrap();
    let token = url
        .fragment()
        .unwrap()
        .trim_start_matches("token=")
        .to_owned();
    (id, token)
}

/// Confirms every join of `mails` from its link.
async fn confirm_all(list: &rantevou_app::Waitlisting, mails: &[OutgoingMail]) {
    for mail in mails {
        let (id, token) = link_of(mail, "?wait=");
        list.confirm(id, &token).await.unwrap();
    }
}

fn to(mails: &[OutgoingMail]) -> Vec<String> {
    let mut to: Vec<String> = mails.iter().map(|m| m.to[0].clone()).collect();
    to.sort();
    to
}

async fn a_cancel_on_a_full_day_tells_each_waiting_address_once(store: Arc<dyn Store>) {
    let w = World::new(config(Meeting::Manual, vec![]), store.clone());
    let starts = w
        .free_slots()
        .free_starts_on("mylibrarylive", dec1_date())
        .await
        .unwrap();
    assert!(starts.len() > 3, "a day to fill");
    let mut booked = Vec::new();
    for (i, start) in starts.iter().enumerate() {
        booked.push(w.book(*start, &format!("Αναγνώστης {i}")).await);
    }
    w.mailer.take();
    let list = w.waitlisting();
    assert_eq!(list.join(wait("anna@example.org")).await, Ok(Joined::Now));
    assert_eq!(list.join(wait("bill@example.org")).await, Ok(Joined::Now));
    assert_eq!(
        list.join(wait("ANNA@example.org")).await,
        Ok(Joined::Before),
        "one entry per address and day"
    );
    let joined = w.mailer.take();
    assert_eq!(to(&joined), ["anna@example.org", "bill@example.org"]);
    assert!(
        joined[0].subject.starts_with("Confirm the waiting list"),
        "{}",
        joined[0].subject
    );
    assert!(
        joined[0].text.contains("/?leave=") && joined[0].text.contains("/?wait="),
        "the confirm and leave links: {}",
        joined[0].text
    );
    // Only anna confirms at first: bill is told nothing until he does.
    confirm_all(&list, &joined[..1]).await;
    w.staff()
        .cancel(&by(), &booked[1].id.to_string(), "")
        .await
        .unwrap();
    w.mailer.take();
    assert_eq!(w.run().await.waitlist_told, 1);
    assert_eq!(to(&w.mailer.take()), [joined[0].to[0].clone()]);
    // bill confirms: the time freed meanwhile is told to him at the next run, once.
    confirm_all(&list, &joined[1..]).await;
    assert_eq!(w.run().await.waitlist_told, 1);
    let told = w.mailer.take();
    assert_eq!(to(&told), [joined[1].to[0].clone()]);
    assert!(told[0].subject.starts_with("A time has freed up"));
    assert!(
        told[0].text.contains(
            "https://book.example.org/?service=mylibrarylive&date=2026-12-01&lang=en&from=waitlist"
        ),
        "{}",
        told[0].text
    );
    // Once each: the next run and another cancel send nothing more.
    assert_eq!(w.run().await.waitlist_told, 0);
    w.staff()
        .cancel(&by(), &booked[3].id.to_string(), "")
        .await
        .unwrap();
    w.mailer.take();
    assert_eq!(w.run().await.waitlist_told, 0);
    assert!(w.mailer.take().iter().all(|m| !m.subject.contains("freed")));

    // After the day, nothing is kept or sent.
    let later = w.at(dec1(23, 0) + Duration::hours(2));
    assert!(store
        .waiting(later.ctx.now(), 100)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(later.run().await.waitlist_told, 0);
}

async fn the_leave_link_takes_the_address_off(store: Arc<dyn Store>) {
    let w = World::new(config(Meeting::Manual, vec![]), store.clone());
    let list = w.waitlisting();
    list.join(wait("anna@example.org")).await.unwrap();
    let mail = w.mailer.take().remove(0);
    let (id, token) = link_of(&mail, "?leave=");
    assert_eq!(
        list.confirm(id, "wrong").await,
        Err(WaitlistError::NotFound)
    );
    list.confirm(id, &token).await.unwrap();
    assert_eq!(store.waiting(w.ctx.now(), 100).await.unwrap().len(), 1);
    assert_eq!(list.leave(id, "wrong").await, Err(WaitlistError::NotFound));
    assert_eq!(list.leave(id, &token).await, Ok(()));
    assert_eq!(list.leave(id, &token).await, Err(WaitlistError::NotFound));
    assert!(store.waiting(w.ctx.now(), 100).await.unwrap().is_empty());
}

async fn a_day_not_offered_or_a_missing_consent_is_refused(store: Arc<dyn Store>) {
    let w = World::new(config(Meeting::Manual, vec![]), store);
    let list = w.waitlisting();
    let sunday = WaitRequest {
        date: Some("2026-11-29".into()),
        accept_privacy: None,
        ..wait("anna@example.org")
    };
    match list.join(sunday).await {
        Err(WaitlistError::Invalid(errors)) => {
            assert!(errors.get("date").is_some() && errors.get("accept_privacy").is_some());
        }
        other => panic!("{other:?}"),
    }
    // The cap: three days at a time.
    for day in ["2026-12-01", "2026-12-02", "2026-12-03"] {
        let r = WaitRequest {
            date: Some(day.into()),
            ..wait("anna@example.org")
        };
        assert_eq!(list.join(r).await, Ok(Joined::Now));
    }
    let fourth = WaitRequest {
        date: Some("2026-12-04".into()),
        ..wait("anna@example.org")
    };
    assert_eq!(
        list.join(fourth).await,
        Err(WaitlistError::TooMany { max: 3 })
    );
}

async fn a_hold_that_lapses_on_a_full_day_tells_the_waiting(store: Arc<dyn Store>) {
    // Bookings held 30 minutes until confirmed from the mail: the day is full of holds.
    let mut held = config(Meeting::Manual, vec![]);
    held.policy.hold_minutes = 30;
    let w = World::new(held, store.clone());
    let starts = w
        .free_slots()
        .free_starts_on("mylibrarylive", dec1_date())
        .await
        .unwrap();
    for (i, start) in starts.iter().enumerate() {
        w.book(*start, &format!("Αναγνώστης {i}")).await;
    }
    assert!(w
        .free_slots()
        .free_starts_on("mylibrarylive", dec1_date())
        .await
        .unwrap()
        .is_empty());
    w.mailer.take();
    w.waitlisting()
        .join(wait("anna@example.org"))
        .await
        .unwrap();
    confirm_all(&w.waitlisting(), &w.mailer.take()).await;
    assert_eq!(w.run().await.waitlist_told, 0, "every time is held");
    // No one confirms: the holds lapse by themselves, with no write, and the scheduler sees it.
    let later = w.at(rantevou_testkit::fixture_now() + Duration::minutes(31));
    assert_eq!(later.run().await.waitlist_told, 1);
    let told = w.mailer.take();
    assert!(told
        .iter()
        .any(|m| m.to[0] == "anna@example.org" && m.subject.starts_with("A time has freed up")));
}

both_stores!(
    a_cancel_on_a_full_day_tells_each_waiting_address_once,
    the_leave_link_takes_the_address_off,
    a_day_not_offered_or_a_missing_consent_is_refused,
    a_hold_that_lapses_on_a_full_day_tells_the_waiting,
);
