//! Helpers for the flows across functions: the service on a temporary SQLite store with the
//! clock fixed at the fixtures' time (the local wiring, as `rantevou serve` builds it),
//! loading `events/` fixtures, and calling the functions in-process through the one dispatch.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use lambda_http::{Body, Request, Response};
use rantevou::Functions;
use rantevou_app::Links;
use rantevou_domain::appointment::Appointment;
use rantevou_domain::ports::CreateConditions;
use rantevou_domain::ports::{Bookings, Mailer};
use rantevou_domain::{LibraryConfig, TokenHash};
use rantevou_http::Function;
use rantevou_store::SqliteStore;
use rantevou_wiring::Wiring;
use std::sync::Arc;

pub mod seed;

pub use rantevou_testkit::http::http;
pub use rantevou_testkit::{fixture_now, outbox, root, sample_config as config};

/// The appointment id the `events/` fixtures name.
pub const EVENT_ID: &str = "019ace00-0000-7000-8000-000000000001";
/// The manage token the `events/` fixtures carry.
pub const EVENT_TOKEN: &str = "events-token-0123456789abcdefghijklmnopqrstuv";
/// The site the fixtures' links point at (and the CORS origin).
pub const SITE: &str = "https://mylibrarylive.lib.uom.gr";

/// The service in one process: the wiring and every function built from it.
#[derive(Clone)]
pub struct Deps {
    /// The adapters and the context.
    pub wiring: Wiring<SqliteStore>,
    /// The functions built from them.
    pub functions: Functions,
}

impl Deps {
    /// The store behind the functions.
    pub fn store(&self) -> &SqliteStore {
        self.wiring.store()
    }

    /// The same service with mail sent through `mailer`.
    pub fn with_mailer(&self, mailer: Arc<dyn Mailer>) -> Deps {
        Deps::of(self.wiring.clone().with_mailer(mailer))
    }

    /// The same service with the clock at `now`.
    pub fn at(&self, now: chrono::DateTime<chrono::Utc>) -> Deps {
        Deps::of(
            self.wiring
                .clone()
                .with_clock(rantevou_wiring::clock::pinned(now)),
        )
    }

    /// The retry of pending mail.
    pub fn mail_retry(&self) -> rantevou_app::MailRetry {
        self.wiring.mail_retry().expect("the local wiring has keys")
    }

    fn of(wiring: Wiring<SqliteStore>) -> Deps {
        let functions = Functions::new(&wiring).expect("the local wiring has keys");
        Deps { wiring, functions }
    }
}

/// The service of `config` on a fresh SQLite store in a temporary folder (with its outbox),
/// the clock fixed at [`fixture_now`], links and CORS on [`SITE`], and the tests' manage key
/// (the `events/` fixtures' bot-check solutions are signed with it).
pub fn deps_of(config: LibraryConfig) -> (Deps, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("keys"), rantevou_testkit::KEY_TEXT).expect("key file");
    let links = Links::new(SITE, Some(SITE)).expect("links");
    let clock = rantevou_wiring::clock::pinned(fixture_now());
    let wiring =
        rantevou_wiring::local::wiring(config, dir.path(), links, clock).expect("local wiring");
    (Deps::of(wiring), dir)
}

/// The sample library's service (see [`deps_of`]), its bot check made light (up to 1,000
/// hashes) so that tests solve it in a moment.
pub fn deps() -> (Deps, tempfile::TempDir) {
    let mut config = config();
    config.policy.proof_of_work_difficulty = 1_000;
    deps_of(config)
}

/// A solved bot-check challenge from `deps`' own `GET /api/challenge`.
pub async fn challenge(deps: &Deps) -> String {
    let req = lambda_http::http::Request::builder()
        .uri("/api/challenge")
        .body(Body::Empty)
        .expect("a request");
    let answer = call("create-appointment", req, deps).await;
    assert_eq!(answer.status().as_u16(), 200, "{}", text(&answer));
    let challenge: rantevou_domain::challenge::Challenge =
        serde_json::from_str(&text(&answer)).expect("a challenge");
    rantevou_domain::challenge::solve(&challenge).expect("solvable")
}

/// The appointment the fixtures name: Tuesday 1 December 2026 10:00 Athens, with
/// [`EVENT_ID`] and a token hash of [`EVENT_TOKEN`]; booked, or held from the fixtures' moment
/// when `config`'s library holds bookings.
pub fn event_appointment(config: &LibraryConfig) -> Appointment {
    let start = chrono::DateTime::parse_from_rfc3339("2026-12-01T10:00:00+02:00")
        .unwrap()
        .to_utc();
    let (mut a, _) =
        rantevou_testkit::appointment(config, "mylibrarylive", "sip", start, "Μαρία Ιωάννου");
    let input = rantevou_domain::patron::PatronInput {
        email: Some("m.ioannou@example.org".into()),
        phone: Some("+30 6922222222".into()),
        notes: Some("Χρήση του Scopus".into()),
        ..rantevou_testkit::patron_input("Μαρία Ιωάννου")
    };
    a.patron = rantevou_domain::patron::parse_patron_input(
        &input,
        Default::default(),
        rantevou_domain::Language::El,
    )
    .expect("a valid patron");
    a.id = EVENT_ID.parse().expect("fixture id");
    a.token_hash = TokenHash::of(EVENT_TOKEN);
    a.created_at = fixture_now();
    if let Some(until) = a.hold_until() {
        // Held from the fixtures' moment, as a booking then would be.
        let held_for = until - (start - chrono::Duration::days(1));
        a.status = rantevou_domain::Status::Held {
            until: fixture_now() + held_for,
        };
    }
    a
}

/// Stores [`event_appointment`] in `deps`' store.
pub async fn seed_event_appointment(deps: &Deps) -> Appointment {
    let a = event_appointment(&deps.wiring.context().config);
    deps.store()
        .create(&a, &CreateConditions::default())
        .await
        .expect("seeded");
    a
}

/// The fixture `events/<name>.json` as a request.
pub fn event(name: &str) -> Request {
    let path = root().join("events").join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    lambda_http::request::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Calls the function named `function` (as in a fixture's file name).
pub async fn call(function: &str, req: Request, deps: &Deps) -> Response<Body> {
    let function = Function::named(function).unwrap_or_else(|| panic!("no function {function}"));
    deps.functions.call(function, req).await
}

/// Invokes fixture `name` (`<function>.<case>`) on its function.
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

/// What each `events/` fixture answers (an HTTP status; the scheduler's `report` is left out),
/// in an order that makes every promise true when they run one after another on a store
/// holding only [`seed_event_appointment`]'s appointment, with the clock at [`fixture_now`]:
/// `events/walk.txt`, the list the README's walk (`infra/bin/walk-events`) invokes.
pub static EVENT_STATUSES: std::sync::LazyLock<Vec<(&'static str, u16)>> =
    std::sync::LazyLock::new(|| {
        walk()
            .into_iter()
            .filter_map(|(name, answer)| Some((name, answer.parse().ok()?)))
            .collect()
    });

/// `events/walk.txt`: every fixture, in the walk's order, with what it answers (an HTTP status
/// or `report`).
pub fn walk() -> Vec<(&'static str, &'static str)> {
    include_str!("../../events/walk.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (name, answer) = l.split_once(char::is_whitespace).expect("name answer");
            (name, answer.trim())
        })
        .collect()
}
