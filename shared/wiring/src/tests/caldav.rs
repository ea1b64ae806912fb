//! The CalDAV read against real servers: Radicale (HTTP Basic, the credentials from the secrets
//! file) and Xandikos (no authentication), each started by `infra/caldav_server.py` with the
//! Python of its pinned tool environment (`infra/bin/test` names them in
//! `RANTEVOU_RADICALE_PYTHON` and `RANTEVOU_XANDIKOS_PYTHON`).

use super::*;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// A running CalDAV server and the collection it made.
struct Server {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    collection: url::Url,
    dir: tempfile::TempDir,
}

impl Server {
    /// `kind`'s server, or `None` (the test skips) when its Python is not named.
    #[allow(clippy::disallowed_methods)] // the test's own switches, set by infra/bin/test
    fn start(kind: &str, python_var: &str) -> Option<Server> {
        let Some(python) = std::env::var_os(python_var) else {
            assert!(
                std::env::var_os("RANTEVOU_TEST_EVERYTHING").is_none(),
                "{python_var} is not set, and RANTEVOU_TEST_EVERYTHING asks for every test"
            );
            eprintln!("note: the {kind} test is skipped ({python_var}; infra/bin/test sets it)");
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../infra/caldav_server.py");
        let mut child = Command::new(python)
            .arg(script)
            .arg(kind)
            .arg(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let collection = line
            .strip_prefix("READY ")
            .unwrap_or_else(|| panic!("{kind} did not start: {line:?}"))
            .trim()
            .parse()
            .unwrap();
        Some(Server {
            child,
            stdin,
            stdout,
            collection,
            dir,
        })
    }

    /// Sends one line to the fixture; the HTTP status it answers.
    fn say(&mut self, line: &str) -> u16 {
        writeln!(self.stdin, "{line}").unwrap();
        let mut answer = String::new();
        self.stdout.read_line(&mut answer).unwrap();
        answer
            .trim()
            .strip_prefix("DONE ")
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("{line}: {answer:?}"))
    }

    /// Stores `text` as the calendar object `name`, as a calendar program does.
    fn put(&mut self, name: &str, text: &str) {
        let file = self.dir.path().join(format!("{name}.ics"));
        std::fs::write(&file, text).unwrap();
        let status = self.say(&format!("PUT {name} {}", file.display()));
        assert!(matches!(status, 201 | 204), "PUT {name}: {status}");
    }

    fn delete(&mut self, name: &str) {
        let status = self.say(&format!("DELETE {name}"));
        assert!(matches!(status, 200 | 204), "DELETE {name}: {status}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const ATHENS: &str = "BEGIN:VTIMEZONE\r\nTZID:Europe/Athens\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0300\r\nTZNAME:EEST\r\nDTSTART:19700329T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:+0300\r\nTZOFFSETTO:+0200\r\nTZNAME:EET\r\nDTSTART:19701025T040000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";

fn object(uid: &str, body: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//rantevou//test//EN\r\n{ATHENS}BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261120T000000Z\r\n{body}END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

/// The calendar the tests keep: a meeting, a weekly teaching series of three with one
/// occurrence moved, a free (transparent) hold, and an event in June, outside the window.
fn fill(server: &mut Server) {
    server.put(
        "meeting",
        &object(
            "meeting@test",
            "SUMMARY:Staff meeting\r\nDTSTART;TZID=Europe/Athens:20261209T100000\r\nDTEND;TZID=Europe/Athens:20261209T110000\r\n",
        ),
    );
    let series = object(
        "teaching@test",
        "SUMMARY:Teaching\r\nDTSTART;TZID=Europe/Athens:20261210T120000\r\nDTEND;TZID=Europe/Athens:20261210T130000\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\n",
    );
    // The second week's class moved to the afternoon: the exception in the same object.
    let moved = "BEGIN:VEVENT\r\nUID:teaching@test\r\nDTSTAMP:20261120T000000Z\r\nRECURRENCE-ID;TZID=Europe/Athens:20261217T120000\r\nDTSTART;TZID=Europe/Athens:20261217T150000\r\nDTEND;TZID=Europe/Athens:20261217T160000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    server.put("teaching", &series.replace("END:VCALENDAR\r\n", moved));
    server.put(
        "hold",
        &object(
            "hold@test",
            "SUMMARY:Maybe\r\nTRANSP:TRANSPARENT\r\nDTSTART;TZID=Europe/Athens:20261211T090000\r\nDTEND;TZID=Europe/Athens:20261211T100000\r\n",
        ),
    );
    server.put(
        "june",
        &object(
            "june@test",
            "SUMMARY:Conference\r\nDTSTART:20270601T080000Z\r\nDTEND:20270601T160000Z\r\n",
        ),
    );
}

fn window() -> (DateTime<Utc>, DateTime<Utc>) {
    let from = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 1, 0, 0, 0).unwrap();
    (from, from + chrono::Duration::days(92))
}

/// The busy stretches read, as UTC `HH:MM` on their dates.
async fn busy(calendars: &HttpCalendars, calendar: &Calendar) -> Vec<String> {
    let (from, to) = window();
    let text = calendars.fetch(calendar, from, to).await.unwrap();
    rantevou_calendar::busy_times(&text, from, to, chrono_tz::Europe::Athens)
        .unwrap()
        .busy
        .iter()
        .map(|b| {
            format!(
                "{}–{}",
                b.start.format("%m-%d %H:%M"),
                b.end.format("%H:%M")
            )
        })
        .collect()
}

const EXPECTED: [&str; 4] = [
    "12-09 08:00–09:00",
    "12-10 10:00–11:00",
    "12-17 13:00–14:00",
    "12-24 10:00–11:00",
];

#[tokio::test]
async fn radicale_busy_times_are_read_with_the_secrets_credentials() {
    let Some(mut server) = Server::start("radicale", "RANTEVOU_RADICALE_PYTHON") else {
        return;
    };
    fill(&mut server);
    let secrets = server.dir.path().join("secrets.toml");
    std::fs::write(
        &secrets,
        "\"rantevou-calendar/anna\" = \"anna:5ecret-pw\"\n\"rantevou-calendar/wrong\" = \"anna:nope\"\n",
    )
    .unwrap();
    #[cfg(unix)]
    std::fs::set_permissions(
        &secrets,
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    let calendars = HttpCalendars::new(Arc::new(SecretsFile(secrets.clone())));
    let collection = server.collection.clone();
    let calendar = |secret: Option<&str>| Calendar::CalDav {
        url: collection.clone(),
        secret: secret.map(str::to_owned),
    };
    assert_eq!(
        busy(&calendars, &calendar(Some("rantevou-calendar/anna"))).await,
        EXPECTED,
        "the busy events in the window, the moved occurrence where it went, not the free hold"
    );
    server.delete("meeting");
    assert_eq!(
        busy(&calendars, &calendar(Some("rantevou-calendar/anna"))).await,
        EXPECTED[1..],
        "a deleted event frees its time at the next read"
    );
    let (from, to) = window();
    let refused = calendars
        .fetch(&calendar(Some("rantevou-calendar/wrong")), from, to)
        .await
        .unwrap_err();
    assert_eq!(
        refused.0,
        "HTTP 401: the server refused the secret's credentials"
    );
    assert!(!refused.0.contains("nope"));
    let unasked = calendars
        .fetch(&calendar(None), from, to)
        .await
        .unwrap_err();
    assert_eq!(
        unasked.0,
        "HTTP 401: the server asks for credentials: name a secret"
    );
    let missing = calendars
        .fetch(&calendar(Some("rantevou-calendar/bob")), from, to)
        .await
        .unwrap_err();
    assert!(
        missing
            .0
            .contains("rantevou-calendar/bob is not in the secrets file"),
        "{missing}"
    );
    #[cfg(unix)]
    {
        std::fs::set_permissions(
            &secrets,
            std::os::unix::fs::PermissionsExt::from_mode(0o644),
        )
        .unwrap();
        let open = calendars
            .fetch(&calendar(Some("rantevou-calendar/anna")), from, to)
            .await
            .unwrap_err();
        assert!(open.0.contains("chmod 600"), "{open}");
    }
}

#[tokio::test]
async fn xandikos_busy_times_are_read_and_a_deleted_event_frees_its_time() {
    let Some(mut server) = Server::start("xandikos", "RANTEVOU_XANDIKOS_PYTHON") else {
        return;
    };
    fill(&mut server);
    let calendars = HttpCalendars::default();
    let calendar = Calendar::CalDav {
        url: server.collection.clone(),
        secret: None,
    };
    assert_eq!(busy(&calendars, &calendar).await, EXPECTED);
    server.delete("meeting");
    assert_eq!(busy(&calendars, &calendar).await, EXPECTED[1..]);
}
