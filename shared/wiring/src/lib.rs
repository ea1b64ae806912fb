//! The composition root: the one place that reads the environment ([`settings`]) and the
//! clock ([`clock`]), builds the adapters once, and hands each use case only the ports it
//! needs ([`Wiring`]). Two starts use it: a Lambda ([`lambda`]: DynamoDB and SES, the library
//! configuration from the table, failing closed without one) and the local service
//! ([`local`]: SQLite and an outbox folder, for `rantevou serve` and the tests); both read a
//! configuration file and name the sender the same way ([`library`]).
//!
//! Below this crate nothing reads the environment or the clock: clippy's
//! `disallowed-methods` (see `clippy.toml`) refuses `std::env::var` and `Utc::now` elsewhere.
//!
//! Each start is behind its feature (`aws`, `local`), so a Lambda carries no SQLite and no
//! outbox, and `rantevou` both.

#[cfg(feature = "calendars")]
pub mod calendar_fetch;
pub mod clock;
#[cfg(feature = "aws")]
pub mod emf;
#[cfg(feature = "aws")]
pub mod in_force;
pub mod keys;
#[cfg(feature = "aws")]
pub mod lambda;
pub mod library;
#[cfg(feature = "local")]
pub mod local;
pub mod logging;
#[cfg(feature = "http")]
pub mod origin;
pub mod settings;
mod wiring;

pub use settings::{Settings, SettingsError};
pub use wiring::{NoKeys, Wiring};
