//! How long the statistics of a year take on the local service (BENCHMARKS.md): a fresh data
//! folder (SQLite, `synchronous=FULL`) with N consultations over 2026, every outcome among
//! them, counted by the scheduler as it counts them; then `GET /api/staff/statistics` for the
//! year as the staff handler does it (the records read, the figures made, the JSON written),
//! and its CSV, timed over many runs.
//!
//! `cargo run --release -p rantevou --example statistics -- [consultations=5000] [runs=50]`

use chrono::{DateTime, Duration, TimeZone, Utc};
use rand::rngs::OsRng;
use rantevou_app::{Counting, Links};
use rantevou_domain::appointment::{Appointment, BookingRequest, Canceller};
use rantevou_domain::patron::FreeText;
use rantevou_domain::ports::{
    AppointmentUpdates, Appointments, Bookings, Cancellations, CreateConditions,
};
use rantevou_domain::staff::Actor;
use std::sync::Arc;
use std::time::Instant;

type Failure = Box<dyn std::error::Error + Send + Sync>;

fn arg(i: usize, default: usize) -> Result<usize, Failure> {
    Ok(std::env::args()
        .nth(i)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(default))
}

/// Percentile `p` (0–100) of sorted `ms`.
fn pct(ms: &[f64], p: usize) -> f64 {
    ms[(ms.len() - 1) * p / 100]
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let (n, runs) = (arg(1, 5000)?, arg(2, 50)?);
    let mut config = rantevou_testkit::sample_config();
    // Kept long enough that one count at the end reaches back to January.
    config.policy.retention_days = 3650;
    let config = Arc::new(config);
    let data = tempfile::tempdir()?;
    let links = Links::same_origin("http://127.0.0.1:8080")?;
    let end = Utc.with_ymd_and_hms(2027, 1, 20, 9, 0, 0).unwrap();
    let wiring = rantevou_wiring::local::wiring(
        (*config).clone(),
        data.path(),
        links.clone(),
        rantevou_wiring::clock::pinned(end),
    )?;
    let store = wiring.store();
    let service = config.service("mylibrarylive").ok_or("no service")?;
    let keys = rantevou_testkit::keys();
    // Every 20 minutes from 08:00 to 19:40 on every day of 2026, as many as asked.
    let first = Utc.with_ymd_and_hms(2026, 1, 1, 6, 0, 0).unwrap();
    let starts: Vec<DateTime<Utc>> = (0..365 * 36)
        .map(|k| first + Duration::days(k / 36) + Duration::minutes(20 * (k % 36)))
        .step_by((365 * 36 / n.max(1)).max(1))
        .take(n)
        .collect();
    let statuses = ["ug", "pg", "phd", "faculty", "staff", "external"];
    let schools = [
        "economic-regional",
        "information-sciences",
        "business-administration",
        "social-humanities-arts",
        "none",
    ];
    let seeding = Instant::now();
    for (i, start) in starts.iter().enumerate() {
        let booked_at = *start - Duration::days(1 + (i % 14) as i64);
        let sent = serde_json::from_value(serde_json::json!({
            "status": statuses[i % statuses.len()], "school": schools[i % schools.len()],
        }))?;
        let mut errors = Default::default();
        let answers =
            rantevou_domain::question::parse_answers(&service.questions, &sent, &mut errors);
        let request = BookingRequest {
            slot: rantevou_testkit::offered(&config, "mylibrarylive", "sip", *start),
            patron: rantevou_testkit::patron(&format!("Patron {i}")),
            consent: rantevou_testkit::consent(&config, booked_at),
            answers,
            from_waitlist: i % 11 == 0,
        };
        let (a, _) = Appointment::book(request, &keys, &config.policy, booked_at, &mut OsRng);
        store.create(&a, &CreateConditions::default()).await?;
        let a = store.get(a.id, booked_at).await?.ok_or("not stored")?;
        match i % 5 {
            0..=2 => {
                let next = a.clone().marked(i % 5 != 2, a.end, None)?;
                store.update(&a, &next).await?;
            }
            3 => {
                let why = FreeText::parse("άλλη υποχρέωση").map_err(|c| format!("reason: {c}"))?;
                let by = if i % 2 == 0 {
                    Canceller::Patron
                } else {
                    Canceller::Staff
                };
                store.cancel_by(&a, booked_at, &why, by).await?;
            }
            _ => {}
        }
    }
    let ctx =
        rantevou_app::Context::new(config.clone(), rantevou_wiring::clock::pinned(end), links);
    let counting = Counting::new(ctx, store.clone());
    let mut counted = 0;
    loop {
        let c = counting.count_ended(400).await?;
        counted += c.recorded;
        if c.days == 0 {
            break;
        }
    }
    println!(
        "{n} consultations seeded and {counted} counted in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );
    let staff = wiring.staff()?;
    let by = Actor::unrestricted("bench");
    // Where the time goes: reading the year's records, then adding them up.
    let (mut read_ms, mut sum_ms) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let t = Instant::now();
        let records =
            rantevou_domain::ports::Outcomes::outcomes(&**store, "2026-01", "2026-12").await?;
        read_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        let report = rantevou_domain::statistics::Report::of(&records, "2026-01", "2026-12");
        sum_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(report.total as usize, n);
    }
    read_ms.sort_by(f64::total_cmp);
    sum_ms.sort_by(f64::total_cmp);
    println!(
        "records read p50 {:.2} ms, added up p50 {:.2} ms",
        pct(&read_ms, 50),
        pct(&sum_ms, 50)
    );
    let (mut json_ms, mut csv_ms) = (Vec::new(), Vec::new());
    let mut size = (0, 0);
    for _ in 0..runs {
        let t = Instant::now();
        let report = staff
            .statistics(&by, Some("2026-01"), Some("2026-12"))
            .await?;
        let body = serde_json::to_vec(&report)?;
        json_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        let report = staff
            .statistics(&by, Some("2026-01"), Some("2026-12"))
            .await?;
        let csv = rantevou_http::export::statistics_csv(
            &report,
            &config,
            config.library.default_language(),
        )?;
        csv_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        size = (body.len(), csv.len());
        assert_eq!(report.total as usize, n, "every consultation counted");
    }
    json_ms.sort_by(f64::total_cmp);
    csv_ms.sort_by(f64::total_cmp);
    println!("| answer | runs | p50 ms | p90 ms | max ms | bytes |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (name, ms, bytes) in [("JSON", &json_ms, size.0), ("CSV", &csv_ms, size.1)] {
        println!(
            "| {name} | {runs} | {:.2} | {:.2} | {:.2} | {bytes} |",
            pct(ms, 50),
            pct(ms, 90),
            ms[ms.len() - 1]
        );
    }
    Ok(())
}
