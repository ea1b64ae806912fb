//! The store contract: every test here runs against both adapters (SQLite, and DynamoDB on
//! the local endpoint) and must pass on both.

use crate::support::{appointment, at, config};
use chrono::Duration;
use rantevou_domain::appointment::{Canceller, MailKind, Status};
use rantevou_domain::patron::FreeText;
use rantevou_domain::ports::CreateConditions;
use rantevou_domain::ports::{Created, IdempotencyKey, StoreError};
use rantevou_domain::PatronLimit;
use rantevou_domain::{LockMonth, ProviderId};
use rantevou_store::Store;

fn sip() -> ProviderId {
    ProviderId::parse("sip").unwrap()
}

pub(crate) async fn held(
    store: &dyn Store,
    provider: &ProviderId,
) -> Vec<chrono::DateTime<chrono::Utc>> {
    held_at(store, provider, at(-24 * 60)).await
}

/// The starts of the locks held on `provider`'s time at `now`.
async fn held_at(
    store: &dyn Store,
    provider: &ProviderId,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<chrono::DateTime<chrono::Utc>> {
    let mut starts: Vec<_> = store
        .locks(provider, LockMonth::of(at(0)), now)
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.start)
        .collect();
    starts.sort();
    starts
}

fn reason(text: &str) -> FreeText {
    FreeText::parse(text).unwrap()
}

async fn create_fetch_cancel_round_trip(store: &dyn Store) {
    let config = config();
    let (mut a, token) = appointment(&config, "short", "sip", at(0), "Κατερίνα");
    a.patron.zone = Some(chrono_tz::Pacific::Auckland);
    use rantevou_domain::question::Answer;
    a.answers = [
        ("status", Answer::One("pg".into())),
        (
            "tools",
            Answer::Many(vec!["scopus".into(), "zotero".into()]),
        ),
        ("member", Answer::Flag(false)),
        (
            "tried",
            Answer::One("Google Scholar,\nτο αποθετήριο «Ψηφίδα»".into()),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    assert_eq!(
        store
            .create(&a, &CreateConditions::default())
            .await
            .unwrap(),
        Created::New(a.clone())
    );
    let now = at(-24 * 60);
    let fetched = store.get(a.id, now).await.unwrap().expect("stored");
    assert_eq!(
        fetched, a,
        "every field survives the round trip, the answers too"
    );
    assert!(fetched.token_hash.verify(token.expose()));
    assert_eq!(held(store, &sip()).await, vec![at(0)]);

    let cancelled = store
        .cancel(&fetched, now, &reason("αλλαγή ημερομηνίας"))
        .await
        .unwrap();
    assert!(!cancelled.is_booked());
    let refetched = store.get(a.id, now).await.unwrap().expect("still there");
    assert_eq!(refetched, cancelled);
    assert_eq!(refetched.canceller(), Some(Canceller::Patron));
    match refetched.status {
        Status::Cancelled {
            at: when, reason, ..
        } => {
            assert_eq!(when, now);
            assert_eq!(reason.as_str(), "αλλαγή ημερομηνίας");
        }
        other => panic!("not cancelled: {other:?}"),
    }
    assert!(
        held(store, &sip()).await.is_empty(),
        "the slot is free again"
    );
}

async fn a_staff_cancellation_is_read_back_as_staff(store: &dyn Store) {
    let config = config();
    let (a, _) = appointment(&config, "short", "sip", at(40), "Ελένη");
    store
        .create(&a, &CreateConditions::default())
        .await
        .unwrap();
    let now = at(-24 * 60);
    let fetched = store.get(a.id, now).await.unwrap().expect("stored");
    let cancelled = store
        .cancel_by(
            &fetched,
            now,
            &reason("η βιβλιοθήκη κλείνει"),
            Canceller::Staff,
        )
        .await
        .unwrap();
    assert_eq!(cancelled.canceller(), Some(Canceller::Staff));
    let refetched = store.get(a.id, now).await.unwrap().expect("still there");
    assert_eq!(
        refetched, cancelled,
        "who cancelled survives the round trip"
    );
    assert!(refetched.mail_pending(MailKind::Cancellation));
    assert!(
        held(store, &sip()).await.is_empty(),
        "the slot is free again"
    );
}

async fn a_held_slot_cannot_be_booked_again_and_nothing_is_stored(store: &dyn Store) {
    let config = config();
    let (first, _) = appointment(&config, "short", "sip", at(20), "First");
    let (second, _) = appointment(&config, "short", "sip", at(20), "Second");
    store
        .create(&first, &CreateConditions::default())
        .await
        .unwrap();
    assert_eq!(
        store.create(&second, &CreateConditions::default()).await,
        Err(StoreError::SlotTaken)
    );
    assert_eq!(
        store.get(second.id, at(0)).await.unwrap(),
        None,
        "no trace of the refused booking"
    );
    assert_eq!(held(store, &sip()).await, vec![at(20)]);
    // Another provider's same time is free.
    let (other, _) = appointment(&config, "short", "ana", at(20), "Other");
    assert!(matches!(
        store.create(&other, &CreateConditions::default()).await,
        Ok(Created::New(_))
    ));
}

async fn partly_overlapping_appointments_of_different_lengths_are_refused(store: &dyn Store) {
    let config = config();
    // 40 minutes from 09:20 holds 09:20 and 09:40.
    let (long, _) = appointment(&config, "long", "sip", at(20), "Long");
    assert_eq!(long.locks.len(), 2);
    store
        .create(&long, &CreateConditions::default())
        .await
        .unwrap();
    let (short, _) = appointment(&config, "short", "sip", at(40), "Short");
    assert_eq!(
        store.create(&short, &CreateConditions::default()).await,
        Err(StoreError::SlotTaken)
    );
    // A 40-minute booking from 09:00 overlaps at 09:20: refused, and its free 09:00 lock is not kept.
    let (early, _) = appointment(&config, "long", "sip", at(0), "Early");
    assert_eq!(
        store.create(&early, &CreateConditions::default()).await,
        Err(StoreError::SlotTaken)
    );
    assert_eq!(held(store, &sip()).await, vec![at(20), at(40)]);
    // Adjacent is fine.
    let (after, _) = appointment(&config, "short", "sip", at(60), "After");
    assert!(matches!(
        store.create(&after, &CreateConditions::default()).await,
        Ok(Created::New(_))
    ));
}

async fn cancel_frees_exactly_its_own_locks(store: &dyn Store) {
    let config = config();
    let (a, _) = appointment(&config, "long", "sip", at(0), "A");
    let (b, _) = appointment(&config, "short", "sip", at(40), "B");
    let (c, _) = appointment(&config, "short", "ana", at(0), "C");
    for x in [&a, &b, &c] {
        store.create(x, &CreateConditions::default()).await.unwrap();
    }
    store.cancel(&a, at(-600), &reason("")).await.unwrap();
    assert_eq!(held(store, &sip()).await, vec![at(40)]);
    assert_eq!(
        held(store, &ProviderId::parse("ana").unwrap()).await,
        vec![at(0)]
    );
    assert!(store
        .get(b.id, at(-600))
        .await
        .unwrap()
        .unwrap()
        .is_booked());
}

async fn cancelling_twice_is_harmless(store: &dyn Store) {
    let config = config();
    let (a, _) = appointment(&config, "short", "sip", at(0), "A");
    store
        .create(&a, &CreateConditions::default())
        .await
        .unwrap();
    let first = store.cancel(&a, at(-600), &reason("first")).await.unwrap();
    // A second cancel, e.g. from a double-submitted form, changes nothing.
    assert_eq!(
        store.cancel(&a, at(-500), &reason("second")).await,
        Err(StoreError::NotBooked)
    );
    assert_eq!(store.get(a.id, at(-400)).await.unwrap(), Some(first));
    // The freed slot can be booked again, and the old cancel cannot free the new booking.
    let (b, _) = appointment(&config, "short", "sip", at(0), "B");
    store
        .create(&b, &CreateConditions::default())
        .await
        .unwrap();
    assert_eq!(
        store.cancel(&a, at(-300), &reason("third")).await,
        Err(StoreError::NotBooked)
    );
    assert_eq!(held(store, &sip()).await, vec![at(0)]);
}

async fn a_wrong_token_cancels_nothing(store: &dyn Store) {
    let config = config();
    let (a, _) = appointment(&config, "short", "sip", at(0), "A");
    store
        .create(&a, &CreateConditions::default())
        .await
        .unwrap();
    let mut forged = a.clone();
    forged.token_hash = rantevou_domain::TokenHash::of("guessed");
    assert_eq!(
        store.cancel(&forged, at(-600), &reason("x")).await,
        Err(StoreError::NotBooked)
    );
    assert!(store
        .get(a.id, at(-600))
        .await
        .unwrap()
        .unwrap()
        .is_booked());
    assert_eq!(held(store, &sip()).await, vec![at(0)]);
}

async fn a_retried_create_with_the_same_key_yields_one_appointment(store: &dyn Store) {
    let config = config();
    let key = IdempotencyKey::parse("8f6c1f1e-3c53-4a64-9a59-5b1b2f0e7d11").unwrap();
    let (a, _) = appointment(&config, "short", "sip", at(0), "Same");
    // The retry is a new request: new id and token, same details.
    let (retry, _) = appointment(&config, "short", "sip", at(0), "Same");
    assert_ne!(a.id, retry.id);
    assert_eq!(
        store
            .create(
                &a,
                &CreateConditions {
                    idempotency_key: Some(&key),
                    ..Default::default()
                }
            )
            .await
            .unwrap(),
        Created::New(a.clone())
    );
    assert_eq!(
        store
            .create(
                &retry,
                &CreateConditions {
                    idempotency_key: Some(&key),
                    ..Default::default()
                }
            )
            .await
            .unwrap(),
        Created::Replayed(a.clone())
    );
    assert_eq!(store.get(retry.id, at(-60)).await.unwrap(), None);
    assert_eq!(held(store, &sip()).await, vec![at(0)]);
    // The same key for another request is refused; a fresh key books normally.
    let (different, _) = appointment(&config, "short", "sip", at(20), "Other");
    assert_eq!(
        store
            .create(
                &different,
                &CreateConditions {
                    idempotency_key: Some(&key),
                    ..Default::default()
                }
            )
            .await,
        Err(StoreError::IdempotencyMismatch)
    );
    let fresh = IdempotencyKey::parse("another-key").unwrap();
    assert_eq!(
        store
            .create(
                &different,
                &CreateConditions {
                    idempotency_key: Some(&fresh),
                    ..Default::default()
                }
            )
            .await
            .unwrap(),
        Created::New(different)
    );
}

async fn expired_data_is_not_returned(store: &dyn Store) {
    let config = config();
    let (a, _) = appointment(&config, "short", "sip", at(0), "A");
    store
        .create(&a, &CreateConditions::default())
        .await
        .unwrap();
    assert!(store
        .get(a.id, a.expires_at - Duration::seconds(1))
        .await
        .unwrap()
        .is_some());
    assert_eq!(store.get(a.id, a.expires_at).await.unwrap(), None);
    assert_eq!(a.expires_at, a.end + Duration::days(90));
}

async fn unknown_ids_are_absent(store: &dyn Store) {
    let config = config();
    let (never_stored, _) = appointment(&config, "short", "sip", at(0), "Ghost");
    assert_eq!(store.get(never_stored.id, at(0)).await.unwrap(), None);
    assert_eq!(
        store.cancel(&never_stored, at(-600), &reason("")).await,
        Err(StoreError::NotBooked)
    );
    assert!(held(store, &sip()).await.is_empty());
}

async fn pending_mail_is_recorded_with_the_write_and_cleared_when_sent(store: &dyn Store) {
    use rantevou_domain::appointment::MailKind;
    let config = config();
    let (mut a, _) = appointment(&config, "short", "sip", at(0), "A");
    let (mut b, _) = appointment(&config, "short", "sip", at(20), "B");
    // Pending mail alone: no link mail's moment (nor the alert that a link is missing).
    a.meeting.due = None;
    b.meeting.due = None;
    store
        .create(&a, &CreateConditions::default())
        .await
        .unwrap();
    store
        .create(&b, &CreateConditions::default())
        .await
        .unwrap();
    assert!(
        store.due_mail(at(-1441), 10).await.unwrap().is_empty(),
        "due from the moment it was booked"
    );
    let pending: Vec<_> = store
        .due_mail(at(0), 10)
        .await
        .unwrap()
        .into_iter()
        .map(|x| (x.id, x.pending_mail))
        .collect();
    assert_eq!(
        pending,
        vec![
            (a.id, vec![MailKind::Confirmation]),
            (b.id, vec![MailKind::Confirmation])
        ]
    );

    sent(store, a.id, MailKind::Confirmation).await;
    let pending: Vec<_> = store
        .due_mail(at(0), 10)
        .await
        .unwrap()
        .into_iter()
        .map(|x| x.id)
        .collect();
    assert_eq!(pending, vec![b.id]);
    assert!(store
        .get(a.id, at(-60))
        .await
        .unwrap()
        .unwrap()
        .pending_mail
        .is_empty());

    // Cancelling records the cancellation mail in the same write.
    let current = store.get(a.id, at(-600)).await.unwrap().unwrap();
    let cancelled = store.cancel(&current, at(-600), &reason("")).await.unwrap();
    assert_eq!(cancelled.pending_mail, vec![MailKind::Cancellation]);
    let stored = store.get(a.id, at(-600)).await.unwrap().unwrap();
    assert_eq!(stored.pending_mail, vec![MailKind::Cancellation]);
    assert_eq!(
        store.due_mail(at(0), 1).await.unwrap().len(),
        1,
        "the limit holds"
    );
    sent(store, a.id, MailKind::Cancellation).await;
    sent(store, b.id, MailKind::Confirmation).await;
    assert!(store.due_mail(at(0), 10).await.unwrap().is_empty());
}

async fn a_retried_confirmation_gets_a_fresh_token_once(store: &dyn Store) {
    use rantevou_domain::appointment::MailKind;
    use rantevou_domain::TokenHash;
    let config = config();
    let (a, old) = appointment(&config, "short", "sip", at(0), "A");
    store
        .create(&a, &CreateConditions::default())
        .await
        .unwrap();
    let new = TokenHash::of("fresh");
    assert_eq!(
        store.replace_token(a.id, TokenHash::of("wrong"), new).await,
        Err(StoreError::NotBooked)
    );
    store.replace_token(a.id, old.hash(), new).await.unwrap();
    let stored = store.get(a.id, at(-60)).await.unwrap().unwrap();
    assert!(stored.token_hash.verify("fresh") && !stored.token_hash.verify(old.expose()));
    sent(store, a.id, MailKind::Confirmation).await;
    assert_eq!(
        store.replace_token(a.id, new, TokenHash::of("again")).await,
        Err(StoreError::NotBooked),
        "only while unsent"
    );
}

fn limit(max: u32) -> PatronLimit {
    PatronLimit {
        key: "patron-key-of-k".into(),
        max,
        keep_until: at(90 * 24 * 60),
    }
}

async fn a_patron_holds_at_most_max_upcoming_appointments(store: &dyn Store) {
    let config = config();
    let two = limit(2);
    let book = |minutes: i64, who: &str| appointment(&config, "short", "sip", at(minutes), who).0;
    let (a, b, c) = (book(0, "A"), book(20, "B"), book(40, "C"));
    let Created::New(a) = store
        .create(
            &a,
            &CreateConditions {
                patron: Some(&two),
                ..Default::default()
            },
        )
        .await
        .unwrap()
    else {
        panic!("new")
    };
    store
        .create(
            &b,
            &CreateConditions {
                patron: Some(&two),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .create(
                &c,
                &CreateConditions {
                    patron: Some(&two),
                    ..Default::default()
                }
            )
            .await,
        Err(StoreError::PatronLimit)
    );
    assert_eq!(
        store.get(c.id, at(-60)).await.unwrap(),
        None,
        "nothing of c stored"
    );
    assert_eq!(held(store, &sip()).await, vec![at(0), at(20)]);
    // Another patron is not affected.
    let other = PatronLimit {
        key: "someone-else".into(),
        ..two.clone()
    };
    store
        .create(
            &c,
            &CreateConditions {
                patron: Some(&other),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    // A cancellation gives the place back.
    let d = book(60, "D");
    assert_eq!(
        store
            .create(
                &d,
                &CreateConditions {
                    patron: Some(&two),
                    ..Default::default()
                }
            )
            .await,
        Err(StoreError::PatronLimit)
    );
    store.cancel(&a, at(-120), &reason("")).await.unwrap();
    assert!(matches!(
        store
            .create(
                &d,
                &CreateConditions {
                    patron: Some(&two),
                    ..Default::default()
                }
            )
            .await,
        Ok(Created::New(_))
    ));
}

async fn a_place_is_free_again_once_its_appointment_has_started(store: &dyn Store) {
    let config = config();
    let one = limit(1);
    let (first, _) = appointment(&config, "short", "sip", at(0), "A");
    let Created::New(first) = store
        .create(
            &first,
            &CreateConditions {
                patron: Some(&one),
                ..Default::default()
            },
        )
        .await
        .unwrap()
    else {
        panic!("new")
    };
    assert_eq!(first.patron_place.as_ref().map(|p| p.index), Some(0));
    let (mut later, _) = appointment(&config, "short", "sip", at(7 * 24 * 60), "A");
    later.created_at = at(-1);
    assert_eq!(
        store
            .create(
                &later,
                &CreateConditions {
                    patron: Some(&one),
                    ..Default::default()
                }
            )
            .await,
        Err(StoreError::PatronLimit),
        "booked a minute before the first starts: still held"
    );
    later.created_at = at(1);
    assert!(matches!(
        store
            .create(
                &later,
                &CreateConditions {
                    patron: Some(&one),
                    ..Default::default()
                }
            )
            .await,
        Ok(Created::New(_))
    ));
    // Cancelling the started one (staff, after the fact) leaves the new holder's place alone.
    store.cancel(&first, at(5), &reason("")).await.unwrap();
    let (mut third, _) = appointment(&config, "short", "sip", at(8 * 24 * 60), "A");
    third.created_at = at(2);
    assert_eq!(
        store
            .create(
                &third,
                &CreateConditions {
                    patron: Some(&one),
                    ..Default::default()
                }
            )
            .await,
        Err(StoreError::PatronLimit)
    );
}

async fn failed_mail_is_put_off_or_given_up_once_per_attempt(store: &dyn Store) {
    use rantevou_domain::appointment::{DeliveryOutcome, MailKind};
    let config = config();
    let (mut a, _) = appointment(&config, "short", "sip", at(0), "A");
    let (mut b, _) = appointment(&config, "short", "sip", at(20), "B");
    // Pending mail alone: no link mail's moment (nor the alert that a link is missing).
    a.meeting.due = None;
    b.meeting.due = None;
    store
        .create(&a, &CreateConditions::default())
        .await
        .unwrap();
    store
        .create(&b, &CreateConditions::default())
        .await
        .unwrap();
    let due = |now| async move {
        let ids: Vec<_> = store
            .due_mail(now, 10)
            .await
            .unwrap()
            .into_iter()
            .map(|x| x.id)
            .collect();
        ids
    };
    assert_eq!(due(at(0)).await, vec![a.id, b.id], "the longest due first");

    // a is put off to at(30); a second run that read the same a counts nothing more.
    let read = store.get(a.id, at(-60)).await.unwrap().unwrap();
    store
        .update(
            &read,
            &read
                .clone()
                .after_failure(&DeliveryOutcome::RetryAt(at(30))),
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .update(
                &read,
                &read
                    .clone()
                    .after_failure(&DeliveryOutcome::RetryAt(at(90)))
            )
            .await,
        Err(StoreError::Changed)
    );
    let stored = store.get(a.id, at(-60)).await.unwrap().unwrap();
    assert_eq!(stored.delivery.attempts, 1);
    assert_eq!(stored.delivery.due, Some(at(30)));
    assert_eq!(due(at(0)).await, vec![b.id]);
    assert_eq!(due(at(30)).await, vec![b.id, a.id]);

    // b is given up: out of the queue, marked, still unsent.
    let read = store.get(b.id, at(-60)).await.unwrap().unwrap();
    let given_up = read
        .clone()
        .after_failure(&DeliveryOutcome::GiveUp("ses: BadRequestException".into()));
    store.update(&read, &given_up).await.unwrap();
    let stored = store.get(b.id, at(-60)).await.unwrap().unwrap();
    assert_eq!(
        stored.delivery.failure.as_deref(),
        Some("ses: BadRequestException")
    );
    assert_eq!(stored.pending_mail, vec![MailKind::Confirmation]);
    assert_eq!(due(at(600)).await, vec![a.id]);

    // Sent at last: out of the queue, the count reset.
    sent(store, a.id, MailKind::Confirmation).await;
    let stored = store.get(a.id, at(-60)).await.unwrap().unwrap();
    assert_eq!((stored.delivery.attempts, stored.delivery.due), (0, None));
    assert!(due(at(600)).await.is_empty());
}

/// The sample configuration with bookings held `minutes` until confirmed.
fn holding(minutes: u32) -> rantevou_domain::LibraryConfig {
    let mut c = config();
    c.policy.hold_minutes = minutes;
    c
}

fn one_place(limit: &PatronLimit) -> CreateConditions<'_> {
    CreateConditions {
        patron: Some(limit),
        ..Default::default()
    }
}

async fn a_hold_keeps_its_time_and_place_until_it_lapses_with_no_sweep(store: &dyn Store) {
    let one = limit(1);
    let (h, _) = appointment(&holding(30), "short", "sip", at(0), "Held");
    let until = h.hold_until().expect("held");
    let Created::New(h) = store.create(&h, &one_place(&one)).await.unwrap() else {
        panic!("not new")
    };
    assert_eq!(store.get(h.id, until).await.unwrap().as_ref(), Some(&h));
    assert_eq!(
        held_at(store, &sip(), until - Duration::seconds(1)).await,
        vec![at(0)]
    );
    // While held, its time and its patron's place are taken.
    let plain = config();
    let (mut early, _) = appointment(&plain, "short", "sip", at(0), "Early");
    early.created_at = until - Duration::seconds(1);
    assert_eq!(
        store.create(&early, &CreateConditions::default()).await,
        Err(StoreError::SlotTaken)
    );
    let (mut same_patron, _) = appointment(&plain, "short", "sip", at(100), "Same");
    same_patron.created_at = until - Duration::seconds(1);
    assert_eq!(
        store.create(&same_patron, &one_place(&one)).await,
        Err(StoreError::PatronLimit)
    );
    // Once lapsed: free to see and to take, though nothing swept it.
    assert!(held_at(store, &sip(), until).await.is_empty());
    let (mut late, _) = appointment(&plain, "short", "sip", at(0), "Late");
    late.created_at = until;
    assert!(matches!(
        store.create(&late, &CreateConditions::default()).await,
        Ok(Created::New(_))
    ));
    same_patron.created_at = until;
    assert!(matches!(
        store.create(&same_patron, &one_place(&one)).await,
        Ok(Created::New(_))
    ));
    assert_eq!(held_at(store, &sip(), until).await, vec![at(0), at(100)]);
    // And the lapsed hold can no longer be confirmed.
    assert_eq!(store.confirm(&h, until).await, Err(StoreError::NotBooked));
    // A confirm whose clock runs behind still cannot take back a time someone else holds.
    assert_eq!(
        store.confirm(&h, until - Duration::seconds(1)).await,
        Err(StoreError::SlotTaken)
    );
}

async fn a_confirmed_hold_keeps_its_time_and_place_until_it_starts(store: &dyn Store) {
    let one = limit(1);
    let (h, _) = appointment(&holding(30), "short", "sip", at(40), "Held");
    let until = h.hold_until().expect("held");
    let Created::New(h) = store.create(&h, &one_place(&one)).await.unwrap() else {
        panic!("not new")
    };
    let now = until - Duration::minutes(20);
    assert_eq!(
        store
            .due_mail(now, 10)
            .await
            .unwrap()
            .iter()
            .map(|a| a.id)
            .collect::<Vec<_>>(),
        vec![h.id],
        "the request to confirm is queued with the write"
    );
    let booked = store.confirm(&h, now).await.unwrap();
    assert!(booked.is_booked());
    assert_eq!(booked.pending_mail, vec![MailKind::Confirmation]);
    assert_eq!(store.get(h.id, now).await.unwrap().as_ref(), Some(&booked));
    assert_eq!(
        store.confirm(&h, now).await,
        Err(StoreError::NotBooked),
        "confirmed once"
    );
    // Past the hold's end the time and the place are still its own.
    let later = until + Duration::hours(1);
    assert_eq!(held_at(store, &sip(), later).await, vec![at(40)]);
    let (mut other, _) = appointment(&config(), "short", "sip", at(40), "Other");
    other.created_at = later;
    assert_eq!(
        store.create(&other, &CreateConditions::default()).await,
        Err(StoreError::SlotTaken)
    );
    let (mut same_patron, _) = appointment(&config(), "short", "sip", at(100), "Same");
    same_patron.created_at = later;
    assert_eq!(
        store.create(&same_patron, &one_place(&one)).await,
        Err(StoreError::PatronLimit)
    );
    // Its confirmation is due; sent, it leaves the queue.
    let due: Vec<_> = store.due_mail(now, 10).await.unwrap();
    assert_eq!(due.iter().map(|a| a.id).collect::<Vec<_>>(), vec![h.id]);
    sent(store, h.id, MailKind::Confirmation).await;
    assert!(store.due_mail(later, 10).await.unwrap().is_empty());
    // Cancelled like any booking: time and place given back.
    store.cancel(&booked, later, &reason("")).await.unwrap();
    assert!(held_at(store, &sip(), later).await.is_empty());
    assert!(matches!(
        store.create(&same_patron, &one_place(&one)).await,
        Ok(Created::New(_))
    ));
}

async fn a_cancelled_hold_frees_everything_and_mails_nothing(store: &dyn Store) {
    let one = limit(1);
    let (h, _) = appointment(&holding(30), "short", "sip", at(60), "Held");
    let until = h.hold_until().expect("held");
    let Created::New(h) = store.create(&h, &one_place(&one)).await.unwrap() else {
        panic!("not new")
    };
    let now = until - Duration::minutes(20);
    let cancelled = store.cancel(&h, now, &reason("")).await.unwrap();
    assert!(cancelled.pending_mail.is_empty());
    assert_eq!(
        store.get(h.id, now).await.unwrap().as_ref(),
        Some(&cancelled)
    );
    assert!(store.due_mail(until, 10).await.unwrap().is_empty());
    assert!(held_at(store, &sip(), now).await.is_empty());
    let (mut same_patron, _) = appointment(&config(), "short", "sip", at(60), "Same");
    same_patron.created_at = now;
    assert!(matches!(
        store.create(&same_patron, &one_place(&one)).await,
        Ok(Created::New(_))
    ));
    // A request to confirm recorded sent leaves the queue too.
    let (h2, _) = appointment(&holding(30), "short", "sip", at(80), "Held 2");
    store
        .create(&h2, &CreateConditions::default())
        .await
        .unwrap();
    sent(store, h2.id, MailKind::ConfirmRequest).await;
    assert!(store
        .due_mail(until, 10)
        .await
        .unwrap()
        .iter()
        .all(|a| a.id != h2.id));
    assert!(store
        .get(h2.id, now)
        .await
        .unwrap()
        .unwrap()
        .pending_mail
        .is_empty());
}

async fn a_patrons_upcoming_appointments_are_found_by_their_key_only(store: &dyn Store) {
    let config = config();
    let of = |minutes: i64, who: &str, key: &str| {
        let (mut a, _) = appointment(&config, "short", "sip", at(minutes), who);
        a.patron_key = Some(key.to_owned());
        a
    };
    let (later, earlier, past, other) = (
        of(40, "K", "key-k"),
        of(20, "K", "key-k"),
        of(-60, "K", "key-k"),
        of(0, "N", "key-n"),
    );
    for a in [&later, &earlier, &past, &other] {
        store.create(a, &CreateConditions::default()).await.unwrap();
    }
    let found = store.upcoming_of("key-k", at(-30)).await.unwrap();
    assert_eq!(
        found.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![earlier.id, later.id],
        "start order, only upcoming, only that patron's"
    );
    assert_eq!(found[0], earlier, "the whole appointment");
    assert!(store
        .upcoming_of("key-x", at(-30))
        .await
        .unwrap()
        .is_empty());
    // A booking under a per-patron limit is found by the limit's key.
    let (mut limited, _) = appointment(&config, "short", "sip", at(60), "L");
    limited.patron_key = None;
    let two = limit(2);
    store.create(&limited, &one_place(&two)).await.unwrap();
    assert_eq!(store.upcoming_of(&two.key, at(0)).await.unwrap().len(), 1);
}

async fn a_challenge_is_used_once_whether_by_a_booking_or_a_resend(store: &dyn Store) {
    let solved = |c: &str| rantevou_domain::challenge::SolvedChallenge {
        challenge: c.to_owned(),
        expires: at(10),
        maxnumber: 1000,
    };
    store.use_challenge(&solved("c1")).await.unwrap();
    assert_eq!(
        store.use_challenge(&solved("c1")).await,
        Err(StoreError::ChallengeUsed)
    );
    let (a, _) = appointment(&config(), "short", "sip", at(0), "A");
    let c1 = solved("c1");
    let with_c1 = CreateConditions {
        challenge: Some(&c1),
        ..Default::default()
    };
    assert_eq!(
        store.create(&a, &with_c1).await,
        Err(StoreError::ChallengeUsed)
    );
    let c2 = solved("c2");
    let with_c2 = CreateConditions {
        challenge: Some(&c2),
        ..Default::default()
    };
    store.create(&a, &with_c2).await.unwrap();
    assert_eq!(
        store.use_challenge(&c2).await,
        Err(StoreError::ChallengeUsed)
    );
}

async fn a_resend_mark_holds_until_its_end(store: &dyn Store) {
    assert!(store.resend_allowed("key-k", at(10), at(0)).await.unwrap());
    assert!(!store.resend_allowed("key-k", at(20), at(9)).await.unwrap());
    assert!(
        store.resend_allowed("key-n", at(10), at(9)).await.unwrap(),
        "per patron"
    );
    assert!(store.resend_allowed("key-k", at(20), at(10)).await.unwrap());
    assert!(!store.resend_allowed("key-k", at(30), at(19)).await.unwrap());
}

async fn the_agenda_lists_a_range_and_a_patrons_appointments(store: &dyn Store) {
    let config = config();
    let book = |minutes: i64, who: &str, key: Option<&str>| {
        let mut a = appointment(&config, "short", "sip", at(minutes), who).0;
        a.patron_key = key.map(str::to_owned);
        a
    };
    let a = book(0, "A", Some("key-k"));
    let b = book(20, "B", None);
    let c = book(24 * 60, "C", Some("key-k"));
    for x in [&a, &b, &c] {
        store.create(x, &CreateConditions::default()).await.unwrap();
    }
    let ids = |list: Vec<rantevou_domain::appointment::Appointment>| {
        list.into_iter().map(|x| x.id).collect::<Vec<_>>()
    };
    assert_eq!(
        ids(store.agenda(&sip(), at(0), at(40)).await.unwrap()),
        [a.id, b.id]
    );
    assert_eq!(
        ids(store.agenda(&sip(), at(20), at(21)).await.unwrap()),
        [b.id],
        "from inclusive, to exclusive"
    );
    assert_eq!(
        ids(store.agenda(&sip(), at(-60), at(25 * 60)).await.unwrap()),
        [a.id, b.id, c.id],
        "across days, in start order"
    );
    let other = ProviderId::parse("other").unwrap();
    assert!(store
        .agenda(&other, at(-60), at(25 * 60))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(ids(store.of_patron("key-k").await.unwrap()), [a.id, c.id]);

    // Anonymised: out of the patron's index; a stale read writes nothing.
    let read = store.get(a.id, at(-60)).await.unwrap().unwrap();
    let mut next = read.clone();
    next.patron_key = None;
    let stored = store.update(&read, &next).await.unwrap();
    assert_eq!(stored.version, read.version + 1);
    assert_eq!(ids(store.of_patron("key-k").await.unwrap()), [c.id]);
    assert_eq!(store.update(&read, &next).await, Err(StoreError::Changed));
    let mut moved = stored.clone();
    moved.start = at(60);
    assert!(
        matches!(
            store.update(&stored, &moved).await,
            Err(StoreError::Corrupt(_))
        ),
        "no time moves by an update"
    );
}

/// The record that a message went is the same conditioned update, whatever its durability:
/// the version raised, a stale read refused and nothing written, and then a durable write
/// goes on as before (SQLite switches back to FULL).
async fn a_delivery_record_is_a_conditioned_update_like_any_other(store: &dyn Store) {
    let config = config();
    let (a, _) = appointment(&config, "short", "sip", at(60), "Maria");
    store
        .create(&a, &CreateConditions::default())
        .await
        .unwrap();
    let read = store.get(a.id, at(-60)).await.unwrap().unwrap();
    let next = read
        .clone()
        .after_sent(MailKind::Confirmation, &read, at(-60));
    let stored = store.record_delivery(&read, &next).await.unwrap();
    assert_eq!(stored.version, read.version + 1);
    assert!(!stored.mail_pending(MailKind::Confirmation));
    assert_eq!(
        store.record_delivery(&read, &next).await,
        Err(StoreError::Changed)
    );
    assert_eq!(store.get(a.id, at(-60)).await.unwrap().unwrap(), stored);
    let mut anonymised = stored.clone();
    anonymised.patron_key = None;
    let after = store.update(&stored, &anonymised).await.unwrap();
    assert_eq!(after.version, stored.version + 1);
}

async fn staff_closures_are_kept_in_order_and_removed_by_id(store: &dyn Store) {
    use rantevou_domain::closure::StaffClosure;
    assert!(store.staff_closures().await.unwrap().is_empty());
    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
    let mut rng = rand::rngs::OsRng;
    let first = StaffClosure::new("Εκπαίδευση", day(2), day(2), None, &mut rng).unwrap();
    let second = StaffClosure::new("Απογραφή", day(10), day(12), None, &mut rng).unwrap();
    store.add_closure(&first).await.unwrap();
    store.add_closure(&second).await.unwrap();
    assert_eq!(
        store.staff_closures().await.unwrap(),
        [first.clone(), second.clone()]
    );
    assert!(store.remove_closure(&first.id).await.unwrap());
    assert!(!store.remove_closure(&first.id).await.unwrap(), "gone");
    assert_eq!(store.staff_closures().await.unwrap(), [second]);
}

macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let (store, _dir) = crate::support::sqlite();
                    super::$name(&store).await;
                }
            )*
        }
        mod dynamo {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some((store, _requests)) = crate::support::dynamo().await else {
            return;
        };
                    super::$name(&store).await;
                }
            )*
        }
    };
}

contract!(
    create_fetch_cancel_round_trip,
    a_staff_cancellation_is_read_back_as_staff,
    a_held_slot_cannot_be_booked_again_and_nothing_is_stored,
    partly_overlapping_appointments_of_different_lengths_are_refused,
    cancel_frees_exactly_its_own_locks,
    cancelling_twice_is_harmless,
    a_wrong_token_cancels_nothing,
    a_retried_create_with_the_same_key_yields_one_appointment,
    expired_data_is_not_returned,
    unknown_ids_are_absent,
    pending_mail_is_recorded_with_the_write_and_cleared_when_sent,
    a_retried_confirmation_gets_a_fresh_token_once,
    a_patron_holds_at_most_max_upcoming_appointments,
    a_place_is_free_again_once_its_appointment_has_started,
    failed_mail_is_put_off_or_given_up_once_per_attempt,
    a_hold_keeps_its_time_and_place_until_it_lapses_with_no_sweep,
    a_confirmed_hold_keeps_its_time_and_place_until_it_starts,
    a_cancelled_hold_frees_everything_and_mails_nothing,
    a_patrons_upcoming_appointments_are_found_by_their_key_only,
    a_challenge_is_used_once_whether_by_a_booking_or_a_resend,
    a_resend_mark_holds_until_its_end,
    the_agenda_lists_a_range_and_a_patrons_appointments,
    staff_closures_are_kept_in_order_and_removed_by_id,
    a_delivery_record_is_a_conditioned_update_like_any_other,
);

/// Marks `kind` of appointment `id` sent the way the delivery does: read, change, a
/// conditioned update.
async fn sent(
    store: &dyn Store,
    id: rantevou_domain::AppointmentId,
    kind: rantevou_domain::appointment::MailKind,
) {
    let now = at(-60);
    let read = store.get(id, now).await.unwrap().unwrap();
    let next = read.clone().after_sent(kind, &read, now);
    store.update(&read, &next).await.unwrap();
}
