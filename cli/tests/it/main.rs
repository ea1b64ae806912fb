//! `rantevou serve` as a newcomer runs it: the HTTP API, the outbox, a stampede, a restart;
//! and the booking site's browser tests in Chromium against it. One binary.

mod attack;
mod browser;
mod crash;
mod deployed;
mod hardening;
mod import_ea;
mod serve;
mod staff;
mod support;
