//! Statistics that outlive the personal data, on both stores with a pinned clock: a year of
//! consultations with every outcome, counted by the scheduler as the months pass while the
//! retention purge deletes the appointments; at the end nothing personal is stored, yet every
//! outcome is counted, a late mark is followed, and small answers are merged.

use crate::world::dynamo;
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use rand::rngs::OsRng;
use rantevou_app::{Context, Counting, Links};
use rantevou_domain::appointment::{Appointment, BookingRequest, Canceller};
use rantevou_domain::patron::FreeText;
use rantevou_domain::ports::CreateConditions;
use rantevou_domain::statistics::{Outcome, OTHER};
use rantevou_domain::LibraryConfig;
use rantevou_store::{DynamoStore, SqliteStore, Store};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A store and how to look under it.
enum Under {
    Sqlite(Arc<SqliteStore>, std::path::PathBuf),
    Dynamo(Arc<DynamoStore>),
}

impl Under {
    fn store(&self) -> Arc<dyn Store> {
        match self {
            Under::Sqlite(s, ..) => s.clone(),
            Under::Dynamo(s) => s.clone(),
        }
    }

    /// The retention purge at `now`: SQLite's own; DynamoDB's TTL (which moto does not run),
    /// as AWS does it: every item whose `expires_at` has passed is deleted.
    async fn purge(&self, now: DateTime<Utc>) {
        match self {
            Under::Sqlite(s, ..) => {
                s.purge_expired(now).await.unwrap();
            }
            Under::Dynamo(s) => {
                for item in self.items().await {
                    let expired = item
                        .get("expires_at")
                        .and_then(|v| v.as_i64())
                        .is_some_and(|t| t <= now.timestamp());
                    if expired {
                        let key = |k: &str| {
                            aws_sdk_dynamodb::types::AttributeValue::S(
                                item[k].as_str().unwrap().to_owned(),
                            )
                        };
                        s.client()
                            .delete_item()
                            .table_name(s.table())
                            .key("PK", key("PK"))
                            .key("SK", key("SK"))
                            .send()
                            .await
                            .unwrap();
                    }
                }
            }
        }
    }

    /// Every stored item (DynamoDB) or row (SQLite: every table), as JSON objects.
    async fn items(&self) -> Vec<serde_json::Map<String, serde_json::Value>> {
        match self {
            Under::Sqlite(_, path) => {
                let c = rusqlite::Connection::open(path).unwrap();
                let tables: Vec<String> = c
                    .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
                    .unwrap()
                    .query_map([], |r| r.get(0))
                    .unwrap()
                    .map(Result::unwrap)
                    .collect();
                let mut out = Vec::new();
                for table in tables {
                    let mut stmt = c.prepare(&format!("SELECT * FROM {table}")).unwrap();
                    let names: Vec<String> =
                        stmt.column_names().iter().map(|n| n.to_string()).collect();
                    let rows = stmt
                        .query_map([], |r| {
                            let mut row = serde_json::Map::new();
                            row.insert("table".into(), table.clone().into());
                            for (i, name) in names.iter().enumerate() {
                                let v: rusqlite::types::Value = r.get(i)?;
                                let v = match v {
                                    rusqlite::types::Value::Integer(n) => n.into(),
                                    rusqlite::types::Value::Text(t) => t.into(),
                                    rusqlite::types::Value::Real(f) => f.into(),
                                    _ => serde_json::Value::Null,
                                };
                                row.insert(name.clone(), v);
                            }
                            Ok(row)
                        })
                        .unwrap();
                    out.extend(rows.map(Result::unwrap));
                }
                out
            }
            Under::Dynamo(s) => {
                let mut out = Vec::new();
                let mut start = None;
                loop {
                    let page = s
                        .client()
                        .scan()
                        .table_name(s.table())
                        .set_exclusive_start_key(start)
                        .send()
                        .await
                        .unwrap();
                    for item in page.items.unwrap_or_default() {
                        let fields = item
                            .into_iter()
                            .map(|(k, v)| {
                                (k, rantevou_store::dynamo::item::from_attribute(v).unwrap())
                            })
                            .collect();
                        out.push(fields);
                    }
                    match page.last_evaluated_key {
                        Some(k) if !k.is_empty() => start = Some(k),
                        _ => return out,
                    }
                }
            }
        }
    }
}

fn context(config: &Arc<LibraryConfig>, now: DateTime<Utc>) -> Context {
    Context::new(
        config.clone(),
        Arc::new(move || now),
        Links::same_origin("https://book.example.org").unwrap(),
    )
}

/// What a test appointment becomes.
#[derive(Clone, Copy, Debug)]
enum Fate {
    Came,
    Missed,
    PatronCancels,
    LibraryCancels,
    NeverConfirmed,
    NobodyMarks,
}

const FATES: [Fate; 6] = [
    Fate::Came,
    Fate::Missed,
    Fate::PatronCancels,
    Fate::LibraryCancels,
    Fate::NeverConfirmed,
    Fate::NobodyMarks,
];

fn outcome(fate: Fate) -> Outcome {
    match fate {
        Fate::Came => Outcome::Attended,
        Fate::Missed => Outcome::NoShow,
        Fate::PatronCancels => Outcome::CancelledByPatron,
        Fate::LibraryCancels => Outcome::CancelledByStaff,
        Fate::NeverConfirmed => Outcome::Expired,
        Fate::NobodyMarks => Outcome::Unmarked,
    }
}

/// Tuesdays at 10:00 and Thursdays at 12:40 (Athens) of 2026.
fn starts() -> Vec<DateTime<Utc>> {
    let tz = chrono_tz::Europe::Athens;
    let mut out = Vec::new();
    let mut day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    while day.year() == 2026 {
        let time = match day.weekday() {
            chrono::Weekday::Tue => Some((10, 0)),
            chrono::Weekday::Thu => Some((12, 40)),
            _ => None,
        };
        if let Some((h, m)) = time {
            let local = day.and_hms_opt(h, m, 0).unwrap();
            out.push(tz.from_local_datetime(&local).unwrap().with_timezone(&Utc));
        }
        day = day.succ_opt().unwrap();
    }
    out
}

const SECRET_TOPIC: &str = "Scopus για τη διατριβή της";

async fn a_year_is_counted_and_outlives_the_purge(under: Under) {
    let store = under.store();
    let config = Arc::new(rantevou_testkit::sample_config());
    let mut held_policy = config.policy.clone();
    held_policy.hold_minutes = 30;
    let keys = rantevou_testkit::keys();
    let service = config.service("mylibrarylive").unwrap();
    let mut expected: BTreeMap<(String, Outcome), u32> = BTreeMap::new();
    let mut people = Vec::new();
    let mut late_mark = None;
    for (i, start) in starts().into_iter().enumerate() {
        let fate = FATES[i % FATES.len()];
        let booked_at = start - Duration::days(1 + (i % 9) as i64);
        let who = format!("Αναστασία {i}");
        let status = if i % 10 == 3 { "phd" } else { "ug" };
        let sent = serde_json::from_value(serde_json::json!({
            "status": status, "school": "information-sciences", "tried": format!("{SECRET_TOPIC} {i}"),
        }))
        .unwrap();
        let mut errors = Default::default();
        let answers =
            rantevou_domain::question::parse_answers(&service.questions, &sent, &mut errors);
        let request = BookingRequest {
            slot: rantevou_testkit::offered(&config, "mylibrarylive", "sip", start),
            patron: rantevou_testkit::patron(&who),
            consent: rantevou_testkit::consent(&config, booked_at),
            answers,
            from_waitlist: i % 7 == 0,
        };
        let policy = if matches!(fate, Fate::NeverConfirmed) {
            &held_policy
        } else {
            &config.policy
        };
        let (a, _) = Appointment::book(request, &keys, policy, booked_at, &mut OsRng);
        people.push((
            a.id.to_string(),
            who.clone(),
            a.patron.customer.email.to_string(),
        ));
        store
            .create(&a, &CreateConditions::default())
            .await
            .unwrap();
        let a = store.get(a.id, booked_at).await.unwrap().unwrap();
        let after = a.end + Duration::hours(1);
        match fate {
            Fate::Came | Fate::Missed => {
                let next = a
                    .clone()
                    .marked(matches!(fate, Fate::Came), after, None)
                    .unwrap();
                store.update(&a, &next).await.unwrap();
            }
            Fate::PatronCancels => {
                store
                    .cancel(
                        &a,
                        a.start - Duration::days(1),
                        &FreeText::parse("άλλη υποχρέωση").unwrap(),
                    )
                    .await
                    .unwrap();
            }
            Fate::LibraryCancels => {
                let reason = FreeText::parse("ασθένεια").unwrap();
                store
                    .cancel_by(&a, a.start - Duration::hours(3), &reason, Canceller::Staff)
                    .await
                    .unwrap();
            }
            Fate::NeverConfirmed | Fate::NobodyMarks => {}
        }
        let month = format!(
            "2026-{:02}",
            a.start.with_timezone(&chrono_tz::Europe::Athens).month()
        );
        // One left unmarked in March is marked a month late, after it was counted.
        let fate = if matches!(fate, Fate::NobodyMarks) && month == "2026-03" && late_mark.is_none()
        {
            late_mark = Some(a.id);
            Fate::Came
        } else {
            fate
        };
        *expected.entry((month, outcome(fate))).or_default() += 1;
    }

    // The scheduler runs as the months pass; the purge deletes what is past its retention.
    let late_at = Utc.with_ymd_and_hms(2026, 4, 20, 9, 0, 0).unwrap();
    let mut month_start = Utc.with_ymd_and_hms(2026, 2, 1, 6, 0, 0).unwrap();
    let mut late_done = false;
    while month_start < Utc.with_ymd_and_hms(2027, 5, 1, 0, 0, 0).unwrap() {
        for now in [month_start, month_start + Duration::days(10)] {
            if !late_done && now >= late_at {
                let id = late_mark.unwrap();
                let a = store.get(id, now).await.unwrap().expect("kept 90 days");
                assert!(a.outcome_key.is_some(), "counted already, as unmarked");
                let marked = a.clone().marked(true, now, None).unwrap();
                let stored = store.update(&a, &marked).await.unwrap();
                Counting::new(context(&config, now), store.clone())
                    .recount(&stored)
                    .await
                    .unwrap();
                late_done = true;
            }
            let counting = Counting::new(context(&config, now), store.clone());
            while counting.count_ended(31).await.unwrap().days > 0 {}
        }
        under.purge(month_start).await;
        month_start = month_start
            .checked_add_months(chrono::Months::new(1))
            .unwrap();
    }
    let end = Utc.with_ymd_and_hms(2027, 5, 1, 0, 0, 0).unwrap();
    let counting = Counting::new(context(&config, end), store.clone());
    let report = counting
        .report("2026-01", "2026-12", |_| true)
        .await
        .unwrap();

    // Every appointment and everything about its patron is gone.
    let items = under.items().await;
    for (id, name, email) in &people {
        assert!(store.get(id.parse().unwrap(), end).await.unwrap().is_none());
        let text = serde_json::to_string(&items).unwrap();
        for secret in [
            id.as_str(),
            name.as_str(),
            email.as_str(),
            SECRET_TOPIC,
            "6900000000",
            "ασθένεια",
        ] {
            assert!(!text.contains(secret), "{secret:?} is still stored");
        }
    }
    // What is left of the outcomes is what a record may hold, attribute by attribute.
    let allowed = [
        "month",
        "weekday",
        "hour",
        "service",
        "provider",
        "answers",
        "outcome",
        "lead_days",
        "moved",
        "waitlist",
    ];
    let mut records = 0;
    for item in &items {
        let record = match item.get("table").and_then(|t| t.as_str()) {
            Some("outcomes") => serde_json::from_str(item["record"].as_str().unwrap()).unwrap(),
            Some(_) => continue,
            None if item["PK"]
                .as_str()
                .is_some_and(|pk| pk.starts_with("STATS#2")) =>
            {
                let mut fields = item.clone();
                fields.remove("PK");
                fields.remove("SK");
                serde_json::Value::Object(fields)
            }
            None => continue,
        };
        records += 1;
        for (name, value) in record.as_object().unwrap() {
            assert!(
                allowed.contains(&name.as_str()),
                "an attribute {name:?} in {record}"
            );
            if name == "answers" {
                let questions: Vec<&String> = value.as_object().unwrap().keys().collect();
                assert_eq!(
                    questions,
                    ["school", "status"],
                    "the statistical questions only: {record}"
                );
            }
        }
    }
    assert_eq!(records, people.len(), "one record per appointment");
    // No appointment, patron place, lock or idempotency key is left either.
    for item in &items {
        let pk = item.get("PK").and_then(|v| v.as_str()).unwrap_or("");
        assert!(
            !pk.starts_with("APPT#") && !pk.starts_with("LOCK#") && !pk.starts_with("PATRON#"),
            "{item:?}"
        );
        assert_ne!(
            item.get("table").and_then(|t| t.as_str()),
            Some("appointments"),
            "{item:?}"
        );
    }

    // Every outcome counted, month by month, the late mark followed.
    assert_eq!(report.total as usize, people.len());
    for m in &report.months {
        for o in Outcome::ALL {
            let want = expected.get(&(m.month.clone(), o)).copied().unwrap_or(0);
            assert_eq!(m.outcomes[o.name()], want, "{} {}", m.month, o.name());
        }
    }
    let marked = report.outcomes["attended"] + report.outcomes["no_show"];
    assert_eq!(
        report.no_show_rate,
        Some(f64::from(report.outcomes["no_show"]) / f64::from(marked))
    );
    assert_eq!(report.waitlist as usize, people.len().div_ceil(7));
    assert!(report
        .lead_days_median
        .is_some_and(|d| (1.0..=9.0).contains(&d)));
    // One PhD candidate in a month is never shown as such: merged into "other".
    let status = &report.questions["status"];
    assert!(!status.contains_key("phd"), "{status:?}");
    assert!(status[OTHER] >= 10, "{status:?}");
    assert_eq!(
        status.values().sum::<u32>(),
        report.total,
        "merging loses no one"
    );
    assert!(
        report.weekdays.keys().all(|d| *d == 2 || *d == 4),
        "Tuesdays and Thursdays"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_year_is_counted_and_outlives_the_purge() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rantevou.db");
    let store = Arc::new(SqliteStore::open(&path).unwrap());
    a_year_is_counted_and_outlives_the_purge(Under::Sqlite(store, path)).await;
    drop(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamo_a_year_is_counted_and_outlives_the_purge() {
    let Some(store) = dynamo().await else { return };
    a_year_is_counted_and_outlives_the_purge(Under::Dynamo(Arc::new(store))).await;
}
