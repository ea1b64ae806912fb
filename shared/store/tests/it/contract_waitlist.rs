//! The store contract of the waiting list (issue 16), on both adapters: one entry per
//! address and day, a cap per address, told once, gone when the day is over.

use crate::support::at;
use chrono::{Duration, NaiveDate};
use rantevou_domain::mail_cap::MailCap;
use rantevou_domain::patron::PatronEmail;
use rantevou_domain::ports::{JoinLimits, StoreError};
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
        confirmed_at: Some(at(minutes)),
        notified_at: None,
    }
}

/// The limits of a join: `per_address` days, 50 addresses a day, no mail allowance.
fn limits(per_address: u32) -> JoinLimits<'static> {
    JoinLimits {
        per_address,
        per_day: 50,
        mail_cap: None,
    }
}

async fn one_entry_per_address_and_day_and_a_cap(store: &dyn Store) {
    let first = entry("maria", 0, 0);
    assert!(store.join_waitlist(&first, &limits(2)).await.unwrap());
    let again = entry("maria", 0, 1);
    assert!(
        !store.join_waitlist(&again, &limits(2)).await.unwrap(),
        "the same day twice is one entry"
    );
    assert!(store
        .join_waitlist(&entry("maria", 1, 2), &limits(2))
        .await
        .unwrap());
    assert_eq!(
        store.join_waitlist(&entry("maria", 2, 3), &limits(2)).await,
        Err(StoreError::PatronLimit)
    );
    assert!(
        store
            .join_waitlist(&entry("nikos", 2, 4), &limits(2))
            .await
            .unwrap(),
        "another address"
    );
    assert_eq!(
        store.wait_entry(first.id, at(5)).await.unwrap(),
        Some(first.clone())
    );
    // Leaving frees a place under the cap.
    assert!(store.leave_waitlist(&first).await.unwrap());
    assert!(!store.leave_waitlist(&first).await.unwrap());
    assert_eq!(store.wait_entry(first.id, at(5)).await.unwrap(), None);
    assert!(store
        .join_waitlist(&entry("maria", 2, 6), &limits(2))
        .await
        .unwrap());
}

async fn the_waiting_are_told_once_first_come_first_served(store: &dyn Store) {
    let (a, b, c) = (entry("a", 0, 0), entry("b", 0, 1), entry("c", 1, 2));
    for e in [&b, &c, &a] {
        assert!(store.join_waitlist(e, &limits(3)).await.unwrap());
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

async fn a_join_waits_only_once_confirmed_from_its_mail(store: &dyn Store) {
    let mut joined = entry("maria", 0, 0);
    joined.confirmed_at = None;
    assert!(store.join_waitlist(&joined, &limits(3)).await.unwrap());
    assert!(
        store.waiting(at(1), 100).await.unwrap().is_empty(),
        "not told anything before it is confirmed"
    );
    let wrong = TokenHash::of("another-token");
    assert!(!store.confirm_wait(joined.id, &wrong, at(2)).await.unwrap());
    assert!(store
        .confirm_wait(joined.id, &joined.token_hash, at(2))
        .await
        .unwrap());
    assert!(
        !store
            .confirm_wait(joined.id, &joined.token_hash, at(3))
            .await
            .unwrap(),
        "once"
    );
    let waiting = store.waiting(at(4), 100).await.unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].confirmed_at, Some(at(2)));
}

async fn a_day_takes_so_many_addresses_and_a_join_its_mails_place(store: &dyn Store) {
    let two_a_day = JoinLimits {
        per_address: 3,
        per_day: 2,
        mail_cap: None,
    };
    let first = entry("a", 0, 0);
    assert!(store.join_waitlist(&first, &two_a_day).await.unwrap());
    assert!(store
        .join_waitlist(&entry("b", 0, 1), &two_a_day)
        .await
        .unwrap());
    let third = entry("c", 0, 2);
    assert_eq!(
        store.join_waitlist(&third, &two_a_day).await,
        Err(StoreError::SlotTaken),
        "the day is full"
    );
    assert_eq!(store.wait_entry(third.id, at(3)).await.unwrap(), None);
    assert!(
        store
            .join_waitlist(&entry("c", 1, 3), &two_a_day)
            .await
            .unwrap(),
        "another day"
    );
    // Leaving makes room.
    assert!(store.leave_waitlist(&first).await.unwrap());
    assert!(store
        .join_waitlist(&entry("c", 0, 4), &two_a_day)
        .await
        .unwrap());
    // The join's mail takes its place of the address's allowance, or nothing is written.
    let cap = MailCap {
        key: "key-d#2026-12-07".into(),
        weight: 1,
        max: 1,
        keep_until: at(3000),
    };
    let capped = JoinLimits {
        mail_cap: Some(&cap),
        ..limits(3)
    };
    assert!(store
        .join_waitlist(&entry("d", 1, 5), &capped)
        .await
        .unwrap());
    let over = entry("d", 2, 6);
    assert_eq!(
        store.join_waitlist(&over, &capped).await,
        Err(StoreError::MailCapped)
    );
    assert_eq!(store.wait_entry(over.id, at(7)).await.unwrap(), None);
}

contract!(
    one_entry_per_address_and_day_and_a_cap,
    the_waiting_are_told_once_first_come_first_served,
    a_join_waits_only_once_confirmed_from_its_mail,
    a_day_takes_so_many_addresses_and_a_join_its_mails_place,
);

/// SQLite has no TTL: the purge (which `rantevou serve`'s scheduler runs) deletes the entries
/// of a day that is over, and the appointments past their retention, from the file itself.
#[tokio::test]
async fn sqlite_purge_deletes_a_day_that_is_over_from_the_file() {
    let (store, dir) = crate::support::sqlite();
    let (today, tomorrow) = (entry("maria", 0, 0), entry("maria", 1, 1));
    let list: &dyn Store = &store;
    list.join_waitlist(&today, &limits(3)).await.unwrap();
    list.join_waitlist(&tomorrow, &limits(3)).await.unwrap();
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
