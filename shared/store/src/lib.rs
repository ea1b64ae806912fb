//! The booking store adapters of rantevou, both implementing every store port of
//! [`rantevou_domain::ports`] with the same guarantees, proven by one contract test suite
//! (`tests/it/contract.rs`):
//!
//! - [`dynamo::DynamoStore`]: DynamoDB single table, conditional transactions (production);
//! - [`sqlite::SqliteStore`]: SQLite, one transaction and a unique lock key (embedded).

pub mod dynamo;
pub mod record;
pub mod sqlite;
pub mod wait_record;

pub use dynamo::DynamoStore;
pub use sqlite::SqliteStore;

use rantevou_domain::ports::{
    Agenda, AppointmentUpdates, Appointments, Bookings, Cancellations, ClosureWriter, ConfigSource,
    Confirmations, LockReader, MailLog, MailQueue, Reschedules, Resends, StaffStore, Waitlist,
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
    + Waitlist
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
        + Waitlist
{
}
