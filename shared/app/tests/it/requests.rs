//! What a booking, a move and a cancel ask of DynamoDB on the way to their answers (issue 26),
//! counted by an SDK interceptor on moto: one write each (the transaction), plus the record of
//! the mail that went; a move and a cancel also read the appointment first (its token, its
//! version and its locks). Neither the booking rate's counter nor the staff closures are a
//! request of their own on this path: the rate is counted when it is read (at most every
//! `RATE_CHECK`), the closures read at most every ten seconds.

use crate::world::{config, dec1, dynamo_counted, World};
use rantevou_app::{BookRequest, Booked, Context, RATE_CHECK};
use rantevou_domain::challenge::solve;
use rantevou_domain::patron::FreeText;
use rantevou_domain::provider::Meeting;
use rantevou_store::dynamo::request_counter::RequestCounter;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// A world on a fresh table whose client counts its requests, and a clock the test moves (in
/// seconds after the fixtures' now).
async fn counted() -> Option<(World, RequestCounter, Arc<AtomicI64>)> {
    let counter = RequestCounter::new();
    let store = dynamo_counted(Some(&counter)).await?;
    let mut config = config(Meeting::Manual, vec![]);
    // The bot check on, rising with the rate; the per-patron limit on: every part of the
    // create transaction is there.
    config.policy.proof_of_work_difficulty = 20;
    config.policy.busy_bookings_per_10_minutes = 100;
    config.policy.max_active_per_patron = 2;
    let mut w = World::new(config, Arc::new(store));
    let later = Arc::new(AtomicI64::new(0));
    let seconds = later.clone();
    let clock = move || {
        rantevou_testkit::fixture_now() + chrono::Duration::seconds(seconds.load(Ordering::SeqCst))
    };
    w.ctx = Context::new(w.ctx.config.clone(), Arc::new(clock), w.ctx.links.clone());
    counter.take();
    Some((w, counter, later))
}

async fn solved(w: &World) -> Option<String> {
    let challenge = w.booking().challenge().await.unwrap();
    solve(&challenge)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_booking_a_move_and_a_cancel_each_write_once_on_the_way_to_the_answer() {
    let Some((w, counter, _)) = counted().await else {
        return;
    };
    // What comes before a booking: the day's times (which read the closures) and a challenge
    // (which reads the rate).
    w.store.staff_closures().await.unwrap();
    let challenge = solved(&w).await;
    assert_eq!(
        counter.take(),
        ["GetItem", "Query"],
        "the closures, the rate"
    );

    let request = BookRequest {
        challenge: challenge.clone(),
        ..w.request(dec1(10, 0), "Μαρία")
    };
    let Booked::New { appointment, .. } = w.booking().book(request).await.unwrap() else {
        panic!("a new booking");
    };
    assert_eq!(
        counter.take(),
        ["TransactWriteItems", "PutItem"],
        "the booking's transaction, then the record that its confirmation went"
    );

    let read = w
        .store
        .get(appointment.id, rantevou_testkit::fixture_now())
        .await
        .unwrap()
        .unwrap();
    counter.take();
    let mut request = w.move_request(&read, dec1(11, 0), read.version);
    request.challenge = solved(&w).await;
    counter.take();
    let moved = w.rescheduling().reschedule(request).await.unwrap();
    assert_eq!(
        counter.take(),
        ["GetItem", "TransactWriteItems", "PutItem"],
        "the appointment read, the move's transaction, the record of its mail"
    );

    let token = w.keys.token(&moved.id);
    w.cancelling()
        .cancel(
            moved.id,
            token.expose(),
            FreeText::parse("άλλαξε το πρόγραμμα").unwrap(),
            Some(moved.version),
        )
        .await
        .unwrap();
    assert_eq!(
        counter.take(),
        ["GetItem", "TransactWriteItems", "PutItem"],
        "the appointment read, the cancel's transaction, the record of its mail"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bookings_are_counted_in_the_rate_when_it_is_read_next() {
    let Some((w, counter, clock)) = counted().await else {
        return;
    };
    let challenge = solved(&w).await;
    assert_eq!(counter.take(), ["Query"], "the rate");
    let request = BookRequest {
        challenge,
        ..w.request(dec1(10, 0), "Μαρία")
    };
    w.booking().book(request).await.unwrap();
    assert_eq!(counter.take(), ["GetItem", "TransactWriteItems", "PutItem"]);
    // Another process reads the store's rate: the booking is not counted there yet.
    let now = rantevou_testkit::fixture_now();
    assert_eq!(w.store.recent_bookings(now).await.unwrap(), 0);
    // This process's next reading, once the last is stale, counts its booking there first.
    clock.store(RATE_CHECK.num_seconds() + 1, Ordering::SeqCst);
    counter.take();
    w.booking().challenge().await.unwrap();
    assert_eq!(counter.take(), ["UpdateItem", "Query"]);
    assert_eq!(w.store.recent_bookings(now).await.unwrap(), 1);
}
