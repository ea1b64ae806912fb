//! A librarian's day with the staff commands on a local data folder, while `rantevou serve`
//! runs on it: the agenda, the video-call link sent, a cancellation, a closure that hides its
//! days from the booking site at once (and warns of the appointment on them), the export, and a
//! patron's data exported and erased. Each command's mail is read back from the outbox.

use crate::support::Server;
use mail_parser::MessageParser;
use rantevou_testkit::http::http;
use std::path::Path;
use std::process::Command;

/// `rantevou <args> --data <data>`: its exit success, standard output and error.
fn rantevou(data: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rantevou"))
        .args(args)
        .arg("--data")
        .arg(data)
        .current_dir(rantevou_testkit::root())
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(data: &Path, args: &[&str]) -> String {
    let (success, stdout, stderr) = rantevou(data, args);
    assert!(success, "rantevou {args:?}: {stdout} {stderr}");
    stdout
}

/// Books `start` for `name` <`email`>; the appointment's id.
fn book(base: &str, start: &str, name: &str, email: &str) -> String {
    let created = crate::support::book(base, start, name, email, "Βάσεις δεδομένων");
    created["id"].as_str().unwrap().to_owned()
}

/// The outbox's messages after the first `skip`: (to, subject, text, first attachment).
fn mails(data: &Path, skip: usize) -> Vec<(String, String, String, String)> {
    rantevou_testkit::outbox(data)
        .iter()
        .skip(skip)
        .map(|bytes| {
            let m = MessageParser::default().parse(bytes).unwrap();
            let to = m
                .to()
                .and_then(|a| a.first())
                .and_then(|a| a.address())
                .unwrap_or("")
                .to_owned();
            let attachment = m
                .attachment(0)
                .map(|a| String::from_utf8_lossy(a.contents()).into_owned())
                .unwrap_or_default();
            (
                to,
                m.subject().unwrap_or("").to_owned(),
                m.body_text(0).unwrap_or_default().into_owned(),
                attachment,
            )
        })
        .collect()
}

#[test]
fn a_librarians_day_with_the_staff_commands() {
    let data = tempfile::tempdir().unwrap();
    let data = data.path();
    let server = Server::start(data);
    let base = server.1.clone();
    let days = crate::support::free_days(&base);
    let (day1, starts1) = days[0].clone();
    let (day2, starts2) = days[1].clone();
    let anna = book(&base, &starts1[0], "Άννα Δημητρίου", "anna@example.org");
    let babis = book(&base, &starts1[1], "Μπάμπης Κ.", "babis@example.org");
    let christos = book(&base, &starts2[0], "Χρήστος Λ.", "christos@example.org");
    let sent_before = rantevou_testkit::outbox(data).len();
    assert_eq!(sent_before, 6, "three confirmations and their copies");

    // The agenda of the first day: both, booked, no link yet (the sample's meeting is manual).
    let agenda = ok(data, &["agenda", "--from", &day1]);
    for expected in [
        "Άννα Δημητρίου",
        "Μπάμπης Κ.",
        "Βάσεις δεδομένων",
        "booked",
        "none",
        &anna,
    ] {
        assert!(agenda.contains(expected), "{expected}: {agenda}");
    }
    assert!(!agenda.contains("Χρήστος"), "only that day: {agenda}");

    // The link, set by staff: mailed to the patron at once with an updated invitation.
    let url = "https://uom.zoom.us/j/123456789";
    let said = ok(data, &["send-link", &anna, "--url", url]);
    assert!(said.contains("mailed to the patron"), "{said}");
    let sent = mails(data, sent_before);
    assert_eq!(sent.len(), 1, "to the patron only");
    let (to, subject, text, ics) = &sent[0];
    assert_eq!(to, "anna@example.org");
    assert!(
        subject.starts_with("Ο σύνδεσμος της τηλεδιάσκεψης – "),
        "{subject}"
    );
    assert!(
        text.contains(url) && text.contains("/manage?token="),
        "{text}"
    );
    assert!(
        ics.contains("SEQUENCE:1") && ics.contains(&format!("LOCATION:{url}")),
        "{ics}"
    );
    assert!(ok(data, &["agenda", "--from", &day1]).contains("sent"));
    // Changed: mailed again, the sequence up.
    ok(
        data,
        &["send-link", &anna, "--url", "https://uom.zoom.us/j/987"],
    );
    let sent = mails(data, sent_before + 1);
    assert!(sent[0].3.contains("SEQUENCE:2"), "{}", sent[0].3);
    let (success, _, stderr) = rantevou(data, &["send-link", &anna, "--url", "zoom.us/j/1"]);
    assert!(
        !success && stderr.contains("--url"),
        "a bad link is refused: {stderr}"
    );

    // Babis cancelled by staff, with a reason: mailed, and the time is free again.
    let reason = "Ο βιβλιοθηκονόμος απουσιάζει";
    ok(data, &["cancel", &babis, "--reason", reason]);
    let sent = mails(data, sent_before + 2);
    assert_eq!(sent[0].0, "babis@example.org");
    assert!(sent[0].2.contains(reason), "{}", sent[0].2);
    assert!(sent[0].3.contains("METHOD:CANCEL"));
    assert!(
        crate::support::free_days(&base)[0].1.contains(&starts1[1]),
        "offered again"
    );
    let (success, _, stderr) = rantevou(data, &["cancel", &babis, "--reason", "again"]);
    assert!(!success && stderr.contains("already cancelled"), "{stderr}");

    // A closure of the second day: gone from the site at once; Christos's appointment is
    // listed, not cancelled. Removed: offered again.
    let said = ok(
        data,
        &[
            "closure",
            "add",
            "--from",
            &day2,
            "--name",
            "Staff training",
        ],
    );
    assert!(
        said.contains("WARNING: 1 appointment") && said.contains(&christos),
        "{said}"
    );
    assert!(
        crate::support::free_days(&base)
            .iter()
            .all(|(d, _)| *d != day2),
        "the day is closed"
    );
    let list = ok(data, &["closure", "list"]);
    let id = list.split_whitespace().next().unwrap().to_owned();
    assert!(
        list.contains("Staff training") && list.contains(&day2),
        "{list}"
    );
    ok(data, &["closure", "remove", &id]);
    assert!(
        crate::support::free_days(&base)
            .iter()
            .any(|(d, _)| *d == day2),
        "offered again"
    );
    let (success, _, stderr) = rantevou(data, &["closure", "remove", &id]);
    assert!(!success && stderr.contains("no closure"), "{stderr}");

    // The export: a BOM, a header in the library's language, `;` between cells, one row
    // each, Greek intact.
    let (success, csv, _) = rantevou(data, &["export", "--from", &day1, "--to", &day2]);
    assert!(success);
    assert!(
        csv.starts_with("\u{feff}Κωδικός;Ημερομηνία;Έναρξη;Λήξη;"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 4, "{csv}");
    assert!(
        csv.contains("Άννα Δημητρίου") && csv.contains(";Ακυρώθηκε;"),
        "{csv}"
    );
    assert!(
        csv.contains(";Θέμα;Ιδιότητα;Σχολή;\"Τι έχετε ήδη δοκιμάσει;\";Γλώσσα;")
            && csv.contains(";Προπτυχιακός/ή φοιτητής/τρια;Επιστημών Πληροφορίας;;"),
        "the answers in words, a column each: {csv}"
    );

    // Access: everything about Christos, consent included. Erasure: his upcoming appointment
    // cancelled (mailed), then nothing left under his address.
    let export: serde_json::Value =
        serde_json::from_str(&ok(data, &["patron", "export", "christos@example.org"])).unwrap();
    let appointments = export["appointments"].as_array().unwrap();
    assert_eq!(appointments.len(), 1);
    assert_eq!(appointments[0]["id"], christos.as_str());
    assert_eq!(appointments[0]["phone"], "6900000000");
    assert_eq!(
        appointments[0]["answers"],
        serde_json::json!({"status": "ug", "school": "information-sciences"})
    );
    assert!(appointments[0]["consent"]["terms_url"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    let before = rantevou_testkit::outbox(data).len();
    let said = ok(data, &["patron", "erase", "christos@example.org"]);
    assert!(
        said.contains("Cancelled 1 upcoming appointment(s), anonymised 1"),
        "{said}"
    );
    assert_eq!(mails(data, before)[0].0, "christos@example.org");
    let export: serde_json::Value =
        serde_json::from_str(&ok(data, &["patron", "export", "christos@example.org"])).unwrap();
    assert!(export["appointments"].as_array().unwrap().is_empty());
    let agenda = ok(data, &["agenda", "--from", &day2]);
    assert!(
        agenda.contains("(erased)") && !agenda.contains("Χρήστος"),
        "{agenda}"
    );
}

/// The same commands on DynamoDB and SES (moto), as staff run them with the AWS environment:
/// the configuration pushed, appointments in the table, the link and the cancellation mailed
/// through SES, a closure stored.
#[test]
fn staff_commands_work_on_dynamodb_and_ses() {
    let Some(moto) = rantevou_testkit::moto_url() else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let table = format!("staff-{}", std::process::id());
    let keys = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(keys.path(), rantevou_testkit::KEY_TEXT).unwrap();
    let env = |c: &mut Command| {
        c.env("RANTEVOU_TABLE", &table)
            .env("AWS_ENDPOINT_URL", &moto)
            .env("AWS_REGION", "eu-central-1")
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("RANTEVOU_NOW", "2026-11-28T10:00:00Z")
            .env("RANTEVOU_SENDER", "library@uom.edu.gr")
            .env("RANTEVOU_KEYS_FILE", keys.path())
            .env("RANTEVOU_PUBLIC_URL", "https://mylibrarylive.lib.uom.gr")
            .env("RUST_LOG", "warn")
            .current_dir(rantevou_testkit::root());
    };
    let aws = |args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_rantevou"));
        c.args(args);
        env(&mut c);
        let out = c.output().unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(
            out.status.success(),
            "rantevou {args:?}: {stdout} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    };

    let config = rantevou_testkit::sample_config();
    let start = |hh: u32, mm: u32| {
        use chrono::TimeZone;
        chrono::Utc
            .with_ymd_and_hms(2026, 12, 1, hh - 2, mm, 0)
            .unwrap()
    };
    let (mut anna, _) =
        rantevou_testkit::appointment(&config, "mylibrarylive", "sip", start(9, 0), "Anna");
    // As a booking keys it: the digest of the normalised address under the manage key.
    anna.patron_key = Some(rantevou_testkit::keys().digest("patron", "anna@example.org"));
    let (babis, _) =
        rantevou_testkit::appointment(&config, "mylibrarylive", "sip", start(9, 20), "Babis");
    runtime.block_on(async {
        use rantevou_domain::ports::{Bookings, CreateConditions};
        let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .endpoint_url(&moto)
            .region(aws_config::Region::new("eu-central-1"))
            .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
                "test", "test", None, None, "staff",
            ))
            .load()
            .await;
        let client = aws_sdk_dynamodb::Client::new(&sdk);
        rantevou_store::dynamo::table::create_table(&client, &table)
            .await
            .unwrap();
        let store = rantevou_store::DynamoStore::new(client, &table);
        for a in [&anna, &babis] {
            store.create(a, &CreateConditions::default()).await.unwrap();
        }
        aws_sdk_sesv2::Client::new(&sdk)
            .create_email_identity()
            .email_identity("library@uom.edu.gr")
            .send()
            .await
            .unwrap();
    });
    aws(&["config", "push"]);

    let agenda = aws(&["agenda", "--from", "2026-12-01"]);
    assert!(
        agenda.contains("Anna") && agenda.contains("Babis"),
        "{agenda}"
    );
    let (anna_id, babis_id) = (anna.id.to_string(), babis.id.to_string());
    let url = "https://uom.zoom.us/j/555";
    assert!(aws(&["send-link", &anna_id, "--url", url]).contains("mailed to the patron"));
    aws(&["cancel", &babis_id, "--reason", "Απουσία"]);
    let said = aws(&[
        "closure",
        "add",
        "--from",
        "2026-12-02",
        "--name",
        "Εκπαίδευση",
    ]);
    assert!(said.contains("Closed 2026-12-02"), "{said}");
    assert!(aws(&["closure", "list"]).contains("Εκπαίδευση"));
    let csv = aws(&["export", "--from", "2026-12-01", "--to", "2026-12-01"]);
    assert!(
        csv.starts_with('\u{feff}') && csv.lines().count() == 3,
        "{csv}"
    );
    let said = aws(&["patron", "erase", "anna@example.org"]);
    assert!(
        said.contains("Cancelled 1 upcoming appointment(s), anonymised 1"),
        "{said}"
    );
    let export: serde_json::Value =
        serde_json::from_str(&aws(&["patron", "export", "anna@example.org"])).unwrap();
    assert!(
        export["appointments"].as_array().unwrap().is_empty(),
        "{export}"
    );

    let (_, _, data) = http("GET", &format!("{moto}/moto-api/data.json"), &[], "");
    let data: serde_json::Value = serde_json::from_str(&data).unwrap();
    // Each message sent through SES: its recipient, and its text with its attachments.
    let messages: Vec<(String, String)> = data["ses"]["RawMessage"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["raw_data"].as_str())
        .map(|raw| {
            let m = MessageParser::default().parse(raw.as_bytes()).unwrap();
            let to = m
                .to()
                .and_then(|a| a.first())
                .and_then(|a| a.address())
                .unwrap_or("");
            let mut all = m.body_text(0).unwrap_or_default().into_owned();
            for a in m.attachments() {
                all.push_str(&String::from_utf8_lossy(a.contents()));
            }
            (to.to_owned(), all)
        })
        .collect();
    let to_of = |needle: &str| -> Vec<String> {
        messages
            .iter()
            .filter(|(_, all)| all.contains(needle))
            .map(|(to, _)| to.clone())
            .collect()
    };
    assert_eq!(
        to_of(url),
        vec!["anna@example.org"],
        "the link mail, through SES"
    );
    assert!(
        to_of("METHOD:CANCEL").contains(&"babis@example.org".to_owned()),
        "the cancellation, through SES"
    );
}
