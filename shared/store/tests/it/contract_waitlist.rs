//! The store contract of the waiting list (issue 16), on both adapters: one entry per
//! address and day, a cap per address, told once, gone when the day is over.

use crate::support::at;
use chrono::{Duration, NaiveDate};
use rantevou_domain::patron::PatronEmail;
use rantevou_domain::ports::StoreError;
use rantevou_domain::waitlist::WaitEntry;
use rantevou_domain::{AppointmentId, Language, ServiceId, TokenHash};
use rantevou_store::Store;

/// `who`'s entry for the day `day` days after 7 December 2026, joined at `at(minutes)`.
fn entry(who: &str, day: u64, minutes: i64) -> WaitEntry {
    let date = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap() + chrono::Days::new(day);
    WaitEntry {
        id: AppointmentId::generate(at(minutes), &mut rand::rngs::OsRng),
        service: ServiceId::parse("short").unwrap(),
        date,
        email: PatronEmail::parse(&format!("{who}@example.org")).unwrap(),
        language: Language::El,
        patron_key: format!("key-{who}"),
        token_hash: TokenHash::of("leave-token"),
        created_at: at(minutes),
        // The end of that day, Athens.
        expires_at: at(17 * 60) + Duration::days(i64::try_from(day).unwrap()),
        privacy_url: "https://example.org/privacy".into(),
        known_free: vec![at(120)],
        notified_at: None,
    }
}

async fn one_entry_per_address_and_day_and_a_cap(store: &dyn Store) {
    let first = entry("maria", 0, 0);
    assert!(store.join_waitlist(&first, 2).await.unwrap());
    let again = entry("maria", 0, 1);
    assert!(
        !store.join_waitlist(&again, 2).await.unwrap(),
        "the same day twice is one entry"
    );
    assert!(store.join_waitlist(&entry("maria", 1, 2), 2).await.unwrap());
    assert_eq!(
        store.join_waitlist(&entry("maria", 2, 3), 2).await,
        Err(StoreError::PatronLimit)
    );
    assert!(
        store.join_waitlist(&entry("nikos", 2, 4), 2).await.unwrap(),
        "another address"
    );
    assert_eq!(
        store.wait_entry(first.id, at(5)).await.unwrap(),
        Some(first.clone())
    );
    // Leaving frees a place under the cap.
    assert!(store.leave_waitlist(first.id).await.unwrap());
    assert!(!store.leave_waitlist(first.id).await.unwrap());
    assert_eq!(store.wait_entry(first.id, at(5)).await.unwrap(), None);
    assert!(store.join_waitlist(&entry("maria", 2, 6), 2).await.unwrap());
}

async fn the_waiting_are_told_once_first_come_first_served(store: &dyn Store) {
    let (a, b, c) = (entry("a", 0, 0), entry("b", 0, 1), entry("c", 1, 2));
    for e in [&b, &c, &a] {
        assert!(store.join_waitlist(e, 3).await.unwrap());
    }
    let waiting = store.waiting(at(10), 100).await.unwrap();
    assert_eq!(
        waiting.iter().map(|e| e.id).collect::<Vec<_>>(),
        [a.id, b.id, c.id]
    );
    assert!(store.mark_notified(&a, Some(at(11))).await.unwrap());
    assert!(
        !store.mark_notified(&a, Some(at(12))).await.unwrap(),
        "told once"
    );
    let waiting = store.waiting(at(12), 100).await.unwrap();
    assert_eq!(
        waiting.iter().map(|e| e.id).collect::<Vec<_>>(),
        [b.id, c.id]
    );
    // A failed mail: untold again, and waiting again.
    assert!(store.mark_notified(&a, None).await.unwrap());
    assert_eq!(store.waiting(at(13), 100).await.unwrap().len(), 3);
    let told = store.wait_entry(b.id, at(13)).await.unwrap().unwrap();
    assert_eq!(told.notified_at, None);
    // Once the first day is over, only the next day's entry waits; the others are gone.
    let tomorrow = at(17 * 60 + 1);
    let waiting = store.waiting(tomorrow, 100).await.unwrap();
    assert_eq!(waiting.iter().map(|e| e.id).collect::<Vec<_>>(), [c.id]);
    assert_eq!(store.wait_entry(a.id, tomorrow).await.unwrap(), None);
}

contract!(
    one_entry_per_address_and_day_and_a_cap,
    the_waiting_are_told_once_first_come_first_served,
);

/// SQLite has no TTL: the purge (which `rantevou serve`'s scheduler runs) deletes the entries
/// of a day that is over, and the appointments past their retention, from the file itself.
#[tokio::test]
async fn sqlite_purge_deletes_a_day_that_is_over_from_the_file() {
    let (store, dir) = crate::support::sqlite();
    let (today, tomorrow) = (entry("maria", 0, 0), entry("maria", 1, 1));
    let list: &dyn Store = &store;
    list.join_waitlist(&today, 3).await.unwrap();
    list.join_waitlist(&tomorrow, 3).await.unwrap();
    let rows = || {
        let c = rusqlite::Connection::open(dir.path().join("rantevou.sqlite3")).unwrap();
        c.query_row("SELECT COUNT(*) FROM waitlist", [], |r| r.get::<_, i64>(0))
            .unwrap()
    };
    store.purge_expired(at(17 * 60 - 1)).await.unwrap();
    assert_eq!(rows(), 2, "nothing is over yet");
    store.purge_expired(at(17 * 60)).await.unwrap();
    assert_eq!(rows(), 1, "the first day's entry is gone, address and all");
    assert!(list
        .wait_entry(tomorrow.id, at(17 * 60))
        .await
        .unwrap()
        .is_some());
}
