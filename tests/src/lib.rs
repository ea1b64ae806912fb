//! Helpers for the flows across functions: dependencies on a temporary SQLite store with a
//! fixed clock, loading `events/` fixtures, and calling the functions in-process.

use chrono::{DateTime, TimeZone, Utc};
use lambda_http::{Body, Request, Response};
use rand::rngs::OsRng;
use rantevou_domain::appointment::{Appointment, BookingRequest};
use rantevou_domain::patron::{parse_patron_input, PatronInput};
use rantevou_domain::{Language, LibraryConfig, TokenHash};
use rantevou_http::Deps;
use rantevou_mail::{OutboxMailer, Sender};
use rantevou_store::SqliteStore;
use std::path::PathBuf;
use std::sync::Arc;

/// The appointment id the `events/` fixtures name.
pub const EVENT_ID: &str = "019ace00-0000-7000-8000-000000000001";
/// The manage token the `events/` fixtures carry.
pub const EVENT_TOKEN: &str = "events-token-0123456789abcdefghijklmnopqrstuv";

/// The instant the fixtures are written for: Saturday 28 November 2026, 12:00 in Athens.
pub fn fixture_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 10, 0, 0)
        .single()
        .unwrap_or_default()
}

/// The library as the sender of the tests' mail.
pub fn sender() -> Sender {
    Sender {
        name: "Πανεπιστήμιο Μακεδονίας - Βιβλιοθήκη".into(),
        address: "library@uom.edu.gr".into(),
    }
}

/// The `.eml` files the outbox holds under `dir`, oldest first, as bytes.
pub fn outbox(dir: &std::path::Path) -> Vec<Vec<u8>> {
    let mut files: Vec<_> = std::fs::read_dir(dir.join("outbox"))
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files.iter().filter_map(|f| std::fs::read(f).ok()).collect()
}

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The sample configuration.
pub fn config() -> LibraryConfig {
    let source =
        std::fs::read_to_string(root().join("infra/library.toml")).expect("infra/library.toml");
    LibraryConfig::from_toml_str(&source).expect("valid sample configuration")
}

/// Dependencies on a fresh SQLite store, with the clock fixed at [`fixture_now`].
pub fn deps() -> (Deps, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(dir.path().join("test.sqlite3")).expect("sqlite");
    let mailer = OutboxMailer::new(dir.path().join("outbox"), sender());
    let mut deps = Deps::new(config(), Arc::new(store), Arc::new(mailer));
    deps.clock = Arc::new(fixture_now);
    deps.public_url = "https://mylibrarylive.lib.uom.gr".into();
    deps.allowed_origin = Some("https://mylibrarylive.lib.uom.gr".into());
    (deps, dir)
}

/// Stores the appointment the fixtures name: Tuesday 1 December 2026 10:00 Athens, with
/// [`EVENT_ID`] and a token hash of [`EVENT_TOKEN`].
pub async fn seed_event_appointment(deps: &Deps) -> Appointment {
    let config = &deps.config;
    let input = PatronInput {
        name: Some("Μαρία Ιωάννου".into()),
        email: Some("m.ioannou@example.org".into()),
        phone: Some("+30 6922222222".into()),
        notes: Some("Χρήση του Scopus".into()),
        language: Some("el".into()),
        accept_terms: Some(true),
        accept_privacy: Some(true),
    };
    let patron =
        parse_patron_input(&input, config.policy.required, Language::El).expect("valid patron");
    let start = Utc
        .with_ymd_and_hms(2026, 12, 1, 8, 0, 0)
        .single()
        .unwrap_or_default();
    let request = BookingRequest {
        service: &config.services[0],
        provider: &config.providers[0],
        start,
        patron,
    };
    let (mut a, _) = Appointment::book(request, &config.policy, fixture_now(), &mut OsRng);
    a.id = EVENT_ID.parse().expect("fixture id");
    a.token_hash = TokenHash::of(EVENT_TOKEN);
    deps.store.create(&a, None).await.expect("seeded");
    a
}

/// The fixture `events/<name>.json` as a request.
pub fn event(name: &str) -> Request {
    let path = root().join("events").join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    lambda_http::request::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Calls the function named in the fixture's file name (`<function>.<case>`).
pub async fn call(function: &str, req: Request, deps: &Deps) -> Response<Body> {
    match function {
        "list-availability" => list_availability::handle(req, deps).await,
        "create-appointment" => create_appointment::handle(req, deps).await,
        "get-appointment" => get_appointment::handle(req, deps).await,
        "cancel-appointment" => cancel_appointment::handle(req, deps).await,
        other => panic!("no function {other}"),
    }
}

/// Invokes fixture `name` on its function.
pub async fn invoke(name: &str, deps: &Deps) -> Response<Body> {
    let function = name.split('.').next().unwrap_or(name);
    call(function, event(name), deps).await
}

/// The body as text.
pub fn text(response: &Response<Body>) -> String {
    match response.body() {
        Body::Text(t) => t.clone(),
        Body::Binary(b) => String::from_utf8_lossy(b).into_owned(),
        _ => String::new(),
    }
}

/// The body as JSON (`Null` if it is not JSON).
pub fn json(response: &Response<Body>) -> serde_json::Value {
    serde_json::from_str(&text(response)).unwrap_or(serde_json::Value::Null)
}

/// An HTML body with the entities minijinja writes turned back into characters, for
/// asserting on what a reader sees.
pub fn html_text(response: &Response<Body>) -> String {
    text(response)
        .replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// What each `events/` fixture answers, in an order that makes every promise true when they
/// run one after another on a store holding only [`seed_event_appointment`]'s appointment,
/// with the clock at [`fixture_now`].
pub const EVENT_STATUSES: &[(&str, u16)] = &[
    ("list-availability.services", 200),
    ("list-availability.availability", 200),
    ("list-availability.availability-any-provider", 200),
    ("list-availability.bad-range", 400),
    ("list-availability.bad-date", 400),
    ("list-availability.unknown-service", 404),
    ("create-appointment.created", 201),
    ("create-appointment.slot-taken", 409),
    ("create-appointment.malformed-json", 400),
    ("create-appointment.missing-consent", 422),
    ("create-appointment.invalid-fields", 422),
    ("create-appointment.unknown-field", 400),
    ("create-appointment.not-offered", 422),
    ("get-appointment.found", 200),
    ("get-appointment.wrong-token", 404),
    ("get-appointment.missing-token", 400),
    ("get-appointment.unknown-id", 404),
    ("cancel-appointment.page", 200),
    ("cancel-appointment.page-wrong-token", 404),
    ("cancel-appointment.wrong-token", 404),
    ("cancel-appointment.reason-too-long", 422),
    ("cancel-appointment.form", 200),
    ("cancel-appointment.json", 200),
];

/// A minimal HTTP/1.0 client for the end-to-end tests: one request, one connection.
/// Returns the status, the headers (lower-cased names) and the body.
pub fn http(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, Vec<(String, String)>, String) {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").expect("http URL");
    let (host, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_owned()), |(h, p)| (h, format!("/{p}")));
    let mut stream = std::net::TcpStream::connect(host).expect("connect");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(600)))
        .ok();
    let mut request = format!(
        "{method} {path} HTTP/1.0\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (status, headers, body.to_owned())
}
