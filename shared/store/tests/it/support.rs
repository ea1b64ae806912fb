//! Helpers of the store tests: both adapters, fresh per test, and appointments to store.
#![allow(dead_code, clippy::disallowed_methods)]

use aws_sdk_dynamodb::config::{Credentials, Region};
use chrono::{DateTime, Duration, TimeZone, Utc};
use rantevou_domain::LibraryConfig;
use rantevou_store::dynamo::request_counter::RequestCounter;
use rantevou_store::dynamo::table::create_table;
use rantevou_store::{DynamoStore, SqliteStore};
use std::sync::atomic::{AtomicU32, Ordering};

/// One provider `sip` offering a 20-minute and a 40-minute service (lock unit 20 minutes),
/// and a second provider `ana`.
pub const SERVICES: &str = r#"
[[services]]
id = "short"
name = { el = "Σ", en = "S" }
description = { el = "Σ", en = "S" }
duration_minutes = 20
grid_minutes = 20
providers = ["sip", "ana"]

[[services]]
id = "long"
name = { el = "Μ", en = "L" }
description = { el = "Μ", en = "L" }
duration_minutes = 40
grid_minutes = 20
providers = ["sip"]

[[providers]]
id = "sip"
name = { el = "Σ", en = "S" }
email = "sip@example.org"
[providers.working_plan]
monday = { start = "09:00", end = "15:00" }

[[providers]]
id = "ana"
name = { el = "Α", en = "A" }
email = "ana@example.org"
[providers.working_plan]
monday = { start = "09:00", end = "15:00" }

[policy]
min_notice_minutes = 0
horizon_days = 365
cancel_cutoff_minutes = 60
retention_days = 90
"#;

pub fn config() -> LibraryConfig {
    LibraryConfig::from_toml_str(&format!("{}{SERVICES}", rantevou_testkit::TEST_LIBRARY)).unwrap()
}

/// 07:00 UTC (09:00 Athens) on Monday 7 December 2026, plus `minutes`.
pub fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 7, 0, 0).unwrap() + Duration::minutes(minutes)
}

/// A booked appointment (not yet stored) of `who` for `service` with `provider` at `start`.
pub use rantevou_testkit::appointment;

/// A fresh SQLite store in its own temporary file (the directory is kept for the test's life).
pub fn sqlite() -> (SqliteStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("rantevou.sqlite3")).unwrap();
    (store, dir)
}

/// The local endpoint, started by `infra/bin/moto exec`; without it the DynamoDB tests skip.
pub use rantevou_testkit::moto_url;

/// An SDK client for `endpoint`, with `counter` recording its requests.
pub fn client(endpoint: &str, counter: &RequestCounter) -> aws_sdk_dynamodb::Client {
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version_latest()
        .endpoint_url(endpoint)
        .region(Region::new("eu-central-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
        .interceptor(counter.clone())
        .build();
    aws_sdk_dynamodb::Client::from_conf(config)
}

static TABLES: AtomicU32 = AtomicU32::new(0);

/// A DynamoDB store over a new table on the local endpoint, and its request counter; `None`
/// (the test skips, saying why once) without the endpoint.
pub async fn dynamo() -> Option<(DynamoStore, RequestCounter)> {
    let counter = RequestCounter::new();
    let client = client(&moto_url()?, &counter);
    let n = TABLES.fetch_add(1, Ordering::SeqCst);
    let table = format!(
        "rantevou-{}-{}-{n}",
        std::process::id(),
        Utc::now().timestamp_micros()
    );
    create_table(&client, &table).await.unwrap();
    counter.take();
    Some((DynamoStore::new(client, table), counter))
}
