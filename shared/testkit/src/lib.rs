//! Fixtures shared by every test tier of rantevou: the sample configuration (the one place the
//! tests read `infra/library.toml`), a valid patron, an appointment at a given time, the
//! fixtures' clock, an HTTP client for tests that talk to a running server, and the local
//! DynamoDB endpoint (moto) when `infra/bin/moto exec` provides one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::disallowed_methods)]

pub mod http;

use chrono::{DateTime, Duration, TimeZone, Utc};
use rand::rngs::OsRng;
use rantevou_domain::appointment::{Appointment, BookingRequest};
use rantevou_domain::patron::{parse_patron_input, PatronDetails, PatronInput};
use rantevou_domain::slot_lock::locks_for;
use rantevou_domain::{Language, LibraryConfig, ManageToken, OfferedSlot};
use std::path::{Path, PathBuf};

/// The sample configuration's source: myLIBRARYlive as `infra/library.toml` describes it.
pub const SAMPLE_TOML: &str = include_str!("../../../infra/library.toml");

/// The `[library]` table of the tests' own small configurations (in Athens, Greek first): the
/// services, providers and policy follow it.
pub const TEST_LIBRARY: &str = r#"
[library]
name = { el = "Β", en = "L" }
email = "lib@example.org"
site_url = "https://book.example.org"
timezone = "Europe/Athens"
languages = ["el", "en"]
terms_url = "https://example.org/terms"
privacy_url = "https://example.org/privacy"
"#;

/// The sample configuration, parsed.
pub fn sample_config() -> LibraryConfig {
    LibraryConfig::from_toml_str(SAMPLE_TOML).expect("infra/library.toml is valid")
}

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The instant the `events/` fixtures are written for: Saturday 28 November 2026, 12:00 in
/// Athens.
pub fn fixture_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 10, 0, 0).unwrap()
}

/// What `who` types into the booking form: name, `<who>@example.org`, a phone, a topic, Greek,
/// both consents.
pub fn patron_input(who: &str) -> PatronInput {
    PatronInput {
        name: Some(who.into()),
        email: Some(format!("{}@example.org", ascii_slug(who))),
        phone: Some("6900000000".into()),
        notes: Some("Αναζήτηση άρθρων".into()),
        language: Some("el".into()),
        accept_terms: Some(true),
        accept_privacy: Some(true),
    }
}

/// `who` parsed as the form would be.
pub fn patron(who: &str) -> PatronDetails {
    parse_patron_input(&patron_input(who), Default::default(), Language::El).unwrap()
}

/// A lower-case ASCII local part for `who` (Greek names become `p<hash>`).
fn ascii_slug(who: &str) -> String {
    let slug: String = who
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if slug.is_empty() {
        let sum: u32 = who.chars().map(u32::from).sum();
        format!("p{sum}")
    } else {
        slug
    }
}

/// A booked appointment (not stored) of `who` for `service` with `provider` at `start`, made a
/// day before. The slot is taken as given: the stores do not check the schedule.
pub fn appointment(
    config: &LibraryConfig,
    service: &str,
    provider: &str,
    start: DateTime<Utc>,
    who: &str,
) -> (Appointment, ManageToken) {
    let service = config.service(service).unwrap();
    let provider = config.provider(provider).unwrap();
    let slot = OfferedSlot {
        service,
        provider,
        start,
        locks: locks_for(provider, start, service.occupied()),
    };
    let request = BookingRequest {
        slot,
        patron: patron(who),
    };
    Appointment::book(
        request,
        &config.policy,
        start - Duration::days(1),
        &mut OsRng,
    )
}

/// The local DynamoDB/SES endpoint started by `infra/bin/moto exec` (`infra/bin/test` runs
/// every test that way). Without it, tests that need it print one line and pass by skipping:
/// plain `cargo test` works on a machine with no moto.
pub fn moto_url() -> Option<String> {
    let url = std::env::var("RANTEVOU_MOTO_URL").ok();
    if url.is_none() {
        static SAID: std::sync::Once = std::sync::Once::new();
        // Written past the test harness's capture, once per test binary, so it is seen.
        SAID.call_once(|| {
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "note: tests that need the local DynamoDB/SES endpoint are skipped (no RANTEVOU_MOTO_URL); \
                 infra/bin/test runs them through `infra/bin/moto exec`"
            );
        });
    }
    url
}

/// The `.eml` files under `dir/outbox`, oldest first, as bytes.
pub fn outbox(dir: &Path) -> Vec<Vec<u8>> {
    let mut files: Vec<_> = std::fs::read_dir(dir.join("outbox"))
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files.iter().filter_map(|f| std::fs::read(f).ok()).collect()
}
