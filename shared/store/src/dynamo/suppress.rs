//! The addresses that bounced or complained: one item each (`SUPPRESS#<patron key>`), kept
//! until its TTL; a booking's transaction checks it (`deliverable_check`).

use super::error;
use super::item::{key, string_attr, suppress_pk, SUPPRESS_SK};
use super::write::corrupt;
use super::DynamoStore;
use crate::record::{suppression_from, suppression_parts};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, ConditionCheck, TransactWriteItem};
use chrono::{DateTime, Utc};
use rantevou_domain::feedback::Suppression;
use rantevou_domain::ports::{StoreError, Suppressions};

/// The state a bounce leaves on the item.
const BOUNCED: &str = "bounced";

impl DynamoStore {
    /// The condition of a booking for the address `patron_key`: not known to bounce.
    pub(super) fn deliverable_check(
        &self,
        patron_key: &str,
    ) -> Result<TransactWriteItem, StoreError> {
        let check = ConditionCheck::builder()
            .table_name(&self.table)
            .set_key(Some(key(suppress_pk(patron_key), SUPPRESS_SK)))
            .condition_expression("attribute_not_exists(PK) OR #s <> :bounced")
            .expression_attribute_names("#s", "state")
            .expression_attribute_values(":bounced", AttributeValue::S(BOUNCED.into()))
            .build()
            .map_err(corrupt)?;
        Ok(TransactWriteItem::builder().condition_check(check).build())
    }
}

#[async_trait]
impl Suppressions for DynamoStore {
    /// One `GetItem`.
    async fn suppression(&self, patron_key: &str) -> Result<Option<Suppression>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(suppress_pk(patron_key), SUPPRESS_SK)))
            .send()
            .await
            .map_err(error::from_sdk)?;
        let Some(item) = out.item else {
            return Ok(None);
        };
        let reason = item
            .get("reason")
            .and_then(|v| v.as_s().ok())
            .map(String::as_str);
        suppression_from(
            string_attr(&item, "state")?,
            string_attr(&item, "at")?,
            reason,
        )
        .map(Some)
    }

    /// One `PutItem`; a complaint's on condition that no bounce is there (a failed condition
    /// means the bounce stands, which is what a complaint would have been told).
    async fn suppress(
        &self,
        patron_key: &str,
        suppression: &Suppression,
        until: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (state, at, reason) = suppression_parts(suppression);
        let mut item = key(suppress_pk(patron_key), SUPPRESS_SK);
        item.insert("state".into(), AttributeValue::S(state.into()));
        item.insert("at".into(), AttributeValue::S(at));
        if let Some(reason) = reason {
            item.insert("reason".into(), AttributeValue::S(reason.to_owned()));
        }
        item.insert(
            "expires_at".into(),
            AttributeValue::N(until.timestamp().to_string()),
        );
        let mut put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item));
        if !suppression.bounced() {
            put = put
                .condition_expression("attribute_not_exists(PK) OR #s <> :bounced")
                .expression_attribute_names("#s", "state")
                .expression_attribute_values(":bounced", AttributeValue::S(BOUNCED.into()));
        }
        match put.send().await {
            Ok(_) => Ok(()),
            Err(e) if error::is_condition_failure(&e) => Ok(()),
            Err(e) => Err(error::from_sdk(e)),
        }
    }
}
