//! The booking store adapters of rantevou, both implementing every store port of
//! [`rantevou_domain::ports`] with the same guarantees, proven by one contract test suite
//! (`tests/it/contract.rs`):
//!
//! - [`dynamo::DynamoStore`]: DynamoDB single table, conditional transactions (production;
//!   feature `dynamo`);
//! - [`sqlite::SqliteStore`]: SQLite, one transaction and a unique lock key (embedded; feature
//!   `sqlite`).
//!
//! Each adapter is behind its feature so that a Lambda carries no SQLite and `rantevou serve`
//! no more than it uses.

#[cfg(feature = "dynamo")]
pub mod dynamo;
pub mod keys;
pub mod record;
#[cfg(feature = "sqlite")]
pub mod sqlite;
pub mod wait_record;

#[cfg(feature = "dynamo")]
pub use dynamo::DynamoStore;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;

/// The version of a configuration's source: the first 16 hex digits of its SHA-256. Stored
/// beside the source when it is pushed, so that a warm function can see a new one with a read
/// of a few bytes (`ConfigSource::config_version`).
pub fn config_version(source: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(source.as_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

use rantevou_domain::ports::{
    Agenda, AppointmentUpdates, Appointments, Bookings, CalendarBusy, Cancellations, ClosureWriter,
    ConfigSource, Confirmations, LockReader, MailLog, MailQueue, Reschedules, Resends, StaffStore,
    Suppressions, Waitlist,
};

/// Every store port at once: what an adapter implements, and what the wiring and the contract
/// tests hold. A use case is given only the ports it needs.
pub trait Store:
    ConfigSource
    + LockReader
    + Bookings
    + Appointments
    + Confirmations
    + Cancellations
    + Reschedules
    + AppointmentUpdates
    + MailLog
    + MailQueue
    + Resends
    + Agenda
    + ClosureWriter
    + StaffStore
    + Suppressions
    + Waitlist
    + CalendarBusy
{
}

impl<T> Store for T where
    T: ConfigSource
        + LockReader
        + Bookings
        + Appointments
        + Confirmations
        + Cancellations
        + Reschedules
        + AppointmentUpdates
        + MailLog
        + MailQueue
        + Resends
        + Agenda
        + ClosureWriter
        + StaffStore
        + Suppressions
        + Waitlist
        + CalendarBusy
{
}
