//! The store contract of the mail allowance and the booking rate (issue 25), on both adapters:
//! an address's places taken in the write that queues its mail, or nothing written; the
//! bookings of the last ten minutes counted.

use crate::support::{appointment, at, config};
use rantevou_domain::appointment::MailKind;
use rantevou_domain::mail_cap::MailCap;
use rantevou_domain::ports::{CreateConditions, MoveConditions, StoreError};
use rantevou_store::Store;
use rantevou_testkit::offered;

fn cap(key: &str, weight: u32, max: u32) -> MailCap {
    MailCap {
        key: format!("{key}#2026-12-07"),
        weight,
        max,
        keep_until: at(3000),
    }
}

async fn an_allowance_is_taken_to_its_end_and_no_further(store: &dyn Store) {
    store.take_mail_places(&cap("k1", 2, 5)).await.unwrap();
    store.take_mail_places(&cap("k1", 2, 5)).await.unwrap();
    assert_eq!(
        store.take_mail_places(&cap("k1", 2, 5)).await,
        Err(StoreError::MailCapped),
        "4 taken of 5: two more do not fit"
    );
    store.take_mail_places(&cap("k1", 1, 5)).await.unwrap();
    assert_eq!(
        store.take_mail_places(&cap("k1", 1, 5)).await,
        Err(StoreError::MailCapped)
    );
    // Another address, or another day, has its own.
    store.take_mail_places(&cap("k2", 2, 5)).await.unwrap();
    let next_day = MailCap {
        key: "k1#2026-12-08".into(),
        ..cap("k1", 2, 5)
    };
    store.take_mail_places(&next_day).await.unwrap();
}

async fn a_booking_past_the_allowance_writes_nothing(store: &dyn Store) {
    let config = config();
    let allowance = cap("k3", 2, 3);
    let with_cap = CreateConditions {
        mail_cap: Some(&allowance),
        ..CreateConditions::default()
    };
    let (first, _) = appointment(&config, "short", "sip", at(60), "A");
    store.create(&first, &with_cap).await.unwrap();
    let (second, _) = appointment(&config, "short", "sip", at(120), "A");
    assert_eq!(
        store.create(&second, &with_cap).await,
        Err(StoreError::MailCapped)
    );
    assert_eq!(store.get(second.id, at(0)).await.unwrap(), None);
    // Its time is still free for someone else.
    let (other, _) = appointment(&config, "short", "sip", at(120), "B");
    store
        .create(&other, &CreateConditions::default())
        .await
        .unwrap();
}

async fn a_move_past_the_allowance_or_with_a_used_challenge_writes_nothing(store: &dyn Store) {
    let config = config();
    let (a, _) = appointment(&config, "short", "sip", at(60), "A");
    store
        .create(&a, &CreateConditions::default())
        .await
        .unwrap();
    let read = store.get(a.id, at(-60)).await.unwrap().unwrap();
    let read = store
        .update(
            &read,
            &read
                .clone()
                .after_sent(MailKind::Confirmation, &read, at(-61)),
        )
        .await
        .unwrap();
    let slot = offered(&config, "short", "sip", at(180));
    let next = read.clone().moved(slot, &config.policy, at(-60));
    let spent = cap("k4", 1, 1);
    store.take_mail_places(&spent).await.unwrap();
    let capped = MoveConditions {
        mail_cap: Some(&spent),
        ..MoveConditions::default()
    };
    assert_eq!(
        store.reschedule(&read, &next, at(-60), &capped).await,
        Err(StoreError::MailCapped)
    );
    let solved = rantevou_domain::challenge::SolvedChallenge {
        challenge: "c-move".into(),
        expires: at(10),
        maxnumber: 1000,
    };
    store.use_challenge(&solved).await.unwrap();
    let used = MoveConditions {
        challenge: Some(&solved),
        ..MoveConditions::default()
    };
    assert_eq!(
        store.reschedule(&read, &next, at(-60), &used).await,
        Err(StoreError::ChallengeUsed)
    );
    assert_eq!(
        store.get(a.id, at(-60)).await.unwrap(),
        Some(read.clone()),
        "nothing moved"
    );
    // A fresh challenge and room in the allowance: moved, the challenge now used.
    let fresh = rantevou_domain::challenge::SolvedChallenge {
        challenge: "c-move-2".into(),
        ..solved
    };
    let room = cap("k5", 1, 3);
    let ok = MoveConditions {
        challenge: Some(&fresh),
        mail_cap: Some(&room),
        calendar: false,
    };
    let moved = store.reschedule(&read, &next, at(-60), &ok).await.unwrap();
    assert_eq!(moved.start, at(180));
    assert_eq!(
        store.use_challenge(&fresh).await,
        Err(StoreError::ChallengeUsed)
    );
}

async fn the_booking_rate_counts_the_last_ten_minutes(store: &dyn Store) {
    // at(0) is 07:00 UTC: a ten-minute window starts there.
    assert_eq!(store.recent_bookings(at(0)).await.unwrap(), 0);
    store.count_bookings(at(0), 2).await.unwrap();
    store.count_bookings(at(0), 1).await.unwrap();
    store.count_bookings(at(5), 1).await.unwrap();
    assert_eq!(store.recent_bookings(at(9)).await.unwrap(), 4);
    // Five minutes into the next window, half of the last one still counts.
    store.count_bookings(at(12), 1).await.unwrap();
    assert_eq!(store.recent_bookings(at(15)).await.unwrap(), 1 + 2);
    assert_eq!(store.recent_bookings(at(40)).await.unwrap(), 0);
}

contract!(
    an_allowance_is_taken_to_its_end_and_no_further,
    a_booking_past_the_allowance_writes_nothing,
    a_move_past_the_allowance_or_with_a_used_challenge_writes_nothing,
    the_booking_rate_counts_the_last_ten_minutes,
);
