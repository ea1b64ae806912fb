//! End to end through the real function binaries: moto as DynamoDB, `cargo lambda watch` on
//! 127.0.0.1 as the Lambda service and router. Every `events/` fixture is invoked with
//! `cargo lambda invoke` and answers as its name promises; then a patron's walk over HTTP:
//! availability → create → fetch → cancel, with the slot gone and back again.
//!
//! Before any configuration is pushed, the functions fail closed (503 `not-configured`); once
//! it is, the same warm functions serve it.
//!
//! Needs `cargo lambda` and the local endpoint: run through `infra/bin/test`, or
//! `infra/bin/moto exec -- cargo test -p rantevou-tests lambda_watch`.

use aws_sdk_dynamodb::types::AttributeValue;
use rantevou_store::DynamoStore;
use rantevou_tests::http;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `cargo lambda watch` in its own process group, stopped (with the functions it started)
/// when dropped, whatever the test's outcome.
struct Watch(Child);

impl Drop for Watch {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        std::thread::sleep(Duration::from_millis(300));
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn slots(base: &str, date: &str) -> Vec<String> {
    let (status, _, body) = http(
        "GET",
        &format!("{base}/api/availability?service=mylibrarylive&from={date}&to={date}"),
        &[],
        "",
    );
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    v["days"][0]["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["start"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn fixtures_and_a_patron_walk_through_cargo_lambda_watch() {
    let Some(moto) = rantevou_testkit::moto_url() else {
        return;
    };
    let lambda = Command::new("cargo").args(["lambda", "--version"]).output();
    let how = "pip install cargo-lambda";
    if !rantevou_testkit::available(
        lambda.is_ok_and(|o| o.status.success()),
        "cargo lambda",
        how,
    ) {
        return;
    }
    // Seeded as infra/bin/seed-events seeds it for the README's walk; the configuration then
    // taken away again, to see the functions refuse to serve without one.
    let table = format!("e2e-{}", std::process::id());
    let sdk = aws_sdk_config(&moto).await;
    let seeded = rantevou_tests::seed::seed(&sdk, &table).await.unwrap();
    let client = aws_sdk_dynamodb::Client::new(&sdk);
    client
        .delete_item()
        .table_name(&table)
        .key("PK", AttributeValue::S("CONFIG".into()))
        .key("SK", AttributeValue::S("LIBRARY".into()))
        .send()
        .await
        .unwrap();
    let store = DynamoStore::new(client, &table);

    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let child = Command::new("cargo")
        .args([
            "lambda",
            "watch",
            "--ignore-changes",
            "-A",
            "127.0.0.1",
            "-P",
            &port.to_string(),
        ])
        .current_dir(rantevou_tests::root())
        .env("RANTEVOU_TABLE", &seeded.table)
        .env("RANTEVOU_NOW", "2026-11-28T10:00:00Z")
        .env("RANTEVOU_PUBLIC_URL", &base)
        .env("AWS_ENDPOINT_URL", &moto)
        .env("RANTEVOU_SENDER", &seeded.sender)
        .env("RANTEVOU_KEYS_SECRET", &seeded.keys_secret)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("cargo lambda is installed (infra/bin/test installs it)");
    let _watch = Watch(child);

    // The first request builds and starts the function; allow for a cold build. No
    // configuration was pushed: it must refuse to serve, not fall back to a sample.
    let started = Instant::now();
    let (status, headers, body) = loop {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            let answer = http("GET", &format!("{base}/api/services"), &[], "");
            if answer.0 == 503 || answer.0 == 200 {
                break answer;
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "cargo lambda watch did not answer"
        );
        std::thread::sleep(Duration::from_millis(500));
    };
    assert_eq!(status, 503, "{body}");
    let problem: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(problem["type"], "/problems/not-configured");
    assert!(headers
        .iter()
        .any(|(k, v)| k == "content-type" && v.starts_with("application/problem+json")));

    // Pushed now, it is picked up by the running function on its next request.
    store
        .save_config(rantevou_testkit::SAMPLE_TOML)
        .await
        .unwrap();
    let (status, _, body) = http("GET", &format!("{base}/api/services"), &[], "");
    assert_eq!(status, 200, "{body}");

    // The README's walk, as written: every fixture through `cargo lambda invoke`, in the order
    // of events/walk.txt, each answering as its name says (the scheduler's tick last).
    let walk = Command::new(rantevou_tests::root().join("infra/bin/walk-events"))
        .args(["--port", &port.to_string()])
        .current_dir(rantevou_tests::root())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&walk.stdout);
    assert!(
        walk.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&walk.stderr)
    );
    assert_eq!(
        said.lines().filter(|l| !l.starts_with("all ")).count(),
        rantevou_tests::walk().len(),
        "one line a fixture: {said}"
    );
    let fixtures = std::fs::read_dir(rantevou_tests::root().join("events"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "json")
        })
        .count();
    assert_eq!(
        rantevou_tests::walk().len(),
        fixtures,
        "the walk names every fixture"
    );

    // A patron's walk over HTTP, through the router, on a day the fixtures left alone.
    let day = "2026-12-02";
    let before = slots(&base, day);
    assert_eq!(before.len(), 18);
    let start = &before[3];
    let body = serde_json::json!({
        "service": "mylibrarylive", "provider": "any", "start": start,
        "customer": {"name": "Ελένη Κ.", "email": "eleni@example.org", "phone": "2310 891 000"},
        "answers": {"status": "ug", "school": "information-sciences"},
        "notes": "Mendeley", "language": "el", "accept_terms": true, "accept_privacy": true,
        "challenge": rantevou_testkit::solved_challenge(&base)
    })
    .to_string();
    let json = [
        ("content-type", "application/json"),
        ("idempotency-key", "e2e-walk-1"),
    ];
    let (status, headers, created) =
        http("POST", &format!("{base}/api/appointments"), &json, &body);
    assert_eq!(status, 201, "{created}");
    assert!(headers
        .iter()
        .any(|(k, v)| k == "location" && v.starts_with("/api/appointments/")));
    let created: serde_json::Value = serde_json::from_str(&created).unwrap();
    let manage = created["manage_url"].as_str().unwrap().to_owned();
    let id = created["id"].as_str().unwrap().to_owned();
    let token = manage.split("token=").nth(1).unwrap().to_owned();
    assert!(!slots(&base, day).contains(start), "the slot is taken");

    let (status, _, fetched) = http(
        "GET",
        &format!("{base}/api/appointments/{id}?token={token}"),
        &[],
        "",
    );
    assert_eq!(status, 200, "{fetched}");
    assert!(fetched.contains("\"status\":\"booked\""));

    let (status, headers, page) = http("GET", &manage, &[], "");
    assert_eq!(status, 200);
    assert!(page.contains("name=\"reason\""));
    assert!(headers
        .iter()
        .any(|(k, v)| k == "content-security-policy" && v.contains("default-src 'none'")));
    assert!(
        !slots(&base, day).contains(start),
        "opening the cancel link cancels nothing"
    );

    let form = format!("token={token}&confirm=yes&reason=%CE%B1%CE%BB%CE%BB%CE%B1%CE%B3%CE%AE");
    let (status, _, page) = http(
        "POST",
        &format!("{base}/api/appointments/{id}/cancel"),
        &[("content-type", "application/x-www-form-urlencoded")],
        &form,
    );
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Το ραντεβού ακυρώθηκε"));
    assert_eq!(slots(&base, day), before, "the slot is free again");

    // What SES received for the walk: the confirmation and the cancellation, to the patron.
    let (status, _, data) = http("GET", &format!("{moto}/moto-api/data.json"), &[], "");
    assert_eq!(status, 200);
    let data: serde_json::Value = serde_json::from_str(&data).unwrap();
    let raws: Vec<String> = data["ses"]["RawMessage"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| {
            m["destinations"]
                .as_array()
                .is_some_and(|d| d.iter().any(|x| x == "eleni@example.org"))
        })
        .map(|m| m["raw_data"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        raws.len(),
        2,
        "one confirmation and one cancellation to the patron"
    );
    let parser = mail_parser::MessageParser::default();
    let confirmation = parser.parse(raws[0].as_bytes()).unwrap();
    assert!(confirmation
        .subject()
        .unwrap()
        .starts_with("Το ραντεβού σας κλείστηκε επιτυχώς!"));
    assert_eq!(
        confirmation.from().unwrap().first().unwrap().address(),
        Some("library@uom.edu.gr")
    );
    let body = confirmation.body_text(0).unwrap();
    assert!(
        body.contains("> Όνομα: Ελένη Κ.") && body.contains(&manage),
        "{body}"
    );
    let cancellation = parser.parse(raws[1].as_bytes()).unwrap();
    assert!(cancellation
        .subject()
        .unwrap()
        .starts_with("Το ραντεβού ακυρώθηκε"));
    assert!(cancellation
        .body_text(0)
        .unwrap()
        .contains("> Αιτία: αλλαγή"));
    let ics = String::from_utf8(cancellation.attachment(0).unwrap().contents().to_vec()).unwrap();
    assert!(ics.contains("METHOD:CANCEL") && ics.contains(&format!("UID:{id}@rantevou")));

    // A configuration pushed while the functions are warm is in force within a minute, with
    // no restart: Monday's hours cut to 09:00–10:00 (three 20-minute times).
    let monday = "2026-11-30";
    let full = slots(&base, monday);
    assert!(full.len() > 3, "{full:?}");
    let shorter = rantevou_testkit::SAMPLE_TOML.replace(
        r#"monday    = { start = "09:00", end = "15:00" }"#,
        r#"monday    = { start = "09:00", end = "10:00" }"#,
    );
    assert_ne!(shorter, rantevou_testkit::SAMPLE_TOML);
    let version = store.save_config(&shorter).await.unwrap();
    let pushed = Instant::now();
    let within = rantevou_wiring::in_force::CHECK_EVERY + Duration::from_secs(5);
    loop {
        let now = slots(&base, monday);
        if now.len() == 3 {
            break;
        }
        assert_eq!(now, full, "before it is taken up, the old hours hold");
        assert!(
            pushed.elapsed() < within,
            "configuration {version} not in force {:?} after its push",
            pushed.elapsed()
        );
        std::thread::sleep(Duration::from_secs(2));
    }
    eprintln!(
        "lambda_watch: configuration {version} in force {:.0?} after its push",
        pushed.elapsed()
    );
    store
        .save_config(rantevou_testkit::SAMPLE_TOML)
        .await
        .unwrap();
}

async fn aws_sdk_config(endpoint: &str) -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(aws_config::Region::new("eu-central-1"))
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "test", "test", None, None, "e2e",
        ))
        .load()
        .await
}
