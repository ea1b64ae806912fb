//! The mail bookkeeping: the mail due through the sparse "next mail due" index GSI2
//! (`Query`), a conditioned update of one appointment (`PutItem` on its version: a message
//! sent, an attempt failed, the scheduler's claim, the link), and a fresh token for a late
//! confirmation (`UpdateItem`).

use super::error::{self, is_condition_failure};
use super::item::*;
use super::DynamoStore;
use crate::record::{check_update, due_by, AppointmentRecord};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};
use rantevou_domain::appointment::Appointment;
use rantevou_domain::ids::AppointmentId;
use rantevou_domain::ports::{AppointmentUpdates, MailQueue, StoreError};
use rantevou_domain::TokenHash;

#[async_trait]
impl AppointmentUpdates for DynamoStore {
    async fn update(
        &self,
        read: &Appointment,
        next: &Appointment,
    ) -> Result<Appointment, StoreError> {
        check_update(read, next)?;
        let stored = Appointment {
            version: read.version + 1,
            ..next.clone()
        };
        let item = appointment_item(&AppointmentRecord::from(&stored), &stored.id)?;
        // Items written before versions were kept have none: version 0.
        let condition = if read.version == 0 {
            "attribute_exists(PK) AND (attribute_not_exists(version) OR version = :v)"
        } else {
            "version = :v"
        };
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression(condition)
            .expression_attribute_values(":v", AttributeValue::N(read.version.to_string()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(stored),
            Err(e) if is_condition_failure(&e) => Err(StoreError::Changed),
            Err(e) => Err(error::from_sdk(e)),
        }
    }
}

#[async_trait]
impl MailQueue for DynamoStore {
    async fn due_mail(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Appointment>, StoreError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(GSI2)
            .key_condition_expression("GSI2PK = :pending AND GSI2SK <= :due")
            .expression_attribute_values(":pending", AttributeValue::S(PENDING_MAIL.into()))
            .expression_attribute_values(":due", AttributeValue::S(due_by(now)))
            .limit(i32::try_from(limit).unwrap_or(i32::MAX))
            .send()
            .await
            .map_err(error::from_sdk)?;
        out.items()
            .iter()
            .map(|i| Appointment::try_from(record_from_item(i.clone())?))
            .collect()
    }

    async fn replace_token(
        &self,
        id: AppointmentId,
        old: TokenHash,
        new: TokenHash,
    ) -> Result<(), StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(appointment_pk(&id), APPOINTMENT_SK)))
            .update_expression("SET token_hash = :new ADD version :one")
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .condition_expression(
                "token_hash = :old AND (confirmation_pending = :true OR confirm_request_pending = :true)",
            )
            .expression_attribute_values(":new", AttributeValue::S(new.to_hex()))
            .expression_attribute_values(":old", AttributeValue::S(old.to_hex()))
            .expression_attribute_values(":true", AttributeValue::Bool(true))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if is_condition_failure(&e) => Err(StoreError::NotBooked),
            Err(e) => Err(error::from_sdk(e)),
        }
    }
}
