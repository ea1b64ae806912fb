//! The production store: one DynamoDB table, conditional transactions.
//!
//! | port | operation | requests |
//! |---|---|---|
//! | `Bookings` | create | one `TransactWriteItems`: the appointment + every lock (+ the idempotency key), each `attribute_not_exists(PK)` |
//! | `Cancellations` | cancel | one `TransactWriteItems`: `booked → cancelled` conditioned on status and token hash, + delete its locks |
//! | `Appointments` | get | one `GetItem` |
//! | `LockReader` | locks | one `Query` per provider-month partition |
//! | `Confirmations` | confirm a hold | one `TransactWriteItems`: `held → booked` conditioned on status, token hash and the hold's end, + each lock's hold mark removed (still its own) |
//! | `AppointmentUpdates`, `MailQueue` | a change on the version read (mail sent, the link), mail due, fresh token | one conditioned `PutItem`, one `Query` on GSI2, one `UpdateItem` |
//! | `Resends` | a patron's appointments, a challenge used, a resend mark | one `Query` on GSI3, one conditional `PutItem` each |
//! | `ConfigSource` | the pushed configuration; its version alone | one `GetItem`; one `GetItem` of one attribute |
//! | `Agenda` | a provider's range; one patron's appointments | one `Query` on GSI1 per provider-day; `Query` on GSI3 |
//! | `ClosureReader`, `ClosureWriter` | the staff closures | one `GetItem` at most every 10 s per instance (`CLOSURES_FRESH`); a `PutItem` on the item's version |
//! | `CalendarBusy` | a provider's calendar's busy units, and its reads' status | one `TransactWriteItems` of a `Put` per month (in the lock partition, sort key `CALENDAR`) and the status; one `UpdateItem` on a failure; one `GetItem` |
//! | `Suppressions` | an address that bounced or complained | one `GetItem`; one `PutItem` (a complaint's on condition no bounce is there) |
//!
//! A lock's failed condition cancels the whole transaction, so nothing partial is ever written.
//! `write.rs` builds the create (and every item index named) and runs transactions with the one
//! conflict-retry loop, `lifecycle.rs` the confirm and the cancel; `error.rs` decodes refusals; `read.rs`, `mail.rs` and `staff.rs` the rest.

mod calendar;
mod caps;
pub mod error;
pub mod item;
mod lifecycle;
mod mail;
mod outcomes;
mod read;
pub mod request_counter;
mod reschedule;
mod resend;
mod staff;
mod suppress;
pub mod table;
mod waitlist;
mod write;

use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use item::{key, string_attr, CONFIG_PK, CONFIG_SK};
use rantevou_domain::ports::{ConfigSource, StoreError, StoredConfig};

/// The DynamoDB booking store.
#[derive(Clone, Debug)]
pub struct DynamoStore {
    client: Client,
    table: String,
    /// The staff closures as last read, and when (shared by clones; see `staff.rs`).
    closures: staff::ClosuresSeen,
}

impl DynamoStore {
    /// A store over `table` with an SDK client built by the wiring (once per Lambda).
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        DynamoStore {
            client,
            table: table.into(),
            closures: staff::ClosuresSeen::default(),
        }
    }

    /// The SDK client (for tests and staff tools).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The table name.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// Saves the library configuration (validated by the caller: `rantevou config push`) with
    /// its version beside it; answers the version.
    pub async fn save_config(&self, source: &str) -> Result<String, StoreError> {
        let version = crate::config_version(source);
        let mut item = key(CONFIG_PK, CONFIG_SK);
        item.insert("source".into(), AttributeValue::S(source.to_owned()));
        item.insert("version".into(), AttributeValue::S(version.clone()));
        self.put(item).await?;
        Ok(version)
    }

    /// The item under `key`, read consistently (after every write that was answered), if any.
    pub(crate) async fn get_consistent(
        &self,
        key: item::Item,
    ) -> Result<Option<item::Item>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key))
            .consistent_read(true)
            .send()
            .await
            .map_err(error::from_sdk)?;
        Ok(out.item)
    }

    /// Writes `item` whatever was there (no condition).
    pub(crate) async fn put(&self, item: item::Item) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(error::from_sdk)?;
        Ok(())
    }
}

#[async_trait]
impl ConfigSource for DynamoStore {
    /// One `GetItem`; the wiring calls it at a cold start and when the version changed.
    async fn load_config(&self) -> Result<Option<StoredConfig>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(CONFIG_PK, CONFIG_SK)))
            .send()
            .await
            .map_err(error::from_sdk)?;
        out.item
            .map(|i| {
                let source = string_attr(&i, "source")?.to_owned();
                // Pushed before versions were stored: its digest is its version.
                let version = match i.get("version").and_then(|v| v.as_s().ok()) {
                    Some(v) => v.clone(),
                    None => crate::config_version(&source),
                };
                Ok(StoredConfig { source, version })
            })
            .transpose()
    }

    /// One `GetItem` of the `version` attribute alone (a few bytes: half a read unit,
    /// eventually consistent); an item pushed before versions were stored is read whole.
    async fn config_version(&self) -> Result<Option<String>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(CONFIG_PK, CONFIG_SK)))
            .projection_expression("#v")
            .expression_attribute_names("#v", "version")
            .send()
            .await
            .map_err(error::from_sdk)?;
        match out.item {
            None => Ok(None),
            Some(i) => match i.get("version").and_then(|v| v.as_s().ok()) {
                Some(v) => Ok(Some(v.clone())),
                None => Ok(self.load_config().await?.map(|c| c.version)),
            },
        }
    }
}
