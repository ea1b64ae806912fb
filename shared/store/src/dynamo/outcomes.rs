//! The anonymous outcome records on DynamoDB: one item each under `STATS#<year>`, sorted by
//! `<month>#<key>`, with no TTL; the day the count has reached in one item of its own.

use super::error::{self, Refusal};
use super::item::*;
use super::write::corrupt;
use super::DynamoStore;
use crate::record::{check_update, AppointmentRecord};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use chrono::NaiveDate;
use rantevou_domain::appointment::Appointment;
use rantevou_domain::ports::{Outcomes, StoreError};
use rantevou_domain::statistics::OutcomeRecord;

/// `STATS#<year>`: a year's outcome records.
fn outcomes_pk(month: &str) -> String {
    format!("STATS#{}", month.get(..4).unwrap_or(month))
}

/// The item of how far the count went.
const COUNTED_PK: &str = "STATS#COUNTED";
const COUNTED_SK: &str = "DAY";

/// The item of `record` under `key`.
fn outcome_item(record: &OutcomeRecord, key: &str) -> Result<Item, StoreError> {
    let mut item = fields_item(&record.clone().checked()?, false)?;
    item.extend(super::item::key(
        outcomes_pk(&record.month),
        format!("{}#{key}", record.month),
    ));
    Ok(item)
}

fn outcome_from_item(item: Item) -> Result<OutcomeRecord, StoreError> {
    from_fields::<OutcomeRecord>(item, &[PK, SK], "outcome record")?.checked()
}

#[async_trait]
impl Outcomes for DynamoStore {
    async fn record_outcome(
        &self,
        read: &Appointment,
        next: &Appointment,
        record: &OutcomeRecord,
    ) -> Result<Appointment, StoreError> {
        check_update(read, next)?;
        let key = next
            .outcome_key
            .as_deref()
            .ok_or_else(|| StoreError::Corrupt("an outcome without its key".into()))?;
        let stored = Appointment {
            version: read.version + 1,
            ..next.clone()
        };
        let outcome = Put::builder()
            .table_name(&self.table)
            .set_item(Some(outcome_item(record, key)?))
            .build()
            .map_err(corrupt)?;
        // Items written before versions were kept have none: version 0.
        let condition = if read.version == 0 {
            "attribute_exists(PK) AND (attribute_not_exists(version) OR version = :v)"
        } else {
            "version = :v"
        };
        let appointment = Put::builder()
            .table_name(&self.table)
            .set_item(Some(appointment_item(
                &AppointmentRecord::from(&stored),
                &stored.id,
            )?))
            .condition_expression(condition)
            .expression_attribute_values(":v", AttributeValue::N(read.version.to_string()))
            .build()
            .map_err(corrupt)?;
        let items = [
            TransactWriteItem::builder().put(outcome).build(),
            TransactWriteItem::builder().put(appointment).build(),
        ];
        match self.transact(&items, None).await {
            Ok(()) => Ok(stored),
            Err(Refusal::Conditions(_)) => Err(StoreError::Changed),
            Err(Refusal::TokenReused) => Err(StoreError::Unavailable(
                "dynamodb: IdempotentParameterMismatchException".into(),
            )),
            Err(Refusal::Failed(e)) => Err(e),
        }
    }

    async fn outcomes(&self, from: &str, to: &str) -> Result<Vec<OutcomeRecord>, StoreError> {
        let years = match (from.get(..4), to.get(..4)) {
            (Some(a), Some(b)) => match (a.parse::<u16>(), b.parse::<u16>()) {
                (Ok(a), Ok(b)) => a..=b,
                _ => return Ok(Vec::new()),
            },
            _ => return Ok(Vec::new()),
        };
        let mut out = Vec::new();
        for year in years {
            let mut start_key = None;
            loop {
                let page = self
                    .client
                    .query()
                    .table_name(&self.table)
                    .key_condition_expression("PK = :pk AND SK BETWEEN :from AND :to")
                    .expression_attribute_values(
                        ":pk",
                        AttributeValue::S(format!("STATS#{year:04}")),
                    )
                    .expression_attribute_values(":from", AttributeValue::S(format!("{from}#")))
                    .expression_attribute_values(":to", AttributeValue::S(format!("{to}#~")))
                    .set_exclusive_start_key(start_key)
                    .send()
                    .await
                    .map_err(error::from_sdk)?;
                for item in page.items.unwrap_or_default() {
                    out.push(outcome_from_item(item)?);
                }
                match page.last_evaluated_key {
                    Some(k) if !k.is_empty() => start_key = Some(k),
                    _ => break,
                }
            }
        }
        Ok(out)
    }

    async fn counted_through(&self) -> Result<Option<NaiveDate>, StoreError> {
        let Some(item) = self.get_consistent(key(COUNTED_PK, COUNTED_SK)).await? else {
            return Ok(None);
        };
        let day = string_attr(&item, "day")?;
        NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| StoreError::Corrupt("outcomes counted".into()))
    }

    async fn set_counted_through(&self, day: NaiveDate) -> Result<(), StoreError> {
        let mut item = key(COUNTED_PK, COUNTED_SK);
        item.insert(
            "day".into(),
            AttributeValue::S(day.format("%Y-%m-%d").to_string()),
        );
        self.put(item).await
    }
}
