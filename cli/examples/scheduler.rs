//! The scheduler's cost on the local service (BENCHMARKS.md): N appointments booked on a fresh
//! data folder (SQLite with `synchronous=FULL`, mail as `.eml` files), then one scheduler run at
//! the moment all their day-before reminders are due, and one run with nothing due.
//!
//! `cargo run --release -p rantevou --example scheduler -- [appointments=500]`

use chrono::Duration;
use rantevou_app::{BookRequest, Booked, Links, SlotsQuery};
use std::time::Instant;

type Failure = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let n: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(500);
    let mut config = rantevou_testkit::sample_config();
    config.policy.proof_of_work_difficulty = 0;
    config.policy.max_active_per_patron = 0;
    config.policy.reminders_before_minutes = vec![1440];
    let tz = config.library.timezone;
    let now = rantevou_testkit::fixture_now();
    let data = tempfile::tempdir()?;
    let links = Links::same_origin("http://127.0.0.1:8080")?;
    let wiring = rantevou_wiring::local::wiring(
        config,
        data.path(),
        links,
        rantevou_wiring::clock::pinned(now),
    )?;
    let days = wiring
        .free_slots()
        .free_slots(&SlotsQuery {
            service: "mylibrarylive".into(),
            provider: None,
            from: Some(now.with_timezone(&tz).date_naive() + Duration::days(2)),
            to: Some(now.with_timezone(&tz).date_naive() + Duration::days(59)),
        })
        .await?;
    let starts: Vec<_> = days
        .iter()
        .flat_map(|d| d.slots.iter().map(|s| s.start))
        .collect();
    if starts.len() < n {
        return Err(format!("only {} free times for {n} appointments", starts.len()).into());
    }
    let booking = wiring.booking()?;
    let mut last = now;
    for (i, start) in starts.iter().take(n).enumerate() {
        let mut patron = rantevou_testkit::patron_input(&format!("Patron {i}"));
        patron.email = Some(format!("p{i}@example.org"));
        let request = BookRequest {
            service: Some("mylibrarylive".into()),
            provider: Some("sip".into()),
            start: Some(start.with_timezone(&tz).to_rfc3339()),
            patron,
            answers: rantevou_testkit::sample_answers(),
            from_waitlist: false,
            idempotency_key: None,
            challenge: None,
        };
        match booking.book(request).await? {
            Booked::New { appointment, .. } => last = last.max(appointment.start),
            other => return Err(format!("not booked: {other:?}").into()),
        }
    }
    let due = last - Duration::days(1) + Duration::minutes(1);
    let run = wiring
        .clone()
        .with_clock(rantevou_wiring::clock::pinned(due))
        .mail_retry()?;
    let t = Instant::now();
    let report = run.retry_pending(n + 10).await?;
    let all = t.elapsed();
    let t = Instant::now();
    let idle = run.retry_pending(n + 10).await?;
    let nothing = t.elapsed();
    println!(
        "| appointments | reminders sent | run ms | ms per reminder | run with nothing due ms |"
    );
    println!("|---:|---:|---:|---:|---:|");
    println!(
        "| {n} | {} | {:.1} | {:.2} | {:.2} |",
        report.sent,
        all.as_secs_f64() * 1e3,
        all.as_secs_f64() * 1e3 / report.sent.max(1) as f64,
        nothing.as_secs_f64() * 1e3
    );
    if report.sent != n || idle.sent != 0 {
        return Err(format!("expected {n} reminders once, got {report:?} then {idle:?}").into());
    }
    Ok(())
}
