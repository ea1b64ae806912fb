//! A librarian's calendar's busy units on DynamoDB: one item per provider-month in the lock
//! partition (`LOCK#<provider>#<month>`, sort key `CALENDAR`, the units a number set), so the
//! month's one lock `Query` returns it with the locks; a booking's transaction holds a
//! `ConditionCheck` on it; the reads' status in `CALSTATUS#<provider>`.

use super::error;
use super::item::*;
use super::write::corrupt;
use super::DynamoStore;
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, ConditionCheck, Put, TransactWriteItem};
use chrono::{DateTime, Utc};
use rantevou_domain::ids::ProviderId;
use rantevou_domain::ports::{CalendarBusy, CalendarStatus, StoreError};
use rantevou_domain::{LockMonth, SlotLock};
use std::collections::BTreeMap;

/// How long a month's calendar item outlives the month (TTL): nothing books there by then.
const KEEP_AFTER_MONTH_SECONDS: i64 = 31 * 24 * 3600;

impl DynamoStore {
    /// The conditions of a booking taking `locks`: each provider-month's calendar item busy on
    /// none of them (a month without an item, or without busy units, is free).
    pub(super) fn calendar_checks(
        &self,
        locks: &[SlotLock],
    ) -> Result<Vec<TransactWriteItem>, StoreError> {
        let mut by_month: BTreeMap<String, Vec<&SlotLock>> = BTreeMap::new();
        for lock in locks {
            by_month
                .entry(lock_pk(&lock.provider, lock.month()))
                .or_default()
                .push(lock);
        }
        by_month
            .into_iter()
            .map(|(pk, locks)| {
                let any_busy: Vec<String> = (0..locks.len())
                    .map(|i| format!("contains(#busy, :u{i})"))
                    .collect();
                let mut check = ConditionCheck::builder()
                    .table_name(&self.table)
                    .set_key(Some(key(pk, CALENDAR_SK)))
                    .condition_expression(format!(
                        "attribute_not_exists(#busy) OR NOT ({})",
                        any_busy.join(" OR ")
                    ))
                    .expression_attribute_names("#busy", BUSY);
                for (i, lock) in locks.iter().enumerate() {
                    check = check.expression_attribute_values(
                        format!(":u{i}"),
                        AttributeValue::N(lock.start.timestamp().to_string()),
                    );
                }
                let check = check.build().map_err(corrupt)?;
                Ok(TransactWriteItem::builder().condition_check(check).build())
            })
            .collect()
    }
}

/// The busy units of a calendar item, as locks of `provider`.
pub(super) fn busy_units(item: &Item, provider: &ProviderId) -> Result<Vec<SlotLock>, StoreError> {
    let Some(value) = item.get(BUSY) else {
        return Ok(Vec::new());
    };
    let numbers = value
        .as_ns()
        .map_err(|_| StoreError::Corrupt("calendar busy units".into()))?;
    numbers
        .iter()
        .map(|n| {
            n.parse::<i64>()
                .ok()
                .and_then(|secs| DateTime::from_timestamp(secs, 0))
                .map(|start| SlotLock {
                    provider: provider.clone(),
                    start,
                })
                .ok_or_else(|| StoreError::Corrupt("calendar busy unit".into()))
        })
        .collect()
}

fn number(item: &Item, name: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
    match item.get(name) {
        None => Ok(None),
        Some(v) => v
            .as_n()
            .ok()
            .and_then(|n| n.parse::<i64>().ok())
            .and_then(|secs| DateTime::from_timestamp(secs, 0))
            .map(Some)
            .ok_or_else(|| StoreError::Corrupt(format!("calendar status {name}"))),
    }
}

#[async_trait]
impl CalendarBusy for DynamoStore {
    /// One `TransactWriteItems`: every month's item replaced and the status, all or nothing.
    async fn put_busy(
        &self,
        provider: &ProviderId,
        months: &[(LockMonth, Vec<DateTime<Utc>>)],
        read_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let read = AttributeValue::N(read_at.timestamp().to_string());
        let mut items = Vec::with_capacity(months.len() + 1);
        for (month, units) in months {
            let mut item = key(lock_pk(provider, *month), CALENDAR_SK);
            if !units.is_empty() {
                let mut secs: Vec<i64> = units.iter().map(DateTime::timestamp).collect();
                secs.sort_unstable();
                secs.dedup();
                item.insert(
                    BUSY.into(),
                    AttributeValue::Ns(secs.iter().map(i64::to_string).collect()),
                );
            }
            item.insert("read_at".into(), read.clone());
            let month_end = month.next().start().map_or(0, |t| t.timestamp());
            item.insert(
                "expires_at".into(),
                AttributeValue::N((month_end + KEEP_AFTER_MONTH_SECONDS).to_string()),
            );
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(item))
                .build()
                .map_err(corrupt)?;
            items.push(TransactWriteItem::builder().put(put).build());
        }
        let mut status = key(calendar_status_pk(provider), CALENDAR_STATUS_SK);
        status.insert("read_at".into(), read.clone());
        status.insert("tried_at".into(), read);
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(status))
            .build()
            .map_err(corrupt)?;
        items.push(TransactWriteItem::builder().put(put).build());
        // A transaction holds at most 100 items: a horizon of years would need more.
        for chunk in items.chunks(100) {
            self.client
                .transact_write_items()
                .set_transact_items(Some(chunk.to_vec()))
                .send()
                .await
                .map_err(error::from_sdk)?;
        }
        Ok(())
    }

    /// One `UpdateItem`: the last good read stays.
    async fn calendar_failed(
        &self,
        provider: &ProviderId,
        at: DateTime<Utc>,
        problem: &str,
    ) -> Result<(), StoreError> {
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(calendar_status_pk(provider), CALENDAR_STATUS_SK)))
            .update_expression(
                "SET tried_at = :at, problem = :p, failing_since = if_not_exists(failing_since, :at)",
            )
            .expression_attribute_values(":at", AttributeValue::N(at.timestamp().to_string()))
            .expression_attribute_values(":p", AttributeValue::S(problem.to_owned()))
            .send()
            .await
            .map_err(error::from_sdk)?;
        Ok(())
    }

    /// One `GetItem`.
    async fn calendar_status(
        &self,
        provider: &ProviderId,
    ) -> Result<Option<CalendarStatus>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(calendar_status_pk(provider), CALENDAR_STATUS_SK)))
            .consistent_read(true)
            .send()
            .await
            .map_err(error::from_sdk)?;
        let Some(item) = out.item else {
            return Ok(None);
        };
        let tried_at = number(&item, "tried_at")?
            .ok_or_else(|| StoreError::Corrupt("calendar status tried_at".into()))?;
        let problem = match item.get("problem") {
            None => None,
            Some(v) => Some(
                v.as_s()
                    .map_err(|_| StoreError::Corrupt("calendar status problem".into()))?
                    .clone(),
            ),
        };
        Ok(Some(CalendarStatus {
            read_at: number(&item, "read_at")?,
            tried_at,
            failing_since: number(&item, "failing_since")?,
            problem,
        }))
    }
}
