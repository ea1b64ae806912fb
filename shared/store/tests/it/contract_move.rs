//! The store contract of a patron's move to another time (issue 16), on both adapters: one
//! write that takes the new time and gives up the old, or changes nothing.

use crate::support::{appointment, at, config};
use rantevou_domain::appointment::{Appointment, MailKind};
use rantevou_domain::patron::FreeText;
use rantevou_domain::ports::{CreateConditions, MoveConditions, StoreError};
use rantevou_domain::{LockMonth, PatronLimit, ProviderId};
use rantevou_store::Store;
use rantevou_testkit::offered;

async fn held(store: &dyn Store) -> Vec<chrono::DateTime<chrono::Utc>> {
    let mut starts: Vec<_> = store
        .locks(
            &ProviderId::parse("sip").unwrap(),
            LockMonth::of(at(0)),
            at(-24 * 60),
        )
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.start)
        .collect();
    starts.sort();
    starts
}

/// `a` as stored, moved at `at(-60)` to `start` (same service and provider).
fn moved_to(store_read: &Appointment, start: chrono::DateTime<chrono::Utc>) -> Appointment {
    let config = config();
    let slot = offered(&config, store_read.service.as_str(), "sip", start);
    store_read.clone().moved(slot, &config.policy, at(-60))
}

/// `who`'s appointment for `service` at `at(minutes)`, stored with its confirmation sent.
async fn stored(store: &dyn Store, who: &str, service: &str, minutes: i64) -> Appointment {
    let config = config();
    let (a, _) = appointment(&config, service, "sip", at(minutes), who);
    store
        .create(&a, &CreateConditions::default())
        .await
        .unwrap();
    let read = store.get(a.id, at(-60)).await.unwrap().unwrap();
    let sent = read
        .clone()
        .after_sent(MailKind::Confirmation, &read, at(-61));
    store.update(&read, &sent).await.unwrap()
}

async fn a_move_takes_the_new_time_and_frees_the_old_in_one_write(store: &dyn Store) {
    let read = stored(store, "Μαρία", "short", 60).await;
    let next = moved_to(&read, at(120));
    let got = store
        .reschedule(&read, &next, at(-60), &MoveConditions::default())
        .await
        .unwrap();
    assert_eq!(got.version, read.version + 1);
    assert_eq!(held(store).await, [at(120)]);
    let again = store.get(read.id, at(-60)).await.unwrap().unwrap();
    assert_eq!(again, got, "what the move returns is what is stored");
    assert_eq!(
        (again.start, again.moved_from, again.moves),
        (at(120), Some(at(60)), 1)
    );
    assert!(again.mail_pending(MailKind::Moved));
    // The old time is free for anyone; the new one is not.
    let config = config();
    let (other, _) = appointment(&config, "short", "sip", at(60), "Άλλος");
    store
        .create(&other, &CreateConditions::default())
        .await
        .unwrap();
    let (late, _) = appointment(&config, "short", "sip", at(120), "Αργός");
    assert_eq!(
        store.create(&late, &CreateConditions::default()).await,
        Err(StoreError::SlotTaken)
    );
    // The agenda finds it at its new time.
    let day = store
        .agenda(&ProviderId::parse("sip").unwrap(), at(100), at(140))
        .await
        .unwrap();
    assert_eq!(day.iter().map(|a| a.id).collect::<Vec<_>>(), [read.id]);
}

async fn a_move_onto_a_held_time_changes_nothing(store: &dyn Store) {
    let read = stored(store, "Μαρία", "short", 60).await;
    stored(store, "Γιώργος", "short", 120).await;
    let next = moved_to(&read, at(120));
    assert_eq!(
        store
            .reschedule(&read, &next, at(-60), &MoveConditions::default())
            .await,
        Err(StoreError::SlotTaken)
    );
    assert_eq!(held(store).await, [at(60), at(120)]);
    assert_eq!(store.get(read.id, at(-60)).await.unwrap().unwrap(), read);
}

async fn a_move_of_a_changed_or_cancelled_appointment_is_refused(store: &dyn Store) {
    let read = stored(store, "Μαρία", "short", 60).await;
    // Another write came between (staff set the link): the version moved.
    let linked = read
        .clone()
        .with_link("https://uom.zoom.us/j/1".into(), at(-59));
    let fresh = store.update(&read, &linked).await.unwrap();
    let next = moved_to(&read, at(120));
    assert_eq!(
        store
            .reschedule(&read, &next, at(-60), &MoveConditions::default())
            .await,
        Err(StoreError::Changed)
    );
    let cancelled = store
        .cancel(&fresh, at(-58), &FreeText::parse("").unwrap())
        .await
        .unwrap();
    let next = moved_to(&cancelled, at(120));
    assert_eq!(
        store
            .reschedule(&cancelled, &next, at(-57), &MoveConditions::default())
            .await,
        Err(StoreError::Changed)
    );
    assert!(held(store).await.is_empty(), "nothing was taken");
}

async fn a_move_onto_an_overlapping_time_keeps_the_shared_unit(store: &dyn Store) {
    // 40 minutes from 08:00 hold 08:00 and 08:20; moved 20 minutes on, they hold 08:20 and 08:40.
    let read = stored(store, "Μαρία", "long", 60).await;
    let next = moved_to(&read, at(80));
    store
        .reschedule(&read, &next, at(-60), &MoveConditions::default())
        .await
        .unwrap();
    assert_eq!(held(store).await, [at(80), at(100)]);
    let moved = store.get(read.id, at(-60)).await.unwrap().unwrap();
    // And back: the shared unit stays, the others swap.
    let back = moved_to(&moved, at(60));
    store
        .reschedule(&moved, &back, at(-60), &MoveConditions::default())
        .await
        .unwrap();
    assert_eq!(held(store).await, [at(60), at(80)]);
}

async fn the_patrons_place_follows_the_move(store: &dyn Store) {
    let config = config();
    let limit = PatronLimit {
        key: "patron-k".into(),
        max: 1,
        keep_until: at(60 * 24 * 30),
    };
    let with_limit = CreateConditions {
        patron: Some(&limit),
        ..CreateConditions::default()
    };
    let (a, _) = appointment(&config, "short", "sip", at(60), "Μαρία");
    store.create(&a, &with_limit).await.unwrap();
    let read = store.get(a.id, at(-60)).await.unwrap().unwrap();
    let got = store
        .reschedule(
            &read,
            &moved_to(&read, at(180)),
            at(-60),
            &MoveConditions::default(),
        )
        .await
        .unwrap();
    // Still one active appointment: a second booking is over the limit …
    let (b, _) = appointment(&config, "short", "sip", at(240), "Μαρία");
    assert_eq!(
        store.create(&b, &with_limit).await,
        Err(StoreError::PatronLimit)
    );
    // … until the moved one is cancelled (its place, at the new time, is given back).
    store
        .cancel(&got, at(-50), &FreeText::parse("").unwrap())
        .await
        .unwrap();
    let (c, _) = appointment(&config, "short", "sip", at(240), "Μαρία");
    store.create(&c, &with_limit).await.unwrap();
}

contract!(
    a_move_takes_the_new_time_and_frees_the_old_in_one_write,
    a_move_onto_a_held_time_changes_nothing,
    a_move_of_a_changed_or_cancelled_appointment_is_refused,
    a_move_onto_an_overlapping_time_keeps_the_shared_unit,
    the_patrons_place_follows_the_move,
);
