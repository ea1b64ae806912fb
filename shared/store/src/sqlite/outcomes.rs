//! The anonymous outcome records on SQLite: a table of its own, never purged, and the day the
//! count has reached.

use super::*;
use rantevou_domain::ports::Outcomes;
use rantevou_domain::statistics::OutcomeRecord;

/// `record` as stored, checked.
fn outcome_json(record: &OutcomeRecord) -> Result<String, StoreError> {
    serde_json::to_string(&record.clone().checked()?)
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}

#[async_trait]
impl Outcomes for SqliteStore {
    async fn record_outcome(
        &self,
        read: &Appointment,
        next: &Appointment,
        record: &OutcomeRecord,
    ) -> Result<Appointment, StoreError> {
        crate::record::check_update(read, next)?;
        let key = next
            .outcome_key
            .clone()
            .ok_or_else(|| StoreError::Corrupt("an outcome without its key".into()))?;
        let (json, month) = (outcome_json(record)?, record.month.clone());
        let (id, version, next) = (read.id.to_string(), read.version, next.clone());
        self.with_conn(move |c| {
            let tx = c
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(unavailable)?;
            tx.exec(
                "INSERT INTO outcomes (key, month, record) VALUES (?1, ?2, ?3)
                 ON CONFLICT (key) DO UPDATE SET month = excluded.month, record = excluded.record",
                params![key, month, json],
            )
            .map_err(unavailable)?;
            let stored = super::mail::write_at_version(&tx, &id, version, next)?;
            tx.commit().map_err(unavailable)?;
            Ok(stored)
        })
        .await
    }

    async fn outcomes(&self, from: &str, to: &str) -> Result<Vec<OutcomeRecord>, StoreError> {
        let (from, to) = (from.to_owned(), to.to_owned());
        self.with_conn(move |c| {
            let mut stmt = c
                .prepare_cached("SELECT record FROM outcomes WHERE month >= ?1 AND month <= ?2")
                .map_err(unavailable)?;
            let rows = stmt
                .query_map(params![from, to], |r| r.get::<_, String>(0))
                .map_err(unavailable)?;
            let mut out = Vec::new();
            for row in rows {
                let record: OutcomeRecord = serde_json::from_str(&row.map_err(unavailable)?)
                    .map_err(|_| StoreError::Corrupt("outcome record".into()))?;
                out.push(record.checked()?);
            }
            Ok(out)
        })
        .await
    }

    async fn counted_through(&self) -> Result<Option<chrono::NaiveDate>, StoreError> {
        self.with_conn(|c| {
            let day: Option<String> = c
                .query_row("SELECT day FROM outcomes_counted WHERE id = 1", [], |r| {
                    r.get(0)
                })
                .optional()
                .map_err(unavailable)?;
            day.map(|d| {
                chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                    .map_err(|_| StoreError::Corrupt("outcomes counted".into()))
            })
            .transpose()
        })
        .await
    }

    async fn set_counted_through(&self, day: chrono::NaiveDate) -> Result<(), StoreError> {
        let day = day.format("%Y-%m-%d").to_string();
        self.with_conn(move |c| {
            c.exec(
                "INSERT INTO outcomes_counted (id, day) VALUES (1, ?1)
                 ON CONFLICT (id) DO UPDATE SET day = excluded.day",
                params![day],
            )
            .map_err(unavailable)?;
            Ok(())
        })
        .await
    }
}
