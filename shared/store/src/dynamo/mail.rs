//! The mail bookkeeping: a message recorded sent (`UpdateItem`), the pending ones through the
//! sparse index GSI2 (`Query`), and a fresh token for a late confirmation (`UpdateItem`).

use super::error::{self, is_condition_failure};
use super::item::*;
use super::DynamoStore;
use crate::record::{due_by, due_key, pending_field};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};
use rantevou_domain::appointment::{Appointment, DeliveryOutcome, MailKind};
use rantevou_domain::ids::AppointmentId;
use rantevou_domain::ports::{MailLog, MailQueue, StoreError};
use rantevou_domain::TokenHash;

#[async_trait]
impl MailLog for DynamoStore {
    async fn mail_sent(&self, id: AppointmentId, kind: MailKind) -> Result<(), StoreError> {
        let field = pending_field(kind);
        let others: Vec<&str> = MailKind::ALL
            .into_iter()
            .filter(|k| *k != kind)
            .map(pending_field)
            .collect();
        let update = |last: bool| {
            let u = self
                .client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(key(appointment_pk(&id), APPOINTMENT_SK)))
                .expression_attribute_names("#sent", field)
                .expression_attribute_values(":false", AttributeValue::Bool(false));
            if last {
                // The last pending message leaves the sparse index with it.
                let mut condition = String::from("attribute_exists(PK)");
                let mut u = u
                    .update_expression(
                        "SET #sent = :false, mail_attempts = :zero REMOVE GSI2PK, GSI2SK, mail_due",
                    )
                    .expression_attribute_values(":zero", AttributeValue::N("0".into()));
                for (i, other) in others.iter().enumerate() {
                    condition.push_str(&format!(
                        " AND (attribute_not_exists(#o{i}) OR #o{i} = :false)"
                    ));
                    u = u.expression_attribute_names(format!("#o{i}"), *other);
                }
                u.condition_expression(condition)
            } else {
                u.update_expression("SET #sent = :false")
                    .condition_expression("attribute_exists(PK)")
            }
        };
        match update(true).send().await {
            Ok(_) => Ok(()),
            Err(e) if is_condition_failure(&e) => match update(false).send().await {
                Ok(_) => Ok(()),
                // The appointment is gone (expired): nothing left to send.
                Err(e) if is_condition_failure(&e) => Ok(()),
                Err(e) => Err(error::from_sdk(e)),
            },
            Err(e) => Err(error::from_sdk(e)),
        }
    }

    async fn mail_failed(
        &self,
        a: &Appointment,
        outcome: &DeliveryOutcome,
    ) -> Result<(), StoreError> {
        let update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(appointment_pk(&a.id), APPOINTMENT_SK)))
            // Another run recorded an attempt since `a` was read: that one counts.
            .condition_expression("attribute_exists(PK) AND mail_attempts = :before")
            .expression_attribute_values(
                ":before",
                AttributeValue::N(a.delivery.attempts.to_string()),
            )
            .expression_attribute_values(
                ":after",
                AttributeValue::N((a.delivery.attempts + 1).to_string()),
            );
        let update = match outcome {
            DeliveryOutcome::RetryAt(due) => update
                .update_expression("SET mail_attempts = :after, mail_due = :due, GSI2SK = :key")
                .expression_attribute_values(":due", AttributeValue::N(due.timestamp().to_string()))
                .expression_attribute_values(
                    ":key",
                    AttributeValue::S(due_key(due.timestamp(), &a.id.to_string())),
                ),
            DeliveryOutcome::GiveUp(reason) => update
                .update_expression(
                    "SET mail_attempts = :after, mail_failure = :reason REMOVE mail_due, GSI2PK, GSI2SK",
                )
                .expression_attribute_values(":reason", AttributeValue::S(reason.clone())),
        };
        match update.send().await {
            Ok(_) => Ok(()),
            Err(e) if is_condition_failure(&e) => Ok(()),
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
            .update_expression("SET token_hash = :new")
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
