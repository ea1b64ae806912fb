//! The domain's integration tests, one binary: the availability rules (examples and
//! properties), the configuration loader, and the appointment's lifecycle.

mod appointment;
mod availability;
mod config;
mod properties;
mod support;
