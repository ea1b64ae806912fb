//! Many simultaneous requests, on both adapters: one slot is never booked twice.

use crate::support::{appointment, at, config};
use rantevou_domain::patron::FreeText;
use rantevou_domain::ports::{CreateConditions, MoveConditions};
use rantevou_domain::ports::{Created, StoreError};
use rantevou_domain::{LockMonth, ProviderId};
use rantevou_store::Store;
use std::sync::Arc;
use tokio::sync::Barrier;

const ATTEMPTS: usize = 200;
const ROUNDS: i64 = 3;

/// Fires `ATTEMPTS` creates on one slot at once (each its own task, released together by a
/// barrier), spread over `stores` (several SQLite connections stand in for several processes).
async fn stampede(stores: &[Arc<dyn Store>], minutes: i64) {
    let config = config();
    let barrier = Arc::new(Barrier::new(ATTEMPTS));
    let mut tasks = Vec::new();
    for i in 0..ATTEMPTS {
        let store = Arc::clone(&stores[i % stores.len()]);
        let (a, _) = appointment(&config, "short", "sip", at(minutes), &format!("Patron{i}"));
        let barrier = Arc::clone(&barrier);
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            (a.id, store.create(&a, &CreateConditions::default()).await)
        }));
    }
    let mut won = Vec::new();
    let mut taken = 0;
    for t in tasks {
        match t.await.unwrap() {
            (id, Ok(Created::New(_))) => won.push(id),
            (_, Err(StoreError::SlotTaken)) => taken += 1,
            (_, other) => panic!("unexpected answer: {other:?}"),
        }
    }
    assert_eq!(won.len(), 1, "exactly one winner");
    assert_eq!(
        taken,
        ATTEMPTS - 1,
        "every other attempt is a clean 'slot taken'"
    );
    let store = &stores[0];
    let locks = store
        .locks(
            &ProviderId::parse("sip").unwrap(),
            LockMonth::of(at(0)),
            at(-24 * 60),
        )
        .await
        .unwrap();
    assert_eq!(locks.iter().filter(|l| l.start == at(minutes)).count(), 1);
    assert!(store.get(won[0], at(-60)).await.unwrap().is_some());
}

async fn two_hundred_on_one_slot(stores: Vec<Arc<dyn Store>>) {
    for round in 0..ROUNDS {
        stampede(&stores, round * 20).await;
    }
}

async fn two_hundred_on_different_slots_all_succeed(store: Arc<dyn Store>) {
    let config = config();
    let barrier = Arc::new(Barrier::new(ATTEMPTS));
    let mut tasks = Vec::new();
    for i in 0..ATTEMPTS {
        let store = Arc::clone(&store);
        let (a, _) = appointment(
            &config,
            "short",
            "sip",
            at(i as i64 * 20),
            &format!("Patron{i}"),
        );
        let barrier = Arc::clone(&barrier);
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            store.create(&a, &CreateConditions::default()).await
        }));
    }
    for t in tasks {
        assert!(matches!(t.await.unwrap(), Ok(Created::New(_))));
    }
    let sip = ProviderId::parse("sip").unwrap();
    let locks = store
        .locks(&sip, LockMonth::of(at(0)), at(-24 * 60))
        .await
        .unwrap();
    let next = store
        .locks(&sip, LockMonth::of(at(0)).next(), at(-24 * 60))
        .await
        .unwrap();
    assert_eq!(locks.len() + next.len(), ATTEMPTS);
}

/// A cancel and a crowd of rebookings of the same slot race; at the end at most one live
/// appointment holds it, and a rebooking won only if the cancel went through.
async fn cancel_and_rebook_race(store: Arc<dyn Store>) {
    let config = config();
    let sip = ProviderId::parse("sip").unwrap();
    for round in 0..5 {
        let slot = at(round * 20);
        let (first, _) = appointment(&config, "short", "sip", slot, "First");
        store
            .create(&first, &CreateConditions::default())
            .await
            .unwrap();
        let rebookers = 40;
        let barrier = Arc::new(Barrier::new(rebookers + 1));
        let cancel = {
            let (store, first, barrier) = (Arc::clone(&store), first.clone(), Arc::clone(&barrier));
            tokio::spawn(async move {
                barrier.wait().await;
                store
                    .cancel(
                        &first,
                        slot - chrono::Duration::hours(3),
                        &FreeText::default(),
                    )
                    .await
            })
        };
        let mut tasks = Vec::new();
        for i in 0..rebookers {
            let (a, _) = appointment(&config, "short", "sip", slot, &format!("Re{i}"));
            let (store, barrier) = (Arc::clone(&store), Arc::clone(&barrier));
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                // Keep trying a little, as patrons refreshing the page would.
                for _ in 0..5 {
                    match store.create(&a, &CreateConditions::default()).await {
                        Err(StoreError::SlotTaken) => tokio::task::yield_now().await,
                        other => return (a.id, other),
                    }
                }
                (a.id, Err(StoreError::SlotTaken))
            }));
        }
        let cancelled = cancel.await.unwrap();
        let mut live = Vec::new();
        for t in tasks {
            match t.await.unwrap() {
                (id, Ok(Created::New(_))) => live.push(id),
                (_, Err(StoreError::SlotTaken)) => {}
                (_, other) => panic!("unexpected answer: {other:?}"),
            }
        }
        assert!(
            cancelled.is_ok(),
            "the cancel itself never fails: {cancelled:?}"
        );
        assert!(
            live.len() <= 1,
            "two live appointments on one slot: {live:?}"
        );
        let now = slot - chrono::Duration::hours(1);
        let mut booked_on_slot = 0;
        for id in live.iter().chain(std::iter::once(&first.id)) {
            if let Some(a) = store.get(*id, now).await.unwrap() {
                if a.is_booked() && a.start == slot {
                    booked_on_slot += 1;
                }
            }
        }
        assert_eq!(
            booked_on_slot,
            live.len(),
            "the winner (if any) is the only booked one"
        );
        let locks = store
            .locks(&sip, LockMonth::of(slot), at(-24 * 60))
            .await
            .unwrap();
        assert_eq!(locks.iter().filter(|l| l.start == slot).count(), live.len());
    }
}

/// Fifty simultaneous bookings of one patron, each on its own time: exactly `max` pass.
async fn one_patron_stampede(stores: Vec<Arc<dyn Store>>) {
    let config = config();
    let limit = rantevou_domain::PatronLimit {
        key: "one-patron".into(),
        max: 2,
        keep_until: at(90 * 24 * 60),
    };
    let barrier = Arc::new(Barrier::new(50));
    let mut tasks = Vec::new();
    for i in 0..50 {
        let store = Arc::clone(&stores[i % stores.len()]);
        let (a, _) = appointment(&config, "short", "sip", at(20 * i as i64), "Same");
        let (barrier, limit) = (Arc::clone(&barrier), limit.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            store
                .create(
                    &a,
                    &CreateConditions {
                        patron: Some(&limit),
                        ..Default::default()
                    },
                )
                .await
        }));
    }
    let (mut booked, mut refused) = (0, 0);
    for t in tasks {
        match t.await.unwrap() {
            Ok(Created::New(_)) => booked += 1,
            Err(StoreError::PatronLimit) => refused += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((booked, refused), (2, 48));
}

/// 20 patrons move their appointments into one free time while 20 others book it, all at
/// once: exactly one of the 40 holds it, and every loser keeps what it had (its old time, or
/// nothing).
async fn moves_and_bookings_into_one_time(store: Arc<dyn Store>) {
    const EACH: usize = 20;
    let config = config();
    let mut tasks = Vec::new();
    let barrier = Arc::new(Barrier::new(2 * EACH));
    for i in 0..EACH {
        let start = at(20 * (i as i64 + 1));
        let (a, _) = appointment(&config, "short", "sip", start, &format!("Mover{i}"));
        store
            .create(&a, &CreateConditions::default())
            .await
            .unwrap();
        let read = store.get(a.id, at(-60)).await.unwrap().unwrap();
        let slot = rantevou_testkit::offered(&config, "short", "sip", at(0));
        let next = read.clone().moved(slot, &config.policy, at(-60));
        let (store, barrier) = (Arc::clone(&store), Arc::clone(&barrier));
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let got = store
                .reschedule(&read, &next, at(-60), &MoveConditions::default())
                .await
                .map(|_| ());
            (read.id, start, got)
        }));
    }
    for i in 0..EACH {
        let (a, _) = appointment(&config, "short", "sip", at(0), &format!("Booker{i}"));
        let (store, barrier) = (Arc::clone(&store), Arc::clone(&barrier));
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let got = store.create(&a, &CreateConditions::default()).await;
            (a.id, at(0), got.map(|_| ()))
        }));
    }
    let mut holders = Vec::new();
    let mut losers = Vec::new();
    for t in tasks {
        match t.await.unwrap() {
            (id, _, Ok(())) => holders.push(id),
            (id, had, Err(StoreError::SlotTaken)) => losers.push((id, had)),
            (_, _, other) => panic!("unexpected answer: {other:?}"),
        }
    }
    assert_eq!(holders.len(), 1, "exactly one holds the time");
    let holder = store.get(holders[0], at(-60)).await.unwrap().unwrap();
    assert_eq!(holder.start, at(0));
    for (id, had) in losers {
        match store.get(id, at(-60)).await.unwrap() {
            // A mover keeps its old time, untouched.
            Some(kept) => assert_eq!((kept.start, kept.version), (had, 0)),
            // A booker stored nothing.
            None => assert_eq!(had, at(0)),
        }
    }
    let locks = store
        .locks(
            &ProviderId::parse("sip").unwrap(),
            LockMonth::of(at(0)),
            at(-60),
        )
        .await
        .unwrap();
    assert_eq!(locks.iter().filter(|l| l.start == at(0)).count(), 1);
    let movers_kept = EACH - usize::from(holder.moves == 1);
    assert_eq!(
        locks.len(),
        movers_kept + 1,
        "every mover that lost kept its lock"
    );
}

mod sqlite {
    use super::*;
    use rantevou_domain::ports::Bookings;

    /// 120 bookings at once on one file: 60 on times of their own, 40 on one shared time, 20
    /// reusing one challenge (each on its own time). Committed in groups (fewer commits than
    /// bookings), yet each answered as if alone: every own time booked, the shared time once,
    /// the challenge once; a refused booking takes nothing with it, and what was answered is
    /// in the file when it is opened again.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn bookings_arriving_together_share_commits_and_are_answered_each_on_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("grouped.sqlite3");
        let store = Arc::new(rantevou_store::SqliteStore::open(&path).unwrap());
        let config = config();
        let challenge = Arc::new(rantevou_domain::challenge::SolvedChallenge {
            challenge: "c-shared".into(),
            expires: at(24 * 60),
            maxnumber: 1000,
        });
        const OWN: usize = 60;
        const SHARED: usize = 40;
        const REUSED: usize = 20;
        let total = OWN + SHARED + REUSED;
        let barrier = Arc::new(Barrier::new(total));
        let mut tasks = Vec::new();
        for i in 0..total {
            // Own times from 20 minutes on; the shared one at 0; the challenge's after the own.
            let minutes = match i {
                i if i < OWN => (i as i64 + 1) * 20,
                i if i < OWN + SHARED => 0,
                i => (i as i64 + 1) * 20,
            };
            let (a, _) = appointment(&config, "short", "sip", at(minutes), &format!("Patron{i}"));
            let (store, barrier, challenge) = (
                Arc::clone(&store),
                Arc::clone(&barrier),
                Arc::clone(&challenge),
            );
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                let conditions = CreateConditions {
                    challenge: (i >= OWN + SHARED).then_some(&*challenge),
                    ..Default::default()
                };
                (i, a.id, store.create(&a, &conditions).await)
            }));
        }
        let mut booked = Vec::new();
        let (mut shared_won, mut shared_taken, mut reused_won, mut reused_refused) = (0, 0, 0, 0);
        for t in tasks {
            let (i, id, answer) = t.await.unwrap();
            match (i, answer) {
                (i, Ok(Created::New(_))) if i < OWN => booked.push(id),
                (i, Ok(Created::New(_))) if i < OWN + SHARED => {
                    shared_won += 1;
                    booked.push(id);
                }
                (i, Err(StoreError::SlotTaken)) if (OWN..OWN + SHARED).contains(&i) => {
                    shared_taken += 1
                }
                (i, Ok(Created::New(_))) if i >= OWN + SHARED => {
                    reused_won += 1;
                    booked.push(id);
                }
                (i, Err(StoreError::ChallengeUsed)) if i >= OWN + SHARED => reused_refused += 1,
                (i, other) => panic!("booking {i}: unexpected answer {other:?}"),
            }
        }
        assert_eq!(
            booked.len(),
            OWN + 2,
            "every own time, the shared once, the challenge once"
        );
        assert_eq!((shared_won, shared_taken), (1, SHARED - 1));
        assert_eq!((reused_won, reused_refused), (1, REUSED - 1));
        let (writes, commits) = store.group_commits();
        assert_eq!(writes, total as u64, "every booking went through a group");
        assert!(
            commits < writes,
            "bookings arriving together share commits: {writes} in {commits}"
        );
        drop(store);
        // Opened again, as after a restart: the answered bookings and only their locks.
        let again: Arc<dyn Store> = Arc::new(rantevou_store::SqliteStore::open(&path).unwrap());
        for id in &booked {
            assert!(
                again.get(*id, at(-60)).await.unwrap().is_some(),
                "{id} kept"
            );
        }
        let sip = ProviderId::parse("sip").unwrap();
        let month = LockMonth::of(at(0));
        let mut locks = again.locks(&sip, month, at(-24 * 60)).await.unwrap();
        locks.extend(again.locks(&sip, month.next(), at(-24 * 60)).await.unwrap());
        assert_eq!(
            locks.len(),
            booked.len(),
            "no lock of a refused booking stayed"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn twenty_moves_and_twenty_bookings_into_one_time_leave_one_holder() {
        let (store, _dir) = crate::support::sqlite();
        moves_and_bookings_into_one_time(Arc::new(store)).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn two_hundred_simultaneous_creates_on_one_slot_book_it_once() {
        let (store, _dir) = crate::support::sqlite();
        two_hundred_on_one_slot(vec![Arc::new(store)]).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn four_connections_to_one_file_book_a_slot_once() {
        // Separate connections lock the file as separate processes do.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.sqlite3");
        let stores: Vec<Arc<dyn Store>> = (0..4)
            .map(|_| Arc::new(rantevou_store::SqliteStore::open(&path).unwrap()) as Arc<dyn Store>)
            .collect();
        two_hundred_on_one_slot(stores).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn two_hundred_simultaneous_creates_on_different_slots_all_succeed() {
        let (store, _dir) = crate::support::sqlite();
        two_hundred_on_different_slots_all_succeed(Arc::new(store)).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn cancel_and_rebook_never_leave_two_live_appointments() {
        let (store, _dir) = crate::support::sqlite();
        cancel_and_rebook_race(Arc::new(store)).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn fifty_simultaneous_bookings_of_one_patron_book_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.sqlite3");
        let stores: Vec<Arc<dyn Store>> = (0..4)
            .map(|_| Arc::new(rantevou_store::SqliteStore::open(&path).unwrap()) as Arc<dyn Store>)
            .collect();
        one_patron_stampede(stores).await;
    }
}

mod dynamo {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn twenty_moves_and_twenty_bookings_into_one_time_leave_one_holder() {
        let Some((store, _)) = crate::support::dynamo().await else {
            return;
        };
        moves_and_bookings_into_one_time(Arc::new(store)).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn two_hundred_simultaneous_creates_on_one_slot_book_it_once() {
        let Some((store, _)) = crate::support::dynamo().await else {
            return;
        };
        two_hundred_on_one_slot(vec![Arc::new(store)]).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn two_hundred_simultaneous_creates_on_different_slots_all_succeed() {
        let Some((store, _)) = crate::support::dynamo().await else {
            return;
        };
        two_hundred_on_different_slots_all_succeed(Arc::new(store)).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn cancel_and_rebook_never_leave_two_live_appointments() {
        let Some((store, _)) = crate::support::dynamo().await else {
            return;
        };
        cancel_and_rebook_race(Arc::new(store)).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn fifty_simultaneous_bookings_of_one_patron_book_the_limit() {
        let Some((store, _)) = crate::support::dynamo().await else {
            return;
        };
        one_patron_stampede(vec![Arc::new(store)]).await;
    }
}
