//! A patron's move to another time: one `TransactWriteItems` of
//! `[appointment, new lock…, released lock…, patron place?, challenge?, mail allowance?, calendar check…]`. A lock both times hold is left
//! out (a transaction may not touch one item twice, and it stays the appointment's anyway).

use super::error::Refusal;
use super::item::appointment_item;
use super::lifecycle::bumped;
use super::write::{corrupt, Layout, APPOINTMENT_ITEM};
use super::DynamoStore;
use crate::record::{AppointmentRecord, BOOKED};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use chrono::{DateTime, Utc};
use rantevou_domain::appointment::Appointment;
use rantevou_domain::ports::{MoveConditions, Reschedules, StoreError};

impl DynamoStore {
    fn reschedule_layout(
        &self,
        read: &Appointment,
        moved: &Appointment,
        at: DateTime<Utc>,
    ) -> Result<Layout, StoreError> {
        let stored = bumped(moved.clone());
        let record = AppointmentRecord::from(&stored);
        // Items written before versions were kept have none: version 0.
        let condition = if read.version == 0 {
            "#status = :booked AND token_hash = :hash AND \
             (attribute_not_exists(version) OR version = :v)"
        } else {
            "#status = :booked AND token_hash = :hash AND version = :v"
        };
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(appointment_item(&record, &stored.id)?))
            .condition_expression(condition)
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":booked", AttributeValue::S(BOOKED.into()))
            .expression_attribute_values(":hash", AttributeValue::S(read.token_hash.to_hex()))
            .expression_attribute_values(":v", AttributeValue::N(read.version.to_string()))
            .build()
            .map_err(corrupt)?;
        let taken = moved
            .locks
            .iter()
            .filter(|lock| !read.locks.contains(lock))
            .map(|lock| self.take_lock(&stored, lock, at));
        let mut layout = Layout::new(TransactWriteItem::builder().put(put).build(), taken)?;
        let id = read.id.to_string();
        for lock in read.locks.iter().filter(|lock| !moved.locks.contains(lock)) {
            layout.items.push(self.release_lock(&id, lock)?);
        }
        Ok(layout.with_patron(self.move_place(read, at, Some(&stored))?))
    }
}

/// Whether any of `failed` is the item at `index`.
fn names(failed: &[usize], index: Option<usize>) -> bool {
    index.is_some_and(|i| failed.contains(&i))
}

#[async_trait]
impl Reschedules for DynamoStore {
    async fn reschedule(
        &self,
        read: &Appointment,
        moved: &Appointment,
        at: DateTime<Utc>,
        conditions: &MoveConditions<'_>,
    ) -> Result<Appointment, StoreError> {
        let challenge = conditions
            .challenge
            .map(|c| self.use_challenge(c))
            .transpose()?;
        let cap = conditions
            .mail_cap
            .map(|cap| self.take_mail_cap(cap))
            .transpose()?;
        let calendar = if conditions.calendar {
            let new: Vec<_> = moved
                .locks
                .iter()
                .filter(|l| !read.locks.contains(l))
                .cloned()
                .collect();
            self.calendar_checks(&new)?
        } else {
            Vec::new()
        };
        let layout = self
            .reschedule_layout(read, moved, at)?
            .with_challenge(challenge)
            .with_mail_cap(cap)
            .with_calendar(calendar);
        match self.transact(&layout.items, None).await {
            Ok(()) => Ok(bumped(moved.clone())),
            Err(Refusal::Conditions(failed)) if failed.contains(&APPOINTMENT_ITEM) => {
                Err(StoreError::Changed)
            }
            Err(Refusal::Conditions(failed))
                if failed
                    .iter()
                    .any(|i| layout.locks.contains(i) || layout.calendar.contains(i)) =>
            {
                Err(StoreError::SlotTaken)
            }
            Err(Refusal::Conditions(failed)) if names(&failed, layout.challenge) => {
                Err(StoreError::ChallengeUsed)
            }
            Err(Refusal::Conditions(failed)) if names(&failed, layout.mail_cap) => {
                Err(StoreError::MailCapped)
            }
            Err(Refusal::Conditions(_)) => Err(StoreError::Corrupt(
                "a released lock or the patron's place is held by another".into(),
            )),
            Err(Refusal::TokenReused) => Err(StoreError::Unavailable(
                "dynamodb: IdempotentParameterMismatchException".into(),
            )),
            Err(Refusal::Failed(e)) => Err(e),
        }
    }
}
