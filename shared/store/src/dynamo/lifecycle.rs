//! The life after booking: confirming a hold (`held → booked`) and cancelling, each one
//! `TransactWriteItems` of `[appointment, lock…, patron place?]` (see `write.rs`).

use super::error::Refusal;
use super::item::*;
use super::write::{corrupt, Layout, APPOINTMENT_ITEM};
use super::DynamoStore;
use crate::record::{instant_text, AppointmentRecord, BOOKED, CANCELLED, HELD};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, TransactWriteItem, Update};
use chrono::{DateTime, Utc};
use rantevou_domain::appointment::{Appointment, Canceller};
use rantevou_domain::patron::FreeText;
use rantevou_domain::ports::{Cancellations, Confirmations, StoreError};
use rantevou_domain::SlotLock;

/// The appointment as a write that raised its version left it (when nothing else wrote between
/// the read and the write; otherwise a later conditioned update reads it again).
pub(super) fn bumped(a: Appointment) -> Appointment {
    Appointment {
        version: a.version + 1,
        ..a
    }
}

impl DynamoStore {
    fn confirm_layout(&self, held: &Appointment, at: DateTime<Utc>) -> Result<Layout, StoreError> {
        let id = held.id.to_string();
        let booked = held.clone().confirmed(at);
        let record = AppointmentRecord::from(&booked);
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(appointment_pk(&held.id), APPOINTMENT_SK)))
            .update_expression(
                "SET #status = :booked, confirm_request_pending = :false, \
                 confirmation_pending = :true, mail_attempts = :zero, mail_due = :due, \
                 GSI2PK = :pending, GSI2SK = :pending_sk ADD version :one \
                 REMOVE held_until, mail_failure",
            )
            .condition_expression("#status = :held AND token_hash = :hash AND held_until > :at")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":booked", AttributeValue::S(BOOKED.into()))
            .expression_attribute_values(":held", AttributeValue::S(HELD.into()))
            .expression_attribute_values(":false", AttributeValue::Bool(false))
            .expression_attribute_values(":true", AttributeValue::Bool(true))
            .expression_attribute_values(":zero", AttributeValue::N("0".into()))
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .expression_attribute_values(":due", AttributeValue::N(at.timestamp().to_string()))
            .expression_attribute_values(":pending", AttributeValue::S(PENDING_MAIL.into()))
            .expression_attribute_values(
                ":pending_sk",
                AttributeValue::S(pending_sk(&record, at.timestamp())),
            )
            .expression_attribute_values(":hash", AttributeValue::S(held.token_hash.to_hex()))
            .expression_attribute_values(":at", AttributeValue::S(instant_text(at)))
            .build()
            .map_err(corrupt)?;
        let locks = held.locks.iter().map(|lock| {
            let update = Update::builder()
                .table_name(&self.table)
                .set_key(Some(key(
                    lock_pk(&lock.provider, lock.month()),
                    lock_sk(lock),
                )))
                .update_expression("REMOVE held_until")
                // Still its own: not taken over after the hold lapsed.
                .condition_expression("appointment_id = :id")
                .expression_attribute_values(":id", AttributeValue::S(id.clone()))
                .build()
                .map_err(corrupt)?;
            Ok(TransactWriteItem::builder().update(update).build())
        });
        Ok(
            Layout::new(TransactWriteItem::builder().update(update).build(), locks)?
                .with_patron(self.move_place(held, at, Some(&booked))?),
        )
    }

    /// Freeing `lock` of appointment `id` (never a unit some other appointment holds).
    pub(super) fn release_lock(
        &self,
        id: &str,
        lock: &SlotLock,
    ) -> Result<TransactWriteItem, StoreError> {
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key(
                lock_pk(&lock.provider, lock.month()),
                lock_sk(lock),
            )))
            .condition_expression("attribute_not_exists(PK) OR appointment_id = :id")
            .expression_attribute_values(":id", AttributeValue::S(id.to_owned()))
            .build()
            .map_err(corrupt)?;
        Ok(TransactWriteItem::builder().delete(delete).build())
    }

    fn cancel_layout(
        &self,
        appointment: &Appointment,
        at: DateTime<Utc>,
        reason: &FreeText,
        by: Canceller,
    ) -> Result<Layout, StoreError> {
        let id = appointment.id.to_string();
        let record = AppointmentRecord::from(appointment);
        let builder = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(appointment_pk(&appointment.id), APPOINTMENT_SK)))
            .condition_expression("#status = :was AND token_hash = :hash")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":was", AttributeValue::S(record.status.clone()))
            .expression_attribute_values(":cancelled", AttributeValue::S(CANCELLED.into()))
            .expression_attribute_values(":at", AttributeValue::S(instant_text(at)))
            .expression_attribute_values(":reason", AttributeValue::S(reason.as_str().to_owned()))
            .expression_attribute_values(":by", AttributeValue::S(by.name().into()))
            .expression_attribute_values(":zero", AttributeValue::N("0".into()))
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .expression_attribute_values(":false", AttributeValue::Bool(false))
            .expression_attribute_values(
                ":hash",
                AttributeValue::S(appointment.token_hash.to_hex()),
            );
        let cancelled =
            AppointmentRecord::from(&appointment.clone().cancelled_by(at, reason.clone(), by));
        let builder = if cancelled.in_mail_queue() {
            builder
                .update_expression(
                    "SET #status = :cancelled, cancelled_at = :at, cancel_reason = :reason, cancelled_by = :by, \
                     confirm_request_pending = :false, moved_pending = :false, \
                     cancellation_pending = :true, \
                     mail_attempts = :zero, mail_due = :due, GSI2PK = :pending, \
                     GSI2SK = :pending_sk ADD version :one \
                     REMOVE mail_failure, held_until, link_due, reminders_due",
                )
                .expression_attribute_values(":due", AttributeValue::N(at.timestamp().to_string()))
                .expression_attribute_values(":true", AttributeValue::Bool(true))
                .expression_attribute_values(":pending", AttributeValue::S(PENDING_MAIL.into()))
                .expression_attribute_values(
                    ":pending_sk",
                    AttributeValue::S(pending_sk(&record, at.timestamp())),
                )
        } else {
            // A hold never confirmed: nothing is mailed about it, it leaves the queue.
            builder.update_expression(
                "SET #status = :cancelled, cancelled_at = :at, cancel_reason = :reason, cancelled_by = :by, \
                 confirm_request_pending = :false, mail_attempts = :zero ADD version :one \
                 REMOVE mail_failure, held_until, mail_due, GSI2PK, GSI2SK, link_due, \
                 reminders_due",
            )
        };
        let update = builder.build().map_err(corrupt)?;
        let locks = appointment
            .locks
            .iter()
            .map(|lock| self.release_lock(&id, lock));
        Ok(
            Layout::new(TransactWriteItem::builder().update(update).build(), locks)?
                .with_patron(self.move_place(appointment, at, None)?),
        )
    }
}

#[async_trait]
impl Cancellations for DynamoStore {
    async fn cancel_by(
        &self,
        appointment: &Appointment,
        at: DateTime<Utc>,
        reason: &FreeText,
        by: Canceller,
    ) -> Result<Appointment, StoreError> {
        let layout = self.cancel_layout(appointment, at, reason, by)?;
        match self.transact(&layout.items, None).await {
            Ok(()) => Ok(bumped(appointment.clone().cancelled_by(
                at,
                reason.clone(),
                by,
            ))),
            Err(Refusal::Conditions(failed)) if failed.contains(&APPOINTMENT_ITEM) => {
                Err(StoreError::NotBooked)
            }
            Err(Refusal::Conditions(failed))
                if layout.patron.is_some_and(|i| failed.contains(&i)) =>
            {
                Err(StoreError::Corrupt(
                    "the patron's place is held by another".into(),
                ))
            }
            Err(Refusal::Conditions(_)) => Err(StoreError::Corrupt(
                "a lock of the appointment is held by another".into(),
            )),
            Err(Refusal::TokenReused) => Err(StoreError::Unavailable(
                "dynamodb: IdempotentParameterMismatchException".into(),
            )),
            Err(Refusal::Failed(e)) => Err(e),
        }
    }
}

#[async_trait]
impl Confirmations for DynamoStore {
    async fn confirm(
        &self,
        held: &Appointment,
        at: DateTime<Utc>,
    ) -> Result<Appointment, StoreError> {
        let layout = self.confirm_layout(held, at)?;
        match self.transact(&layout.items, None).await {
            Ok(()) => Ok(bumped(held.clone().confirmed(at))),
            Err(Refusal::Conditions(failed)) if failed.contains(&APPOINTMENT_ITEM) => {
                Err(StoreError::NotBooked)
            }
            Err(Refusal::Conditions(failed)) if failed.iter().any(|i| layout.locks.contains(i)) => {
                Err(StoreError::SlotTaken)
            }
            Err(Refusal::Conditions(_)) => Err(StoreError::Corrupt(
                "the patron's place is held by another".into(),
            )),
            Err(Refusal::TokenReused) => Err(StoreError::Unavailable(
                "dynamodb: IdempotentParameterMismatchException".into(),
            )),
            Err(Refusal::Failed(e)) => Err(e),
        }
    }
}
