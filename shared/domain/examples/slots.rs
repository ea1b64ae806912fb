//! Prints the free slots of the next days as `infra/library.toml` defines them, with no
//! bookings: a quick look at what the configuration offers.
//!
//! `cargo run -p rantevou-domain --example slots -- [CONFIG] [DAYS]`

use chrono::{Days, Utc};
use rantevou_domain::{
    availability, AvailabilityQuery, BookedLocks, LibraryConfig, ProviderChoice,
};
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "infra/library.toml".into());
    let days: u64 = args.next().and_then(|d| d.parse().ok()).unwrap_or(7);
    let source = match std::fs::read_to_string(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let config = match LibraryConfig::from_toml_str(&source) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    #[allow(clippy::disallowed_methods)] // a command-line tool: now is when it runs
    let now = Utc::now();
    let today = now.with_timezone(&config.library.timezone).date_naive();
    for service in &config.services {
        let query = AvailabilityQuery {
            service: service.id.to_string(),
            provider: ProviderChoice::Any,
            from: today,
            to: today
                .checked_add_days(Days::new(days.saturating_sub(1).min(61)))
                .unwrap_or(today),
            now,
        };
        println!("{} ({})", service.name.en, service.id);
        match availability(&config, &query, &BookedLocks::new()) {
            Ok(result) => {
                for day in result {
                    let times: Vec<String> = day
                        .slots
                        .iter()
                        .map(|s| s.start.format("%H:%M").to_string())
                        .collect();
                    let closed = config
                        .closures
                        .closed_on(day.date)
                        .map(|n| format!(" (closed: {n})"))
                        .unwrap_or_default();
                    println!(
                        "  {} {:<3} {}{}",
                        day.date,
                        day.date.format("%a"),
                        times.join(" "),
                        closed
                    );
                }
            }
            Err(e) => eprintln!("  {e}"),
        }
    }
    ExitCode::SUCCESS
}
