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
use rantevou_domain::{Language, LibraryConfig, ManageKeys, ManageToken, OfferedSlot};
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
        timezone: None,
    }
}

/// The answers to the sample's questions, as the booking form sends them (`answers` in
/// `POST /api/appointments`): an undergraduate of Information Sciences, nothing tried yet.
pub const SAMPLE_ANSWERS: &str = r#"{"status": "ug", "school": "information-sciences"}"#;

/// [`SAMPLE_ANSWERS`] as the use case takes them.
pub fn sample_answers() -> rantevou_domain::question::SentAnswers {
    serde_json::from_str(SAMPLE_ANSWERS).expect("SAMPLE_ANSWERS is JSON")
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
    let request = BookingRequest {
        slot: offered(config, service, provider, start),
        patron: patron(who),
        consent: consent(config, start - Duration::days(1)),
        answers: Default::default(),
        from_waitlist: false,
    };
    Appointment::book(
        request,
        &keys(),
        &config.policy,
        start - Duration::days(1),
        &mut OsRng,
    )
}

/// The time `start` of `provider` for `service`, as the rules would offer it (its locks).
pub fn offered<'c>(
    config: &'c LibraryConfig,
    service: &str,
    provider: &str,
    start: DateTime<Utc>,
) -> OfferedSlot<'c> {
    let service = config.service(service).unwrap();
    let provider = config.provider(provider).unwrap();
    OfferedSlot {
        service,
        provider,
        start,
        locks: locks_for(provider, start, service.occupied()),
    }
}

/// The consent a booking at `at` records: the library's terms and privacy notice.
pub fn consent(config: &LibraryConfig, at: DateTime<Utc>) -> rantevou_domain::Consent {
    rantevou_domain::Consent {
        terms_url: config.library.terms_url.el.clone(),
        privacy_url: config.library.privacy_url.el.clone(),
        at,
        given_in: None,
    }
}

/// Whether a test that needs `what` may run. Without it the test skips, saying so once per
/// test binary (past the harness's capture, so it is seen): plain `cargo test` passes on a
/// machine without moto, Chromium or cargo-lambda. `infra/bin/test` sets
/// `RANTEVOU_TEST_EVERYTHING=1`, and there a missing tool fails the test instead.
pub fn available(ready: bool, what: &str, how: &str) -> bool {
    if ready {
        return true;
    }
    assert!(
        std::env::var_os("RANTEVOU_TEST_EVERYTHING").is_none(),
        "{what} is missing ({how}), and RANTEVOU_TEST_EVERYTHING asks for every test"
    );
    static SAID: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let mut said = SAID.lock().unwrap_or_else(|e| e.into_inner());
    if !said.iter().any(|w| w == what) {
        said.push(what.to_owned());
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "note: tests that need {what} are skipped ({how}; infra/bin/test provides it)"
        );
    }
    false
}

/// The tests' manage key, as a key file or secret holds it (fixed: a test can derive the link
/// a mail carries, and the `events/` fixtures' bot-check solutions are signed with it). Never
/// a production key: those are generated.
pub const KEY_TEXT: &str = "rantevou-test-key-not-for-production-0123456789";

/// The tests' manage keys ([`KEY_TEXT`]).
pub fn keys() -> ManageKeys {
    ManageKeys::parse(KEY_TEXT).expect("a valid key text")
}

/// A solved bot-check challenge from the server at `base` (`GET /api/challenge`), as the
/// site's worker would send it.
pub fn solved_challenge(base: &str) -> String {
    let (status, _, body) = http::http("GET", &format!("{base}/api/challenge"), &[], "");
    assert_eq!(status, 200, "{body}");
    let challenge: rantevou_domain::challenge::Challenge =
        serde_json::from_str(&body).expect("a challenge");
    rantevou_domain::challenge::solve(&challenge).expect("solvable")
}

/// The local DynamoDB/SES endpoint started by `infra/bin/moto exec` (`infra/bin/test` runs
/// every test that way); `None`, and the test skips, without it.
pub fn moto_url() -> Option<String> {
    let url = std::env::var("RANTEVOU_MOTO_URL").ok();
    available(
        url.is_some(),
        "the local DynamoDB/SES endpoint",
        "run through `infra/bin/moto exec`",
    )
    .then_some(url)
    .flatten()
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
