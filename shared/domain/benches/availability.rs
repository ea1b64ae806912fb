//! One month of availability for 10 providers holding 1,000 existing appointments.
//!
//! Run: `cargo bench -p rantevou-domain --bench availability`

use chrono::{NaiveDate, TimeZone, Utc};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use rand::{rngs::StdRng, Rng, SeedableRng};
use rantevou_domain::slot_lock::locks_for;
use rantevou_domain::{
    availability, AvailabilityQuery, BookedLocks, LibraryConfig, ProviderChoice,
};

fn config() -> LibraryConfig {
    let mut source = rantevou_testkit::SAMPLE_TOML.to_owned();
    let ids: Vec<String> = (0..10).map(|i| format!("\"p{i}\"")).collect();
    source = source.replace(
        "providers = [\"sip\"]",
        &format!("providers = [{}]", ids.join(", ")),
    );
    let plan = "[providers.working_plan]\nmonday = { start = \"09:00\", end = \"15:00\" }\ntuesday = { start = \"09:00\", end = \"15:00\" }\nwednesday = { start = \"09:00\", end = \"15:00\" }\nthursday = { start = \"09:00\", end = \"15:00\" }\nfriday = { start = \"09:00\", end = \"15:00\" }\n";
    let first = source.find("[[providers]]").unwrap();
    let closures = source.find("[closures]").unwrap();
    let mut providers = String::new();
    for i in 0..10 {
        providers.push_str(&format!(
            "[[providers]]\nid = \"p{i}\"\nname = {{ el = \"Π{i}\", en = \"P{i}\" }}\nemail = \"p{i}@example.org\"\n{plan}\n"
        ));
    }
    source.replace_range(first..closures, &providers);
    LibraryConfig::from_toml_str(&source).unwrap()
}

fn bench(c: &mut Criterion) {
    let config = config();
    let service = &config.services[0];
    let now = Utc.with_ymd_and_hms(2027, 2, 26, 8, 0, 0).unwrap();
    let query = AvailabilityQuery {
        service: service.id.to_string(),
        provider: ProviderChoice::Any,
        from: NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
        to: NaiveDate::from_ymd_opt(2027, 3, 31).unwrap(),
        now,
    };
    // 1,000 distinct appointments on offered slots, spread at random over providers and days.
    let mut rng = StdRng::seed_from_u64(7);
    let all = availability(&config, &query, &BookedLocks::new()).unwrap();
    let mut offered: Vec<_> = all
        .iter()
        .flat_map(|d| &d.slots)
        .flat_map(|s| {
            s.providers
                .iter()
                .map(move |p| (p.clone(), s.start.with_timezone(&Utc)))
        })
        .collect();
    assert!(offered.len() > 1000, "only {} slots", offered.len());
    let mut booked = BookedLocks::new();
    for _ in 0..1000 {
        let (provider, start) = offered.swap_remove(rng.gen_range(0..offered.len()));
        let provider = config.provider(provider.as_str()).unwrap();
        booked.extend(locks_for(provider, start, service.occupied()));
    }
    let free: usize = availability(&config, &query, &booked)
        .unwrap()
        .iter()
        .flat_map(|d| &d.slots)
        .map(|s| s.providers.len())
        .sum();
    assert_eq!(free, offered.len());
    c.bench_function("availability: 1 month, 10 providers, 1000 booked", |b| {
        b.iter(|| availability(black_box(&config), black_box(&query), black_box(&booked)).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
