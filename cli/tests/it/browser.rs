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

#[allow(clippy::disallowed_methods)] // a test's own switch: where Chromium is
fn run_with(file: &str, serve_args: &[&str]) {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = browser_dir();
    let ready = dir.join("node_modules/playwright-core").is_dir()
        && dir.join("node_modules/axe-core").is_dir()
        && dir.join("node_modules/lighthouse").is_dir()
        && (std::path::Path::new("/usr/bin/chromium").exists()
            || std::env::var_os("CHROMIUM").is_some());
    let how = "run infra/bin/browser-deps once";
    if !rantevou_testkit::available(ready, "Chromium and the browser test packages", how) {
        return;
    }
    let data = tempfile::tempdir().unwrap();
    let server = Server::start_with(data.path(), serve_args);
    let output = Command::new("node")
        .args(["--test", "--test-reporter=spec", file])
        .current_dir(&dir)
        .env("BASE_URL", &server.1)
        .env("OUTBOX_URL", &server.2)
        // For tests that work on the server's data folder as staff commands do.
        .env("RANTEVOU_BIN", env!("CARGO_BIN_EXE_rantevou"))
        .env("DATA_DIR", data.path())
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
