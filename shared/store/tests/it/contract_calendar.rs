//! The store contract of a librarian's calendar (issue 27), on both adapters: its busy units
//! kept per provider-month beside the locks, returned by the month's lock read, refused to a
//! booking and to a move that mind the calendar, replaced whole by the next read, kept through
//! a failed one; and the reads' status.

use crate::support::{appointment, at, config};
use chrono::{DateTime, Utc};
use rantevou_domain::appointment::MailKind;
use rantevou_domain::ports::{
    CalendarStatus, CreateConditions, Created, MoveConditions, StoreError,
};
use rantevou_domain::{LockMonth, ProviderId};
use rantevou_store::Store;
use rantevou_testkit::offered;

fn sip() -> ProviderId {
    ProviderId::parse("sip").unwrap()
}

/// What the month's lock read returns for `provider`, in order, each unit once (a unit both
/// booked and busy may come twice).
async fn held(store: &dyn Store, provider: &ProviderId) -> Vec<DateTime<Utc>> {
    let mut starts = crate::contract::held(store, provider).await;
    starts.dedup();
    starts
}

/// December 2026 (the month of `at`) and January 2027, with `december`'s units and none in
/// January.
fn months(december: &[DateTime<Utc>]) -> Vec<(LockMonth, Vec<DateTime<Utc>>)> {
    let dec = LockMonth::of(at(0));
    vec![(dec, december.to_vec()), (dec.next(), Vec::new())]
}

const MINDING: CreateConditions<'static> = CreateConditions {
    idempotency_key: None,
    patron: None,
    challenge: None,
    deliverable: None,
    mail_cap: None,
    calendar: true,
};

async fn busy_units_are_read_with_the_locks_and_refuse_a_booking_that_minds_them(
    store: &dyn Store,
) {
    let config = config();
    let (booked, _) = appointment(&config, "short", "sip", at(0), "Booked");
    store.create(&booked, &MINDING).await.unwrap();
    store
        .put_busy(&sip(), &months(&[at(40), at(60)]), at(-120))
        .await
        .unwrap();
    assert_eq!(held(store, &sip()).await, [at(0), at(40), at(60)]);
    assert_eq!(
        held(store, &ProviderId::parse("ana").unwrap()).await,
        Vec::<DateTime<Utc>>::new(),
        "another provider's calendar is its own"
    );

    // 09:40 is busy in the calendar: refused, nothing stored.
    let (busy, _) = appointment(&config, "short", "sip", at(40), "Busy");
    assert_eq!(
        store.create(&busy, &MINDING).await,
        Err(StoreError::SlotTaken)
    );
    assert_eq!(store.get(busy.id, at(-60)).await.unwrap(), None);
    // A 40-minute booking from 09:20 touches 09:40: refused, and its free 09:20 not kept.
    let (long, _) = appointment(&config, "long", "sip", at(20), "Long");
    assert_eq!(
        store.create(&long, &MINDING).await,
        Err(StoreError::SlotTaken)
    );
    assert_eq!(held(store, &sip()).await, [at(0), at(40), at(60)]);
    // 09:20 alone is free.
    let (free, _) = appointment(&config, "short", "sip", at(20), "Free");
    assert!(matches!(
        store.create(&free, &MINDING).await,
        Ok(Created::New(_))
    ));
    // A write that does not mind the calendar (no calendar configured) is not refused by one.
    let (blind, _) = appointment(&config, "short", "sip", at(60), "Blind");
    assert!(matches!(
        store.create(&blind, &CreateConditions::default()).await,
        Ok(Created::New(_))
    ));
}

async fn the_next_read_replaces_the_months_it_names_and_a_failure_keeps_them(store: &dyn Store) {
    store
        .put_busy(&sip(), &months(&[at(40), at(60)]), at(-120))
        .await
        .unwrap();
    // The event moved: 09:40 is free again, 10:40 busy.
    store
        .put_busy(&sip(), &months(&[at(100)]), at(-100))
        .await
        .unwrap();
    assert_eq!(held(store, &sip()).await, [at(100)]);
    let config = config();
    let (now_free, _) = appointment(&config, "short", "sip", at(40), "Free");
    assert!(matches!(
        store.create(&now_free, &MINDING).await,
        Ok(Created::New(_))
    ));
    assert_eq!(
        store.calendar_status(&sip()).await.unwrap(),
        Some(CalendarStatus {
            read_at: Some(at(-100)),
            tried_at: at(-100),
            failing_since: None,
            problem: None,
        })
    );

    // Two failed reads: the busy units stay, stale since the first.
    store
        .calendar_failed(&sip(), at(-90), "HTTP 503")
        .await
        .unwrap();
    store
        .calendar_failed(&sip(), at(-80), "could not connect")
        .await
        .unwrap();
    assert_eq!(held(store, &sip()).await, [at(40), at(100)]);
    assert_eq!(
        store.calendar_status(&sip()).await.unwrap(),
        Some(CalendarStatus {
            read_at: Some(at(-100)),
            tried_at: at(-80),
            failing_since: Some(at(-90)),
            problem: Some("could not connect".into()),
        })
    );
    // A good read again: no longer stale; an empty month clears what was there.
    store.put_busy(&sip(), &months(&[]), at(-70)).await.unwrap();
    assert_eq!(
        held(store, &sip()).await,
        [at(40)],
        "only the booking's lock"
    );
    let status = store.calendar_status(&sip()).await.unwrap().unwrap();
    assert_eq!((status.failing_since, status.problem), (None, None));
    assert_eq!(status.read_at, Some(at(-70)));
    // Never read: no status.
    assert_eq!(
        store
            .calendar_status(&ProviderId::parse("ana").unwrap())
            .await
            .unwrap(),
        None
    );
}

async fn a_first_read_that_fails_is_stale_with_nothing_kept(store: &dyn Store) {
    store
        .calendar_failed(&sip(), at(-90), "HTTP 404")
        .await
        .unwrap();
    assert_eq!(
        store.calendar_status(&sip()).await.unwrap(),
        Some(CalendarStatus {
            read_at: None,
            tried_at: at(-90),
            failing_since: Some(at(-90)),
            problem: Some("HTTP 404".into()),
        })
    );
    assert!(held(store, &sip()).await.is_empty());
}

async fn a_move_that_minds_the_calendar_is_refused_its_busy_units(store: &dyn Store) {
    let config = config();
    let (a, _) = appointment(&config, "short", "sip", at(60), "Μαρία");
    store.create(&a, &MINDING).await.unwrap();
    let read = store.get(a.id, at(-60)).await.unwrap().unwrap();
    let read = {
        let sent = read
            .clone()
            .after_sent(MailKind::Confirmation, &read, at(-61));
        store.update(&read, &sent).await.unwrap()
    };
    store
        .put_busy(&sip(), &months(&[at(120)]), at(-120))
        .await
        .unwrap();
    let minding = MoveConditions {
        calendar: true,
        ..MoveConditions::default()
    };
    let onto_busy = read.clone().moved(
        offered(&config, "short", "sip", at(120)),
        &config.policy,
        at(-60),
    );
    assert_eq!(
        store.reschedule(&read, &onto_busy, at(-60), &minding).await,
        Err(StoreError::SlotTaken)
    );
    assert_eq!(store.get(a.id, at(-60)).await.unwrap(), Some(read.clone()));
    let onto_free = read.clone().moved(
        offered(&config, "short", "sip", at(140)),
        &config.policy,
        at(-60),
    );
    let moved = store
        .reschedule(&read, &onto_free, at(-60), &minding)
        .await
        .unwrap();
    assert_eq!(moved.start, at(140));
    assert_eq!(held(store, &sip()).await, [at(120), at(140)]);
}

contract!(
    busy_units_are_read_with_the_locks_and_refuse_a_booking_that_minds_them,
    the_next_read_replaces_the_months_it_names_and_a_failure_keeps_them,
    a_first_read_that_fails_is_stale_with_nothing_kept,
    a_move_that_minds_the_calendar_is_refused_its_busy_units,
);
