//! Replaces the bot-check solutions the `events/` fixtures carry with fresh ones, issued and
//! signed under the tests' keys as the server issues them today (the sample's base work,
//! expiring in 2030), each solved. Run it when the challenge's format changes:
//!
//! `cargo run -p rantevou-tests --example sign-fixtures -- events/*.json`

#![allow(clippy::disallowed_methods)] // a command-line tool: it reads files

use chrono::DateTime;
use rantevou_domain::challenge;
use std::process::ExitCode;

/// The work each fixture's solution claims: the sample library's base work.
const MAX: u64 = 50_000;
/// 1 January 2030: the fixtures' challenges never expire in a test's lifetime.
const EXPIRES: i64 = 1_893_456_000;

/// A fresh solution, signed with `keys`, expiring in 2030.
fn fresh(keys: &rantevou_domain::ManageKeys) -> Option<String> {
    let issued = DateTime::from_timestamp(EXPIRES - challenge::LIFETIME_MINUTES * 60, 0)?;
    let c = challenge::issue(keys, MAX, issued, &mut rand::rngs::OsRng);
    challenge::solve(&c)
}

fn main() -> ExitCode {
    let keys = rantevou_testkit::keys();
    let mut status = ExitCode::SUCCESS;
    for path in std::env::args().skip(1) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!("{path}: not readable");
            status = ExitCode::FAILURE;
            continue;
        };
        // The payload is base64 in the body's JSON: replaced as text, the file kept as it is.
        let Some(old) = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|event| event["body"].as_str().map(str::to_owned))
            .and_then(|body| serde_json::from_str::<serde_json::Value>(&body).ok())
            .and_then(|body| body["challenge"].as_str().map(str::to_owned))
        else {
            continue;
        };
        let Some(new) = fresh(&keys) else {
            eprintln!("{path}: no solution");
            status = ExitCode::FAILURE;
            continue;
        };
        let out = text.replace(&old, &new);
        if std::fs::write(&path, out).is_err() {
            eprintln!("{path}: not written");
            status = ExitCode::FAILURE;
        } else {
            println!("{path}: signed");
        }
    }
    status
}
