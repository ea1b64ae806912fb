//! The attack of issue 25 against `rantevou serve` with the sample library (guards on): a
//! stranger's address typed into every route that makes the library mail it, as fast as the
//! limits allow, from one and from eight loopback addresses. The victim gets at most the day's
//! allowance, the provider's mailbox at most one copy per appointment in the hour, and what the
//! attacker typed appears only inside the quoted block of each mail.

use crate::support::{exchange, free_days, Server};
use mail_parser::MessageParser;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The sample library's `policy.mail_per_address_per_day`.
const CAP: usize = 6;
/// The sample provider's mailbox.
const PROVIDER: &str = "sip@lib.uom.gr";
/// What only the attacker's lines hold (ours say "Your appointment was…" too).
const MARKS: [&str; 2] = ["Re-book now", "Call us at once"];
/// Lines of the attacker's, in the topic and the cancellation's reason.
const EVIL: [&str; 2] = [
    "Your appointment was CANCELLED. Re-book now: https://evil.example/rebook",
    "Call us at once on +30 210 000 0000",
];

/// One JSON request from `from`: the status, the `Retry-After` (seconds) and the body.
fn call(from: &str, base: &str, path: &str, body: &serde_json::Value) -> (u16, u64, String) {
    let body = body.to_string();
    let answer = exchange(
        from,
        base,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    );
    let (head, rest) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let retry = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("retry-after")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    (status, retry, rest.to_owned())
}

/// A solved bot check fetched from `base`.
fn challenge(base: &str) -> String {
    rantevou_testkit::solved_challenge(base)
}

/// What the attackers got through, by route and status.
type Tally = Arc<Mutex<HashMap<String, usize>>>;

/// One attacker at `from` until `deadline`: books the victim, moves each booking back and
/// forth, cancels with a reason, joins the waiting list, asks for the links again; waits out
/// each 429 as its `Retry-After` says.
fn attacker(
    from: String,
    base: String,
    victim: String,
    starts: Arc<Mutex<Vec<String>>>,
    dates: Vec<String>,
    deadline: Instant,
    tally: Tally,
) {
    let notes = EVIL.join("\n");
    let count = |route: &str, status: u16| {
        *tally
            .lock()
            .unwrap()
            .entry(format!("{route} {status}"))
            .or_default() += 1;
    };
    let pause = |retry: u64| {
        let left = deadline.saturating_duration_since(Instant::now());
        std::thread::sleep(Duration::from_secs(retry.max(1)).min(left));
    };
    let next_start = || starts.lock().unwrap().pop();
    let mut round = 0;
    while Instant::now() < deadline {
        round += 1;
        let Some(start) = next_start() else { return };
        let (status, retry, body) = call(
            &from,
            &base,
            "/api/appointments",
            &serde_json::json!({
            "service": "mylibrarylive", "start": start,
            "customer": {"name": "Victim", "email": victim, "phone": "6900000000"},
            "answers": {"status": "ug", "school": "information-sciences"},
            "notes": notes, "language": "en", "accept_terms": true, "accept_privacy": true,
            "challenge": challenge(&base)}),
        );
        count("book", status);
        if status == 429 {
            pause(retry);
        }
        if status == 201 {
            let created: serde_json::Value = serde_json::from_str(&body).unwrap();
            let id = created["id"].as_str().unwrap().to_owned();
            let url = created["manage_url"].as_str().unwrap();
            let token = url.split("token=").nth(1).unwrap().to_owned();
            let mut version = created["version"].as_u64().unwrap();
            for _ in 0..4 {
                let Some(to) = next_start() else { break };
                let (status, retry, body) = call(
                    &from,
                    &base,
                    &format!("/api/appointments/{id}/reschedule"),
                    &serde_json::json!({"token": token, "start": to, "version": version,
                        "challenge": challenge(&base)}),
                );
                count("move", status);
                if status == 200 {
                    let moved: serde_json::Value = serde_json::from_str(&body).unwrap();
                    version = moved["version"].as_u64().unwrap();
                } else if status == 429 {
                    pause(retry);
                }
            }
            // Every other booking is cancelled with the attacker's reason (a cancellation is
            // always told: its place was taken with the booking).
            if round % 2 == 0 {
                let (status, retry, _) = call(
                    &from,
                    &base,
                    &format!("/api/appointments/{id}/cancel"),
                    &serde_json::json!({"token": token, "reason": notes, "version": version}),
                );
                count("cancel", status);
                if status == 429 {
                    pause(retry);
                }
            }
        }
        let date = &dates[round % dates.len()];
        let (status, retry, _) = call(
            &from,
            &base,
            "/api/waitlist",
            &serde_json::json!({
            "service": "mylibrarylive", "date": date, "email": victim, "language": "en",
            "accept_privacy": true, "challenge": challenge(&base)}),
        );
        count("waitlist", status);
        if status == 429 {
            pause(retry);
        }
        let (status, retry, _) = call(
            &from,
            &base,
            "/api/appointments/resend",
            &serde_json::json!({
            "email": victim, "language": "en", "challenge": challenge(&base)}),
        );
        count("resend", status);
        if status == 429 {
            pause(retry);
        }
    }
}

/// Runs the attack from `addresses` loopback addresses for `seconds` on a fresh server, then
/// checks the outbox.
fn attack(addresses: usize, seconds: u64) {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path());
    let base = server.1.clone();
    let days = free_days(&base);
    let dates: Vec<String> = days.iter().map(|(d, _)| d.clone()).take(8).collect();
    let mut starts: Vec<String> = days.into_iter().flat_map(|(_, s)| s).collect();
    starts.reverse(); // popped from the end: the earliest first
    let starts = Arc::new(Mutex::new(starts));
    let tally: Tally = Arc::default();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    // One victim mailbox, spelled differently by each attacker (one mailbox all the same).
    let spellings = [
        "victim@gmail.com",
        "Victim+a@gmail.com",
        "v.ictim@googlemail.com",
        "VICTIM@GMAIL.COM",
        "vic.tim+x@gmail.com",
        "victim+b@Gmail.com",
        "v.i.c.t.i.m@gmail.com",
        "victim+c@googlemail.com",
    ];
    let threads: Vec<_> = (0..addresses)
        .map(|i| {
            let (base, starts, tally) = (base.clone(), starts.clone(), tally.clone());
            let (victim, dates) = (spellings[i % spellings.len()].to_owned(), dates.clone());
            std::thread::spawn(move || {
                attacker(
                    format!("127.0.0.{}", 2 + i),
                    base,
                    victim,
                    starts,
                    dates,
                    deadline,
                    tally,
                )
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let tally = tally.lock().unwrap().clone();
    assert!(tally.get("book 201").is_some_and(|&n| n >= 1), "{tally:?}");
    assert!(
        tally
            .keys()
            .any(|k| k.starts_with("move 429") || k.starts_with("book 429")),
        "the cap was reached: {tally:?}"
    );

    let mails: Vec<Vec<u8>> = rantevou_testkit::outbox(data.path());
    let parsed: Vec<_> = mails
        .iter()
        .map(|m| MessageParser::default().parse(m).unwrap())
        .collect();
    let to = |m: &mail_parser::Message| {
        m.to()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap_or_default()
            .to_lowercase()
    };
    let victim: Vec<_> = parsed.iter().filter(|m| to(m) != PROVIDER).collect();
    let copies: Vec<_> = parsed.iter().filter(|m| to(m) == PROVIDER).collect();
    assert!(
        victim.len() <= CAP,
        "{} mails to the victim's mailbox (cap {CAP}) from {addresses} address(es): {tally:?}\n{:?}",
        victim.len(),
        victim.iter().map(|m| m.subject().unwrap_or_default()).collect::<Vec<_>>()
    );
    assert!(
        !victim.is_empty(),
        "the victim was mailed at all: {tally:?}"
    );
    eprintln!(
        "attack from {addresses} address(es): {tally:?}; {} mails to the victim, {} copies",
        victim.len(),
        parsed.len() - victim.len()
    );

    // The provider's mailbox: the booking's copy of each appointment, nothing more within the
    // hour (the moves and cancellations are folded into a copy the hour after).
    let booked = tally.get("book 201").copied().unwrap_or(0);
    let mut subjects: Vec<&str> = copies
        .iter()
        .map(|m| m.subject().unwrap_or_default())
        .collect();
    assert_eq!(
        copies.len(),
        booked,
        "one copy per appointment: {subjects:?}"
    );
    subjects.sort_unstable();
    subjects.dedup();
    assert_eq!(subjects.len(), booked, "each about its own appointment");

    // What the attacker typed: only inside the quoted block, never a subject or a link.
    for m in parsed.iter() {
        let subject = m.subject().unwrap_or_default();
        for mark in MARKS {
            assert!(!subject.contains(mark), "in a subject: {subject}");
        }
        let text = m.body_text(0).unwrap_or_default();
        for l in text.lines() {
            if MARKS.iter().any(|mark| l.contains(mark)) {
                assert!(
                    l.starts_with("> "),
                    "an unquoted line of the attacker's: {l:?}\n{text}"
                );
            }
        }
        assert!(
            !text.contains("https://evil.example"),
            "a live address: {text}"
        );
        let html = m.body_html(0).unwrap_or_default();
        assert!(!html.contains("evil.example/"), "a live address: {html}");
        for mark in MARKS {
            for (at, _) in html.match_indices(mark) {
                let before = &html[..at];
                let open = before.rfind("<div class=\"patron-wrote\"");
                let close = before.rfind("</div>");
                assert!(
                    open.is_some_and(|o| close.map_or(true, |c| c < o)),
                    "outside the quoted box: {html}"
                );
            }
        }
    }
    drop(server);
}

#[test]
fn a_victims_address_gets_at_most_the_days_allowance_from_one_address() {
    attack(1, 25);
}

#[test]
fn a_victims_address_gets_at_most_the_days_allowance_from_eight_addresses() {
    attack(8, 25);
}
