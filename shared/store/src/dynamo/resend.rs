//! The resend of a patron's links: their appointments by the patron index (GSI3), the bot
//! check's challenge used once and the resend mark, each a conditional `PutItem`.

use super::error::{self, is_condition_failure};
use super::item::*;
use super::DynamoStore;
use crate::record::instant_text;
use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};
use rantevou_domain::appointment::Appointment;
use rantevou_domain::challenge::SolvedChallenge;
use rantevou_domain::ports::{Resends, StoreError};

/// The most appointments one resend reads (a patron holds a few; this bounds the work).
const PAGE: i32 = 50;

impl DynamoStore {
    /// Puts `item` on condition that it is new, or that its `expires_at` has passed at `now`;
    /// `false` when the condition failed.
    async fn put_unless_live(&self, item: Item, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(PK) OR expires_at <= :now")
            .expression_attribute_values(":now", AttributeValue::N(now.timestamp().to_string()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if is_condition_failure(&e) => Ok(false),
            Err(e) => Err(error::from_sdk(e)),
        }
    }
}

#[async_trait]
impl Resends for DynamoStore {
    async fn upcoming_of(
        &self,
        patron: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<Appointment>, StoreError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(GSI3)
            .key_condition_expression("GSI3PK = :pk AND GSI3SK > :now")
            .expression_attribute_values(":pk", AttributeValue::S(patron_pk(patron)))
            .expression_attribute_values(":now", AttributeValue::S(instant_text(now)))
            .limit(PAGE)
            .send()
            .await
            .map_err(error::from_sdk)?;
        out.items
            .unwrap_or_default()
            .into_iter()
            .map(|item| Appointment::try_from(record_from_item(item)?))
            .filter(|a| a.as_ref().map_or(true, |a| !a.is_expired(now)))
            .collect()
    }

    async fn use_challenge(&self, c: &SolvedChallenge) -> Result<(), StoreError> {
        let mut item = key(challenge_pk(&c.challenge), CHALLENGE_SK);
        item.insert(
            "expires_at".into(),
            AttributeValue::N(c.expires.timestamp().to_string()),
        );
        // Remembered until it expires; then it is refused as expired anyway.
        match self.put_unless_live(item, DateTime::<Utc>::MIN_UTC).await? {
            true => Ok(()),
            false => Err(StoreError::ChallengeUsed),
        }
    }

    async fn resend_allowed(
        &self,
        patron: &str,
        until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut item = key(resend_pk(patron), RESEND_SK);
        item.insert(
            "expires_at".into(),
            AttributeValue::N(until.timestamp().to_string()),
        );
        self.put_unless_live(item, now).await
    }
}
