//! The pure domain of rantevou: the rules of booking a consultation with a librarian.
//!
//! No AWS, no HTTP, no SQL, no clock, no I/O: time (`now`) and randomness are passed in (the
//! crate is built without chrono's `clock` feature, and clippy refuses `Utc::now` here).
//! One file per concept:
//!
//! | module | concept |
//! |---|---|
//! | [`config`] | the library's configuration (`infra/library.toml`), loaded and validated |
//! | [`service`], [`provider`], [`working_plan`], [`closure`], [`policy`] | what it is made of |
//! | [`availability`] | which slots are free |
//! | [`slot_lock`] | the units of time an appointment holds; the double-booking guard |
//! | [`appointment`] | an appointment and its lifecycle `booked → cancelled` |
//! | [`patron`] | the patron's input, parsed into types that only hold valid values |
//! | [`question`] | the questions a service asks at booking, and the answers checked |
//! | [`challenge`] | the bot check: a proof of work (ALTCHA) the server signs and verifies |
//! | [`statistics`] | the anonymous outcome records that outlive the appointments, and their report |
//! | [`mail_cap`] | how much unasked mail one address may be sent a day |
//! | [`feedback`] | what the mail service says of a message after it went (bounces, complaints) |
//! | [`staff`] | who staff are, the providers they may reach, the audit record |
//! | [`token`] | manage tokens for the cancel link, derived under rotating keys |
//! | [`ids`], [`language`] | identifiers and languages |
//! | [`ports`] | the traits the store and mail adapters implement, and the clock |

pub mod appointment;
pub mod availability;
pub mod challenge;
pub mod closure;
pub mod config;
pub mod feedback;
pub mod field;
pub mod ids;
pub mod language;
pub mod mail_cap;
pub mod patron;
pub mod policy;
pub mod ports;
pub mod provider;
pub mod question;
pub mod service;
pub mod slot_lock;
pub mod staff;
pub mod statistics;
pub mod token;
pub mod waitlist;
pub mod working_plan;

pub use appointment::{
    Appointment, BookingRequest, CancelDecision, Canceller, ConfirmDecision, Consent, Delivery,
    DeliveryOutcome, MeetingLink, NotConfirmable, PatronLimit, PatronPlace, Status, TooLate,
};
pub use availability::{
    availability, check_slot, AvailabilityQuery, DayAvailability, OfferedSlot, ProviderChoice, Slot,
};
pub use config::{ConfigError, LibraryConfig};
pub use ids::{AppointmentId, ProviderId, ServiceId};
pub use language::{Language, Localized};
pub use slot_lock::{BookedLocks, LockMonth, SlotLock};
pub use token::{ManageKey, ManageKeys, ManageToken, TokenHash};
