//! The booking store adapters of rantevou, both implementing
//! [`rantevou_domain::ports::AppointmentStore`] with the same guarantees, proven by one
//! contract test suite (`tests/contract.rs`):
//!
//! - [`dynamo::DynamoStore`]: DynamoDB single table, conditional transactions (production);
//! - [`sqlite::SqliteStore`]: SQLite, one transaction and a unique lock key (embedded).

pub mod dynamo;
pub mod record;
pub mod sqlite;

pub use dynamo::DynamoStore;
pub use sqlite::SqliteStore;
