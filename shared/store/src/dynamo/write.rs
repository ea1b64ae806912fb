//! The create transaction, the items of every transaction in a known order, and the one way
//! to run a transaction (confirm and cancel build theirs in `lifecycle.rs`).
//!
//! A create is `[appointment, lock…, idempotency key?, patron place?, challenge?, address
//! check?, mail allowance?, calendar check…]`; a confirm
//! and a cancel are `[appointment, lock…, patron place?]`. The layouts name those indexes, and a refusal's
//! failed conditions are read against them.

use super::error::{self, Refusal};
use super::item::*;
use super::DynamoStore;
use crate::record::{
    key_digest, place_free_before, place_value, request_fingerprint, AppointmentRecord,
};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};
use chrono::{DateTime, Utc};
use rantevou_domain::appointment::{Appointment, PatronLimit, PatronPlace};
use rantevou_domain::challenge::SolvedChallenge;
use rantevou_domain::ports::{
    Bookings, CreateConditions, Created, StoreError, IDEMPOTENCY_KEY_TTL_SECONDS,
};
use rantevou_domain::{AppointmentId, SlotLock};
use std::ops::Range;
use std::time::Duration;

/// Attempts of a transaction that another one conflicted with (nothing was written).
const CONFLICT_ATTEMPTS: u32 = 3;

/// Every transaction's first item is the appointment.
pub(super) const APPOINTMENT_ITEM: usize = 0;

/// The items of a transaction about one appointment and its locks.
pub(super) struct Layout {
    pub(super) items: Vec<TransactWriteItem>,
    /// Indexes of the lock items.
    pub(super) locks: Range<usize>,
    /// Index of the idempotency item, if any.
    idempotency: Option<usize>,
    /// Index of the patron's place, if any.
    pub(super) patron: Option<usize>,
    /// Index of the used challenge, if any.
    pub(super) challenge: Option<usize>,
    /// Index of the check that the address is not known to bounce, if any.
    deliverable: Option<usize>,
    /// Index of the mail's places of the address's allowance, if any.
    pub(super) mail_cap: Option<usize>,
    /// Indexes of the checks that the provider's calendar is free on the locks.
    pub(super) calendar: Range<usize>,
}

impl Layout {
    /// The appointment's item, then one per lock made by `lock_item`.
    pub(super) fn new(
        appointment_item: TransactWriteItem,
        locks: impl IntoIterator<Item = Result<TransactWriteItem, StoreError>>,
    ) -> Result<Layout, StoreError> {
        let mut items = vec![appointment_item];
        for lock in locks {
            items.push(lock?);
        }
        let locks = APPOINTMENT_ITEM + 1..items.len();
        Ok(Layout {
            items,
            locks,
            idempotency: None,
            patron: None,
            challenge: None,
            deliverable: None,
            mail_cap: None,
            calendar: 0..0,
        })
    }

    fn with_idempotency(mut self, item: TransactWriteItem) -> Layout {
        self.idempotency = Some(self.items.len());
        self.items.push(item);
        self
    }

    pub(super) fn with_patron(mut self, item: Option<TransactWriteItem>) -> Layout {
        if let Some(item) = item {
            self.patron = Some(self.items.len());
            self.items.push(item);
        }
        self
    }

    pub(super) fn with_mail_cap(mut self, item: Option<TransactWriteItem>) -> Layout {
        if let Some(item) = item {
            self.mail_cap = Some(self.items.len());
            self.items.push(item);
        }
        self
    }

    pub(super) fn with_challenge(mut self, item: Option<TransactWriteItem>) -> Layout {
        if let Some(item) = item {
            self.challenge = Some(self.items.len());
            self.items.push(item);
        }
        self
    }

    /// The calendar's checks (see [`DynamoStore::calendar_checks`]), last.
    pub(super) fn with_calendar(mut self, items: Vec<TransactWriteItem>) -> Layout {
        let first = self.items.len();
        self.items.extend(items);
        self.calendar = first..self.items.len();
        self
    }

    fn with_deliverable(mut self, item: Option<TransactWriteItem>) -> Layout {
        if let Some(item) = item {
            self.deliverable = Some(self.items.len());
            self.items.push(item);
        }
        self
    }
}

pub(super) fn corrupt(e: aws_sdk_dynamodb::error::BuildError) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

impl DynamoStore {
    /// Runs a transaction; one that another transaction conflicted with (so wrote nothing) is
    /// tried again, up to [`CONFLICT_ATTEMPTS`] times.
    pub(super) async fn transact(
        &self,
        items: &[TransactWriteItem],
        token: Option<&str>,
    ) -> Result<(), Refusal> {
        let mut attempt = 0;
        loop {
            let result = self
                .client
                .transact_write_items()
                .set_transact_items(Some(items.to_vec()))
                .set_client_request_token(token.map(str::to_owned))
                .send()
                .await;
            match result.map_err(|e| error::refusal(&e)) {
                Ok(_) => return Ok(()),
                Err(Refusal::Failed(StoreError::Conflict)) if attempt + 1 < CONFLICT_ATTEMPTS => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(15 << attempt)).await;
                }
                Err(refusal) => return Err(refusal),
            }
        }
    }

    fn put_new(&self, item: Item) -> Result<TransactWriteItem, StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(PK)")
            .build()
            .map_err(corrupt)?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    fn create_layout(
        &self,
        appointment: &Appointment,
        key_digest: Option<&str>,
    ) -> Result<Layout, StoreError> {
        let record = AppointmentRecord::from(appointment);
        let locks = appointment
            .locks
            .iter()
            .map(|lock| self.take_lock(appointment, lock, appointment.created_at));
        let layout = Layout::new(
            self.put_new(appointment_item(&record, &appointment.id)?)?,
            locks,
        )?;
        let Some(digest) = key_digest else {
            return Ok(layout);
        };
        let mut item = key(idempotency_pk(digest), IDEMPOTENCY_SK);
        item.insert(
            "appointment_id".into(),
            AttributeValue::S(record.id.clone()),
        );
        item.insert(
            "fingerprint".into(),
            AttributeValue::S(request_fingerprint(appointment)),
        );
        let now = appointment.created_at.timestamp();
        item.insert(
            "expires_at".into(),
            AttributeValue::N((now + IDEMPOTENCY_KEY_TTL_SECONDS).to_string()),
        );
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            // An expired key (not yet swept by TTL) may be used again.
            .condition_expression("attribute_not_exists(PK) OR expires_at < :now")
            .expression_attribute_values(":now", AttributeValue::N(now.to_string()))
            .build()
            .map_err(corrupt)?;
        Ok(layout.with_idempotency(TransactWriteItem::builder().put(put).build()))
    }

    /// Taking `lock` for `a` at `at`: it must be free, or held by a hold that lapsed by then.
    pub(super) fn take_lock(
        &self,
        a: &Appointment,
        lock: &SlotLock,
        at: DateTime<Utc>,
    ) -> Result<TransactWriteItem, StoreError> {
        let mut item = key(lock_pk(&lock.provider, lock.month()), lock_sk(lock));
        item.insert("appointment_id".into(), AttributeValue::S(a.id.to_string()));
        // Past locks matter to no one: TTL removes them after the appointment ends.
        item.insert(
            "expires_at".into(),
            AttributeValue::N(a.end.timestamp().to_string()),
        );
        if let Some(until) = a.hold_until() {
            item.insert(
                HELD_UNTIL.into(),
                AttributeValue::N(until.timestamp().to_string()),
            );
        }
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(PK) OR held_until <= :now")
            .expression_attribute_values(":now", AttributeValue::N(at.timestamp().to_string()))
            .build()
            .map_err(corrupt)?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// Marking the bot check's challenge used: it must be new.
    pub(super) fn use_challenge(
        &self,
        c: &SolvedChallenge,
    ) -> Result<TransactWriteItem, StoreError> {
        let mut item = key(challenge_pk(&c.challenge), CHALLENGE_SK);
        // Remembered until it expires; then it is refused as expired anyway.
        item.insert(
            "expires_at".into(),
            AttributeValue::N(c.expires.timestamp().to_string()),
        );
        self.put_new(item)
    }

    /// Taking the patron's place `index` for `a`: free when unused or when the appointment
    /// holding it has started (or its hold lapsed).
    fn take_place(
        &self,
        a: &Appointment,
        place: &PatronPlace,
        limit: &PatronLimit,
    ) -> Result<TransactWriteItem, StoreError> {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(patron_pk(&place.key), PATRON_SK)))
            .update_expression("SET #p = :mine, expires_at = :keep")
            .condition_expression("attribute_not_exists(#p) OR #p < :free")
            .expression_attribute_names("#p", format!("p{}", place.index))
            .expression_attribute_values(":mine", AttributeValue::S(place_value(a)))
            .expression_attribute_values(
                ":free",
                AttributeValue::S(place_free_before(a.created_at)),
            )
            .expression_attribute_values(
                ":keep",
                AttributeValue::N(limit.keep_until.timestamp().to_string()),
            )
            .build()
            .map_err(corrupt)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// Giving `a`'s place back, if it holds one still active at `at` (once started, or its
    /// hold lapsed, the place is free by itself and may already be someone else's); or, with
    /// `then`, keeping it for `then` (a confirmed hold keeps its place until it starts).
    pub(super) fn move_place(
        &self,
        a: &Appointment,
        at: DateTime<Utc>,
        then: Option<&Appointment>,
    ) -> Result<Option<TransactWriteItem>, StoreError> {
        let Some(place) = a.patron_place.as_ref().filter(|_| at < a.active_until()) else {
            return Ok(None);
        };
        let builder = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(patron_pk(&place.key), PATRON_SK)))
            .condition_expression("#p = :mine")
            .expression_attribute_names("#p", format!("p{}", place.index))
            .expression_attribute_values(":mine", AttributeValue::S(place_value(a)));
        let builder = match then {
            None => builder.update_expression("REMOVE #p"),
            Some(then) => builder
                .update_expression("SET #p = :then")
                .expression_attribute_values(":then", AttributeValue::S(place_value(then))),
        };
        let update = builder.build().map_err(corrupt)?;
        Ok(Some(TransactWriteItem::builder().update(update).build()))
    }

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
}

#[async_trait]
impl Bookings for DynamoStore {
    async fn create(
        &self,
        appointment: &Appointment,
        conditions: &CreateConditions<'_>,
    ) -> Result<Created, StoreError> {
        let limit = conditions.patron;
        let digest = conditions.idempotency_key.map(|k| key_digest(k.as_str()));
        // One attempt per place of the patron's, until one is free; one in all without a limit.
        let places = limit.map_or(1, |l| l.max.max(1));
        for index in 0..places {
            let mut a = appointment.clone();
            a.patron_place = limit.map(|l| PatronPlace {
                key: l.key.clone(),
                index,
            });
            if let Some(l) = limit {
                a.patron_key.get_or_insert_with(|| l.key.clone());
            }
            let place = match (&a.patron_place, limit) {
                (Some(place), Some(limit)) => Some(self.take_place(&a, place, limit)?),
                _ => None,
            };
            let challenge = conditions
                .challenge
                .map(|c| self.use_challenge(c))
                .transpose()?;
            let deliverable = conditions
                .deliverable
                .map(|key| self.deliverable_check(key))
                .transpose()?;
            let mail_cap = conditions
                .mail_cap
                .map(|cap| self.take_mail_cap(cap))
                .transpose()?;
            let calendar = if conditions.calendar {
                self.calendar_checks(&a.locks)?
            } else {
                Vec::new()
            };
            let layout = self
                .create_layout(&a, digest.as_deref())?
                .with_patron(place)
                .with_challenge(challenge)
                .with_deliverable(deliverable)
                .with_mail_cap(mail_cap)
                .with_calendar(calendar);
            // DynamoDB's own idempotency window (10 minutes) for SDK-level retries; each
            // place's attempt is another request.
            let token = digest.as_ref().map(|d| format!("{}-{index}", &d[..32]));
            match self.transact(&layout.items, token.as_deref()).await {
                Ok(()) => return Ok(Created::New(a)),
                Err(Refusal::Conditions(failed)) => {
                    if layout.idempotency.is_some_and(|i| failed.contains(&i)) {
                        return self
                            .replay(digest.as_deref().unwrap_or_default(), appointment)
                            .await;
                    }
                    // A held lock, or the provider's calendar busy on one.
                    if failed
                        .iter()
                        .any(|i| layout.locks.contains(i) || layout.calendar.contains(i))
                    {
                        return Err(StoreError::SlotTaken);
                    }
                    if layout.challenge.is_some_and(|i| failed.contains(&i)) {
                        return Err(StoreError::ChallengeUsed);
                    }
                    if layout.deliverable.is_some_and(|i| failed.contains(&i)) {
                        return Err(StoreError::Undeliverable);
                    }
                    if layout.mail_cap.is_some_and(|i| failed.contains(&i)) {
                        return Err(StoreError::MailCapped);
                    }
                    if layout.patron.is_some_and(|i| failed.contains(&i)) {
                        // That place is someone's upcoming appointment: try the next.
                        continue;
                    }
                    // Only the appointment's own key clashed: a reused id, as unlikely as a
                    // conflict and as safe to try again.
                    return Err(StoreError::Conflict);
                }
                Err(Refusal::TokenReused) if digest.is_some() => {
                    return self
                        .replay(digest.as_deref().unwrap_or_default(), appointment)
                        .await
                }
                Err(Refusal::TokenReused) => {
                    return Err(StoreError::Unavailable(
                        "dynamodb: IdempotentParameterMismatchException".into(),
                    ))
                }
                Err(Refusal::Failed(e)) => return Err(e),
            }
        }
        Err(StoreError::PatronLimit)
    }
}
