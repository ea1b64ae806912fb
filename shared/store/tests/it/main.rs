//! The store's integration tests, one binary: the contract both adapters keep, concurrency,
//! round trips per operation, and faults. The DynamoDB half runs against the local endpoint
//! (`infra/bin/moto exec`), and skips with one line without it.

mod concurrency;
mod config;
#[macro_use]
mod contract;
mod contract_calendar;
mod contract_caps;
mod contract_move;
mod contract_outcomes;
mod contract_staff;
mod contract_suppress;
mod contract_waitlist;
mod faults;
mod migration;
mod purge;
mod round_trips;
mod support;
