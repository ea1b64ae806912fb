//! The SQLite schema, and the migrations that bring a data folder made by an earlier version
//! up to date.

use super::unavailable;
use super::Cached;
use rantevou_domain::ports::StoreError;
use rusqlite::{params, Connection};

pub(super) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS appointments (
    id          TEXT PRIMARY KEY,
    provider    TEXT NOT NULL,
    start       INTEGER NOT NULL,
    status      TEXT NOT NULL,
    token_hash  TEXT NOT NULL,
    expires_at  INTEGER NOT NULL,
    mail_pending INTEGER NOT NULL DEFAULT 0,
    record      TEXT NOT NULL,
    mail_due    INTEGER,
    patron_key  TEXT
);
CREATE INDEX IF NOT EXISTS appointments_by_provider_start ON appointments (provider, start);
CREATE TABLE IF NOT EXISTS slot_locks (
    provider       TEXT NOT NULL,
    start          INTEGER NOT NULL,
    month          TEXT NOT NULL,
    appointment_id TEXT NOT NULL REFERENCES appointments (id),
    held_until     INTEGER,
    PRIMARY KEY (provider, start)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS slot_locks_by_month ON slot_locks (provider, month);
CREATE TABLE IF NOT EXISTS calendar_months (
    provider TEXT NOT NULL,
    month    TEXT NOT NULL,
    units    BLOB NOT NULL,
    PRIMARY KEY (provider, month)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS calendar_status (
    provider      TEXT PRIMARY KEY,
    read_at       INTEGER,
    tried_at      INTEGER NOT NULL,
    failing_since INTEGER,
    problem       TEXT
);
CREATE TABLE IF NOT EXISTS idempotency (
    key_digest     TEXT PRIMARY KEY,
    appointment_id TEXT NOT NULL,
    fingerprint    TEXT NOT NULL,
    expires_at     INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS patron_places (
    patron     TEXT NOT NULL,
    place      INTEGER NOT NULL,
    value      TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (patron, place)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS resend_marks (
    patron     TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS used_challenges (
    challenge  TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS staff_closures (
    id     TEXT PRIMARY KEY,
    record TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    subject    TEXT NOT NULL,
    at         INTEGER NOT NULL,
    record     TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_subject ON audit (subject, at);
CREATE TABLE IF NOT EXISTS waitlist (
    id         TEXT PRIMARY KEY,
    patron_key TEXT NOT NULL,
    service    TEXT NOT NULL,
    date       TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    notified   INTEGER NOT NULL DEFAULT 0,
    record     TEXT NOT NULL,
    confirmed  INTEGER NOT NULL DEFAULT 1,
    UNIQUE (patron_key, service, date)
);
CREATE INDEX IF NOT EXISTS waitlist_waiting ON waitlist (notified, expires_at);
CREATE TABLE IF NOT EXISTS suppressions (
    patron_key TEXT PRIMARY KEY,
    state      TEXT NOT NULL,
    at         TEXT NOT NULL,
    reason     TEXT,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS mail_caps (
    key        TEXT PRIMARY KEY,
    sent       INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS config (
    name   TEXT PRIMARY KEY,
    source TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outcomes (
    key    TEXT PRIMARY KEY,
    month  TEXT NOT NULL,
    record TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS outcomes_by_month ON outcomes (month);
CREATE TABLE IF NOT EXISTS outcomes_counted (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    day TEXT NOT NULL
);
";

/// Whether `table` has a column called `column`.
fn has_column(conn: &Connection, table: &str, column: &str) -> Result<bool, StoreError> {
    conn.row(
        "SELECT COUNT(*) > 0 FROM pragma_table_info(?1) WHERE name = ?2",
        params![table, column],
        |r| r.get(0),
    )
    .map_err(unavailable)
}

fn has_table(conn: &Connection, table: &str) -> Result<bool, StoreError> {
    conn.row(
        "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = ?1",
        params![table],
        |r| r.get(0),
    )
    .map_err(unavailable)
}

/// Brings a data folder made by an earlier version up to date: the mail queue's due column
/// (pending mail of that time is due at once), the locks' hold column, the patron index, the
/// waiting list's confirmation, the calendar copies' month rows.
pub(super) fn migrate(conn: &Connection) -> Result<(), StoreError> {
    // The calendars' first layout (a row per busy unit): a copy of what the scheduler reads,
    // so dropped with its read times, and read again at the scheduler's next run.
    if has_table(conn, "calendar_busy")? {
        conn.execute_batch("DROP TABLE calendar_busy; DELETE FROM calendar_status;")
            .map_err(unavailable)?;
    }
    if !has_column(conn, "appointments", "patron_key")? {
        conn.execute_batch(
            "ALTER TABLE appointments ADD COLUMN patron_key TEXT;
             UPDATE appointments SET patron_key = json_extract(record, '$.patron_key');",
        )
        .map_err(unavailable)?;
    }
    conn.execute_batch(
        "CREATE INDEX IF NOT EXISTS appointments_by_patron ON appointments (patron_key, start) WHERE patron_key IS NOT NULL;",
    )
    .map_err(unavailable)?;
    // Entries of before joins were confirmed count as confirmed (their owners were told).
    if !has_column(conn, "waitlist", "confirmed")? {
        conn.execute_batch("ALTER TABLE waitlist ADD COLUMN confirmed INTEGER NOT NULL DEFAULT 1;")
            .map_err(unavailable)?;
    }
    if !has_column(conn, "slot_locks", "held_until")? {
        conn.execute_batch("ALTER TABLE slot_locks ADD COLUMN held_until INTEGER;")
            .map_err(unavailable)?;
    }
    if !has_column(conn, "appointments", "mail_due")? {
        conn.execute_batch(
            "ALTER TABLE appointments ADD COLUMN mail_due INTEGER;
             UPDATE appointments SET mail_due = CAST(strftime('%s', 'now') AS INTEGER) WHERE mail_pending = 1;",
        )
        .map_err(unavailable)?;
    }
    conn.execute_batch(
        "DROP INDEX IF EXISTS appointments_with_pending_mail;
         CREATE INDEX IF NOT EXISTS appointments_by_mail_due ON appointments (mail_due, id) WHERE mail_due IS NOT NULL;",
    )
    .map_err(unavailable)
}
