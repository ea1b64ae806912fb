//! The ports: what the use cases need from the outside world, each as narrow as one function's
//! permissions, implemented by the adapters in `shared/store` (DynamoDB, SQLite) and
//! `shared/mail` (SES v2, outbox folder), and the clock the wiring provides.
//!
//! | port | operations | DynamoDB permissions |
//! |---|---|---|
//! | [`ConfigSource`] | the pushed configuration, and its version alone | `GetItem` |
//! | [`LockReader`] | the locks of a provider-month held now | `Query` |
//! | [`Bookings`] | store a booking atomically (with its mail's places of the address's allowance) | `TransactWriteItems` (Put, Update), `GetItem` |
//! | [`BookingRate`] | bookings lately, across every patron (the bot check's work) | `UpdateItem`, `Query` |
//! | [`MailCaps`] | a day's allowance of unasked mail per address | `UpdateItem` |
//! | [`Appointments`] | read one appointment | `GetItem` |
//! | [`Confirmations`] | book a held appointment atomically | `TransactWriteItems` (Update) |
//! | [`Cancellations`] | cancel atomically | `TransactWriteItems` (Update, Delete) |
//! | [`Reschedules`] | move a booked appointment to another time atomically | `TransactWriteItems` (Put, Delete, Update) |
//! | [`Waitlist`] | join (within its caps), confirm from the mail, leave, the confirmed entries not yet told, told once | `PutItem`, `GetItem`, `DeleteItem`, `UpdateItem`, `Query` (GSI2, GSI3) |
//! | [`Resends`] | a patron's upcoming appointments; a challenge used once; one resend per address at a time | `Query` (GSI3), `PutItem` |
//! | [`AppointmentUpdates`] | a conditioned change that moves no lock: mail sent or put off, the link, anonymising | `PutItem` |
//! | [`MailQueue`] | the mail due now or later (one sparse index by next due); fresh tokens for late confirmations | `Query` (GSI2), `UpdateItem` |
//! | [`ClosureReader`], [`ClosureWriter`] | the closures staff add | `GetItem`; `PutItem` on a version |
//! | [`Agenda`] | a provider's appointments in a range; everything about one patron | `Query` (GSI1, GSI3) |
//! | [`Outcomes`] | anonymous outcome records, written with the appointment's key; read by month; how far the count went | `TransactWriteItems` (Put, Put), `Query`, `GetItem`, `PutItem` |
//! | [`CalendarBusy`] | a provider's calendar's busy units per month (beside its locks), and how its reads went | `TransactWriteItems` (Put), `PutItem`, `GetItem` |
//! | [`Suppressions`] | addresses that bounced or complained (by patron key) | `GetItem`, `PutItem` |
//! | [`Mailer`] | send one message | SES `SendEmail` |
//! | [`CalendarFetch`] | a librarian's published calendar, from its host only | — (HTTPS) |
//! | [`Clock`] | now | — |
//! | [`Metrics`] | count what happened | — (CloudWatch's embedded metric format, in the logs) |
//!
//! Each store method is one round trip: `create`, `confirm`, `cancel` and `reschedule` are one `TransactWriteItems`
//! each, `get` one `GetItem`, `locks` one `Query` on a provider-month partition.

mod calendar;
mod clock;
mod conditions;
mod mail;
mod metrics;
mod store;
mod waitlist;

pub use calendar::{BusyMonths, CalendarBusy, CalendarFetch, CalendarFetchError, CalendarStatus};
pub use clock::Clock;
pub use mail::{Attachment, Audience, MailAbout, MailError, Mailer, OutgoingMail};
pub use metrics::{Metric, Metrics, NoMetrics};
pub use store::{
    rate_window, recent_from_windows, Agenda, AppointmentUpdates, Appointments, AuditLog,
    BookingRate, Bookings, Cancellations, ClosureReader, ClosureWriter, ConfigSource,
    Confirmations, CreateConditions, Created, IdempotencyKey, LockReader, MailCaps, MailLog,
    MailQueue, MoveConditions, Outcomes, Reschedules, Resends, StaffStore, StoreError,
    StoredConfig, Suppressions, IDEMPOTENCY_KEY_TTL_SECONDS, RATE_WINDOW_SECONDS,
};
pub use waitlist::{JoinLimits, Waitlist};
