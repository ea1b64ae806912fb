//! The waiting list in SQLite: one row per entry, unique by address, service and day; a join
//! counts the day's entries and takes its mail's places of the address's allowance in its
//! transaction.

use super::caps::take_mail_cap;
use super::Cached;
use super::{is_unique_violation, unavailable, SqliteStore};
use crate::wait_record::WaitRecord;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rantevou_domain::ports::{JoinLimits, StoreError, Waitlist};
use rantevou_domain::waitlist::WaitEntry;
use rantevou_domain::{AppointmentId, TokenHash};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

fn entry_of(json: &str) -> Result<WaitEntry, StoreError> {
    let record: WaitRecord =
        serde_json::from_str(json).map_err(|_| StoreError::Corrupt("waitlist record".into()))?;
    WaitEntry::try_from(record)
}

fn json_of(entry: &WaitEntry) -> Result<String, StoreError> {
    serde_json::to_string(&WaitRecord::from(entry)).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn read(c: &Connection, id: &str) -> Result<Option<WaitEntry>, StoreError> {
    let json: Option<String> = c
        .row(
            "SELECT record FROM waitlist WHERE id = ?1",
            params![id],
            |r| r.get(0),
        )
        .optional()
        .map_err(unavailable)?;
    json.as_deref().map(entry_of).transpose()
}

#[async_trait]
impl Waitlist for SqliteStore {
    async fn join_waitlist(
        &self,
        entry: &WaitEntry,
        limits: &JoinLimits<'_>,
    ) -> Result<bool, StoreError> {
        let entry = entry.clone();
        let (cap, per_day) = (limits.per_address, limits.per_day);
        let mail_cap = limits.mail_cap.cloned();
        self.with_conn(move |c| {
            let tx = c
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(unavailable)?;
            let now = entry.created_at.timestamp();
            let (date, service) = (entry.date.to_string(), entry.service.to_string());
            // An entry of a day that is over is forgotten, as DynamoDB's TTL would.
            tx.exec(
                "DELETE FROM waitlist WHERE patron_key = ?1 AND expires_at <= ?2",
                params![entry.patron_key, now],
            )
            .map_err(unavailable)?;
            let (same, waiting): (bool, u32) = tx
                .row(
                    "SELECT COALESCE(SUM(service = ?2 AND date = ?3), 0) > 0, COUNT(*)
                     FROM waitlist WHERE patron_key = ?1",
                    params![entry.patron_key, service, date],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .map_err(unavailable)?;
            if same {
                return Ok(false);
            }
            if waiting >= cap {
                return Err(StoreError::PatronLimit);
            }
            let that_day: u32 = tx
                .row(
                    "SELECT COUNT(*) FROM waitlist WHERE service = ?1 AND date = ?2 AND expires_at > ?3",
                    params![service, date, now],
                    |r| r.get(0),
                )
                .map_err(unavailable)?;
            if that_day >= per_day {
                return Err(StoreError::SlotTaken);
            }
            if let Some(mail_cap) = &mail_cap {
                take_mail_cap(&tx, mail_cap)?;
            }
            let inserted = tx.exec(
                "INSERT INTO waitlist (id, patron_key, service, date, expires_at, created_at, notified, record, confirmed)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8)",
                params![
                    entry.id.to_string(),
                    entry.patron_key,
                    service,
                    date,
                    entry.expires_at.timestamp(),
                    now,
                    json_of(&entry)?,
                    entry.confirmed_at.is_some()
                ],
            );
            match inserted {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => return Ok(false),
                Err(e) => return Err(unavailable(e)),
            }
            tx.commit().map_err(unavailable)?;
            Ok(true)
        })
        .await
    }

    async fn wait_entry(
        &self,
        id: AppointmentId,
        now: DateTime<Utc>,
    ) -> Result<Option<WaitEntry>, StoreError> {
        let id = id.to_string();
        let found = self.with_conn(move |c| read(c, &id)).await?;
        Ok(found.filter(|e| !e.is_expired(now)))
    }

    async fn confirm_wait(
        &self,
        id: AppointmentId,
        token_hash: &TokenHash,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let (id, hash) = (id.to_string(), *token_hash);
        self.with_conn(move |c| {
            let tx = c
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(unavailable)?;
            let Some(mut current) = read(&tx, &id)? else {
                return Ok(false);
            };
            if current.confirmed_at.is_some() || current.token_hash != hash {
                return Ok(false);
            }
            current.confirmed_at = Some(at);
            tx.exec(
                "UPDATE waitlist SET confirmed = 1, record = ?1 WHERE id = ?2",
                params![json_of(&current)?, id],
            )
            .map_err(unavailable)?;
            tx.commit().map_err(unavailable)?;
            Ok(true)
        })
        .await
    }

    async fn leave_waitlist(&self, entry: &WaitEntry) -> Result<bool, StoreError> {
        let id = entry.id.to_string();
        self.with_conn(move |c| {
            c.exec("DELETE FROM waitlist WHERE id = ?1", params![id])
                .map(|n| n > 0)
                .map_err(unavailable)
        })
        .await
    }

    async fn waiting(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<WaitEntry>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.with_conn(move |c| {
            let mut stmt = c
                .prepare(
                    "SELECT record FROM waitlist WHERE notified = 0 AND confirmed = 1 AND expires_at > ?1
                     ORDER BY created_at, id LIMIT ?2",
                )
                .map_err(unavailable)?;
            let rows = stmt
                .query_map(params![now.timestamp(), limit], |r| r.get::<_, String>(0))
                .map_err(unavailable)?;
            rows.map(|json| entry_of(&json.map_err(unavailable)?))
                .collect()
        })
        .await
    }

    async fn mark_notified(
        &self,
        entry: &WaitEntry,
        at: Option<DateTime<Utc>>,
    ) -> Result<bool, StoreError> {
        let id = entry.id.to_string();
        self.with_conn(move |c| {
            let tx = c
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(unavailable)?;
            let Some(mut current) = read(&tx, &id)? else {
                return Ok(false);
            };
            if at.is_some() && current.notified_at.is_some() {
                return Ok(false);
            }
            current.notified_at = at;
            tx.exec(
                "UPDATE waitlist SET notified = ?1, record = ?2 WHERE id = ?3",
                params![at.is_some(), json_of(&current)?, id],
            )
            .map_err(unavailable)?;
            tx.commit().map_err(unavailable)?;
            Ok(true)
        })
        .await
    }
}
