//! Unit tests of `patron`.

use super::*;

fn all_required() -> RequiredFields {
    RequiredFields {
        phone: true,
        notes: true,
    }
}

fn good() -> PatronInput {
    PatronInput {
        name: Some("  Κατερίνα Παπαδοπούλου ".into()),
        email: Some("k@example.org".into()),
        phone: Some("+30 690 000 0000".into()),
        notes: Some("Αναζήτηση ηλεκτρονικών άρθρων\r\nγια τη διπλωματική".into()),
        language: Some("el".into()),
        accept_terms: Some(true),
        accept_privacy: Some(true),
        timezone: None,
    }
}

#[test]
fn a_good_submission_parses_and_is_normalised() {
    let d = parse_patron_input(&good(), all_required(), Language::El).unwrap();
    assert_eq!(d.customer.name.as_str(), "Κατερίνα Παπαδοπούλου");
    assert_eq!(
        d.notes.as_str(),
        "Αναζήτηση ηλεκτρονικών άρθρων\nγια τη διπλωματική"
    );
    assert_eq!(d.language, Language::El);
}

#[test]
fn every_field_at_fault_is_reported_at_once() {
    let input = PatronInput {
        name: Some("   ".into()),
        email: Some("not-an-email".into()),
        phone: Some("12".into()),
        notes: None,
        language: Some("fr".into()),
        accept_terms: Some(false),
        accept_privacy: None,
        timezone: Some("Mars/Olympus_Mons".into()),
    };
    let errors = parse_patron_input(&input, all_required(), Language::El).unwrap_err();
    let fields: Vec<_> = errors.0.iter().map(|e| (&*e.field, e.code)).collect();
    assert_eq!(
        fields,
        vec![
            ("customer.name", FieldCode::Required),
            ("customer.email", FieldCode::Invalid),
            ("customer.phone", FieldCode::Invalid),
            ("notes", FieldCode::Required),
            ("language", FieldCode::Invalid),
            ("timezone", FieldCode::Invalid),
            ("accept_terms", FieldCode::MustAccept),
            ("accept_privacy", FieldCode::MustAccept),
        ]
    );
}

#[test]
fn the_patrons_own_zone_is_kept_when_it_is_a_zone() {
    let input = PatronInput {
        timezone: Some("America/Los_Angeles".into()),
        ..good()
    };
    let d = parse_patron_input(&input, all_required(), Language::El).unwrap();
    assert_eq!(d.zone, Some(chrono_tz::America::Los_Angeles));
    let none = parse_patron_input(&good(), all_required(), Language::El).unwrap();
    assert_eq!(none.zone, None, "not sent: none");
}

#[test]
fn optional_fields_may_be_left_out() {
    let input = PatronInput {
        phone: None,
        notes: Some("".into()),
        language: None,
        ..good()
    };
    let d = parse_patron_input(&input, RequiredFields::default(), Language::En).unwrap();
    assert_eq!(d.customer.phone, None);
    assert!(d.notes.is_empty());
    assert_eq!(d.language, Language::En);
    // A phone given anyway is still checked.
    let bad_phone = PatronInput {
        phone: Some("call me".into()),
        ..input
    };
    let errors =
        parse_patron_input(&bad_phone, RequiredFields::default(), Language::En).unwrap_err();
    assert_eq!(
        errors.get("customer.phone").map(|e| e.code),
        Some(FieldCode::Invalid)
    );
}

#[test]
fn header_injection_is_impossible() {
    for evil in [
        "Eve\r\nBcc: all@example.org",
        "Eve\nX",
        "Eve\u{0}",
        "Eve\u{202E}evE",
        "A\u{2028}B",
    ] {
        assert_eq!(PatronName::parse(evil), Err(FieldCode::Invalid), "{evil:?}");
    }
    for evil in [
        "k@example.org\r\nBcc: x@example.org",
        "k@exa mple.org",
        "a@b",
    ] {
        assert!(PatronEmail::parse(evil).is_err(), "{evil:?}");
    }
    assert_eq!(FreeText::parse("a\u{7}b"), Err(FieldCode::Invalid));
    assert!(FreeText::parse("line one\nline two\ttab").is_ok());
}

#[test]
fn limits_are_counted_in_characters() {
    assert!(PatronName::parse(&"Ω".repeat(100)).is_ok());
    assert_eq!(PatronName::parse(&"Ω".repeat(101)), Err(FieldCode::TooLong));
    assert!(FreeText::parse(&"ά".repeat(1000)).is_ok());
    assert_eq!(FreeText::parse(&"ά".repeat(1001)), Err(FieldCode::TooLong));
    let long_email = format!("{}@example.org", "a".repeat(250));
    assert_eq!(PatronEmail::parse(&long_email), Err(FieldCode::TooLong));
}

#[test]
fn phone_numbers() {
    for ok in [
        "6900000000",
        "+30 2310 891 000",
        "(2310) 891-000",
        "+30.690.000.0000",
    ] {
        assert!(PhoneNumber::parse(ok).is_ok(), "{ok}");
    }
    for bad in [
        "12345",
        "69000000000000000",
        "30+6900000000",
        "690-ABC-0000",
    ] {
        assert!(PhoneNumber::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn newtypes_deserialize_only_valid_values() {
    assert!(serde_json::from_str::<PatronName>("\"Eve\\r\\nBcc: x\"").is_err());
    assert!(serde_json::from_str::<PatronEmail>("\"k@example.org\"").is_ok());
}

#[test]
fn the_email_rule_gives_the_shared_cases_answers() {
    // The same file drives the site's check (tests/browser/units.test.mjs).
    let cases: serde_json::Value =
        serde_json::from_str(include_str!("../../../../tests/cases/email.json")).unwrap();
    let list = |key: &str| -> Vec<String> {
        cases[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    for ok in list("valid") {
        assert!(PatronEmail::parse(&ok).is_ok(), "{ok:?} should be accepted");
    }
    for bad in list("invalid") {
        assert_eq!(PatronEmail::parse(&bad), Err(FieldCode::Invalid), "{bad:?}");
    }
    for long in list("too_long") {
        assert_eq!(
            PatronEmail::parse(&long),
            Err(FieldCode::TooLong),
            "{long:?}"
        );
    }
    // Look-alike domains: the server alone refuses them, with their own message.
    for lookalike in list("mixed_script") {
        assert_eq!(
            PatronEmail::parse(&lookalike),
            Err(FieldCode::MixedScript),
            "{lookalike:?}"
        );
    }
}

#[test]
fn mail_is_delivered_to_the_ascii_form_of_the_domain() {
    let email = PatronEmail::parse(" Βιβλιοθήκη@Παράδειγμα.δοκιμή ");
    assert_eq!(
        email,
        Err(FieldCode::Invalid),
        "the local part is ASCII only"
    );
    let email = PatronEmail::parse("K.Papa@Παράδειγμα.Δοκιμή").unwrap();
    assert_eq!(
        email.as_str(),
        "K.Papa@Παράδειγμα.Δοκιμή",
        "kept as typed for display"
    );
    assert_eq!(email.mailbox(), "K.Papa@xn--hxajbheg2az3al.xn--jxalpdlp");
}

#[test]
fn the_limits_served_to_the_site_are_the_ones_its_tests_use() {
    // tests/browser/units.test.mjs checks the site's form against this same file.
    let file: serde_json::Value =
        serde_json::from_str(include_str!("../../../../tests/cases/limits.json")).unwrap();
    assert_eq!(serde_json::to_value(LIMITS).unwrap(), file);
}

#[test]
fn names_refuse_invisible_and_direction_changing_characters() {
    for evil in [
        "Eve\u{200E}",  // left-to-right mark
        "Eve\u{200F}",  // right-to-left mark
        "Eve\u{061C}",  // Arabic letter mark
        "E\u{200B}ve",  // zero-width space
        "\u{FEFF}Eve",  // byte-order mark
        "Eve\u{E0041}", // a tag character
        "Eve\u{2066}x", // an isolate
    ] {
        assert_eq!(PatronName::parse(evil), Err(FieldCode::Invalid), "{evil:?}");
    }
    assert!(PatronName::parse("Ελένη Παπαδοπούλου-Smith").is_ok());
    assert!(
        PatronName::parse("محمد عبد الله").is_ok(),
        "right-to-left scripts themselves are fine"
    );
    // Free text keeps what real text needs: an emoji sequence joined by U+200D.
    assert!(FreeText::parse("θέμα: 👩\u{200D}💻 Scopus").is_ok());
    assert_eq!(FreeText::parse("a\u{202E}b"), Err(FieldCode::Invalid));
}

#[test]
fn one_mailbox_is_one_patron_whatever_its_spelling() {
    let key = |raw: &str| PatronEmail::parse(raw).unwrap().normalized();
    assert_eq!(key("K.Papa+1@Example.org"), "k.papa@example.org");
    assert_eq!(key("k.papa@example.org"), "k.papa@example.org");
    // Gmail ignores dots and answers to googlemail.com: one mailbox, one cap.
    assert_eq!(key("V.i.c.t.i.m+x@GoogleMail.com"), "victim@gmail.com");
    assert_eq!(key("victim@gmail.com"), "victim@gmail.com");
    // Elsewhere a dot is part of the address.
    assert_ne!(key("v.ictim@uom.edu.gr"), key("victim@uom.edu.gr"));
}
