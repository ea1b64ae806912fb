//! A data folder made by an earlier version opens, and its pending mail joins the queue.

use rantevou_domain::ports::MailQueue;
use rantevou_store::SqliteStore;

#[tokio::test]
async fn an_earlier_database_gains_the_mail_queue_and_keeps_its_pending_mail() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite3");
    {
        let old = rusqlite::Connection::open(&path).unwrap();
        old.execute_batch(
            "CREATE TABLE appointments (
                 id TEXT PRIMARY KEY, provider TEXT NOT NULL, start INTEGER NOT NULL,
                 status TEXT NOT NULL, token_hash TEXT NOT NULL, expires_at INTEGER NOT NULL,
                 mail_pending INTEGER NOT NULL DEFAULT 0, record TEXT NOT NULL);
             CREATE INDEX appointments_with_pending_mail ON appointments (mail_pending, id);",
        )
        .unwrap();
        let config = crate::support::config();
        let (a, _) =
            crate::support::appointment(&config, "short", "sip", crate::support::at(0), "A");
        let mut record =
            serde_json::to_value(rantevou_store::record::AppointmentRecord::from(&a)).unwrap();
        for field in [
            "mail_attempts",
            "mail_due",
            "mail_failure",
            "patron_key",
            "patron_place",
        ] {
            record.as_object_mut().unwrap().remove(field);
        }
        old.execute(
            "INSERT INTO appointments (id, provider, start, status, token_hash, expires_at, mail_pending, record)
             VALUES (?1, 'sip', 0, 'booked', 'x', 9999999999, 1, ?2)",
            rusqlite::params![a.id.to_string(), record.to_string()],
        )
        .unwrap();
    }
    let store = SqliteStore::open(&path).unwrap();
    #[allow(clippy::disallowed_methods)] // the migration dates old pending mail by the real clock
    let now = chrono::Utc::now() + chrono::Duration::minutes(1);
    assert_eq!(store.due_mail(now, 10).await.unwrap().len(), 1);
    drop(store);
    SqliteStore::open(&path).expect("opens again");
}

/// The calendars' first layout (a row per busy unit) is dropped with its read times, so that the
/// scheduler reads each calendar again at its next run instead of trusting an empty copy.
#[tokio::test]
async fn a_calendar_copy_of_the_first_layout_is_dropped_and_read_again() {
    use rantevou_domain::ports::CalendarBusy;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite3");
    let sip = rantevou_domain::ids::ProviderId::parse("sip").unwrap();
    let at = crate::support::at(0);
    {
        let store = SqliteStore::open(&path).unwrap();
        store.put_busy(&sip, &[], at).await.unwrap();
    }
    {
        let old = rusqlite::Connection::open(&path).unwrap();
        old.execute_batch(
            "CREATE TABLE calendar_busy (provider TEXT NOT NULL, month TEXT NOT NULL,
                 start INTEGER NOT NULL, PRIMARY KEY (provider, start)) WITHOUT ROWID;
             INSERT INTO calendar_busy VALUES ('sip', '2026-12', 0);",
        )
        .unwrap();
    }
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.calendar_status(&sip).await.unwrap(), None);
    let tables: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'calendar_busy'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 0);
}
