//! Counters in the single table: an address's daily allowance of unasked mail
//! (`MAILCAP#<patron key>#<day>` / `MAILCAP`, in the write that queues the mail when there is
//! one), the bookings of each ten minutes (`RATE` / `<window>`, for the bot check's work) and
//! the addresses waiting for a day (`WAITDAY#<service>#<day>` / `WAITDAY`). Each is one
//! conditional `ADD`, forgotten by TTL.

use super::error::{self, is_condition_failure};
use super::item::{key, string_attr, Item};
use super::write::corrupt;
use super::DynamoStore;
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use chrono::{DateTime, Utc};
use rantevou_domain::mail_cap::MailCap;
use rantevou_domain::ports::{
    rate_window, recent_from_windows, BookingRate, MailCaps, StoreError, RATE_WINDOW_SECONDS,
};

const MAILCAP_SK: &str = "MAILCAP";
const RATE_PK: &str = "RATE";

fn mailcap_pk(cap: &MailCap) -> String {
    format!("MAILCAP#{}", cap.key)
}

/// The sort key of a rate window: zero-padded, so they sort as numbers.
fn window_sk(window: i64) -> String {
    format!("{window:012}")
}

impl DynamoStore {
    /// Taking `cap.weight` places of the counter, on condition that it stays within `cap.max`.
    pub(super) fn take_mail_cap(&self, cap: &MailCap) -> Result<TransactWriteItem, StoreError> {
        let update = self.mail_cap_update(cap)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    fn mail_cap_update(&self, cap: &MailCap) -> Result<Update, StoreError> {
        let room = cap.max.saturating_sub(cap.weight);
        Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(mailcap_pk(cap), MAILCAP_SK)))
            .update_expression("ADD sent :w SET expires_at = :keep")
            .condition_expression("attribute_not_exists(sent) OR sent <= :room")
            .expression_attribute_values(":w", AttributeValue::N(cap.weight.to_string()))
            .expression_attribute_values(":room", AttributeValue::N(room.to_string()))
            .expression_attribute_values(
                ":keep",
                AttributeValue::N(cap.keep_until.timestamp().to_string()),
            )
            .build()
            .map_err(corrupt)
    }

    /// A counter of addresses waiting for one day, one more, on condition that fewer than
    /// `max` were (`delta` −1: one fewer, on a leave).
    pub(super) fn wait_day_update(
        &self,
        pk: String,
        delta: i32,
        max: Option<u32>,
        keep_until: DateTime<Utc>,
    ) -> Result<TransactWriteItem, StoreError> {
        let mut builder = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(pk, "WAITDAY")))
            .update_expression("ADD waiting :d SET expires_at = :keep")
            .expression_attribute_values(":d", AttributeValue::N(delta.to_string()))
            .expression_attribute_values(
                ":keep",
                AttributeValue::N(keep_until.timestamp().to_string()),
            );
        if let Some(max) = max {
            builder = builder
                .condition_expression("attribute_not_exists(waiting) OR waiting < :max")
                .expression_attribute_values(":max", AttributeValue::N(max.to_string()));
        }
        let update = builder.build().map_err(corrupt)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }
}

#[async_trait]
impl MailCaps for DynamoStore {
    /// One conditional `UpdateItem`.
    async fn take_mail_places(&self, cap: &MailCap) -> Result<(), StoreError> {
        let u = self.mail_cap_update(cap)?;
        let result = self
            .client
            .update_item()
            .table_name(u.table_name())
            .set_key(Some(u.key().clone()))
            .update_expression(u.update_expression())
            .set_condition_expression(u.condition_expression().map(str::to_owned))
            .set_expression_attribute_values(u.expression_attribute_values().cloned())
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if is_condition_failure(&e) => Err(StoreError::MailCapped),
            Err(e) => Err(error::from_sdk(e)),
        }
    }
}

#[async_trait]
impl BookingRate for DynamoStore {
    /// One `UpdateItem` (`ADD`) on the window's counter.
    async fn count_bookings(&self, at: DateTime<Utc>, n: u32) -> Result<(), StoreError> {
        let window = rate_window(at);
        let keep = (window + 3) * RATE_WINDOW_SECONDS;
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(RATE_PK, window_sk(window))))
            .update_expression("ADD bookings :n SET expires_at = :keep")
            .expression_attribute_values(":n", AttributeValue::N(n.to_string()))
            .expression_attribute_values(":keep", AttributeValue::N(keep.to_string()))
            .send()
            .await
            .map_err(error::from_sdk)?;
        Ok(())
    }

    /// One `Query` of the last two windows.
    async fn recent_bookings(&self, now: DateTime<Utc>) -> Result<u32, StoreError> {
        let window = rate_window(now);
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("PK = :pk AND SK BETWEEN :from AND :to")
            .expression_attribute_values(":pk", AttributeValue::S(RATE_PK.into()))
            .expression_attribute_values(":from", AttributeValue::S(window_sk(window - 1)))
            .expression_attribute_values(":to", AttributeValue::S(window_sk(window)))
            .send()
            .await
            .map_err(error::from_sdk)?;
        let (mut current, mut previous) = (0, 0);
        for item in out.items() {
            let count = bookings_of(item)?;
            if string_attr(item, "SK")? == window_sk(window) {
                current = count;
            } else {
                previous = count;
            }
        }
        Ok(recent_from_windows(now, current, previous))
    }
}

fn bookings_of(item: &Item) -> Result<u32, StoreError> {
    item.get("bookings")
        .and_then(|v| v.as_n().ok())
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| StoreError::Corrupt("rate window".into()))
}
