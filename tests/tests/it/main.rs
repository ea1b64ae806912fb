//! Flows across the functions, the stores and the mail, one binary: every `events/` fixture
//! in-process, provider "any", mail and its retry, hostile requests, the route table against
//! `openapi.yaml`, `template.yaml` and `events/`, SES on moto, the settings against the README,
//! and end to end through `cargo lambda watch`.

mod any_provider;
mod cancel;
mod cognito;
mod contract;
mod events;
mod export;
mod feedback;
mod lambda_watch;
mod limits;
mod mail;
mod questions;
mod robustness;
mod routes;
mod ses;
mod settings;
mod template;
