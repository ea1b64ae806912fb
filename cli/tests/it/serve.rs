//! `rantevou serve` as a newcomer runs it: the API answers through the functions, a booking's
//! mail lands in the outbox (listed, links clickable), Ctrl-C stops it cleanly, and a restart
//! finds the booking still there.

use crate::support::Server;
use rantevou_testkit::http::http;

#[test]
fn serve_books_mails_stops_and_keeps_data() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path());
    let base = server.1.clone();
    let key = server.2.split("key=").nth(1).unwrap().to_owned();

    let (status, _, services) = http("GET", &format!("{base}/api/services"), &[], "");
    assert_eq!(status, 200);
    assert!(services.contains("mylibrarylive"));
    let start = first_free(&base);
    let created = crate::support::book(
        &base,
        &start,
        "Νέα Χρήστρια",
        "new@example.org",
        "first visit",
    );
    let manage = created["manage_url"].as_str().unwrap().to_owned();
    assert!(manage.starts_with(&base), "the link points at this server");

    let (status, _, _) = http("GET", &format!("{base}/outbox"), &[], "");
    assert_eq!(status, 401, "the outbox needs the printed key");
    let (status, _, list) = http("GET", &server.2, &[], "");
    assert_eq!(status, 200);
    let first = list
        .split("href=\"/outbox/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(
        list.matches(".eml\"").count(),
        2,
        "the confirmation and the provider's copy"
    );
    let (status, _, _) = http("GET", &format!("{base}/outbox/{first}"), &[], "");
    assert_eq!(status, 401, "each message too");
    let mut found_link = false;
    for file in list
        .split("href=\"/outbox/")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
    {
        let cookie = format!("rantevou_key={key}");
        let (_, _, page) = http(
            "GET",
            &format!("{base}/outbox/{file}"),
            &[("cookie", cookie.as_str())],
            "",
        );
        // minijinja escapes `/` too; a browser reads the entities back.
        let page = page.replace("&#x2f;", "/").replace("&amp;", "&");
        found_link |= page.contains(&format!("<a href=\"{manage}\">{manage}</a>"));
    }
    assert!(found_link, "the cancel link is clickable in the outbox");
    let (status, _, _) = http(
        "GET",
        &format!("{base}/outbox/..%2Frantevou.sqlite3?key={key}"),
        &[],
        "",
    );
    assert_eq!(status, 404);

    assert!(server.interrupt().success(), "Ctrl-C stops it cleanly");

    let server = Server::start(data.path());
    let id = created["id"].as_str().unwrap();
    let token = manage.split("token=").nth(1).unwrap();
    let (status, _, fetched) = http(
        "GET",
        &format!("{}/api/appointments/{id}?token={token}", server.1),
        &[],
        "",
    );
    assert_eq!(status, 200, "the booking survived the restart: {fetched}");
}

/// The first free start the server offers.
fn first_free(base: &str) -> String {
    crate::support::free_days(base)[0].1[0].clone()
}

#[test]
fn two_hundred_simultaneous_requests_for_one_time_book_it_once() {
    let data = tempfile::tempdir().unwrap();
    // One address sends all 200: without the per-client limits, as a load test runs.
    let server = Server::start_with(data.path(), &["--no-rate-limit"]);
    let start = first_free(&server.1);
    let gate = std::sync::Arc::new(std::sync::Barrier::new(200));
    let answers: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..200)
            .map(|i| {
                let (gate, base, start) = (gate.clone(), &server.1, &start);
                s.spawn(move || {
                    let body = crate::support::booking_body(
                        base,
                        start,
                        &format!("Patron {i}"),
                        &format!("p{i}@example.org"),
                        "stampede",
                    );
                    gate.wait();
                    let headers = [("Content-Type", "application/json")];
                    http("POST", &format!("{base}/api/appointments"), &headers, &body).0
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let booked = answers.iter().filter(|s| **s == 201).count();
    let taken = answers.iter().filter(|s| **s == 409).count();
    assert_eq!((booked, taken), (1, 199), "answers: {answers:?}");
    assert_ne!(
        first_free(&server.1),
        start,
        "the booked time is no longer offered"
    );
    let mails = std::fs::read_dir(data.path().join("outbox"))
        .unwrap()
        .count();
    assert_eq!(mails, 2, "one confirmation and its staff copy");
}

#[test]
fn a_burst_from_one_address_is_refused_with_retry_after_while_another_is_served() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path());
    let base = &server.1;
    let body = "{}";
    let post = |_: usize| {
        http(
            "POST",
            &format!("{base}/api/appointments"),
            &[("content-type", "application/json")],
            body,
        )
    };
    // Writes: a burst of 5, then 10 a minute.
    let answers: Vec<_> = (0..8).map(post).collect();
    let statuses: Vec<u16> = answers.iter().map(|a| a.0).collect();
    assert_eq!(
        &statuses[..5],
        &[422; 5],
        "the burst is served (and refused for its empty body)"
    );
    assert!(statuses[5..].iter().all(|s| *s == 429), "{statuses:?}");
    let (_, headers, problem) = &answers[7];
    let retry_after: u64 = headers
        .iter()
        .find(|(k, _)| k == "retry-after")
        .map(|(_, v)| v.parse().unwrap())
        .expect("Retry-After");
    assert!((1..=6).contains(&retry_after), "{retry_after}");
    assert!(problem.contains("/problems/too-many-requests"));
    // Reads are counted apart, and another address is served.
    assert_eq!(http("GET", &format!("{base}/api/services"), &[], "").0, 200);
    let request = format!(
        "POST /api/appointments HTTP/1.0\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{{}}",
        base.trim_start_matches("http://")
    );
    assert_eq!(
        crate::support::status_from("127.0.0.2", base, &request),
        422
    );
}
