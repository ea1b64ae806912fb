//! The waiting list in the single table: one item per entry, `WAIT#<id>` / `WAIT`, expiring
//! (TTL) at the end of its day. Two sparse indexes find entries: GSI2's `WAIT#WAITING`
//! partition holds the confirmed entries not yet told (for the scheduler), GSI3's
//! `WAITER#<patron key>` an address's entries (for the cap and to join a day once). A join is one
//! `TransactWriteItems` of `[entry, the day's counter, mail allowance?]`.

use super::error::Refusal;
use super::error::{self, is_condition_failure};
use super::item::*;
use super::write::corrupt;
use super::DynamoStore;
use crate::record::instant_text;
use crate::wait_record::WaitRecord;
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem};
use chrono::{DateTime, Utc};
use rantevou_domain::ports::{JoinLimits, StoreError, Waitlist};
use rantevou_domain::waitlist::WaitEntry;
use rantevou_domain::{AppointmentId, TokenHash};

/// The GSI2 partition of the entries not yet told.
const WAITING: &str = "WAIT#WAITING";
const WAIT_SK: &str = "WAIT";

fn wait_pk(id: &AppointmentId) -> String {
    format!("WAIT#{id}")
}

/// Its GSI2 sort key: the day, then when it joined (first come, first served).
fn waiting_sk(e: &WaitEntry) -> String {
    format!("{}#{}#{}", e.date, instant_text(e.created_at), e.id)
}

fn item_of(e: &WaitEntry) -> Result<Item, StoreError> {
    let mut item = fields_item(&WaitRecord::from(e), true)?;
    item.extend(key(wait_pk(&e.id), WAIT_SK));
    if e.notified_at.is_none() && e.confirmed_at.is_some() {
        item.insert(GSI2PK.into(), AttributeValue::S(WAITING.into()));
        item.insert(GSI2SK.into(), AttributeValue::S(waiting_sk(e)));
    }
    item.insert(
        GSI3PK.into(),
        AttributeValue::S(format!("WAITER#{}", e.patron_key)),
    );
    item.insert(
        GSI3SK.into(),
        AttributeValue::S(format!("{}#{}#{}", e.service, e.date, e.id)),
    );
    Ok(item)
}

/// The counter of the addresses waiting for `e`'s service and day.
fn wait_day_pk(e: &WaitEntry) -> String {
    format!("WAITDAY#{}#{}", e.service, e.date)
}

fn entry_of(item: Item) -> Result<WaitEntry, StoreError> {
    let keys = [PK, SK, GSI2PK, GSI2SK, GSI3PK, GSI3SK];
    let record: WaitRecord = from_fields(item, &keys, "waitlist item")?;
    WaitEntry::try_from(record)
}

#[async_trait]
impl Waitlist for DynamoStore {
    async fn join_waitlist(
        &self,
        entry: &WaitEntry,
        limits: &JoinLimits<'_>,
    ) -> Result<bool, StoreError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(GSI3)
            .key_condition_expression("GSI3PK = :who")
            .expression_attribute_values(
                ":who",
                AttributeValue::S(format!("WAITER#{}", entry.patron_key)),
            )
            .send()
            .await
            .map_err(error::from_sdk)?;
        let live: Vec<WaitEntry> = out
            .items()
            .iter()
            .map(|i| entry_of(i.clone()))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .filter(|e| !e.is_expired(entry.created_at))
            .collect();
        if live
            .iter()
            .any(|e| e.service == entry.service && e.date == entry.date)
        {
            return Ok(false);
        }
        if live.len() >= usize::try_from(limits.per_address).unwrap_or(usize::MAX) {
            return Err(StoreError::PatronLimit);
        }
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item_of(entry)?))
            .condition_expression("attribute_not_exists(PK)")
            .build()
            .map_err(corrupt)?;
        let mut items = vec![
            TransactWriteItem::builder().put(put).build(),
            self.wait_day_update(
                wait_day_pk(entry),
                1,
                Some(limits.per_day),
                entry.expires_at,
            )?,
        ];
        if let Some(cap) = limits.mail_cap {
            items.push(self.take_mail_cap(cap)?);
        }
        match self.transact(&items, None).await {
            Ok(()) => Ok(true),
            Err(Refusal::Conditions(failed)) if failed.contains(&1) => Err(StoreError::SlotTaken),
            Err(Refusal::Conditions(failed)) if failed.contains(&2) => Err(StoreError::MailCapped),
            // The same id twice: as unlikely as a conflict.
            Err(Refusal::Conditions(_)) => Ok(false),
            Err(Refusal::TokenReused) => Err(StoreError::Conflict),
            Err(Refusal::Failed(e)) => Err(e),
        }
    }

    async fn confirm_wait(
        &self,
        id: AppointmentId,
        token_hash: &TokenHash,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let Some(mut entry) = self.wait_entry(id, at).await? else {
            return Ok(false);
        };
        entry.confirmed_at = Some(at);
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(wait_pk(&id), WAIT_SK)))
            .update_expression(
                "SET confirmed_at = :at, unconfirmed = :no, GSI2PK = :waiting, GSI2SK = :sk",
            )
            .condition_expression(
                "attribute_exists(PK) AND token_hash = :hash AND unconfirmed = :yes",
            )
            .expression_attribute_values(":at", AttributeValue::S(instant_text(at)))
            .expression_attribute_values(":no", AttributeValue::Bool(false))
            .expression_attribute_values(":yes", AttributeValue::Bool(true))
            .expression_attribute_values(":hash", AttributeValue::S(token_hash.to_hex()))
            .expression_attribute_values(":waiting", AttributeValue::S(WAITING.into()))
            .expression_attribute_values(":sk", AttributeValue::S(waiting_sk(&entry)))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if is_condition_failure(&e) => Ok(false),
            Err(e) => Err(error::from_sdk(e)),
        }
    }

    async fn wait_entry(
        &self,
        id: AppointmentId,
        now: DateTime<Utc>,
    ) -> Result<Option<WaitEntry>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(wait_pk(&id), WAIT_SK)))
            .consistent_read(true)
            .send()
            .await
            .map_err(error::from_sdk)?;
        let entry = out.item.map(entry_of).transpose()?;
        Ok(entry.filter(|e| !e.is_expired(now)))
    }

    /// One `TransactWriteItems`: the entry deleted, the day's counter one lower.
    async fn leave_waitlist(&self, entry: &WaitEntry) -> Result<bool, StoreError> {
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key(wait_pk(&entry.id), WAIT_SK)))
            .condition_expression("attribute_exists(PK)")
            .build()
            .map_err(corrupt)?;
        let items = [
            TransactWriteItem::builder().delete(delete).build(),
            self.wait_day_update(wait_day_pk(entry), -1, None, entry.expires_at)?,
        ];
        match self.transact(&items, None).await {
            Ok(()) => Ok(true),
            Err(Refusal::Conditions(_)) => Ok(false),
            Err(Refusal::TokenReused) => Err(StoreError::Conflict),
            Err(Refusal::Failed(e)) => Err(e),
        }
    }

    async fn waiting(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<WaitEntry>, StoreError> {
        // Days before yesterday (UTC) are over in every zone; the rest are checked one by one.
        let from = (now - chrono::Duration::days(1)).date_naive().to_string();
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(GSI2)
            .key_condition_expression("GSI2PK = :waiting AND GSI2SK >= :from")
            .expression_attribute_values(":waiting", AttributeValue::S(WAITING.into()))
            .expression_attribute_values(":from", AttributeValue::S(from))
            .limit(i32::try_from(limit).unwrap_or(i32::MAX))
            .send()
            .await
            .map_err(error::from_sdk)?;
        let mut entries: Vec<WaitEntry> = out
            .items()
            .iter()
            .map(|i| entry_of(i.clone()))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .filter(|e| !e.is_expired(now))
            .collect();
        entries.sort_by_key(|e| (e.created_at, e.id));
        Ok(entries)
    }

    async fn mark_notified(
        &self,
        entry: &WaitEntry,
        at: Option<DateTime<Utc>>,
    ) -> Result<bool, StoreError> {
        let builder = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(wait_pk(&entry.id), WAIT_SK)));
        let builder = match at {
            Some(at) => builder
                .update_expression("SET notified_at = :at REMOVE GSI2PK, GSI2SK")
                .condition_expression("attribute_exists(PK) AND attribute_not_exists(notified_at)")
                .expression_attribute_values(":at", AttributeValue::S(instant_text(at))),
            None => builder
                .update_expression("SET GSI2PK = :waiting, GSI2SK = :sk REMOVE notified_at")
                .condition_expression("attribute_exists(PK)")
                .expression_attribute_values(":waiting", AttributeValue::S(WAITING.into()))
                .expression_attribute_values(":sk", AttributeValue::S(waiting_sk(entry))),
        };
        match builder.send().await {
            Ok(_) => Ok(true),
            Err(e) if is_condition_failure(&e) => Ok(false),
            Err(e) => Err(error::from_sdk(e)),
        }
    }
}
