//! Store throughput: creates per second and availability reads per second, for one adapter.
//!
//! ```sh
//! cargo run --release -p rantevou-store --example load -- sqlite
//! infra/bin/moto exec -- cargo run --release -p rantevou-store --example load -- dynamo
//! ```
//! Options after the adapter: `--creates N` (default 2000), `--reads N` (default 2000),
//! `--concurrency N` (default 16). The DynamoDB figures measure the local moto emulator (single
//! threaded, in Python), not AWS.

#![allow(clippy::disallowed_methods)] // a command-line tool: it reads its environment and clock

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use rantevou_domain::appointment::Appointment;
use rantevou_domain::availability::lock_partitions;
use rantevou_domain::ports::CreateConditions;
use rantevou_domain::{availability, AvailabilityQuery, BookedLocks, ProviderChoice};
use rantevou_store::dynamo::table::create_table;
use rantevou_store::{DynamoStore, SqliteStore, Store};
use std::sync::Arc;
use std::time::Instant;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let adapter = args.first().cloned().unwrap_or_else(|| "sqlite".into());
    let opt = |name: &str, default: usize| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (creates, reads, concurrency) = (
        opt("--creates", 2000),
        opt("--reads", 2000),
        opt("--concurrency", 16),
    );
    let config = Arc::new(rantevou_testkit::sample_config());
    let _dir;
    let store: Arc<dyn Store> = match adapter.as_str() {
        "sqlite" => {
            let dir = std::env::temp_dir().join(format!("rantevou-load-{}", std::process::id()));
            std::fs::create_dir_all(&dir)?;
            let store = SqliteStore::open(dir.join("load.sqlite3"))?;
            _dir = dir;
            Arc::new(store)
        }
        "dynamo" => {
            let endpoint =
                std::env::var("RANTEVOU_MOTO_URL").map_err(|_| "run under infra/bin/moto exec")?;
            let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
                .endpoint_url(endpoint)
                .load()
                .await;
            let client = aws_sdk_dynamodb::Client::new(&sdk);
            let table = format!("load-{}", Utc::now().timestamp());
            create_table(&client, &table).await?;
            Arc::new(DynamoStore::new(client, table))
        }
        other => return Err(format!("unknown adapter {other:?}: use sqlite or dynamo").into()),
    };

    // Creates: distinct 20-minute slots from 1 March 2027, `concurrency` at a time.
    let base = Utc
        .with_ymd_and_hms(2027, 3, 1, 7, 0, 0)
        .single()
        .ok_or("bad date")?;
    let (service, provider) = (
        config.services[0].id.clone(),
        config.providers[0].id.clone(),
    );
    let appointments: Vec<Appointment> = (0..creates)
        .map(|i| {
            let start = base + Duration::minutes(20 * i as i64);
            rantevou_testkit::appointment(
                &config,
                service.as_str(),
                provider.as_str(),
                start,
                "Κατερίνα",
            )
            .0
        })
        .collect();
    let started = Instant::now();
    let chunks: Vec<Vec<Appointment>> = appointments
        .chunks(creates.div_ceil(concurrency))
        .map(<[_]>::to_vec)
        .collect();
    let mut tasks = Vec::new();
    for chunk in chunks {
        let store = Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            for a in chunk {
                store.create(&a, &CreateConditions::default()).await?;
            }
            Ok::<_, rantevou_domain::ports::StoreError>(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    let create_secs = started.elapsed().as_secs_f64();

    // Availability reads: one month for the sample's provider, with the locks above in it.
    let query = AvailabilityQuery {
        service: config.services[0].id.to_string(),
        provider: ProviderChoice::Any,
        from: NaiveDate::from_ymd_opt(2027, 3, 1).ok_or("bad date")?,
        to: NaiveDate::from_ymd_opt(2027, 3, 31).ok_or("bad date")?,
        now: base - Duration::days(2),
    };
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (store, config, query) = (Arc::clone(&store), Arc::clone(&config), query.clone());
        let per_task = reads / concurrency;
        tasks.push(tokio::spawn(async move {
            let mut slots = 0;
            for _ in 0..per_task {
                let mut booked = BookedLocks::new();
                for (provider, month) in
                    lock_partitions(&config, &query).map_err(|e| e.to_string())?
                {
                    booked.extend(
                        store
                            .locks(&provider, month, query.now)
                            .await
                            .map_err(|e| e.to_string())?,
                    );
                }
                let days = availability(&config, &query, &booked).map_err(|e| e.to_string())?;
                slots = days.iter().map(|d| d.slots.len()).sum::<usize>();
            }
            Ok::<usize, String>(slots)
        }));
    }
    let mut free = 0;
    for t in tasks {
        free = t.await??;
    }
    let read_secs = started.elapsed().as_secs_f64();
    let done_reads = (reads / concurrency) * concurrency;
    println!("adapter {adapter}, concurrency {concurrency}");
    println!(
        "  creates: {creates} in {create_secs:.2} s = {:.0}/s",
        creates as f64 / create_secs
    );
    println!(
        "  availability reads (1 month, {free} free slots left): {done_reads} in {read_secs:.2} s = {:.0}/s",
        done_reads as f64 / read_secs
    );
    Ok(())
}
