//! SQLite's purge gives the space of what it forgets back: the data folder shrinks.

use crate::support::{appointment, at, config};
use rantevou_domain::ports::{Appointments, Bookings, CreateConditions};

/// The database and its write-ahead log, in bytes.
fn folder_bytes(dir: &std::path::Path) -> u64 {
    ["rantevou.sqlite3", "rantevou.sqlite3-wal"]
        .iter()
        .filter_map(|name| std::fs::metadata(dir.join(name)).ok())
        .map(|m| m.len())
        .sum()
}

#[tokio::test]
async fn sqlite_purge_returns_the_space_of_what_it_deleted() {
    let (store, dir) = crate::support::sqlite();
    let config = config();
    for i in 0..400 {
        let (a, _) = appointment(&config, "short", "sip", at(i * 30), &format!("Patron{i}"));
        store
            .create(&a, &CreateConditions::default())
            .await
            .unwrap();
    }
    store.purge_expired(at(0)).await.unwrap();
    let full = folder_bytes(dir.path());
    let c = rusqlite::Connection::open(dir.path().join("rantevou.sqlite3")).unwrap();
    let pragma = |name: &str| {
        c.query_row(&format!("PRAGMA {name}"), [], |r| r.get::<_, i64>(0))
            .unwrap()
    };
    assert_eq!(pragma("auto_vacuum"), 2, "incremental");
    let pages = pragma("page_count");

    // Far past every retention date: everything goes, and its pages leave the file.
    let gone = store
        .purge_expired(at(400 * 30) + chrono::Duration::days(400))
        .await
        .unwrap();
    assert_eq!(gone, 400);
    assert_eq!(pragma("freelist_count"), 0, "no free page left in the file");
    assert!(
        pragma("page_count") < pages / 4,
        "{} pages of {pages} remain",
        pragma("page_count")
    );
    let empty = folder_bytes(dir.path());
    assert!(empty < full / 4, "{empty} bytes of {full} remain");
}

/// A data folder made before incremental vacuum is rebuilt once when opened, keeping its rows.
#[tokio::test]
async fn an_earlier_database_takes_incremental_vacuum_and_keeps_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rantevou.sqlite3");
    let config = config();
    let (a, _) = appointment(&config, "short", "sip", at(0), "Maria");
    {
        let store = rantevou_store::SqliteStore::open(&path).unwrap();
        store
            .create(&a, &CreateConditions::default())
            .await
            .unwrap();
    }
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("PRAGMA auto_vacuum = NONE; VACUUM;")
            .unwrap();
        let mode: i64 = c.query_row("PRAGMA auto_vacuum", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, 0);
    }
    let store = rantevou_store::SqliteStore::open(&path).unwrap();
    assert!(store.get(a.id, at(0)).await.unwrap().is_some());
    let c = rusqlite::Connection::open(&path).unwrap();
    let mode: i64 = c.query_row("PRAGMA auto_vacuum", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, 2);
}
