//! A librarian's calendar's busy units on SQLite: a table beside `slot_locks`, read with them
//! by [`LockReader::locks`](rantevou_domain::ports::LockReader::locks) and checked by a
//! booking's transaction, and one status row per provider.

use super::{unavailable, Cached, SqliteStore};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rantevou_domain::ids::ProviderId;
use rantevou_domain::ports::{CalendarBusy, CalendarStatus, StoreError};
use rantevou_domain::{LockMonth, SlotLock};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

/// [`StoreError::SlotTaken`] when the provider's calendar is busy on any of `locks`. Inside
/// the caller's transaction.
pub(super) fn calendar_free(tx: &Connection, locks: &[SlotLock]) -> Result<(), StoreError> {
    for lock in locks {
        let busy: bool = tx
            .row(
                "SELECT COUNT(*) > 0 FROM calendar_busy WHERE provider = ?1 AND start = ?2",
                params![lock.provider.as_str(), lock.start.timestamp()],
                |r| r.get(0),
            )
            .map_err(unavailable)?;
        if busy {
            return Err(StoreError::SlotTaken);
        }
    }
    Ok(())
}

fn instant(secs: Option<i64>) -> Result<Option<DateTime<Utc>>, StoreError> {
    secs.map(|s| {
        DateTime::from_timestamp(s, 0).ok_or_else(|| StoreError::Corrupt("calendar time".into()))
    })
    .transpose()
}

#[async_trait]
impl CalendarBusy for SqliteStore {
    async fn put_busy(
        &self,
        provider: &ProviderId,
        months: &[(LockMonth, Vec<DateTime<Utc>>)],
        read_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let provider = provider.as_str().to_owned();
        let months: Vec<(String, Vec<i64>)> = months
            .iter()
            .map(|(m, units)| (m.to_string(), units.iter().map(|u| u.timestamp()).collect()))
            .collect();
        let read_at = read_at.timestamp();
        self.with_conn(move |c| {
            let tx = c
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(unavailable)?;
            // The months before the read's are past: nothing books there any more.
            let this_month = DateTime::from_timestamp(read_at, 0)
                .map(|t| LockMonth::of(t).to_string())
                .unwrap_or_default();
            tx.exec(
                "DELETE FROM calendar_busy WHERE provider = ?1 AND month < ?2",
                params![provider, this_month],
            )
            .map_err(unavailable)?;
            for (month, units) in &months {
                tx.exec(
                    "DELETE FROM calendar_busy WHERE provider = ?1 AND month = ?2",
                    params![provider, month],
                )
                .map_err(unavailable)?;
                for unit in units {
                    tx.exec(
                        "INSERT OR IGNORE INTO calendar_busy (provider, month, start) VALUES (?1, ?2, ?3)",
                        params![provider, month, unit],
                    )
                    .map_err(unavailable)?;
                }
            }
            tx.exec(
                "INSERT INTO calendar_status (provider, read_at, tried_at, failing_since, problem)
                 VALUES (?1, ?2, ?2, NULL, NULL)
                 ON CONFLICT (provider) DO UPDATE SET read_at = ?2, tried_at = ?2,
                     failing_since = NULL, problem = NULL",
                params![provider, read_at],
            )
            .map_err(unavailable)?;
            tx.commit().map_err(unavailable)
        })
        .await
    }

    async fn calendar_failed(
        &self,
        provider: &ProviderId,
        at: DateTime<Utc>,
        problem: &str,
    ) -> Result<(), StoreError> {
        let provider = provider.as_str().to_owned();
        let problem = problem.to_owned();
        let at = at.timestamp();
        self.with_conn(move |c| {
            c.exec(
                "INSERT INTO calendar_status (provider, read_at, tried_at, failing_since, problem)
                 VALUES (?1, NULL, ?2, ?2, ?3)
                 ON CONFLICT (provider) DO UPDATE SET tried_at = ?2,
                     failing_since = COALESCE(calendar_status.failing_since, ?2), problem = ?3",
                params![provider, at, problem],
            )
            .map(drop)
            .map_err(unavailable)
        })
        .await
    }

    async fn calendar_status(
        &self,
        provider: &ProviderId,
    ) -> Result<Option<CalendarStatus>, StoreError> {
        let provider = provider.as_str().to_owned();
        self.with_read(move |c| {
            let row: Option<(Option<i64>, i64, Option<i64>, Option<String>)> = c
                .row(
                    "SELECT read_at, tried_at, failing_since, problem FROM calendar_status
                     WHERE provider = ?1",
                    params![provider],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()
                .map_err(unavailable)?;
            let Some((read_at, tried_at, failing_since, problem)) = row else {
                return Ok(None);
            };
            Ok(Some(CalendarStatus {
                read_at: instant(read_at)?,
                tried_at: instant(Some(tried_at))?
                    .ok_or_else(|| StoreError::Corrupt("calendar time".into()))?,
                failing_since: instant(failing_since)?,
                problem,
            }))
        })
        .await
    }
}
