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
