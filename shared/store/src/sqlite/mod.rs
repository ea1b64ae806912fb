//! The embedded store: SQLite (bundled), for `rantevou serve` and tests.
//!
//! The same guarantees as DynamoDB with one `BEGIN IMMEDIATE` transaction per write (bookings
//! made at the same moment share one, each in its savepoint: `group`) and a primary key on
//! (provider, lock start): a second appointment on a held unit violates the key and that write
//! rolls back. WAL mode and a busy timeout make it safe for
//! concurrent callers in one process (one connection behind a mutex) and across processes
//! (SQLite's file locks).

use crate::record::{place_value, AppointmentRecord};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rantevou_domain::appointment::{Appointment, Canceller, MailKind, Status};
use rantevou_domain::challenge::SolvedChallenge;
use rantevou_domain::ids::{AppointmentId, ProviderId};
use rantevou_domain::patron::FreeText;
use rantevou_domain::ports::{
    AppointmentUpdates, Appointments, Cancellations, ConfigSource, Confirmations, LockReader,
    MailQueue, Resends, StoreError, StoredConfig,
};
use rantevou_domain::{LockMonth, SlotLock, TokenHash};
use rusqlite::{params, Connection, ErrorCode, OptionalExtension, TransactionBehavior};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod calendar;
mod caps;
mod create;
mod group;
mod mail;
mod outcomes;
mod reads;
mod reschedule;
mod schema;
mod staff;
mod suppress;
mod waitlist;

use schema::{migrate, SCHEMA};

/// Statements from the connection's cache: each SQL text is parsed once, not on every call
/// (preparing was 6 % of a booking's CPU in the profile, BENCHMARKS.md). Every call in this
/// store goes through these two.
pub(super) trait Cached {
    /// `execute`, on the cached statement.
    fn exec<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize>;

    /// `query_row`, on the cached statement.
    fn row<T, P, F>(&self, sql: &str, params: P, f: F) -> rusqlite::Result<T>
    where
        P: rusqlite::Params,
        F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>;
}

impl Cached for Connection {
    fn exec<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize> {
        self.prepare_cached(sql)?.execute(params)
    }

    fn row<T, P, F>(&self, sql: &str, params: P, f: F) -> rusqlite::Result<T>
    where
        P: rusqlite::Params,
        F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    {
        self.prepare_cached(sql)?.query_row(params, f)
    }
}

/// How many statements the connection keeps prepared (the store has about 60).
const STATEMENT_CACHE: usize = 128;

/// The SQLite booking store. Cheap to clone; clones share one connection.
#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
    /// The booking rate (see `caps`).
    rate: Arc<Mutex<caps::RateWindows>>,
    /// The last appointment record read: an unknown id is answered after decoding it too, so
    /// that the answer's time does not tell which ids exist (decoding is most of a read's cost).
    decoy: Arc<Mutex<Option<String>>>,
    /// Bookings waiting to be committed together (see `group`).
    pending: Arc<Mutex<Vec<Box<dyn group::Grouped>>>>,
    /// How many bookings went through group commits, and in how many commits.
    grouped: Arc<group::Counts>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`, with its schema.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let conn = Connection::open(path).map_err(unavailable)?;
        Self::init(conn)
    }

    /// A private in-memory database (for tests).
    pub fn in_memory() -> Result<Self, StoreError> {
        Self::init(Connection::open_in_memory().map_err(unavailable)?)
    }

    fn init(conn: Connection) -> Result<Self, StoreError> {
        conn.busy_timeout(Duration::from_secs(10))
            .map_err(unavailable)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        // Pages freed by the purge go back to the file system (purge_expired's incremental
        // vacuum); a data folder made before this setting is rebuilt once to take it.
        let auto_vacuum: i64 = conn
            .pragma_query_value(None, "auto_vacuum", |r| r.get(0))
            .map_err(unavailable)?;
        if auto_vacuum != INCREMENTAL_VACUUM {
            conn.pragma_update(None, "auto_vacuum", INCREMENTAL_VACUUM)
                .map_err(unavailable)?;
            conn.execute_batch("VACUUM").map_err(unavailable)?;
        }
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(unavailable)?;
        // FULL: a booking answered 201 survives a power loss too (NORMAL in WAL mode may roll
        // back the last transactions); its cost is in BENCHMARKS.md.
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(unavailable)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(unavailable)?;
        conn.execute_batch(SCHEMA).map_err(unavailable)?;
        migrate(&conn)?;
        Ok(SqliteStore {
            conn: Arc::new(Mutex::new(conn)),
            rate: Arc::default(),
            decoy: Arc::default(),
            pending: Arc::default(),
            grouped: Arc::default(),
        })
    }

    /// Runs `f` on the connection on the blocking pool.
    async fn with_conn<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock cannot leave a transaction half-done (SQLite rolls
            // back), so a poisoned mutex is safe to keep using.
            let mut guard = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            group::end_abandoned(&guard);
            f(&mut guard)
        })
        .await
        .map_err(|e| StoreError::Unavailable(format!("store task failed: {e}")))?
    }

    /// Runs read `f` on the caller's thread when the connection is free (a read takes tens of
    /// microseconds, less than the trip to the blocking pool and back), else as [`Self::with_conn`]
    /// does: a read never waits on the async thread for a write to finish.
    async fn with_read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        if let Ok(mut guard) = self.conn.try_lock() {
            return f(&mut guard);
        }
        self.with_conn(f).await
    }

    /// Saves the library configuration (TOML source, validated by the caller); answers its
    /// version.
    pub async fn save_config(&self, source: &str) -> Result<String, StoreError> {
        let version = crate::config_version(source);
        let source = source.to_owned();
        self.with_conn(move |c| {
            c.exec(
                "INSERT INTO config (name, source) VALUES ('library', ?1)
                 ON CONFLICT (name) DO UPDATE SET source = excluded.source",
                params![source],
            )
            .map(drop)
            .map_err(unavailable)
        })
        .await?;
        Ok(version)
    }

    /// Deletes appointments past their retention date and forgotten idempotency keys
    /// (what DynamoDB's TTL does on its own).
    pub async fn purge_expired(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let now = now.timestamp();
        self.with_conn(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate).map_err(unavailable)?;
            tx.exec(
                "DELETE FROM slot_locks WHERE appointment_id IN (SELECT id FROM appointments WHERE expires_at <= ?1)",
                params![now],
            )
            .map_err(unavailable)?;
            let n = tx
                .exec("DELETE FROM appointments WHERE expires_at <= ?1", params![now])
                .map_err(unavailable)?;
            tx.exec("DELETE FROM idempotency WHERE expires_at <= ?1", params![now])
                .map_err(unavailable)?;
            tx.exec("DELETE FROM patron_places WHERE expires_at <= ?1", params![now])
                .map_err(unavailable)?;
            tx.exec("DELETE FROM used_challenges WHERE expires_at <= ?1", params![now])
                .map_err(unavailable)?;
            tx.exec("DELETE FROM audit WHERE expires_at <= ?1", params![now])
                .map_err(unavailable)?;
            tx.exec("DELETE FROM resend_marks WHERE expires_at <= ?1", params![now])
                .map_err(unavailable)?;
            tx.exec("DELETE FROM suppressions WHERE expires_at <= ?1", params![now])
                .map_err(unavailable)?;
            tx.exec("DELETE FROM waitlist WHERE expires_at <= ?1", params![now])
                .map_err(unavailable)?;
            tx.exec("DELETE FROM mail_caps WHERE expires_at <= ?1", params![now])
                .map_err(unavailable)?;
            tx.commit().map_err(unavailable)?;
            // The freed pages leave the file, and the write-ahead log is folded in and emptied,
            // so the folder shrinks with what it forgets.
            reclaim(c)?;
            Ok(n)
        })
        .await
    }
}

/// Gives the free pages back to the file system (stepped to the end: the pragma frees them
/// step by step) and empties the write-ahead log into the database.
fn reclaim(c: &Connection) -> Result<(), StoreError> {
    let mut vacuum = c
        .prepare("PRAGMA incremental_vacuum")
        .map_err(unavailable)?;
    let mut steps = vacuum.query([]).map_err(unavailable)?;
    while steps.next().map_err(unavailable)?.is_some() {}
    c.row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .map_err(unavailable)
}

/// `PRAGMA auto_vacuum`'s value for INCREMENTAL.
const INCREMENTAL_VACUUM: i64 = 2;

fn unavailable(e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Conflict,
        _ => StoreError::Unavailable(format!("sqlite: {e}")),
    }
}

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    e.sqlite_error_code() == Some(ErrorCode::ConstraintViolation)
}

fn read_appointment(tx: &Connection, id: &str) -> Result<Option<Appointment>, StoreError> {
    read_record(tx, id)?.map(|j| decode_record(&j)).transpose()
}

/// The stored record of appointment `id`, as JSON.
fn read_record(tx: &Connection, id: &str) -> Result<Option<String>, StoreError> {
    tx.row(
        "SELECT record FROM appointments WHERE id = ?1",
        params![id],
        |r| r.get(0),
    )
    .optional()
    .map_err(unavailable)
}

/// An appointment from its stored JSON.
fn decode_record(json: &str) -> Result<Appointment, StoreError> {
    let record: AppointmentRecord =
        serde_json::from_str(json).map_err(|_| StoreError::Corrupt("appointment record".into()))?;
    Appointment::try_from(record)
}

/// The appointment as it is now, read inside the transaction so that a change applies to the
/// current record; [`StoreError::NotBooked`] unless its status and token hash are still those of
/// `read` (what the caller decided on).
fn unchanged_since(tx: &Connection, read: &Appointment) -> Result<Appointment, StoreError> {
    read_appointment(tx, &read.id.to_string())?
        .filter(|current| current.status == read.status && current.token_hash == read.token_hash)
        .ok_or(StoreError::NotBooked)
}

/// Marks the bot check's challenge used; used before is [`StoreError::ChallengeUsed`].
fn use_challenge(tx: &Connection, c: &SolvedChallenge) -> Result<(), StoreError> {
    let used = tx.exec(
        "INSERT INTO used_challenges (challenge, expires_at) VALUES (?1, ?2)",
        params![c.challenge, c.expires.timestamp()],
    );
    match used {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => Err(StoreError::ChallengeUsed),
        Err(e) => Err(unavailable(e)),
    }
}

/// Takes `lock` for appointment `id` (held until `held_until`, if a hold) at `now`: a unit
/// held by a hold that has lapsed by then is free and taken over; one held otherwise is
/// [`StoreError::SlotTaken`].
fn take_lock(
    tx: &Connection,
    lock: &SlotLock,
    id: &str,
    held_until: Option<i64>,
    now: i64,
) -> Result<(), StoreError> {
    tx.exec(
        "DELETE FROM slot_locks WHERE provider = ?1 AND start = ?2 AND held_until <= ?3",
        params![lock.provider.as_str(), lock.start.timestamp(), now],
    )
    .map_err(unavailable)?;
    let inserted = tx.exec(
        "INSERT INTO slot_locks (provider, start, month, appointment_id, held_until) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![lock.provider.as_str(), lock.start.timestamp(), lock.month().to_string(), id, held_until],
    );
    match inserted {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => Err(StoreError::SlotTaken),
        Err(e) => Err(unavailable(e)),
    }
}

/// The due column of a record: its due instant while it is in the mail queue.
fn queued_due(record: &AppointmentRecord) -> Option<i64> {
    record.mail_due.filter(|_| record.in_mail_queue())
}

/// Rewrites an existing appointment's row from `a` (the stored one, changed), raising its
/// version; returns what was written.
fn write_appointment(tx: &Connection, mut a: Appointment) -> Result<Appointment, StoreError> {
    a.version += 1;
    let record = AppointmentRecord::from(&a);
    let json = serde_json::to_string(&record).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    tx.exec(
        "UPDATE appointments SET status = ?1, token_hash = ?2, mail_pending = ?3, record = ?4, mail_due = ?5, patron_key = ?6 WHERE id = ?7",
        params![record.status, record.token_hash, record.mail_pending(), json, queued_due(&record), record.patron_key, record.id],
    )
    .map_err(unavailable)?;
    Ok(a)
}

#[async_trait]
impl ConfigSource for SqliteStore {
    async fn load_config(&self) -> Result<Option<StoredConfig>, StoreError> {
        let source: Option<String> = self
            .with_conn(|c| {
                c.row(
                    "SELECT source FROM config WHERE name = 'library'",
                    [],
                    |r| r.get(0),
                )
                .optional()
                .map_err(unavailable)
            })
            .await?;
        Ok(source.map(|source| StoredConfig {
            version: crate::config_version(&source),
            source,
        }))
    }

    /// Read whole: on a local file the digest costs less than a column would.
    async fn config_version(&self) -> Result<Option<String>, StoreError> {
        Ok(self.load_config().await?.map(|c| c.version))
    }
}

#[async_trait]
impl Appointments for SqliteStore {
    async fn get(
        &self,
        id: AppointmentId,
        now: DateTime<Utc>,
    ) -> Result<Option<Appointment>, StoreError> {
        let id = id.to_string();
        let decoy = Arc::clone(&self.decoy);
        let found = self
            .with_read(move |c| {
                let mut decoy = decoy.lock().unwrap_or_else(|p| p.into_inner());
                match read_record(c, &id)? {
                    Some(json) => {
                        let a = decode_record(&json)?;
                        *decoy = Some(json);
                        Ok(Some(a))
                    }
                    None => {
                        if let Some(json) = decoy.as_deref() {
                            drop(std::hint::black_box(decode_record(json)));
                        }
                        Ok(None)
                    }
                }
            })
            .await?;
        Ok(found.filter(|a| !a.is_expired(now)))
    }
}

#[async_trait]
impl Confirmations for SqliteStore {
    async fn confirm(
        &self,
        held: &Appointment,
        at: DateTime<Utc>,
    ) -> Result<Appointment, StoreError> {
        let (id, read) = (held.id.to_string(), held.clone());
        self.with_conn(move |c| {
            let tx = c
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(unavailable)?;
            let current = unchanged_since(&tx, &read)?;
            if current.hold_until().is_none() || current.is_lapsed(at) {
                return Err(StoreError::NotBooked);
            }
            for lock in &current.locks {
                let own: bool = tx
                    .row(
                        "SELECT COUNT(*) > 0 FROM slot_locks WHERE provider = ?1 AND start = ?2 AND appointment_id = ?3",
                        params![lock.provider.as_str(), lock.start.timestamp(), id],
                        |r| r.get(0),
                    )
                    .map_err(unavailable)?;
                if !own {
                    return Err(StoreError::SlotTaken);
                }
            }
            tx.exec(
                "UPDATE slot_locks SET held_until = NULL WHERE appointment_id = ?1",
                params![id],
            )
            .map_err(unavailable)?;
            let booked = current.clone().confirmed(at);
            if let Some(place) = &current.patron_place {
                tx.exec(
                    "UPDATE patron_places SET value = ?1 WHERE patron = ?2 AND place = ?3 AND value = ?4",
                    params![place_value(&booked), place.key, place.index, place_value(&current)],
                )
                .map_err(unavailable)?;
            }
            let booked = write_appointment(&tx, booked)?;
            tx.commit().map_err(unavailable)?;
            Ok(booked)
        })
        .await
    }
}

#[async_trait]
impl Cancellations for SqliteStore {
    async fn cancel_by(
        &self,
        appointment: &Appointment,
        at: DateTime<Utc>,
        reason: &FreeText,
        by: Canceller,
    ) -> Result<Appointment, StoreError> {
        let (id, read) = (appointment.id.to_string(), appointment.clone());
        let reason = reason.clone();
        self.with_conn(move |c| {
            let tx = c
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(unavailable)?;
            let current = unchanged_since(&tx, &read)?;
            if matches!(current.status, Status::Cancelled { .. }) {
                return Err(StoreError::NotBooked);
            }
            // The place is given back while active; once started (or lapsed) it is free by
            // itself.
            if let Some(place) = current
                .patron_place
                .as_ref()
                .filter(|_| at < current.active_until())
            {
                tx.exec(
                    "DELETE FROM patron_places WHERE patron = ?1 AND place = ?2 AND value = ?3",
                    params![place.key, place.index, place_value(&current)],
                )
                .map_err(unavailable)?;
            }
            let cancelled = write_appointment(&tx, current.cancelled_by(at, reason, by))?;
            tx.exec(
                "DELETE FROM slot_locks WHERE appointment_id = ?1",
                params![id],
            )
            .map_err(unavailable)?;
            tx.commit().map_err(unavailable)?;
            Ok(cancelled)
        })
        .await
    }
}
