//! The production store: one DynamoDB table, conditional transactions.
//!
//! | operation | requests |
//! |---|---|
//! | create | one `TransactWriteItems`: the appointment + every lock (+ the idempotency key), each `attribute_not_exists(PK)` |
//! | cancel | one `TransactWriteItems`: `booked → cancelled` conditioned on status and token hash, + delete its locks |
//! | get | one `GetItem` |
//! | locks | one `Query` per provider-month partition |
//!
//! A lock's failed condition cancels the whole transaction, so nothing partial is ever written.

pub mod error;
pub mod item;
pub mod request_counter;
pub mod table;

use crate::record::pending_field;
use crate::record::{
    instant_text, key_digest, request_fingerprint, AppointmentRecord, BOOKED, CANCELLED,
};
use async_trait::async_trait;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem, Update};
use aws_sdk_dynamodb::Client;
use chrono::{DateTime, Utc};
use item::*;
use rantevou_domain::appointment::{Appointment, MailKind};
use rantevou_domain::ids::{AppointmentId, ProviderId};
use rantevou_domain::patron::FreeText;
use rantevou_domain::ports::{AppointmentStore, Created, IdempotencyKey, StoreError};
use rantevou_domain::{LockMonth, SlotLock, TokenHash};
use std::collections::HashMap;
use std::time::Duration;

/// How long an idempotency key is remembered.
const IDEMPOTENCY_TTL_SECONDS: i64 = 24 * 3600;
/// Attempts of a transaction that another one conflicted with (nothing was written).
const CONFLICT_ATTEMPTS: u32 = 3;

/// The DynamoDB booking store.
#[derive(Clone, Debug)]
pub struct DynamoStore {
    client: Client,
    table: String,
}

/// Environment variable naming the table.
pub const TABLE_ENV: &str = "RANTEVOU_TABLE";

impl DynamoStore {
    /// A store over `table` with an SDK client built by the caller (once per Lambda).
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        DynamoStore {
            client,
            table: table.into(),
        }
    }

    /// A store configured from the environment: `RANTEVOU_TABLE`, and the SDK's own variables
    /// (region, credentials, and `AWS_ENDPOINT_URL` for a local endpoint such as moto).
    pub async fn from_env() -> Result<Self, StoreError> {
        let table = std::env::var(TABLE_ENV)
            .map_err(|_| StoreError::Unavailable(format!("{TABLE_ENV} is not set")))?;
        let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        Ok(Self::new(Client::new(&config), table))
    }

    /// The SDK client (for tests and staff tools).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The table name.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// The stored library configuration (TOML source), if one was pushed. One `GetItem`;
    /// functions call it once per cold start and keep the result.
    pub async fn load_config(&self) -> Result<Option<String>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(CONFIG_PK, CONFIG_SK)))
            .send()
            .await
            .map_err(error::from_sdk)?;
        out.item
            .map(|i| string_attr(&i, "source").map(str::to_owned))
            .transpose()
    }

    /// Saves the library configuration (validated by the caller).
    pub async fn save_config(&self, source: &str) -> Result<(), StoreError> {
        let mut item = key(CONFIG_PK, CONFIG_SK);
        item.insert("source".into(), AttributeValue::S(source.to_owned()));
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(error::from_sdk)?;
        Ok(())
    }

    fn put(&self, item: HashMap<String, AttributeValue>) -> Result<TransactWriteItem, StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(PK)")
            .build()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    fn create_items(
        &self,
        appointment: &Appointment,
        key_digest: Option<&str>,
    ) -> Result<Vec<TransactWriteItem>, StoreError> {
        let record = AppointmentRecord::from(appointment);
        let mut items = vec![self.put(appointment_item(&record, &appointment.id)?)?];
        for lock in &appointment.locks {
            let mut item = key(lock_pk(&lock.provider, lock.month()), lock_sk(lock));
            item.insert(
                "appointment_id".into(),
                AttributeValue::S(record.id.clone()),
            );
            // Past locks matter to no one: TTL removes them after the appointment ends.
            item.insert(
                "expires_at".into(),
                AttributeValue::N(appointment.end.timestamp().to_string()),
            );
            items.push(self.put(item)?);
        }
        if let Some(digest) = key_digest {
            let mut item = key(idempotency_pk(digest), IDEMPOTENCY_SK);
            item.insert(
                "appointment_id".into(),
                AttributeValue::S(record.id.clone()),
            );
            item.insert(
                "fingerprint".into(),
                AttributeValue::S(request_fingerprint(appointment)),
            );
            let expires = appointment.created_at.timestamp() + IDEMPOTENCY_TTL_SECONDS;
            item.insert("expires_at".into(), AttributeValue::N(expires.to_string()));
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(item))
                // An expired key (not yet swept by TTL) may be used again.
                .condition_expression("attribute_not_exists(PK) OR expires_at < :now")
                .expression_attribute_values(
                    ":now",
                    AttributeValue::N(appointment.created_at.timestamp().to_string()),
                )
                .build()
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            items.push(TransactWriteItem::builder().put(put).build());
        }
        Ok(items)
    }

    /// The appointment a remembered idempotency key points at (the replay of a create).
    async fn replay(&self, digest: &str, appointment: &Appointment) -> Result<Created, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(idempotency_pk(digest), IDEMPOTENCY_SK)))
            .consistent_read(true)
            .send()
            .await
            .map_err(error::from_sdk)?;
        let item = out.item.ok_or(StoreError::Conflict)?;
        if string_attr(&item, "fingerprint")? != request_fingerprint(appointment) {
            return Err(StoreError::IdempotencyMismatch);
        }
        let id: AppointmentId = string_attr(&item, "appointment_id")?
            .parse()
            .map_err(|_| StoreError::Corrupt("idempotency item".into()))?;
        let first = self
            .read(id)
            .await?
            .ok_or_else(|| StoreError::Corrupt("idempotency key names no appointment".into()))?;
        Ok(Created::Replayed(first))
    }

    async fn read(&self, id: AppointmentId) -> Result<Option<Appointment>, StoreError> {
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

/// What a cancelled create transaction means, from its per-item reasons. `lock_items` is the
/// range of item indexes holding locks; `idem_item` the idempotency item's index, if any.
enum CreateRefusal {
    SlotTaken,
    KeySeen,
    Other(StoreError),
}

fn create_refusal(
    e: &SdkError<TransactWriteItemsError, aws_smithy_runtime_api::http::Response>,
    lock_items: std::ops::Range<usize>,
    idem_item: Option<usize>,
) -> CreateRefusal {
    let SdkError::ServiceError(service) = e else {
        return CreateRefusal::Other(error::classify(e));
    };
    match service.err() {
        TransactWriteItemsError::TransactionCanceledException(cancelled) => {
            let reasons = cancelled.cancellation_reasons();
            let failed =
                |i: usize| reasons.get(i).and_then(|r| r.code()) == Some("ConditionalCheckFailed");
            if idem_item.is_some_and(failed) {
                return CreateRefusal::KeySeen;
            }
            if lock_items.clone().any(failed) {
                return CreateRefusal::SlotTaken;
            }
            let code = reasons
                .iter()
                .filter_map(|r| r.code())
                .find(|c| *c != "None")
                .unwrap_or("TransactionCanceled");
            // A clash on the appointment's own key (a reused id) is retried like a conflict.
            if code == "ConditionalCheckFailed" {
                return CreateRefusal::Other(StoreError::Conflict);
            }
            CreateRefusal::Other(error::from_code(code))
        }
        // Same ClientRequestToken with another payload: a retry of a request already made.
        TransactWriteItemsError::IdempotentParameterMismatchException(_) if idem_item.is_some() => {
            CreateRefusal::KeySeen
        }
        other => CreateRefusal::Other(error::from_code(
            aws_sdk_dynamodb::error::ProvideErrorMetadata::code(other).unwrap_or("UnknownError"),
        )),
    }
}

fn is_condition_failure<R>(
    e: &SdkError<aws_sdk_dynamodb::operation::update_item::UpdateItemError, R>,
) -> bool {
    matches!(e, SdkError::ServiceError(s) if s.err().is_conditional_check_failed_exception())
}

async fn back_off(attempt: u32) {
    tokio::time::sleep(Duration::from_millis(15 << attempt)).await;
}

#[async_trait]
impl AppointmentStore for DynamoStore {
    async fn create(
        &self,
        appointment: &Appointment,
        idempotency_key: Option<&IdempotencyKey>,
    ) -> Result<Created, StoreError> {
        let digest = idempotency_key.map(|k| key_digest(k.as_str()));
        let items = self.create_items(appointment, digest.as_deref())?;
        let lock_items = 1..1 + appointment.locks.len();
        let idem_item = digest.as_ref().map(|_| lock_items.end);
        let mut attempt = 0;
        loop {
            let result = self
                .client
                .transact_write_items()
                .set_transact_items(Some(items.clone()))
                // DynamoDB's own idempotency window (10 minutes) for SDK-level retries.
                .set_client_request_token(digest.as_ref().map(|d| d[..36].to_owned()))
                .send()
                .await;
            let e = match result {
                Ok(_) => return Ok(Created::New(appointment.clone())),
                Err(e) => e,
            };
            match create_refusal(&e, lock_items.clone(), idem_item) {
                CreateRefusal::SlotTaken => return Err(StoreError::SlotTaken),
                CreateRefusal::KeySeen => {
                    return self
                        .replay(digest.as_deref().unwrap_or_default(), appointment)
                        .await
                }
                CreateRefusal::Other(StoreError::Conflict) if attempt + 1 < CONFLICT_ATTEMPTS => {
                    attempt += 1;
                    back_off(attempt).await;
                }
                CreateRefusal::Other(other) => return Err(other),
            }
        }
    }

    async fn get(
        &self,
        id: AppointmentId,
        now: DateTime<Utc>,
    ) -> Result<Option<Appointment>, StoreError> {
        Ok(self.read(id).await?.filter(|a| !a.is_expired(now)))
    }

    async fn cancel(
        &self,
        appointment: &Appointment,
        at: DateTime<Utc>,
        reason: &FreeText,
    ) -> Result<Appointment, StoreError> {
        let id = appointment.id.to_string();
        let corrupt = |e: aws_sdk_dynamodb::error::BuildError| StoreError::Corrupt(e.to_string());
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(appointment_pk(&appointment.id), APPOINTMENT_SK)))
            .update_expression(
                "SET #status = :cancelled, cancelled_at = :at, cancel_reason = :reason, \
                 cancellation_pending = :true, GSI2PK = :pending, GSI2SK = :pending_sk",
            )
            .expression_attribute_values(":true", AttributeValue::Bool(true))
            .expression_attribute_values(":pending", AttributeValue::S(PENDING_MAIL.into()))
            .expression_attribute_values(
                ":pending_sk",
                AttributeValue::S(pending_sk(&AppointmentRecord::from(appointment))),
            )
            .condition_expression("#status = :booked AND token_hash = :hash")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":cancelled", AttributeValue::S(CANCELLED.into()))
            .expression_attribute_values(":booked", AttributeValue::S(BOOKED.into()))
            .expression_attribute_values(":at", AttributeValue::S(instant_text(at)))
            .expression_attribute_values(":reason", AttributeValue::S(reason.as_str().to_owned()))
            .expression_attribute_values(
                ":hash",
                AttributeValue::S(appointment.token_hash.to_hex()),
            )
            .build()
            .map_err(corrupt)?;
        let mut items = vec![TransactWriteItem::builder().update(update).build()];
        for lock in &appointment.locks {
            let delete = Delete::builder()
                .table_name(&self.table)
                .set_key(Some(key(
                    lock_pk(&lock.provider, lock.month()),
                    lock_sk(lock),
                )))
                // Never free a unit some other appointment holds.
                .condition_expression("attribute_not_exists(PK) OR appointment_id = :id")
                .expression_attribute_values(":id", AttributeValue::S(id.clone()))
                .build()
                .map_err(corrupt)?;
            items.push(TransactWriteItem::builder().delete(delete).build());
        }
        let mut attempt = 0;
        loop {
            let result = self
                .client
                .transact_write_items()
                .set_transact_items(Some(items.clone()))
                .send()
                .await;
            let e = match result {
                Ok(_) => return Ok(appointment.clone().cancelled(at, reason.clone())),
                Err(e) => e,
            };
            let mapped = match &e {
                SdkError::ServiceError(service) => match service.err() {
                    TransactWriteItemsError::TransactionCanceledException(c) => {
                        let reasons = c.cancellation_reasons();
                        match reasons
                            .iter()
                            .position(|r| r.code() == Some("ConditionalCheckFailed"))
                        {
                            Some(0) => StoreError::NotBooked,
                            Some(_) => StoreError::Corrupt(
                                "a lock of the appointment is held by another".into(),
                            ),
                            None => error::from_code(
                                reasons
                                    .iter()
                                    .filter_map(|r| r.code())
                                    .find(|c| *c != "None")
                                    .unwrap_or("TransactionCanceled"),
                            ),
                        }
                    }
                    _ => error::classify(&e),
                },
                _ => error::classify(&e),
            };
            match mapped {
                StoreError::Conflict if attempt + 1 < CONFLICT_ATTEMPTS => {
                    attempt += 1;
                    back_off(attempt).await;
                }
                other => return Err(other),
            }
        }
    }

    async fn mail_sent(&self, id: AppointmentId, kind: MailKind) -> Result<(), StoreError> {
        let field = pending_field(kind);
        let other = pending_field(match kind {
            MailKind::Confirmation => MailKind::Cancellation,
            MailKind::Cancellation => MailKind::Confirmation,
        });
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
                u.update_expression("SET #sent = :false REMOVE GSI2PK, GSI2SK")
                    .expression_attribute_names("#other", other)
                    .condition_expression(
                        "attribute_exists(PK) AND (attribute_not_exists(#other) OR #other = :false)",
                    )
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

    async fn pending_mail(&self, limit: usize) -> Result<Vec<Appointment>, StoreError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(GSI2)
            .key_condition_expression("GSI2PK = :pending")
            .expression_attribute_values(":pending", AttributeValue::S(PENDING_MAIL.into()))
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
            .condition_expression("token_hash = :old AND confirmation_pending = :true")
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

    async fn locks(
        &self,
        provider: &ProviderId,
        month: LockMonth,
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
                .projection_expression("SK")
                .consistent_read(true)
                .set_exclusive_start_key(start_key)
                .send()
                .await
                .map_err(error::from_sdk)?;
            for item in out.items() {
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
