//! `rantevou import easyappointments` against a real Easy!Appointments 1.6.0: the kit in
//! `../shared/easyappointments/` started on a free port with its seeded library, then the dry
//! run (every service, provider, plan, break, closure and future appointment of the seed
//! accounted for in the report and the proposed file, the store untouched), `--apply` on the
//! local SQLite folder and on DynamoDB (moto), each twice (the second brings nothing), every
//! appointment fetchable with its new link, and the free times afterwards exactly those EA
//! offers, day by day, for every provider and service.

use crate::support::Server;
use rantevou_domain::{AppointmentId, LibraryConfig};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The seed's moment ("the state on 2026-12-01 09:00", Athens): the import's now.
const SEED_NOW: &str = "2026-12-01T07:00:00Z";

/// Where the kit is: `RANTEVOU_EA_KIT`, else beside the project (`../shared/easyappointments`,
/// as the handbook lays it out), else this machine's `/work/shared/easyappointments`.
#[allow(clippy::disallowed_methods)] // the test's own setting, not the service's
fn kit_dir() -> Option<PathBuf> {
    let root = rantevou_testkit::root();
    std::env::var_os("RANTEVOU_EA_KIT")
        .map(PathBuf::from)
        .into_iter()
        .chain([
            root.join("../shared/easyappointments"),
            PathBuf::from("/work/shared/easyappointments"),
        ])
        .find(|d| d.join("start").exists())
}

/// The running kit (its own home, database and port); stopped when dropped.
struct Kit {
    dir: PathBuf,
    home: tempfile::TempDir,
    url: String,
    token: String,
    user: String,
    password: String,
}

/// `script args` as root: directly when we are, else through `sudo -n`.
fn as_root(script: &Path, args: &[&str], home: &Path) -> Command {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let mut c = if root {
        Command::new(script)
    } else {
        let mut c = Command::new("sudo");
        c.args(["-n", "--preserve-env=EA_HOME,EA_DB"]).arg(script);
        c
    };
    c.args(args)
        .env("EA_HOME", home)
        .env("EA_DB", "rantevou_ea_it");
    c
}

impl Kit {
    fn start() -> Option<Kit> {
        let dir = kit_dir();
        if !rantevou_testkit::available(
            dir.is_some(),
            "the Easy!Appointments kit",
            "../shared/easyappointments, or RANTEVOU_EA_KIT",
        ) {
            return None;
        }
        let dir = dir?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap();
        let home = tempfile::tempdir().unwrap();
        let out = as_root(&dir.join("start"), &[&port.to_string()], home.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "the kit did not start: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let var = |name: &str| {
            stdout
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{name}=")))
                .unwrap_or_else(|| panic!("{name} in {stdout}"))
                .to_owned()
        };
        Some(Kit {
            url: var("EA_URL"),
            token: var("EA_TOKEN"),
            user: var("EA_USER"),
            password: var("EA_PASSWORD"),
            dir,
            home,
        })
    }

    /// `GET /index.php/api/v1/<path>` as JSON.
    fn api(&self, path: &str) -> serde_json::Value {
        let (status, _, body) = rantevou_testkit::http::http(
            "GET",
            &format!("{}/index.php/api/v1/{path}", self.url),
            &[("Authorization", &format!("Bearer {}", self.token))],
            "",
        );
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str(&body).unwrap()
    }
}

impl Drop for Kit {
    fn drop(&mut self) {
        let _ = as_root(&self.dir.join("stop"), &[], self.home.path()).output();
    }
}

/// `rantevou import easyappointments ARGS` at the seed's moment, with `vars`: success, stdout,
/// stderr.
fn import(kit: &Kit, vars: &[(&str, &str)], args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rantevou"))
        .args(["import", "easyappointments", "--url", &kit.url])
        .args(args)
        .env("RANTEVOU_NOW", SEED_NOW)
        .env_remove("EA_TOKEN")
        .env_remove("EA_PASSWORD")
        .envs(vars.iter().copied())
        .current_dir(rantevou_testkit::root())
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The ids of EA's appointments after the seed's moment, not marked Cancelled.
fn future_ids(kit: &Kit) -> BTreeSet<i64> {
    kit.api("appointments?length=1000")
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["start"].as_str().unwrap() > "2026-12-01 09:00:00")
        .filter(|a| a["status"] != "Cancelled")
        .map(|a| a["id"].as_i64().unwrap())
        .collect()
}

/// `EA <id> → <uuid> …` lines of an apply: EA's id and ours.
fn carried(said: &str) -> Vec<(i64, AppointmentId)> {
    said.lines()
        .filter_map(|l| {
            let rest = l.trim().strip_prefix("EA ")?;
            let (ea, rest) = rest.split_once(" → ")?;
            let (id, _) = rest.split_once(' ')?;
            Some((ea.parse().ok()?, id.parse().ok()?))
        })
        .collect()
}

#[test]
fn a_library_comes_over_from_easy_appointments_with_its_future_bookings() {
    let Some(kit) = Kit::start() else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("proposed.toml");
    let data = work.path().join("data");
    let out_s = out.to_str().unwrap();
    let data_s = data.to_str().unwrap();

    // Wrong credentials, each one sentence.
    let (ok, _, said) = import(&kit, &[], &["--token", "wrong", "--out", out_s]);
    assert!(
        !ok && said.contains("refused the credentials (HTTP 401)"),
        "{said}"
    );
    let (ok, _, said) = import(
        &kit,
        &[],
        &["--user", "sip", "--password", "sip-password-1"],
    );
    assert!(
        !ok && said.contains("refused the credentials"),
        "a provider is refused: {said}"
    );
    let (ok, _, said) = import(&kit, &[], &["--out", out_s]);
    assert!(!ok && said.contains("--token"), "no credentials: {said}");

    // The dry run, with the admin's password from the environment.
    let (ok, report, said) = import(
        &kit,
        &[("EA_PASSWORD", kit.password.as_str())],
        &["--user", &kit.user, "--out", out_s, "--data", data_s],
    );
    assert!(ok, "{report}{said}");
    assert!(!data.exists(), "a dry run stores nothing");
    for needle in [
        "EA service 1 \"myLIBRARYlive\" → mylibrarylive: 20 minutes, every 20, with sip, epapachristou",
        "EA service 2 \"Εκπαίδευση σε Zotero\" → zotero: 40 minutes, every 20, with epapachristou",
        "EA provider 2 \"Τμήμα Επιστημονικής Πληροφόρησης & Τεκμηρίωσης\" <sip@lib.uom.gr> → sip",
        "EA provider 3 \"Ευαγγελία Παπαχρήστου\" <epapachristou@lib.uom.gr> → epapachristou",
        "wednesday 09:00–15:00, break 12:00–12:30",
        "friday 09:00–15:00, break 13:00–13:30",
        "sip on 2026-12-18 (friday): works 09:00–13:00 (EA working-plan exception 1)",
        "epapachristou on 2027-01-29 (friday): day off (EA working-plan exception 2)",
        "epapachristou on 2027-02-06 (saturday): works 10:00–14:00, break 12:00–12:20 (EA working-plan exception 3)",
        "2026-12-24 – 2027-01-06 \"Χριστούγεννα 2026\": the library is closed (EA blocked period 4)",
        "epapachristou on 2026-12-15 (tuesday): closed all day for this provider (EA unavailability 47",
        "sip on 2026-12-09 (wednesday): closed 09:00–10:40: works 10:40–15:00, break 12:00–12:30 (EA unavailability 50",
        "(EA unavailability 56",
        "epapachristou on 2027-02-10 (wednesday): closed 11:00–12:00",
        "36 past appointment(s)",
        "EA 48 → 2026-12-09 11:50 mylibrarylive with sip",
        "off the offered times (staff entered it there)",
        "service zotero is in the category \"Εκπαίδευση χρηστών\"; rantevou has no categories",
        "the terms and the privacy policy are texts",
        "Dry run: nothing was stored",
        "--apply --use",
    ] {
        assert!(report.contains(needle), "{needle:?} in:\n{report}");
    }
    for past in [1, 2, 3] {
        assert!(
            report.contains(&format!("EA blocked period {past} ")),
            "blocked period {past}: {report}"
        );
    }
    for past in [9, 25, 32] {
        assert!(
            report.contains(&format!("EA unavailability {past} ")),
            "unavailability {past}: {report}"
        );
    }
    // Every future appointment is to be brought over, each once.
    let future = future_ids(&kit);
    assert_eq!(future.len(), 26, "the seed's future appointments");
    for id in &future {
        let line = format!("EA {id} → ");
        assert_eq!(
            report.matches(&line).count(),
            1,
            "{line:?} once in:\n{report}"
        );
    }
    assert!(
        report.contains("26 future appointment(s) to bring over"),
        "{report}"
    );

    // The proposed file loads, and holds what the report said.
    let source = std::fs::read_to_string(&out).unwrap();
    let config = LibraryConfig::from_toml_str(&source).unwrap();
    let sip = config.provider("sip").unwrap();
    let wednesday = sip.working_plan.day(chrono::Weekday::Wed).unwrap();
    assert_eq!(wednesday.breaks.len(), 1);
    let date = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    assert_eq!(
        sip.working_plan
            .on(date("2026-12-18"))
            .unwrap()
            .hours
            .end
            .to_string(),
        "13:00:00"
    );
    let epa = config.provider("epapachristou").unwrap();
    assert!(
        epa.working_plan.on(date("2027-01-29")).is_none(),
        "the day off"
    );
    assert!(
        epa.working_plan.on(date("2026-12-15")).is_none(),
        "the whole-day unavailability"
    );
    assert!(
        epa.working_plan.on(date("2027-02-06")).is_some(),
        "the Saturday worked"
    );
    assert!(
        config.closures.closed_on(date("2026-12-28")).is_some(),
        "Christmas"
    );
    assert_eq!(config.service("zotero").unwrap().duration_minutes, 40);
    assert_eq!(config.policy.min_notice_minutes, 120);
    assert_eq!(config.policy.horizon_days, 90);

    // --apply on the local folder, with the tests' key (so that the links can be made here).
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        data.join("keys"),
        format!("{}\n", rantevou_testkit::KEY_TEXT),
    )
    .unwrap();
    let apply = [
        "--token",
        kit.token.as_str(),
        "--out",
        out_s,
        "--data",
        data_s,
        "--apply",
        "--notify",
    ];
    let (ok, said, err) = import(&kit, &[], &apply);
    assert!(ok, "{said}{err}");
    assert!(
        said.contains("26 brought over, 0 already there, 0 refused"),
        "{said}"
    );
    let first = carried(&said);
    assert_eq!(
        first.iter().map(|(ea, _)| *ea).collect::<BTreeSet<_>>(),
        future
    );
    let mails = rantevou_testkit::outbox(&data);
    assert_eq!(mails.len(), 26, "one notice each, to the patron only");
    let subjects: Vec<String> = mails
        .iter()
        .map(|m| {
            mail_parser::MessageParser::default()
                .parse(m)
                .unwrap()
                .subject()
                .unwrap_or("")
                .to_owned()
        })
        .collect();
    let greek = "Το ραντεβού σας διαχειρίζεται πλέον εδώ";
    let english = "Your appointment is now managed here";
    assert_eq!(
        subjects.iter().filter(|s| s.starts_with(english)).count(),
        5,
        "the five English-language patrons: {subjects:?}"
    );
    assert_eq!(
        subjects.iter().filter(|s| s.starts_with(greek)).count(),
        21,
        "{subjects:?}"
    );
    // Again: nothing twice, nothing mailed.
    let (ok, said, err) = import(&kit, &[], &apply);
    assert!(ok, "{said}{err}");
    assert!(
        said.contains("0 brought over, 26 already there, 0 refused"),
        "{said}"
    );
    assert_eq!(carried(&said), first, "the same ids");
    assert_eq!(
        rantevou_testkit::outbox(&data).len(),
        26,
        "no second notice"
    );

    // Served on the imported library: every appointment with its new link, and the free times
    // EA offers, day by day.
    let server = Server::start_with(&data, &["--config", out_s]);
    let base = &server.1;
    let keys = rantevou_testkit::keys();
    for (ea, id) in &first {
        let token = keys.token(id);
        let url = format!("{base}/api/appointments/{id}?token={}", token.expose());
        let (status, _, body) = rantevou_testkit::http::http("GET", &url, &[], "");
        assert_eq!(status, 200, "EA {ea}: {body}");
    }
    same_free_times_as_ea(&kit, base);
    // The patron's journey on it: a time booked in EA is taken, one EA offered is booked.
    let seeded = a_day_to_book(&kit);
    crate::browser::run_against("imported.test.mjs", &server, &data, &seeded.to_string());
    drop(server);

    dynamo(&kit, &out);
}

/// A day of sip's from tomorrow with a booking made in EA and a time EA still offers:
/// `{date, taken, free, provider}`.
fn a_day_to_book(kit: &Kit) -> serde_json::Value {
    let tomorrow = tomorrow().to_string();
    let booked = kit.api("appointments?length=1000&providerId=2&serviceId=1&sort=%2Bstart");
    for a in booked.as_array().unwrap() {
        let start = a["start"].as_str().unwrap();
        let (date, time) = (&start[..10], &start[11..16]);
        if date < tomorrow.as_str() || a["status"] == "Cancelled" || !time.ends_with('0') {
            continue;
        }
        let free: Vec<String> = serde_json::from_value(kit.api(&format!(
            "availabilities?providerId=2&serviceId=1&date={date}"
        )))
        .unwrap();
        if let Some(free) = free.iter().find(|f| f.as_str() != time) {
            return serde_json::json!({"date": date, "taken": time, "free": free, "provider": "sip"});
        }
    }
    panic!("no day of sip's from {tomorrow} has both a booking and a free time in EA")
}

/// Tomorrow in Athens, by the real clock (EA's own availability reads it).
fn tomorrow() -> chrono::NaiveDate {
    let today = rantevou_wiring::clock::system()
        .now()
        .with_timezone(&chrono_tz::Europe::Athens)
        .date_naive();
    today + chrono::Days::new(1)
}

/// For every provider and service, tomorrow and the 40 days after: the starts rantevou offers
/// are exactly those EA's own availability offers.
fn same_free_times_as_ea(kit: &Kit, base: &str) {
    let tomorrow = tomorrow();
    for (ea_provider, ea_service, provider, service) in [
        (2, 1, "sip", "mylibrarylive"),
        (3, 1, "epapachristou", "mylibrarylive"),
        (3, 2, "epapachristou", "zotero"),
    ] {
        let to = tomorrow + chrono::Days::new(40);
        let (status, _, body) = rantevou_testkit::http::http(
            "GET",
            &format!("{base}/api/availability?service={service}&provider={provider}&from={tomorrow}&to={to}"),
            &[],
            "",
        );
        assert_eq!(status, 200, "{body}");
        let ours: serde_json::Value = serde_json::from_str(&body).unwrap();
        for day in ours["days"].as_array().unwrap() {
            let date = day["date"].as_str().unwrap();
            let mine: Vec<String> = day["slots"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["start"].as_str().unwrap()[11..16].to_owned())
                .collect();
            let theirs: Vec<String> = serde_json::from_value(kit.api(&format!(
                "availabilities?providerId={ea_provider}&serviceId={ea_service}&date={date}"
            )))
            .unwrap();
            assert_eq!(mine, theirs, "{provider} {service} on {date}");
        }
    }
}

/// The same import on the DynamoDB stack (moto), with the file the dry run proposed as a
/// librarian edited it (`--use`): pushed, brought over, and a second time nothing.
fn dynamo(kit: &Kit, proposed: &Path) {
    let Some(moto) = rantevou_testkit::moto_url() else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let stack = format!("import-{}", std::process::id());
    runtime.block_on(crate::deployed::make_stack(&moto, &stack));
    let home = tempfile::tempdir().unwrap();
    let vars = [
        ("AWS_REGION", "eu-central-1"),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_ENDPOINT_URL", moto.as_str()),
        ("AWS_CONFIG_FILE", "/nonexistent"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"),
        ("RANTEVOU_SENDER", "library@uom.edu.gr"),
        ("HOME", home.path().to_str().unwrap()),
    ];
    let edited = home.path().join("edited.toml");
    let source = std::fs::read_to_string(proposed).unwrap().replacen(
        "name = { el = \"myLIBRARYlive\", en = \"myLIBRARYlive\" }",
        "name = { el = \"myLIBRARYlive\", en = \"myLIBRARYlive (in English)\" }",
        1,
    );
    assert!(source.contains("(in English)"));
    std::fs::write(&edited, &source).unwrap();
    let out = home.path().join("not-written.toml");
    let args = [
        "--token",
        kit.token.as_str(),
        "--out",
        out.to_str().unwrap(),
        "--use",
        edited.to_str().unwrap(),
        "--stack",
        &stack,
        "--apply",
    ];
    let (ok, said, err) = import(kit, &vars, &args);
    assert!(ok, "{said}{err}");
    assert!(said.contains("Configuration pushed to table"), "{said}");
    assert!(
        said.contains("26 brought over, 0 already there, 0 refused; nothing was mailed"),
        "{said}"
    );
    assert!(said.contains("edited.toml, as given"), "{said}");
    assert!(!out.exists(), "with --use, no proposal is written");
    let (ok, again, err) = import(kit, &vars, &args);
    assert!(ok, "{again}{err}");
    assert!(
        again.contains("0 brought over, 26 already there, 0 refused"),
        "{again}"
    );
    assert_eq!(carried(&again), carried(&said));
    // The agenda of the deployed table lists them.
    let agenda = Command::new(env!("CARGO_BIN_EXE_rantevou"))
        .args([
            "agenda",
            "--stack",
            &stack,
            "--from",
            "2026-12-01",
            "--to",
            "2027-02-28",
        ])
        .env("RANTEVOU_NOW", SEED_NOW)
        .envs(vars)
        .output()
        .unwrap();
    let agenda = String::from_utf8_lossy(&agenda.stdout);
    assert_eq!(agenda.matches(" booked ").count(), 26, "{agenda}");
}
