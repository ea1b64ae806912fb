//! The booking site in a real browser: each `tests/browser/*.test.mjs` runs in Debian's
//! Chromium (driven by playwright-core, audited by axe-core) against its own `rantevou serve`
//! with a fresh data folder. `infra/bin/test` installs Chromium and the npm packages; run
//! alone, these tests need `infra/bin/browser-deps` once.
//!
//! One browser test at a time: two cores, and each starts a server and a Chromium.

use crate::support::Server;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn browser_dir() -> PathBuf {
    rantevou_testkit::root().join("tests/browser")
}

fn run(file: &str) {
    run_with(file, &[]);
}

/// Seeds `data` (a `rantevou serve` data folder, before it starts) with consultations over
/// January–November 2026, every outcome among them, counted as the scheduler counts them;
/// returns what was seeded, as the statistics test checks it (`SEEDED`).
fn seed_statistics(data: &std::path::Path) -> String {
    use chrono::{Duration, TimeZone, Utc};
    use rantevou_domain::appointment::{Appointment, BookingRequest, Canceller};
    use rantevou_domain::ports::{AppointmentUpdates, Appointments, Bookings, Cancellations};
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let store = std::sync::Arc::new(
            rantevou_store::SqliteStore::open(data.join("rantevou.sqlite3")).unwrap(),
        );
        let mut config = rantevou_testkit::sample_config();
        config.policy.retention_days = 3650;
        let config = std::sync::Arc::new(config);
        let service = config.service("mylibrarylive").unwrap().clone();
        let keys = rantevou_testkit::keys();
        let (mut total, mut attended, mut no_show) = (0, 0, 0);
        for i in 0..330i64 {
            // Every day from 5 January, at 09:00 to 14:40 Athens in turn.
            let start = Utc.with_ymd_and_hms(2026, 1, 5, 7, 0, 0).unwrap()
                + Duration::days(i)
                + Duration::minutes(20 * (i % 18));
            let booked_at = start - Duration::days(1 + i % 10);
            let status = if i % 30 == 7 { "phd" } else { "ug" };
            let sent = serde_json::from_value(
                serde_json::json!({"status": status, "school": "information-sciences"}),
            )
            .unwrap();
            let mut errors = Default::default();
            let answers =
                rantevou_domain::question::parse_answers(&service.questions, &sent, &mut errors);
            let request = BookingRequest {
                slot: rantevou_testkit::offered(&config, "mylibrarylive", "sip", start),
                patron: rantevou_testkit::patron(&format!("Patron {i}")),
                consent: rantevou_testkit::consent(&config, booked_at),
                answers,
                from_waitlist: i % 9 == 0,
            };
            let (a, _) = Appointment::book(
                request,
                &keys,
                &config.policy,
                booked_at,
                &mut rand::rngs::OsRng,
            );
            store.create(&a, &Default::default()).await.unwrap();
            let a = store.get(a.id, booked_at).await.unwrap().unwrap();
            match i % 4 {
                0 | 1 => {
                    let next = a.clone().marked(true, a.end, None).unwrap();
                    store.update(&a, &next).await.unwrap();
                    attended += 1;
                }
                2 => {
                    let next = a.clone().marked(false, a.end, None).unwrap();
                    store.update(&a, &next).await.unwrap();
                    no_show += 1;
                }
                _ => {
                    let why = rantevou_domain::patron::FreeText::parse("").unwrap();
                    store
                        .cancel_by(&a, booked_at, &why, Canceller::Patron)
                        .await
                        .unwrap();
                }
            }
            total += 1;
        }
        let now = Utc.with_ymd_and_hms(2026, 12, 10, 9, 0, 0).unwrap();
        let ctx = rantevou_app::Context::new(
            config,
            std::sync::Arc::new(move || now),
            rantevou_app::Links::same_origin("http://127.0.0.1:8080").unwrap(),
        );
        let counting = rantevou_app::Counting::new(ctx, store);
        while counting.count_ended(400).await.unwrap().days > 0 {}
        serde_json::json!({"total": total, "attended": attended, "no_show": no_show}).to_string()
    })
}

fn run_with(file: &str, serve_args: &[&str]) {
    run_seeded(file, serve_args, |_| String::new());
}

/// Runs `file` against a `rantevou serve` whose data folder `seed` filled first; what `seed`
/// returns reaches the test as `SEEDED`.
fn run_seeded(file: &str, serve_args: &[&str], seed: impl FnOnce(&std::path::Path) -> String) {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    if !ready() {
        return;
    }
    let data = tempfile::tempdir().unwrap();
    let seeded = seed(data.path());
    let server = Server::start_with(data.path(), serve_args);
    node_test(file, &server, data.path(), &seeded);
}

/// Whether Chromium and the test packages are there (else the test skips, or fails under
/// `RANTEVOU_TEST_EVERYTHING`).
#[allow(clippy::disallowed_methods)] // a test's own switch: where Chromium is
fn ready() -> bool {
    let dir = browser_dir();
    let ready = dir.join("node_modules/playwright-core").is_dir()
        && dir.join("node_modules/axe-core").is_dir()
        && dir.join("node_modules/lighthouse").is_dir()
        && (std::path::Path::new("/usr/bin/chromium").exists()
            || std::env::var_os("CHROMIUM").is_some());
    let how = "run infra/bin/browser-deps once";
    rantevou_testkit::available(ready, "Chromium and the browser test packages", how)
}

/// Runs `file` against `server` (one browser test at a time), if the browser is there.
pub(crate) fn run_against(file: &str, server: &Server, data: &std::path::Path, seeded: &str) {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    if ready() {
        node_test(file, server, data, seeded);
    }
}

fn node_test(file: &str, server: &Server, data: &std::path::Path, seeded: &str) {
    let dir = browser_dir();
    let output = Command::new("node")
        .args(["--test", "--test-reporter=spec", file])
        .current_dir(&dir)
        .env("BASE_URL", &server.1)
        .env("OUTBOX_URL", &server.2)
        // For tests that work on the server's data folder as staff commands do.
        .env("RANTEVOU_BIN", env!("CARGO_BIN_EXE_rantevou"))
        .env("DATA_DIR", data)
        .env("SEEDED", seeded)
        .output()
        .expect("node runs");
    let report = String::from_utf8_lossy(&output.stdout);
    let errors = String::from_utf8_lossy(&output.stderr);
    println!("{report}{errors}");
    assert!(
        output.status.success(),
        "{file} failed:\n{report}\n{errors}"
    );
}

#[test]
fn the_whole_journey_book_mail_cancel_by_link_and_the_time_is_free_again() {
    run("journey.test.mjs");
}

#[test]
fn a_held_booking_confirmed_from_its_mail() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("library.toml");
    let sample = std::fs::read_to_string(rantevou_testkit::root().join("infra/library.toml"))
        .unwrap()
        .replace("hold_minutes = 0 ", "hold_minutes = 30 ");
    assert!(sample.contains("hold_minutes = 30 "));
    std::fs::write(&config, sample).unwrap();
    run_with("held.test.mjs", &["--config", config.to_str().unwrap()]);
}

#[test]
fn the_console_says_since_when_a_librarians_calendar_cannot_be_read() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("library.toml");
    // A loopback port where nothing listens: every read fails with "could not connect".
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let sample = std::fs::read_to_string(rantevou_testkit::root().join("infra/library.toml"))
        .unwrap()
        .replacen(
            "meeting = { kind = \"manual\" }",
            &format!(
                "meeting = {{ kind = \"manual\" }}\ncalendar = {{ kind = \"ics\", url = \"http://127.0.0.1:{closed}/anna-secret.ics\" }}"
            ),
            1,
        );
    assert!(sample.contains("anna-secret.ics"));
    std::fs::write(&config, sample).unwrap();
    run_with(
        "calendar.test.mjs",
        &[
            "--config",
            config.to_str().unwrap(),
            "--scheduler-every",
            "1",
        ],
    );
}

#[test]
fn lighthouse_on_a_phone_the_pages_keep_still_and_score_100_for_accessibility() {
    run("lighthouse.test.mjs");
}

#[test]
fn the_booking_page_cannot_be_framed_by_another_site() {
    run("frame.test.mjs");
}

#[test]
fn booking_with_the_keyboard_alone() {
    run("keyboard.test.mjs");
}

#[test]
fn the_services_questions_in_both_languages_by_keyboard_named_per_question() {
    run("questions.test.mjs");
}

#[test]
fn the_statistics_view_charts_match_their_tables_and_a_year_prints() {
    run_seeded("statistics.test.mjs", &["--no-rate-limit"], seed_statistics);
}

#[test]
fn the_english_switch_and_a_browser_in_another_time_zone() {
    run("english.test.mjs");
}

#[test]
fn two_pages_racing_for_one_time_one_wins_the_other_goes_back_to_step_2() {
    run("race.test.mjs");
}

#[test]
fn every_step_and_the_cancel_pages_at_320_px() {
    run("narrow.test.mjs");
}

#[test]
fn the_site_logic_dates_calendar_keys_and_form_rules() {
    run("units.test.mjs");
}

#[test]
fn the_staff_console_signed_in_with_the_key_a_librarians_day_and_the_keyboard() {
    run("staff.test.mjs");
}

#[test]
fn the_staff_console_shows_a_bounce_and_a_complaint_recorded_from_ses_events() {
    run("mail-events.test.mjs");
}

#[test]
fn a_full_days_waiting_list_is_told_when_a_cancel_frees_a_time() {
    // A day booked full from one address, and the scheduler every 2 seconds, not every minute.
    run_with(
        "waitlist.test.mjs",
        &["--no-rate-limit", "--scheduler-every", "2"],
    );
}

#[test]
fn patrons_move_their_appointment_from_the_mail_link() {
    run("self-service.test.mjs");
}

#[test]
fn time_zones_phones_reloads_focus_and_axe_on_every_step() {
    // Some twenty page loads from one address in a minute: more than the per-client limits let
    // one patron make (they are tested elsewhere), so this server runs without them.
    run_with("second-pass.test.mjs", &["--no-rate-limit"]);
}

#[test]
fn what_patrons_tripped_on_in_use_an_email_typo_and_the_appointments_page() {
    // Several bookings from one address to reach the library's limit: without the per-client
    // limits (they are tested elsewhere).
    run_with("third-pass.test.mjs", &["--no-rate-limit"]);
}
