//! A librarian's calendar's busy units on SQLite: one row per provider-month beside
//! `slot_locks` (the units' Unix seconds, ascending, as 8-byte little-endian integers: one row
//! read per month, as DynamoDB's one item), read with the locks by
//! [`LockReader::locks`](rantevou_domain::ports::LockReader::locks) and checked by a booking's
//! transaction, and one status row per provider.

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
    let mut month: Option<(&str, LockMonth, Vec<i64>)> = None;
    for lock in locks {
        let of = LockMonth::of(lock.start);
        let read = month
            .as_ref()
            .is_some_and(|(p, m, _)| *p == lock.provider.as_str() && *m == of);
        if !read {
            month = Some((
                lock.provider.as_str(),
                of,
                busy_units(tx, lock.provider.as_str(), of)?,
            ));
        }
        let busy = month
            .as_ref()
            .is_some_and(|(_, _, units)| units.binary_search(&lock.start.timestamp()).is_ok());
        if busy {
            return Err(StoreError::SlotTaken);
        }
    }
    Ok(())
}

/// The busy units of `provider`'s calendar in `month` (Unix seconds, ascending).
pub(super) fn busy_units(
    c: &Connection,
    provider: &str,
    month: LockMonth,
) -> Result<Vec<i64>, StoreError> {
    let blob: Option<Vec<u8>> = c
        .row(
            "SELECT units FROM calendar_months WHERE provider = ?1 AND month = ?2",
            params![provider, month.to_string()],
            |r| r.get(0),
        )
        .optional()
        .map_err(unavailable)?;
    let Some(blob) = blob else {
        return Ok(Vec::new());
    };
    let chunks = blob.chunks_exact(8);
    if !chunks.remainder().is_empty() {
        return Err(StoreError::Corrupt("calendar units".into()));
    }
    Ok(chunks
        .map(|b| {
            let mut bytes = [0; 8];
            bytes.copy_from_slice(b);
            i64::from_le_bytes(bytes)
        })
        .collect())
}

/// `units` as stored: sorted, each once, 8 bytes little-endian.
fn packed(units: &[DateTime<Utc>]) -> Vec<u8> {
    let mut secs: Vec<i64> = units.iter().map(DateTime::timestamp).collect();
    secs.sort_unstable();
    secs.dedup();
    secs.iter().flat_map(|s| s.to_le_bytes()).collect()
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
        let months: Vec<(String, Vec<u8>)> = months
            .iter()
            .map(|(m, units)| (m.to_string(), packed(units)))
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
                "DELETE FROM calendar_months WHERE provider = ?1 AND month < ?2",
                params![provider, this_month],
            )
            .map_err(unavailable)?;
            for (month, units) in &months {
                tx.exec(
                    "INSERT INTO calendar_months (provider, month, units) VALUES (?1, ?2, ?3)
                     ON CONFLICT (provider, month) DO UPDATE SET units = ?3",
                    params![provider, month, units],
                )
                .map_err(unavailable)?;
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
