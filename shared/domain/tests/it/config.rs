//! The configuration loader: the sample file, several services/providers/breaks, and every
//! kind of mistake reported at once with its key and line.

use chrono::{NaiveTime, Weekday};
use rantevou_domain::config::LibraryConfig;
use rantevou_domain::Language;

use rantevou_testkit::SAMPLE_TOML as SAMPLE;

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

#[test]
fn the_sample_configuration_describes_mylibrarylive() {
    let config = LibraryConfig::from_toml_str(SAMPLE).unwrap();
    let lib = &config.library;
    assert_eq!(lib.timezone, chrono_tz::Europe::Athens);
    assert_eq!(lib.languages, vec![Language::El, Language::En]);
    assert_eq!(lib.default_language(), Language::El);
    assert!(lib.site_url.starts_with("https://"));
    assert!(lib.terms_url.el.contains("/el/") && lib.terms_url.en.contains("/en/"));
    assert_eq!(
        lib.privacy_url.el, lib.privacy_url.en,
        "one URL for both languages"
    );
    assert_eq!(lib.timezone_label.get(Language::El), "ώρα Ελλάδας");
    assert_eq!(lib.timezone_label.get(Language::En), "Greek time");
    let multi = LibraryConfig::from_toml_str(MULTI).unwrap();
    assert_eq!(
        multi.library.timezone_label.get(Language::En),
        "Europe/Athens",
        "without a label, the zone's name"
    );
    assert_eq!(
        sip_meeting(&config),
        &rantevou_domain::provider::Meeting::Manual
    );
    assert_eq!(config.policy.send_link_before_minutes, 60);
    assert_eq!(config.policy.reminders_before_minutes, [1440]);

    let service = config.service("mylibrarylive").unwrap();
    assert_eq!(
        (
            service.duration_minutes,
            service.grid_minutes,
            service.buffer_minutes
        ),
        (20, 20, 0)
    );
    assert_eq!(service.providers[0].as_str(), "sip");
    assert!(!service.description.el.is_empty() && !service.description.en.is_empty());
    assert_eq!(
        service.follow_up,
        Some(rantevou_domain::service::FollowUp {
            after_minutes: 60,
            survey_url: None
        }),
        "a thank-you an hour after, no survey"
    );
    let asked: Vec<_> = service
        .questions
        .iter()
        .map(|q| (q.id.as_str(), q.kind, q.required, q.statistics))
        .collect();
    use rantevou_domain::question::QuestionKind::{Choice, Text};
    assert_eq!(
        asked,
        [
            ("status", Choice, true, true),
            ("school", Choice, true, true),
            ("tried", Text, false, false)
        ],
        "status and school, both required and counted; what was tried, optional"
    );
    let status: Vec<_> = service.questions[0]
        .options
        .iter()
        .map(|o| o.id.as_str())
        .collect();
    assert_eq!(status, ["ug", "pg", "phd", "faculty", "staff", "external"]);
    assert_eq!(
        service.questions[1].options.len(),
        5,
        "four schools and none"
    );
    assert!(service.questions[1].help.is_some() && service.questions[0].help.is_none());

    let sip = config.provider("sip").unwrap();
    assert_eq!(
        sip.name.el,
        "Τμήμα Επιστημονικής Πληροφόρησης & Τεκμηρίωσης"
    );
    assert_eq!(
        sip.name.en,
        "Department of Scientific Information & Documentation"
    );
    assert_eq!(sip.lock_minutes, 20);
    for day in [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ] {
        let d = sip.working_plan.day(day).unwrap();
        assert_eq!((d.hours.start, d.hours.end), (t(9, 0), t(15, 0)));
    }
    assert!(sip.working_plan.day(Weekday::Sat).is_none());
    assert!(sip.working_plan.day(Weekday::Sun).is_none());

    assert!(config.closures.greek_public_holidays);
    let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap();
    assert!(config.closures.closed_on(d(2027, 1, 30)).is_some());
    assert!(config.closures.closed_on(d(2026, 11, 17)).is_some());
    assert!(
        config.closures.closed_on(d(2026, 12, 28)).is_some(),
        "Christmas break"
    );

    let p = &config.policy;
    assert_eq!(
        (
            p.min_notice_minutes,
            p.horizon_days,
            p.cancel_cutoff_minutes,
            p.retention_days
        ),
        (120, 60, 60, 90)
    );
    assert!(p.required.phone && p.required.notes);
}

const MULTI: &str = r#"
[library]
name = { el = "Βιβλιοθήκη", en = "Library" }
email = "lib@example.org"
site_url = "https://book.example.org/"
timezone = "Europe/Athens"
languages = ["en", "el"]
terms_url = "https://example.org/terms"
privacy_url = "https://example.org/privacy"

[[services]]
id = "short"
name = { el = "Σύντομο", en = "Short" }
description = { el = "α", en = "a" }
duration_minutes = 20
grid_minutes = 20
providers = ["anna", "bob"]

[[services]]
id = "long"
name = { el = "Μακρύ", en = "Long" }
description = { el = "β", en = "b" }
duration_minutes = 45
grid_minutes = 15
buffer_minutes = 10
providers = ["bob"]

[[providers]]
id = "anna"
name = { el = "Άννα", en = "Anna" }
email = "anna@example.org"
[providers.working_plan]
monday = { start = "09:00", end = "17:00", breaks = [{ start = "13:00", end = "13:30" }, { start = "11:00", end = "11:20" }] }

[[providers]]
id = "bob"
name = { el = "Μπομπ", en = "Bob" }
email = "bob@example.org"
[providers.working_plan]
saturday = { start = "10:00", end = "12:00" }

[policy]
min_notice_minutes = 0
horizon_days = 30
cancel_cutoff_minutes = 0
retention_days = 30
"#;

#[test]
fn several_services_providers_and_breaks_are_expressible() {
    let config = LibraryConfig::from_toml_str(MULTI).unwrap();
    assert_eq!(config.services.len(), 2);
    assert_eq!(config.providers.len(), 2);
    assert_eq!(config.library.default_language(), Language::En);
    assert_eq!(
        config.library.site_url, "https://book.example.org",
        "trailing slash dropped"
    );
    let anna = config.provider("anna").unwrap();
    let monday = anna.working_plan.day(Weekday::Mon).unwrap();
    assert_eq!(monday.breaks.len(), 2);
    assert_eq!(monday.breaks[0].start, t(11, 0), "breaks are sorted");
    // anna: 20-minute service, stretches start at 09:00, 11:20, 13:30 → unit gcd(20, 60, 680, 810) = 10.
    assert_eq!(anna.lock_minutes, 10);
    // bob: gcd(20, 45, 15, 10, 60, 600) = 5.
    assert_eq!(config.provider("bob").unwrap().lock_minutes, 5);
    assert!(
        config.closures.greek_public_holidays,
        "on unless switched off"
    );
    assert!(!config.policy.required.phone && !config.policy.required.notes);
    assert_eq!(config.policy.required.names(), ["name", "email"]);
    let sample = LibraryConfig::from_toml_str(SAMPLE).unwrap();
    assert_eq!(
        sample.policy.required.names(),
        ["name", "email", "phone", "notes"],
        "the names read back as the configuration lists them"
    );
}

/// Applies text replacements to the MULTI sample and loads it, expecting failure.
fn broken(edits: &[(&str, &str)]) -> rantevou_domain::ConfigError {
    let mut source = MULTI.to_owned();
    for (from, to) in edits {
        assert!(source.contains(from), "sample lacks {from:?}");
        source = source.replacen(from, to, 1);
    }
    LibraryConfig::from_toml_str(&source).expect_err("should be refused")
}

#[test]
fn every_mistake_is_reported_at_once_with_key_and_line() {
    let err = broken(&[
        (
            "timezone = \"Europe/Athens\"",
            "timezone = \"Europe/Atlantis\"\ncolour = \"blue\"",
        ),
        ("duration_minutes = 45", "duration_minutes = 50"),
        ("providers = [\"bob\"]", "providers = [\"bob\", \"carol\"]"),
        ("end = \"13:30\"", "end = \"17:30\""),
        (
            "saturday = { start = \"10:00\", end = \"12:00\" }",
            "saturday = { start = \"10:00\", end = \"9.00\" }",
        ),
        (
            "email = \"anna@example.org\"",
            "email = \"anna at example\"",
        ),
    ]);
    let text = err.to_string();
    assert!(
        err.mentions("library.timezone", "unknown time zone"),
        "{text}"
    );
    assert!(err.mentions("library.colour", "unknown key"), "{text}");
    assert!(
        err.mentions(
            "services[1].duration_minutes",
            "not a multiple of the 15-minute grid"
        ),
        "{text}"
    );
    assert!(
        err.mentions("services[1].providers[1]", "unknown provider \"carol\""),
        "{text}"
    );
    assert!(
        err.mentions(
            "providers[0].working_plan.monday.breaks[0]",
            "outside the working hours"
        ),
        "{text}"
    );
    assert!(
        err.mentions(
            "providers[1].working_plan.saturday.end",
            "not a time of day"
        ),
        "{text}"
    );
    assert!(
        err.mentions("providers[0].email", "not an email address"),
        "{text}"
    );
    assert_eq!(err.issues.len(), 7, "{text}");
    let tz = err
        .issues
        .iter()
        .find(|i| i.key == "library.timezone")
        .unwrap();
    assert_eq!(tz.line, Some(6), "{text}");
    let duration = err
        .issues
        .iter()
        .find(|i| i.key == "services[1].duration_minutes")
        .unwrap();
    assert_eq!(duration.line, Some(24), "{text}");
    assert!(
        text.contains("line 6: library.timezone: unknown time zone"),
        "{text}"
    );
}

#[test]
fn a_follow_up_says_when_and_links_a_real_survey() {
    let err = broken(&[(
        "duration_minutes = 45",
        "duration_minutes = 45\nfollow_up = { after_minutes = 20000, survey_url = \"forms.example.org\", colour = 1 }",
    )]);
    let text = err.to_string();
    assert!(
        err.mentions("services[1].follow_up.after_minutes", "between 0 and 10080"),
        "{text}"
    );
    assert!(
        err.mentions("services[1].follow_up.survey_url", "not an http(s) URL"),
        "{text}"
    );
    assert!(
        err.mentions("services[1].follow_up.colour", "unknown key"),
        "{text}"
    );
    let err = broken(&[(
        "duration_minutes = 45",
        "duration_minutes = 45\nfollow_up = { survey_url = \"https://forms.example.org/x\" }",
    )]);
    assert!(
        err.mentions("services[1].follow_up.after_minutes", "is required"),
        "{err}"
    );
}

#[test]
fn questions_are_checked_each_mistake_with_its_key_and_line() {
    let questions = r#"duration_minutes = 45
[[services.questions]]
id = "status"
kind = "choice"
label = { el = "Ιδιότητα", en = "You are" }
options = [{ id = "ug", label = { el = "Π", en = "U" } }]
[[services.questions]]
id = "status"
kind = "text"
label = { el = "Κείμενο" }
statistics = true
options = [{ id = "a", label = { el = "α", en = "a" } }]
[[services.questions]]
id = "Bad Id"
kind = "scale"
label = { el = "α", en = "a" }
colour = "red"
[[services.questions]]
id = "ok"
kind = "choices"
label = { el = "α", en = "a" }
options = [{ id = "a", label = { el = "α", en = "a" } }, { id = "a", label = { el = "β" } }]"#;
    let err = broken(&[("duration_minutes = 45", questions)]);
    let text = err.to_string();
    for (key, words) in [
        (
            "services[1].questions[0].options",
            "needs 2 to 30 options, not 1",
        ),
        ("services[1].questions[1].id", "used twice"),
        ("services[1].questions[1].label.en", "is required"),
        (
            "services[1].questions[1].options",
            "a text question has no options",
        ),
        ("services[1].questions[2].id", "not a valid id"),
        ("services[1].questions[2].kind", "not a kind of question"),
        ("services[1].questions[2].colour", "unknown key"),
        ("services[1].questions[3].options[1].id", "used twice"),
        (
            "services[1].questions[3].options[1].label.en",
            "is required",
        ),
    ] {
        assert!(err.mentions(key, words), "{key}: {words}\n{text}");
    }
    assert!(
        err.issues.iter().all(|i| i.line.is_some()),
        "every issue has its line: {text}"
    );
    let err = broken(&[(
        "duration_minutes = 45",
        "duration_minutes = 45\n[[services.questions]]\nid = \"tried\"\nkind = \"text\"\nlabel = { el = \"α\", en = \"a\" }\nstatistics = true",
    )]);
    assert!(
        err.mentions("services[1].questions[0].statistics", "free text never is"),
        "{err}"
    );
    let eleven: String = (0..11)
        .map(|i| format!("\n[[services.questions]]\nid = \"q{i}\"\nkind = \"yes_no\"\nlabel = {{ el = \"α\", en = \"a\" }}"))
        .collect();
    let err = broken(&[(
        "duration_minutes = 45",
        &format!("duration_minutes = 45{eleven}"),
    )]);
    assert!(
        err.mentions("services[1].questions", "at most 10 questions, not 11"),
        "{err}"
    );
}

#[test]
fn overlapping_breaks_and_reversed_hours_are_refused() {
    let err = broken(&[(
        "{ start = \"11:00\", end = \"11:20\" }",
        "{ start = \"12:50\", end = \"13:10\" }",
    )]);
    assert!(
        err.mentions(
            "providers[0].working_plan.monday.breaks[1]",
            "overlaps breaks[0]"
        ),
        "{err}"
    );
    let err = broken(&[(
        "{ start = \"10:00\", end = \"12:00\" }",
        "{ start = \"12:00\", end = \"10:00\" }",
    )]);
    assert!(
        err.mentions("providers[1].working_plan.saturday.end", "later than start"),
        "{err}"
    );
}

#[test]
fn dated_exceptions_are_checked_each_mistake_with_its_key() {
    let err = broken(&[(
        "[providers.working_plan]",
        "[providers.exceptions]\n\"2026-13-01\" = { off = true }\n\"2026-12-18\" = { off = true, start = \"09:00\" }\n\"2026-12-19\" = { start = \"14:00\", end = \"10:00\" }\n\"2026-12-20\" = { start = \"09:00\", end = \"12:00\", breaks = [{ start = \"11:00\", end = \"13:00\" }] }\n\n[providers.working_plan]",
    )]);
    assert!(
        err.mentions("providers[0].exceptions.\"2026-13-01\"", "not a date"),
        "{err}"
    );
    assert!(
        err.mentions("providers[0].exceptions.\"2026-12-18\"", "a day off has no"),
        "{err}"
    );
    assert!(
        err.mentions(
            "providers[0].exceptions.\"2026-12-19\".end",
            "later than start"
        ),
        "{err}"
    );
    assert!(
        err.mentions(
            "providers[0].exceptions.\"2026-12-20\".breaks[0]",
            "outside the working hours"
        ),
        "{err}"
    );
}

#[test]
fn unknown_keys_anywhere_are_named() {
    let err = broken(&[
        ("grid_minutes = 20", "grid_minutes = 20\ncolor = 1"),
        ("saturday = {", "caturday = {"),
        (
            "retention_days = 30",
            "retention_days = 30\nretention_dayz = 3",
        ),
    ]);
    assert!(err.mentions("services[0].color", "unknown key"), "{err}");
    assert!(
        err.mentions("providers[1].working_plan.caturday", "unknown weekday"),
        "{err}"
    );
    assert!(
        err.mentions("policy.retention_dayz", "unknown key"),
        "{err}"
    );
}

#[test]
fn missing_sections_and_values_are_reported() {
    let err = LibraryConfig::from_toml_str("").unwrap_err();
    for key in ["library", "services", "providers", "policy"] {
        assert!(err.issues.iter().any(|i| i.key == key), "{key}: {err}");
    }
    let err = broken(&[
        ("email = \"lib@example.org\"\n", ""),
        ("id = \"short\"", "id = \"Short Service\""),
    ]);
    assert!(err.mentions("library.email", "is required"), "{err}");
    assert!(err.mentions("services[0].id", "not a valid id"), "{err}");
}

#[test]
fn duplicate_ids_languages_and_required_fields_are_checked() {
    let err = broken(&[
        ("id = \"bob\"", "id = \"anna\""),
        (
            "languages = [\"en\", \"el\"]",
            "languages = [\"en\", \"fr\", \"en\"]",
        ),
        (
            "retention_days = 30",
            "retention_days = 30\nrequired_fields = [\"name\", \"shoe_size\"]",
        ),
    ]);
    assert!(err.mentions("providers[1].id", "used twice"), "{err}");
    assert!(
        err.mentions("library.languages[1]", "unknown language"),
        "{err}"
    );
    assert!(
        err.mentions("library.languages[2]", "listed twice"),
        "{err}"
    );
    assert!(
        err.mentions("policy.required_fields[1]", "unknown field"),
        "{err}"
    );
    assert!(
        err.mentions(
            "policy.required_fields",
            "name and email are always required"
        ),
        "{err}"
    );
}

#[test]
fn closures_are_validated() {
    let source = format!(
        "{MULTI}\n[closures]\ngreek_public_holidays = false\nannual = [{{ name = \"x\", date = \"02-30\" }}]\n\
         dates = [{{ name = \"y\", from = \"2026-12-31\", to = \"2026-12-01\" }}, {{ name = \"z\" }}, {{ name = \"w\", date = \"tomorrow\" }}]\n"
    );
    let err = LibraryConfig::from_toml_str(&source).unwrap_err();
    assert!(
        err.mentions("closures.annual[0].date", "not a date of the year"),
        "{err}"
    );
    assert!(
        err.mentions("closures.dates[0].to", "must not be before from"),
        "{err}"
    );
    assert!(
        err.mentions("closures.dates[1]", "either date, or both from and to"),
        "{err}"
    );
    assert!(
        err.mentions("closures.dates[2].date", "not a date as YYYY-MM-DD"),
        "{err}"
    );
}

#[test]
fn syntax_and_type_errors_name_their_line() {
    let err = LibraryConfig::from_toml_str("[library]\nname = \"unterminated\n").unwrap_err();
    assert_eq!(err.issues.len(), 1);
    assert_eq!(err.issues[0].line, Some(2), "{err}");
    let err = broken(&[("duration_minutes = 20", "duration_minutes = \"twenty\"")]);
    assert_eq!(err.issues[0].line, Some(15), "{err}");
}

#[test]
fn out_of_range_numbers_are_refused() {
    let err = broken(&[
        ("grid_minutes = 20", "grid_minutes = 0"),
        ("horizon_days = 30", "horizon_days = -1"),
    ]);
    assert!(
        err.mentions("services[0].grid_minutes", "between 1 and 1440"),
        "{err}"
    );
    assert!(
        err.mentions("policy.horizon_days", "between 1 and 366"),
        "{err}"
    );
}

#[test]
fn an_appointment_must_fit_in_one_store_transaction() {
    // 8 hours on a 5-minute unit would be 96 locks plus a 10-minute buffer: 98 is the limit.
    let err = broken(&[(
        "duration_minutes = 45\ngrid_minutes = 15\nbuffer_minutes = 10",
        "duration_minutes = 500\ngrid_minutes = 5\nbuffer_minutes = 0",
    )]);
    assert!(
        err.mentions(
            "services[1].duration_minutes",
            "at most 98 fit in one booking"
        ),
        "{err}"
    );
}

fn sip_meeting(config: &LibraryConfig) -> &rantevou_domain::provider::Meeting {
    &config.provider("sip").unwrap().meeting
}

#[test]
fn meeting_kinds_and_timed_mail_policy_are_read_and_checked() {
    let with = |meeting: &str, policy: &str| {
        let source = SAMPLE
            .replacen("meeting = { kind = \"manual\" }", meeting, 1)
            .replacen("reminders_before_minutes = [1440]", policy, 1);
        LibraryConfig::from_toml_str(&source)
    };
    let fixed = with(
        "meeting = { kind = \"fixed\", url = \"https://uom.zoom.us/j/1\" }",
        "",
    )
    .unwrap();
    assert_eq!(
        sip_meeting(&fixed),
        &rantevou_domain::provider::Meeting::Fixed {
            url: "https://uom.zoom.us/j/1".into()
        }
    );
    let jitsi = with(
        "meeting = { kind = \"jitsi\", base_url = \"https://meet.jit.si/\" }",
        "reminders_before_minutes = [120, 1440]",
    )
    .unwrap();
    assert_eq!(
        sip_meeting(&jitsi),
        &rantevou_domain::provider::Meeting::Jitsi {
            base_url: "https://meet.jit.si".into()
        }
    );
    assert_eq!(
        jitsi.policy.reminders_before_minutes,
        [1440, 120],
        "the earliest first"
    );
    let err = with(
        "meeting = { kind = \"zoom\" }",
        "reminders_before_minutes = [60, 60]",
    )
    .unwrap_err();
    assert!(
        err.mentions("providers[0].meeting.kind", "not a meeting kind"),
        "{err}"
    );
    assert!(
        err.mentions("policy.reminders_before_minutes", "twice"),
        "{err}"
    );
    let err = with("meeting = { kind = \"fixed\" }", "").unwrap_err();
    assert!(
        err.mentions("providers[0].meeting.url", "required"),
        "{err}"
    );
}

#[test]
fn terms_and_privacy_take_one_url_or_one_per_language() {
    let source = SAMPLE.replacen(
        "privacy_url = \"https://www.uom.gr/privacy-policy\"",
        "privacy_url = { el = \"nope\", en = \"https://www.uom.gr/en/privacy\" }",
        1,
    );
    assert_ne!(source, SAMPLE, "the sample has a single privacy URL");
    let err = LibraryConfig::from_toml_str(&source).unwrap_err();
    assert!(
        err.mentions("library.privacy_url.el", "not an http(s) URL"),
        "{err}"
    );
    let source = source.replacen("\"nope\"", "\"https://www.uom.gr/el/privacy\"", 1);
    let config = LibraryConfig::from_toml_str(&source).unwrap();
    assert_eq!(
        config.library.privacy_url.get(Language::En),
        "https://www.uom.gr/en/privacy"
    );
    assert_eq!(
        config.library.privacy_url.get(Language::El),
        "https://www.uom.gr/el/privacy"
    );
}

#[test]
fn staff_may_be_limited_to_providers_by_address_or_group() {
    let source = format!(
        "{MULTI}\n[staff.providers]\n\"Maria@UoM.edu.gr\" = [\"bob\"]\n\"group:reference\" = [\"anna\", \"bob\"]\n"
    );
    let config = LibraryConfig::from_toml_str(&source).unwrap();
    let access = &config.staff;
    let ids = |list: Option<Vec<rantevou_domain::ProviderId>>| {
        list.map(|l| l.iter().map(ToString::to_string).collect::<Vec<_>>())
    };
    assert_eq!(
        ids(access.providers_for(Some("maria@uom.edu.gr"), &["staff".into()])),
        Some(vec!["bob".to_owned()]),
        "the address, whatever its case"
    );
    assert_eq!(
        ids(access.providers_for(
            Some("maria@uom.edu.gr"),
            &["staff".into(), "reference".into()]
        )),
        Some(vec!["bob".to_owned(), "anna".to_owned()]),
        "every limit that names them, together"
    );
    assert_eq!(
        access.providers_for(Some("other@uom.edu.gr"), &["staff".into()]),
        None,
        "staff listed nowhere see every provider"
    );
    assert_eq!(
        LibraryConfig::from_toml_str(MULTI).unwrap().staff,
        Default::default()
    );

    let bad = format!(
        "{MULTI}\n[staff.providers]\n\"not an address\" = [\"bob\"]\n\"group:x\" = [\"carol\"]\n"
    );
    let err = LibraryConfig::from_toml_str(&bad).unwrap_err();
    assert!(
        err.mentions(
            "staff.providers.\"not an address\"",
            "email address or group:"
        ),
        "{err}"
    );
    assert!(
        err.mentions("staff.providers.\"group:x\"", "no provider \"carol\""),
        "{err}"
    );
}

#[test]
fn the_limits_against_abuse_have_defaults_and_are_checked() {
    let without: String = SAMPLE
        .lines()
        .filter(|l| {
            ![
                "mail_per_address_per_day",
                "max_moves",
                "busy_bookings_per_10_minutes",
                "waitlist_per_day",
            ]
            .iter()
            .any(|k| l.starts_with(k))
        })
        .collect::<Vec<_>>()
        .join("\n");
    let defaults = LibraryConfig::from_toml_str(&without).unwrap().policy;
    assert_eq!(
        (
            defaults.mail_per_address_per_day,
            defaults.max_moves,
            defaults.busy_bookings_per_10_minutes,
            defaults.waitlist_per_day
        ),
        (6, 3, 10, 50)
    );
    let bad = SAMPLE
        .replacen(
            "mail_per_address_per_day = 6",
            "mail_per_address_per_day = 1000",
            1,
        )
        .replacen("max_moves = 3", "max_moves = -1", 1)
        .replacen("waitlist_per_day = 50", "waitlist_per_day = 0", 1);
    let err = LibraryConfig::from_toml_str(&bad).unwrap_err();
    for key in [
        "policy.mail_per_address_per_day",
        "policy.max_moves",
        "policy.waitlist_per_day",
    ] {
        assert!(err.mentions(key, "must be between"), "{key}: {err}");
    }
}

/// The sample with `calendar` (a line of TOML) given to its provider.
fn with_calendar(calendar: &str) -> Result<LibraryConfig, rantevou_domain::config::ConfigError> {
    LibraryConfig::from_toml_str(&SAMPLE.replacen(
        "meeting = { kind = \"manual\" }",
        &format!("meeting = {{ kind = \"manual\" }}\n{calendar}"),
        1,
    ))
}

#[test]
fn a_providers_calendar_is_an_https_address_or_http_on_loopback_and_never_echoed() {
    let with = with_calendar;
    let calendar = |c: &LibraryConfig| c.provider("sip").unwrap().calendar.clone();
    assert_eq!(calendar(&with("").unwrap()), None, "no calendar by default");
    let google = with(
        "calendar = { kind = \"ics\", url = \"https://calendar.google.com/calendar/ical/x%40uom.edu.gr/private-5ecret/basic.ics\" }",
    )
    .unwrap();
    let google = calendar(&google).unwrap();
    assert_eq!(google.host(), "calendar.google.com");
    assert!(
        !format!("{google:?}").contains("5ecret"),
        "its Debug form names the host only: {google:?}"
    );
    for local in [
        "http://127.0.0.1:8123/anna.ics",
        "http://localhost/anna.ics",
        "http://[::1]/a.ics",
    ] {
        assert!(
            with(&format!(
                "calendar = {{ kind = \"ics\", url = \"{local}\" }}"
            ))
            .is_ok(),
            "{local}"
        );
    }
    let refused = [
        ("http://lib.uom.gr/5ecret.ics", "url", "must be https"),
        (
            "webcal://p1-caldav.icloud.com/5ecret",
            "url",
            "write https://",
        ),
        (
            "https://anna:5ecret@lib.uom.gr/a.ics",
            "url",
            "user name or password",
        ),
        ("not a 5ecret address", "url", "not a URL"),
    ];
    for (url, field, says) in refused {
        let err = with(&format!("calendar = {{ kind = \"ics\", url = \"{url}\" }}")).unwrap_err();
        assert!(
            err.mentions(&format!("providers[0].calendar.{field}"), says),
            "{url}: {err}"
        );
        assert!(
            !err.to_string().contains("5ecret"),
            "the address is not echoed: {err}"
        );
    }
    let err = with("calendar = { kind = \"outlook\", url = \"https://x.org/a.ics\" }").unwrap_err();
    assert!(
        err.mentions("providers[0].calendar.kind", "not a calendar kind"),
        "{err}"
    );
    let err = with("calendar = { kind = \"ics\" }").unwrap_err();
    assert!(
        err.mentions("providers[0].calendar.url", "required"),
        "{err}"
    );
}

#[test]
fn a_caldav_calendar_names_its_secret_never_holds_it() {
    use rantevou_domain::provider::Calendar;
    let with = with_calendar;
    let read = with(
        "calendar = { kind = \"caldav\", url = \"https://cloud.uom.gr/remote.php/dav/calendars/anna/work/\", secret = \"rantevou-calendar/anna\" }",
    )
    .unwrap();
    let calendar = read.provider("sip").unwrap().calendar.clone().unwrap();
    assert_eq!(
        calendar,
        Calendar::CalDav {
            url: "https://cloud.uom.gr/remote.php/dav/calendars/anna/work/"
                .parse()
                .unwrap(),
            secret: Some("rantevou-calendar/anna".into()),
        }
    );
    assert_eq!(format!("{calendar:?}"), "Calendar(caldav, cloud.uom.gr)");
    // Without a secret: a server that asks for none (a test's Radicale or Xandikos).
    assert!(
        with("calendar = { kind = \"caldav\", url = \"http://127.0.0.1:5232/anna/work/\" }")
            .is_ok()
    );
    for (calendar, field, says) in [
        (
            "calendar = { kind = \"caldav\", url = \"https://x.org/c/\", secret = \"anna:5ecret\" }",
            "secret",
            "a secret's name (not the password)",
        ),
        (
            "calendar = { kind = \"caldav\", url = \"https://x.org/c/\", secret = \"other/anna\" }",
            "secret",
            "\"rantevou-calendar/\"",
        ),
        (
            "calendar = { kind = \"caldav\", url = \"http://x.org/5ecret/\" }",
            "url",
            "must be https",
        ),
        (
            "calendar = { kind = \"ics\", url = \"https://x.org/a.ics\", secret = \"rantevou-calendar/a\" }",
            "secret",
            "takes no secret",
        ),
    ] {
        let err = with(calendar).unwrap_err();
        assert!(
            err.mentions(&format!("providers[0].calendar.{field}"), says),
            "{calendar}: {err}"
        );
        assert!(!err.to_string().contains("5ecret"), "not echoed: {err}");
    }
}
