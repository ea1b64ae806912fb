//! What staff read and change on DynamoDB: the agenda (`Query` on GSI1, one per provider-day),
//! a patron's appointments (`Query` on GSI3), and the closures (one item, `GetItem`, and a
//! `PutItem` on condition of its version), and the audit record (`AUDIT#<subject>` items, one
//! per action, `Query` by subject; DynamoDB's TTL forgets them with the appointment's data).

use super::error::{self, is_condition_failure};
use super::item::*;
use super::DynamoStore;
use crate::record::instant_text;
use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Days, Utc};
use rantevou_domain::appointment::Appointment;
use rantevou_domain::closure::StaffClosure;
use rantevou_domain::ids::ProviderId;
use rantevou_domain::ports::{Agenda, AuditLog, ClosureReader, ClosureWriter, StoreError};
use rantevou_domain::staff::AuditEntry;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Sort key of the staff closures' item (its partition: [`CONFIG_PK`]).
const CLOSURES_SK: &str = "CLOSURES";

/// How long the closures read are used before they are read again. Every booking, move and
/// availability read checks them; read each time, they were a `GetItem` on every booking's
/// path. A closure staff add (in another instance) is honoured everywhere within this time;
/// in the instance that wrote it, at once.
pub(super) const CLOSURES_FRESH: Duration = Duration::from_secs(10);

/// The closures an instance read (or wrote) last, and when.
type Seen = Option<(Instant, Vec<StaffClosure>)>;

/// What an instance knows of the closures; clones share it.
#[derive(Debug, Default, Clone)]
pub(super) struct ClosuresSeen(Arc<Mutex<Seen>>);

impl ClosuresSeen {
    fn fresh(&self) -> Option<Vec<StaffClosure>> {
        let seen = self.0.lock().unwrap_or_else(|p| p.into_inner());
        seen.as_ref()
            .filter(|(at, _)| at.elapsed() < CLOSURES_FRESH)
            .map(|(_, list)| list.clone())
    }

    fn remember(&self, list: &[StaffClosure]) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some((Instant::now(), list.to_vec()));
    }
}

impl DynamoStore {
    /// Every appointment an index query returns, page by page.
    async fn query_all(
        &self,
        index: &str,
        condition: &str,
        values: Vec<(&str, String)>,
    ) -> Result<Vec<Appointment>, StoreError> {
        let mut out = Vec::new();
        let mut start_key = None;
        loop {
            let mut query = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(index)
                .key_condition_expression(condition)
                .set_exclusive_start_key(start_key);
            for (name, value) in &values {
                query = query.expression_attribute_values(*name, AttributeValue::S(value.clone()));
            }
            let page = query.send().await.map_err(error::from_sdk)?;
            for item in page.items.unwrap_or_default() {
                out.push(Appointment::try_from(record_from_item(item)?)?);
            }
            match page.last_evaluated_key {
                Some(k) if !k.is_empty() => start_key = Some(k),
                _ => return Ok(out),
            }
        }
    }

    /// The closures and the version of their item (0: none yet).
    async fn closures_item(&self) -> Result<(Vec<StaffClosure>, u64), StoreError> {
        let Some(item) = self.get_consistent(key(CONFIG_PK, CLOSURES_SK)).await? else {
            return Ok((Vec::new(), 0));
        };
        let corrupt = || StoreError::Corrupt("staff closures item".into());
        let list = serde_json::from_str(string_attr(&item, "closures")?).map_err(|_| corrupt())?;
        let version = item
            .get("version")
            .and_then(|v| v.as_n().ok())
            .and_then(|n| n.parse().ok())
            .ok_or_else(corrupt)?;
        Ok((list, version))
    }

    /// Changes the closures with `change` on condition that nobody else did meanwhile (read
    /// again and retried a few times); returns what `change` returned.
    async fn change_closures<T>(
        &self,
        change: impl Fn(&mut Vec<StaffClosure>) -> T,
    ) -> Result<T, StoreError> {
        for _ in 0..5 {
            let (mut list, version) = self.closures_item().await?;
            let result = change(&mut list);
            let json =
                serde_json::to_string(&list).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let mut item = key(CONFIG_PK, CLOSURES_SK);
            item.insert("closures".into(), AttributeValue::S(json));
            item.insert(
                "version".into(),
                AttributeValue::N((version + 1).to_string()),
            );
            let put = self
                .client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(item));
            let put = if version == 0 {
                put.condition_expression("attribute_not_exists(PK)")
            } else {
                put.condition_expression("version = :v")
                    .expression_attribute_values(":v", AttributeValue::N(version.to_string()))
            };
            match put.send().await {
                Ok(_) => {
                    self.closures.remember(&list);
                    return Ok(result);
                }
                Err(e) if is_condition_failure(&e) => continue,
                Err(e) => return Err(error::from_sdk(e)),
            }
        }
        Err(StoreError::Conflict)
    }
}

#[async_trait]
impl Agenda for DynamoStore {
    async fn agenda(
        &self,
        provider: &ProviderId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Appointment>, StoreError> {
        let mut out = Vec::new();
        let mut day = from.date_naive();
        while day.and_time(chrono::NaiveTime::MIN).and_utc() < to {
            let found = self
                .query_all(
                    GSI1,
                    "GSI1PK = :pk AND GSI1SK BETWEEN :from AND :to",
                    vec![
                        (":pk", format!("PROV#{provider}#{day}")),
                        (":from", instant_text(from)),
                        (":to", format!("{}#~", instant_text(to))),
                    ],
                )
                .await?;
            out.extend(
                found
                    .into_iter()
                    .filter(|a| from <= a.start && a.start < to),
            );
            day = match day.checked_add_days(Days::new(1)) {
                Some(next) => next,
                None => break,
            };
        }
        Ok(out)
    }

    async fn of_patron(&self, patron: &str) -> Result<Vec<Appointment>, StoreError> {
        self.query_all(GSI3, "GSI3PK = :pk", vec![(":pk", patron_pk(patron))])
            .await
    }
}

#[async_trait]
impl ClosureReader for DynamoStore {
    /// The closures read at most [`CLOSURES_FRESH`] ago, else one `GetItem`.
    async fn staff_closures(&self) -> Result<Vec<StaffClosure>, StoreError> {
        if let Some(list) = self.closures.fresh() {
            return Ok(list);
        }
        let list = self.closures_item().await?.0;
        self.closures.remember(&list);
        Ok(list)
    }
}

#[async_trait]
impl ClosureWriter for DynamoStore {
    async fn add_closure(&self, closure: &StaffClosure) -> Result<(), StoreError> {
        self.change_closures(|list| list.push(closure.clone()))
            .await
    }

    async fn remove_closure(&self, id: &str) -> Result<bool, StoreError> {
        self.change_closures(|list| {
            let before = list.len();
            list.retain(|c| c.id != id);
            list.len() != before
        })
        .await
    }
}

#[async_trait]
impl AuditLog for DynamoStore {
    async fn record_audit(
        &self,
        entry: &AuditEntry,
        keep_until: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(entry).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let at = entry
            .at
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        // Entries of one instant keep the order this process wrote them in (a counter), and
        // differ by what they say (a digest) if two processes wrote in the same millisecond.
        static WRITTEN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = WRITTEN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let digest = <sha2::Sha256 as sha2::Digest>::digest(json.as_bytes());
        let tag: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
        let sk = format!("{at}#{n:012}#{tag}");
        let mut item = key(format!("AUDIT#{}", entry.subject), sk);
        item.insert("entry".into(), AttributeValue::S(json));
        item.insert(
            "expires_at".into(),
            AttributeValue::N(keep_until.timestamp().to_string()),
        );
        self.put(item).await
    }

    async fn audit_of(&self, subject: &str) -> Result<Vec<AuditEntry>, StoreError> {
        let mut out = Vec::new();
        let mut start_key = None;
        loop {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("PK = :pk")
                .expression_attribute_values(":pk", AttributeValue::S(format!("AUDIT#{subject}")))
                .consistent_read(true)
                .set_exclusive_start_key(start_key)
                .send()
                .await
                .map_err(error::from_sdk)?;
            for item in page.items.unwrap_or_default() {
                let entry = serde_json::from_str(string_attr(&item, "entry")?)
                    .map_err(|_| StoreError::Corrupt("audit entry".into()))?;
                out.push(entry);
            }
            match page.last_evaluated_key {
                Some(k) if !k.is_empty() => start_key = Some(k),
                _ => return Ok(out),
            }
        }
    }
}
