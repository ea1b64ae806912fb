//! Helpers shared by the domain's integration tests.
#![allow(dead_code)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rantevou_domain::LibraryConfig;

pub use rantevou_testkit::sample_config as sample;

/// A configuration with one service and the given providers' `[providers.working_plan]`
/// bodies, in Europe/Athens, with no closures besides what `closures` adds.
pub fn with_plans(
    duration: u32,
    grid: u32,
    buffer: u32,
    plans: &[(&str, &str)],
    closures: &str,
    min_notice: u32,
    horizon: u32,
) -> LibraryConfig {
    let ids: Vec<String> = plans.iter().map(|(id, _)| format!("\"{id}\"")).collect();
    let mut s = rantevou_testkit::TEST_LIBRARY.to_owned();
    s += &format!(
        r#"
[[services]]
id = "svc"
name = {{ el = "Υ", en = "S" }}
description = {{ el = "Υ", en = "S" }}
duration_minutes = {duration}
grid_minutes = {grid}
buffer_minutes = {buffer}
providers = [{}]

[policy]
min_notice_minutes = {min_notice}
horizon_days = {horizon}
cancel_cutoff_minutes = 60
retention_days = 90

[closures]
{closures}
"#,
        ids.join(", ")
    );
    for (id, plan) in plans {
        s.push_str(&format!(
            "\n[[providers]]\nid = \"{id}\"\nname = {{ el = \"{id}\", en = \"{id}\" }}\nemail = \"{id}@example.org\"\n[providers.working_plan]\n{plan}\n"
        ));
    }
    LibraryConfig::from_toml_str(&s).unwrap_or_else(|e| panic!("{e}\n{s}"))
}

/// An instant given as Athens wall-clock time with an explicit UTC offset in hours.
pub fn athens(y: i32, m: u32, d: u32, h: u32, min: u32, offset_hours: i32) -> DateTime<Utc> {
    chrono::FixedOffset::east_opt(offset_hours * 3600)
        .unwrap()
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .unwrap()
        .with_timezone(&Utc)
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}
