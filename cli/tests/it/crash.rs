//! `kill -9` of `rantevou serve` in the middle of a stampede of bookings, then a restart, five
//! times over one data folder: every booking answered 201 is still there, no slot is held
//! twice, and every link the mail carries works (a confirmation repeated after the crash
//! carries the same link as the first).

use crate::support::Server;
use rantevou_testkit::http::{agent, send};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Free starts the server offers over its whole horizon.
fn free_starts(base: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (_, _, first) = rantevou_testkit::http::http(
        "GET",
        &format!("{base}/api/availability?service=mylibrarylive"),
        &[],
        "",
    );
    let first: serde_json::Value = serde_json::from_str(&first).unwrap();
    let today: chrono::NaiveDate = first["days"][0]["date"].as_str().unwrap().parse().unwrap();
    for offset in [0u64, 31] {
        let from = today + chrono::Days::new(offset);
        let to = from + chrono::Days::new(30);
        let (_, _, body) = rantevou_testkit::http::http(
            "GET",
            &format!("{base}/api/availability?service=mylibrarylive&from={from}&to={to}"),
            &[],
            "",
        );
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        for day in v["days"].as_array().unwrap() {
            for slot in day["slots"].as_array().unwrap() {
                out.push(slot["start"].as_str().unwrap().to_owned());
            }
        }
    }
    out
}

#[test]
fn a_killed_server_loses_no_booking_and_breaks_no_link() {
    let data = tempfile::tempdir().unwrap();
    let booked: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());
    let mut patron = 0;
    for round in 0..5 {
        let server = Server::start_with(data.path(), &["--no-rate-limit"]);
        let base = server.1.clone();
        let starts: Vec<String> = free_starts(&base).into_iter().take(24).collect();
        let requests: Vec<String> = starts
            .iter()
            .map(|start| {
                patron += 1;
                serde_json::json!({"service": "mylibrarylive", "start": start,
                    "customer": {"name": format!("Crash {patron}"), "email": format!("crash{patron}@example.org"), "phone": "2310891000"},
                    "answers": {"status": "ug", "school": "information-sciences"},
                    "notes": "crash test", "language": "en", "accept_terms": true, "accept_privacy": true,
                    "challenge": rantevou_testkit::solved_challenge(&base)})
                .to_string()
            })
            .collect();
        let answered = AtomicUsize::new(0);
        let mut server = Some(server);
        std::thread::scope(|s| {
            for chunk in requests.chunks(6) {
                let (base, booked, answered) = (&base, &booked, &answered);
                s.spawn(move || {
                    let agent = agent();
                    for body in chunk {
                        let url = format!("{base}/api/appointments");
                        let headers = [("content-type", "application/json")];
                        // A request cut by the kill panics inside ureq's error path: treat any
                        // failure to answer as "no answer".
                        let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            send(&agent, "POST", &url, &headers, body)
                        }));
                        let Ok((status, _, created)) = answer else {
                            return;
                        };
                        if status == 201 {
                            let v: serde_json::Value = serde_json::from_str(&created).unwrap();
                            let id = v["id"].as_str().unwrap().to_owned();
                            let link = v["manage_url"].as_str().unwrap().to_owned();
                            booked.lock().unwrap().push((id, link));
                        }
                        answered.fetch_add(1, Ordering::SeqCst);
                    }
                });
            }
            // Kill it part way through.
            while answered.load(Ordering::SeqCst) < 4 + round {
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            if let Some(mut killed) = server.take() {
                let _ = killed.0.kill();
                let _ = killed.0.wait();
                std::mem::forget(killed);
            }
        });
    }

    // Restarted: the retry sends what the crashes left pending, at once.
    let server = Server::start_with(data.path(), &["--no-rate-limit"]);
    let base = &server.1;
    std::thread::sleep(std::time::Duration::from_millis(500));
    let booked = booked.into_inner().unwrap();
    assert!(
        booked.len() >= 20,
        "the rounds booked something: {}",
        booked.len()
    );
    for (id, link) in &booked {
        let token = link.split("token=").nth(1).unwrap();
        let (status, _, body) = rantevou_testkit::http::http(
            "GET",
            &format!("{base}/api/appointments/{id}?token={token}"),
            &[],
            "",
        );
        assert_eq!(
            status, 200,
            "booking {id} answered 201 is there, its link works: {body}"
        );
    }

    // No slot held twice.
    let db = rusqlite::Connection::open(data.path().join("rantevou.sqlite3")).unwrap();
    let doubled: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM (SELECT provider, start FROM appointments WHERE status = 'booked'
             GROUP BY provider, start HAVING COUNT(*) > 1)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(doubled, 0);

    // Every link the mail carries works, repeated confirmations included.
    let mut links = 0;
    // Each patron's mails by subject (a reminder is due at once for the earliest times).
    let mut confirmations: std::collections::BTreeMap<(String, String), Vec<String>> =
        Default::default();
    for mail in rantevou_testkit::outbox(data.path()) {
        let message = mail_parser::MessageParser::default().parse(&mail).unwrap();
        let text = message.body_text(0).unwrap_or_default().to_string();
        let to = message
            .to()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap_or_default()
            .to_owned();
        let subject = message.subject().unwrap_or_default().to_owned();
        if to.starts_with("crash") {
            // Each restart listens on another port: the links' origin is the one difference
            // allowed (a deployment's public URL does not change).
            let same_origin = text
                .split("http://127.0.0.1:")
                .enumerate()
                .map(|(i, part)| match i {
                    0 => part,
                    _ => part.trim_start_matches(|c: char| c.is_ascii_digit()),
                })
                .collect::<Vec<_>>()
                .join("ORIGIN");
            confirmations
                .entry((to, subject))
                .or_default()
                .push(same_origin);
        }
        for url in text
            .split_whitespace()
            .filter(|w| w.contains("/manage?token="))
        {
            let path = &url[url.find("/api/").unwrap()..];
            let (status, _, page) =
                rantevou_testkit::http::http("GET", &format!("{base}{path}"), &[], "");
            assert_eq!(status, 200, "a mailed link works: {path}\n{page}");
            links += 1;
        }
    }
    assert!(
        links >= booked.len(),
        "a mail for every booking: {links} links, {} bookings",
        booked.len()
    );

    // A confirmation sent again after a crash (its record lost with the process) is the same
    // message as the first. How many there were is the test's output (issue 26's figure).
    let mut again = 0;
    for ((to, subject), texts) in &confirmations {
        assert!(
            texts.iter().all(|t| t == &texts[0]),
            "every \"{subject}\" to {to} says the same:\n{}",
            texts.join("\n----\n")
        );
        again += texts.len() - 1;
    }
    println!(
        "five crashes: {} bookings answered, {} patrons' messages, {again} sent twice",
        booked.len(),
        confirmations.len()
    );
}
