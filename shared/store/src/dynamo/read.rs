//! Reads: one appointment (`GetItem`) and the locks of a provider-month held now (`Query`).

use super::error;
use super::item::*;
use super::DynamoStore;
use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};
use rantevou_domain::appointment::Appointment;
use rantevou_domain::ids::{AppointmentId, ProviderId};
use rantevou_domain::ports::{Appointments, LockReader, StoreError};
use rantevou_domain::{LockMonth, SlotLock};

impl DynamoStore {
    /// The appointment item, strongly consistent, expired or not.
    pub(super) async fn read(&self, id: AppointmentId) -> Result<Option<Appointment>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(appointment_pk(&id), APPOINTMENT_SK)))
            .consistent_read(true)
            .send()
            .await
            .map_err(error::from_sdk)?;
        out.item
            .map(|i| Appointment::try_from(record_from_item(i)?))
            .transpose()
    }
}

#[async_trait]
impl Appointments for DynamoStore {
    async fn get(
        &self,
        id: AppointmentId,
        now: DateTime<Utc>,
    ) -> Result<Option<Appointment>, StoreError> {
        Ok(self.read(id).await?.filter(|a| !a.is_expired(now)))
    }
}

#[async_trait]
impl LockReader for DynamoStore {
    async fn locks(
        &self,
        provider: &ProviderId,
        month: LockMonth,
        now: DateTime<Utc>,
    ) -> Result<Vec<SlotLock>, StoreError> {
        let mut locks = Vec::new();
        let mut start_key = None;
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("PK = :pk")
                .expression_attribute_values(":pk", AttributeValue::S(lock_pk(provider, month)))
                .projection_expression("SK, held_until, busy")
                .consistent_read(true)
                .set_exclusive_start_key(start_key)
                .send()
                .await
                .map_err(error::from_sdk)?;
            for item in out.items() {
                // The provider's calendar's busy units hold time as the locks do.
                if string_attr(item, SK)? == CALENDAR_SK {
                    locks.extend(super::calendar::busy_units(item, provider)?);
                    continue;
                }
                let lapsed = match item.get(HELD_UNTIL).map(AttributeValue::as_n) {
                    None => false,
                    Some(Ok(n)) => {
                        n.parse::<i64>()
                            .map_err(|_| StoreError::Corrupt("lock held_until".into()))?
                            <= now.timestamp()
                    }
                    Some(Err(_)) => return Err(StoreError::Corrupt("lock held_until".into())),
                };
                if lapsed {
                    continue;
                }
                let sk = string_attr(item, SK)?;
                let start = DateTime::parse_from_rfc3339(sk)
                    .map_err(|_| StoreError::Corrupt("lock sort key".into()))?
                    .with_timezone(&Utc);
                locks.push(SlotLock {
                    provider: provider.clone(),
                    start,
                });
            }
            // A month of locks is far below 1 MB; paging is here for correctness only.
            match out.last_evaluated_key {
                Some(k) if !k.is_empty() => start_key = Some(k),
                _ => return Ok(locks),
            }
        }
    }
}
