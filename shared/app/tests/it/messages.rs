//! The two messages in both languages, parsed back with a real MIME parser and an iCalendar
//! parser, field by field; hostile content stays content.

use chrono::{DateTime, Duration, TimeZone, Utc};
use icalendar::{Calendar, CalendarComponent, Component};
use mail_parser::{MessageParser, MimeHeaders};
use rantevou_app::messages::{messages, messages_with};
use rantevou_domain::appointment::{Appointment, Canceller, MailKind};
use rantevou_domain::patron::{parse_patron_input, FreeText, PatronInput};
use rantevou_domain::ports::{Mailer, OutgoingMail};
use rantevou_domain::{Language, LibraryConfig};
use rantevou_mail::{OutboxMailer, Sender};
use rantevou_testkit::sample_config as config;

/// 27/01/2027 10:40 Athens, as in the seed (but in the future).
fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 1, 27, 8, 40, 0).unwrap()
}

/// When the messages are written.
fn now() -> DateTime<Utc> {
    start() - Duration::days(3)
}

fn appointment(config: &LibraryConfig, name: &str, notes: &str, lang: &str) -> Appointment {
    let input = PatronInput {
        name: Some(name.into()),
        email: Some("pamaklib@uom.edu.gr".into()),
        notes: Some(notes.into()),
        language: Some(lang.into()),
        ..rantevou_testkit::patron_input(name)
    };
    let (mut a, _) = rantevou_testkit::appointment(config, "mylibrarylive", "sip", start(), name);
    a.patron = parse_patron_input(&input, config.policy.required, Language::El).unwrap();
    a
}

fn sender() -> Sender {
    Sender {
        name: "Πανεπιστήμιο Μακεδονίας - Βιβλιοθήκη".into(),
        address: "library@uom.edu.gr".into(),
    }
}

fn mime(mail: &OutgoingMail) -> Vec<u8> {
    rantevou_mail::mime::build(mail, &sender()).unwrap()
}

/// The `.ics` attachment's text.
fn ics_text(bytes: &[u8]) -> String {
    let message = MessageParser::default().parse(bytes).unwrap();
    let attachment = message.attachment(0).expect("an .ics attachment");
    String::from_utf8(attachment.contents().to_vec()).unwrap()
}

fn calendar_of(bytes: &[u8]) -> (String, String, String, String) {
    let message = MessageParser::default().parse(bytes).unwrap();
    let attachment = message.attachment(0).expect("an .ics attachment");
    let ct = attachment.content_type().unwrap();
    assert_eq!((ct.ctype(), ct.subtype()), ("text", Some("calendar")));
    let method_param = ct.attribute("method").unwrap().to_owned();
    let text = String::from_utf8(attachment.contents().to_vec()).unwrap();
    let (method, event) = crate::support::calendar_event(&text);
    assert_eq!(method, method_param);
    (
        method,
        event.get_uid().unwrap().to_owned(),
        event.property_value("SEQUENCE").unwrap().to_owned(),
        event.property_value("STATUS").unwrap().to_owned(),
    )
}

#[test]
fn the_greek_confirmation_follows_the_seed() {
    let config = config();
    let a = appointment(
        &config,
        "Κατερίνα Παπαδοπούλου",
        "Αναζήτηση ηλεκτρονικών άρθρων με θέμα \"Διαπολιτισμική εκπαίδευση στην Ελλάδα\"",
        "el",
    );
    let url = format!(
        "https://mylibrarylive.lib.uom.gr/api/appointments/{}/cancel?token=abc",
        a.id
    );
    let mails = messages(MailKind::Confirmation, &a, &config, Some(&url), now()).unwrap();
    assert_eq!(mails.len(), 2, "the patron's and the provider's copy");
    let patron = &mails[0];
    assert_eq!(patron.to, ["pamaklib@uom.edu.gr"]);
    assert!(patron
        .subject
        .starts_with("Το ραντεβού σας κλείστηκε επιτυχώς!"));
    for expected in [
        "Πανεπιστήμιο Μακεδονίας - Βιβλιοθήκη",
        "Λεπτομέρειες Ραντεβού",
        "Υπηρεσία: myLIBRARYlive",
        "Τμήμα: Τμήμα Επιστημονικής Πληροφόρησης & Τεκμηρίωσης",
        "Έναρξη: Τετάρτη 27 Ιανουαρίου 2027, 10:40 (ώρα Ελλάδας)",
        "Λήξη: 11:00",
        // What the patron typed, quoted under its label.
        "Όσα γράψατε στη φόρμα κράτησης, όπως τα πληκτρολογήσατε:\n> Όνομα: Κατερίνα Παπαδοπούλου\n> Θέμα: Αναζήτηση ηλεκτρονικών άρθρων με θέμα \"Διαπολιτισμική εκπαίδευση στην Ελλάδα\"",
        "Τα στοιχεία σας",
        "Email: pamaklib@uom.edu.gr",
        "Τηλέφωνο: 6900000000",
        "ξεχωριστό email",
    ] {
        assert!(patron.text.contains(expected), "text lacks {expected:?}:\n{}", patron.text);
    }
    assert!(patron.text.contains(&url));
    assert!(patron.html.contains("<html lang=\"el\">"));
    assert!(patron.html.contains("<h1"), "a real heading");
    assert!(patron.html.contains("<th scope=\"row\""), "header cells");
    assert!(patron.html.contains("&amp; Τεκμηρίωσης"), "escaped in HTML");

    let staff = &mails[1];
    assert_eq!(staff.to, ["sip@lib.uom.gr"]);
    assert!(
        !staff.text.contains("token="),
        "the patron's link stays the patron's"
    );
    // Written for the librarian: what and when in the subject (never what the patron typed,
    // which a subject cannot quote); replies reach the patron; what is left to do instead of
    // the patron's "the link will be sent to you".
    assert_eq!(staff.subject, "Νέο ραντεβού: 27/01 10:40");
    assert_eq!(staff.reply_to.as_deref(), Some("pamaklib@uom.edu.gr"));
    assert_eq!(patron.reply_to, None);
    for expected in [
        "Απαντήστε σε αυτό το email",
        "Email: pamaklib@uom.edu.gr",
        "Τηλέφωνο: 6900000000",
        "> Θέμα: Αναζήτηση ηλεκτρονικών άρθρων",
        "Στοιχεία ενδιαφερόμενου/ης",
        "Όσα έγραψε ο/η ενδιαφερόμενος/η, όπως τα πληκτρολόγησε",
        "Στείλτε στον χρήστη τον σύνδεσμο της τηλεδιάσκεψης",
    ] {
        assert!(
            staff.text.contains(expected),
            "staff text lacks {expected:?}:\n{}",
            staff.text
        );
    }
    assert!(
        !staff.text.contains("ξεχωριστό email"),
        "not the patron's note"
    );
    let staff_bytes = mime(staff);
    let parsed = MessageParser::default().parse(&staff_bytes).unwrap();
    assert_eq!(
        parsed.reply_to().unwrap().first().unwrap().address(),
        Some("pamaklib@uom.edu.gr")
    );
    // The provider's own published event: no attendee, so no RSVP buttons.
    let (method, staff_uid, _, _) = calendar_of(&staff_bytes);
    assert_eq!(method, "PUBLISH");
    assert_eq!(staff_uid, format!("{}@rantevou", a.id));
    let ics = ics_text(&staff_bytes);
    assert!(ics.contains("ORGANIZER:mailto:sip@lib.uom.gr"), "{ics}");
    assert!(!ics.contains("ATTENDEE"), "{ics}");
    // DTSTAMP is the message's time, not the booking's.
    assert!(
        ics.contains(&format!("DTSTAMP:{}", now().format("%Y%m%dT%H%M%SZ"))),
        "{ics}"
    );

    // Parsed back as MIME, field by field.
    let bytes = mime(patron);
    let m = MessageParser::default().parse(&bytes).unwrap();
    assert_eq!(m.subject(), Some(patron.subject.as_str()));
    assert_eq!(
        m.from().unwrap().first().unwrap().address(),
        Some("library@uom.edu.gr")
    );
    assert_eq!(
        m.from().unwrap().first().unwrap().name(),
        Some("Πανεπιστήμιο Μακεδονίας - Βιβλιοθήκη")
    );
    assert_eq!(
        m.to().unwrap().first().unwrap().address(),
        Some("pamaklib@uom.edu.gr")
    );
    assert!(m.message_id().is_some() && m.date().is_some());
    assert!(m
        .body_text(0)
        .unwrap()
        .contains("Έναρξη: Τετάρτη 27 Ιανουαρίου 2027, 10:40"));
    assert!(m.body_html(0).unwrap().contains("Λεπτομέρειες Ραντεβού"));
    let (method, uid, sequence, status) = calendar_of(&bytes);
    assert_eq!(
        (method.as_str(), sequence.as_str(), status.as_str()),
        ("PUBLISH", "0", "CONFIRMED")
    );
    assert_eq!(uid, format!("{}@rantevou", a.id));
    // Added without an RSVP: no attendee, the appointment's page linked, an alarm before it.
    let ics = ics_text(&bytes);
    assert!(!ics.contains("ATTENDEE"), "{ics}");
    assert!(ics.contains("ORGANIZER:mailto:library@uom.edu.gr"), "{ics}");
    let (_, event) = crate::support::calendar_event(&ics);
    let manage = &url;
    assert_eq!(event.property_value("URL"), Some(manage.as_str()));
    let description = event.get_description().unwrap();
    assert!(
        description.contains("Αναζήτηση ηλεκτρονικών άρθρων")
            && description.contains(&format!("Αλλαγή ώρας ή ακύρωση του ραντεβού: {manage}")),
        "{description}"
    );
    assert!(
        ics.contains("BEGIN:VALARM")
            && ics.contains("ACTION:DISPLAY")
            // 15 minutes before the start (RFC 5545 durations may be written in seconds).
            && ics.contains("TRIGGER;RELATED=START:-PT900S"),
        "{ics}"
    );
}

#[test]
fn the_english_cancellation_has_duration_reason_and_the_same_uid() {
    let config = config();
    let a = appointment(&config, "Katerina Papadopoulou", "Databases", "en");
    let confirmation = messages(
        MailKind::Confirmation,
        &a,
        &config,
        Some("https://x/cancel?token=t"),
        now(),
    )
    .unwrap();
    let cancelled = a.clone().cancelled(
        a.start - Duration::days(1),
        FreeText::parse("change of appointment date").unwrap(),
    );
    let mails = messages(MailKind::Cancellation, &cancelled, &config, None, now()).unwrap();
    let patron = &mails[0];
    assert!(patron.subject.starts_with("Your appointment was cancelled"));
    for expected in [
        "This appointment was removed from the Library's schedule of appointments.",
        "Service: myLIBRARYlive",
        "Department: Department of Scientific Information & Documentation",
        "Start: Wednesday 27 January 2027, 10:40 (Greek time)",
        "Duration: 20 minutes",
        "> Name: Katerina Papadopoulou",
        "The reason given for cancelling, as typed:\n> Reason: change of appointment date",
    ] {
        assert!(
            patron.text.contains(expected),
            "text lacks {expected:?}:\n{}",
            patron.text
        );
    }
    assert!(!patron.text.contains("token="));
    assert!(patron.html.contains("<html lang=\"en\">"));
    // The staff copy is in the library's default language, Greek, and says it is a cancellation.
    let staff = &mails[1];
    assert!(
        staff.text.contains(
            "Ο λόγος της ακύρωσης, όπως πληκτρολογήθηκε:\n> Αιτία: change of appointment date"
        ),
        "{}",
        staff.text
    );
    assert!(staff.html.contains("class=\"patron-wrote\""));
    assert_eq!(staff.subject, "Ακύρωση: 27/01 10:40");
    assert!(
        !staff.text.contains("Στείλτε στον χρήστη"),
        "nothing left to send"
    );
    let (method, staff_uid, sequence, status) = calendar_of(&mime(staff));
    assert_eq!(
        (method.as_str(), sequence.as_str(), status.as_str()),
        ("CANCEL", "1", "CANCELLED")
    );
    assert_eq!(staff_uid, format!("{}@rantevou", a.id));

    let (_, uid_request, _, _) = calendar_of(&mime(&confirmation[0]));
    let (method, uid, sequence, status) = calendar_of(&mime(patron));
    assert_eq!(
        (method.as_str(), sequence.as_str(), status.as_str()),
        ("CANCEL", "1", "CANCELLED")
    );
    assert_eq!(uid, uid_request, "the cancel updates the same event");
    assert!(
        !patron.text.contains("Book another time"),
        "the patron cancelled: no apology, no invitation to book"
    );
}

#[test]
fn a_cancellation_by_the_library_apologises_and_offers_another_time() {
    let config = config();
    for (lang, heading, sorry, label, book) in [
        (
            "el",
            "Η Βιβλιοθήκη ακύρωσε το ραντεβού σας",
            "Σας ζητούμε συγγνώμη",
            "Ο λόγος της Βιβλιοθήκης:\n> Αιτία: απεργία",
            "Κλείστε άλλη ώρα",
        ),
        (
            "en",
            "The Library cancelled your appointment",
            "Please accept our apologies",
            "The Library's reason:\n> Reason: απεργία",
            "Book another time",
        ),
    ] {
        let a = appointment(&config, "Anna", "Άρθρα", lang).cancelled_by(
            now(),
            FreeText::parse("απεργία").unwrap(),
            Canceller::Staff,
        );
        let mails = messages(MailKind::Cancellation, &a, &config, None, now()).unwrap();
        let patron = &mails[0];
        assert!(patron.subject.starts_with(heading), "{}", patron.subject);
        let book_again = format!("{book}: {}", config.library.site_url);
        for expected in [heading, sorry, label, book_again.as_str()] {
            assert!(
                patron.text.contains(expected),
                "{lang}: lacks {expected:?}:\n{}",
                patron.text
            );
        }
        assert!(
            patron
                .html
                .contains(&format!("href=\"{}\"", config.library.site_url)),
            "{}",
            patron.html
        );
        assert!(!patron.text.contains("removed from the Library's schedule"));
        // The provider's copy says staff did it and that the patron was told.
        let staff = &mails[1];
        assert!(
            staff
                .text
                .contains("Το προσωπικό ακύρωσε το παρακάτω ραντεβού"),
            "{}",
            staff.text
        );
        assert!(!staff.text.contains("Κλείστε άλλη ώρα"), "{}", staff.text);
    }
}

#[test]
fn hostile_content_stays_content() {
    let config = config();
    let long_word = "Δ".repeat(400);
    let notes = format!("<script>alert(1)</script> <b>bold</b> & \"quotes\"\nBcc: victim@example.org\nשלום עולם 🙂 {long_word}");
    let a = appointment(
        &config,
        "Ελένη 🙂 \u{5e9}\u{5dc}\u{5d5}\u{5dd} <i>x</i>",
        &notes,
        "el",
    );
    let mails = messages(
        MailKind::Confirmation,
        &a,
        &config,
        Some("https://x/cancel?token=t"),
        now(),
    )
    .unwrap();
    let patron = &mails[0];
    assert!(
        patron.text.contains("<script>alert(1)</script>"),
        "plain in text"
    );
    assert!(!patron.html.contains("<script>"), "escaped in HTML");
    assert!(patron.html.contains("&lt;script&gt;"));
    assert!(!patron.html.contains("<i>x</i>"));
    let bytes = mime(patron);
    let m = MessageParser::default().parse(&bytes).unwrap();
    assert!(
        m.bcc().is_none(),
        "a line in the topic never becomes a header"
    );
    assert_eq!(m.to().unwrap().iter().count(), 1);
    assert!(m.body_text(0).unwrap().contains(&long_word));
    assert!(m.body_text(0).unwrap().contains("שלום עולם 🙂"));
    // The .ics keeps the topic as one property value.
    let message = MessageParser::default().parse(&bytes).unwrap();
    let ics = String::from_utf8(message.attachment(0).unwrap().contents().to_vec()).unwrap();
    let calendar: Calendar = ics.parse().unwrap();
    let description = calendar.components.iter().find_map(|c| match c {
        CalendarComponent::Event(e) => e.get_description().map(str::to_owned),
        _ => None,
    });
    assert_eq!(
        description.as_deref(),
        Some(
            format!(
                "{}\n\nΑλλαγή ώρας ή ακύρωση του ραντεβού: https://x/cancel?token=t",
                a.patron.notes.as_str()
            )
            .as_str()
        ),
        "the topic whole, then the page's link"
    );
}

#[test]
fn every_time_names_the_zone_and_the_patrons_mail_says_the_rule_and_the_contact() {
    let config = config();
    for (lang, zone, rule, when) in [
        (
            "el",
            "(ώρα Ελλάδας)",
            "έως 1 ώρα πριν από την έναρξη",
            "Τετάρτη 27 Ιανουαρίου 2027, 10:40",
        ),
        (
            "en",
            "(Greek time)",
            "until 1 hour before the start",
            "Wednesday 27 January 2027, 10:40",
        ),
    ] {
        let mut a = appointment(&config, "Anna", "Άρθρα", lang);
        a.meeting.url = Some("https://meet.jit.si/r".into());
        for kind in [MailKind::Confirmation, MailKind::Link, MailKind::Reminder] {
            let mails = messages(kind, &a, &config, Some("https://x/c?token=t"), now()).unwrap();
            let patron = &mails[0];
            // The subject too says the weekday, the month in words and the zone.
            assert!(
                patron.subject.ends_with(&format!("{when} {zone}")),
                "{kind:?} {lang}: {}",
                patron.subject
            );
            for body in [&patron.text, &patron.html] {
                assert!(
                    body.contains(&format!("{when} {zone}")),
                    "{kind:?} {lang}: {body}"
                );
                assert!(
                    body.contains(rule) && body.contains("library@uom.edu.gr"),
                    "{kind:?} {lang}: {body}"
                );
            }
        }
        let request = &messages(
            MailKind::ConfirmRequest,
            &a,
            &config,
            Some("https://x"),
            now(),
        )
        .unwrap()[0];
        assert!(request.text.contains(zone), "{}", request.text);
    }
    let a = appointment(&config, "Anna", "Άρθρα", "el");
    let staff = &messages(MailKind::Confirmation, &a, &config, None, now()).unwrap()[1];
    assert!(staff.text.contains("(ώρα Ελλάδας)"));
    assert!(
        !staff.text.contains("έως 1 ώρα πριν"),
        "the rule is the patron's"
    );
}

#[test]
fn the_patrons_own_time_is_added_where_their_zone_differs() {
    let config = config();
    let mut a = appointment(&config, "Anna", "Άρθρα", "en");
    a.patron.zone = Some(chrono_tz::America::Los_Angeles);
    // 10:40 in Athens is 00:40 the same day in Los Angeles.
    let own = "In your time: Wednesday 27 January 2027, 00:40 (Los Angeles)";
    for kind in [MailKind::Confirmation, MailKind::Reminder] {
        let mails = messages(kind, &a, &config, Some("https://x/c?token=t"), now()).unwrap();
        assert!(mails[0].text.contains(own), "{kind:?}: {}", mails[0].text);
        assert!(
            mails[0]
                .html
                .contains("Wednesday 27 January 2027, 00:40 (Los Angeles)"),
            "{kind:?}"
        );
        if let Some(staff) = mails.get(1) {
            assert!(!staff.text.contains("Los Angeles"), "the patron's alone");
        }
    }
    // Booked from Greece (or a zone on Greek time): nothing added.
    a.patron.zone = Some(chrono_tz::Europe::Athens);
    let mails = messages(MailKind::Confirmation, &a, &config, None, now()).unwrap();
    assert!(!mails[0].text.contains("In your time"), "{}", mails[0].text);
}

#[test]
fn the_providers_copy_links_the_console_and_asks_for_the_link_only_while_there_is_none() {
    let config = config();
    let mut a = appointment(&config, "Anna", "Άρθρα", "el");
    let console = format!("https://book.example.org/staff/#appointment/{}", a.id);
    let mails = messages_with(
        MailKind::Confirmation,
        &a,
        &config,
        Some("https://x/c?token=t"),
        Some(&console),
        now(),
    )
    .unwrap();
    let (patron, staff) = (&mails[0], &mails[1]);
    assert!(
        staff
            .text
            .contains(&format!("Το ραντεβού στην κονσόλα προσωπικού: {console}")),
        "{}",
        staff.text
    );
    assert!(staff.html.contains(&format!("href=\"{console}\"")));
    assert!(
        !patron.text.contains("/staff/"),
        "never in the patron's mail"
    );
    assert!(staff.text.contains("Στείλτε στον χρήστη τον σύνδεσμο"));
    // Once there is a link (staff sent it, or a room of its own), a move's copy does not ask again.
    a.meeting.url = Some("https://uom.zoom.us/j/1".into());
    a.moved_from = Some(a.start - Duration::hours(1));
    let moved = messages_with(MailKind::Moved, &a, &config, None, Some(&console), now()).unwrap();
    assert!(
        !moved[1].text.contains("Στείλτε στον χρήστη τον σύνδεσμο"),
        "{}",
        moved[1].text
    );
    assert!(moved[1].text.contains(&console));
}

#[test]
fn the_answers_go_to_staff_and_to_the_patron_only_where_the_library_says() {
    let mut config = config();
    let mut a = appointment(&config, "Anna", "Άρθρα", "en");
    let sent = serde_json::from_value(serde_json::json!({
        "status": "phd", "school": "information-sciences",
        "tried": "<b>Scopus</b>\nhttps://evil.example/x",
    }))
    .unwrap();
    let service = config.service("mylibrarylive").unwrap();
    let mut errors = Default::default();
    a.answers = rantevou_domain::question::parse_answers(&service.questions, &sent, &mut errors);
    assert_eq!(errors, Default::default());
    let console = "https://book.example.org/staff/";
    let mails = messages_with(
        MailKind::Confirmation,
        &a,
        &config,
        None,
        Some(console),
        now(),
    )
    .unwrap();
    let (patron, staff) = (&mails[0], &mails[1]);
    // The provider's copy is in the library's language, every answer in words.
    for line in [
        "> Ιδιότητα: Υποψήφιος/α διδάκτορας",
        "> Σχολή: Επιστημών Πληροφορίας",
        "> Τι έχετε ήδη δοκιμάσει;: <b>Scopus</b>",
    ] {
        assert!(staff.text.contains(line), "{line}\n{}", staff.text);
    }
    assert!(staff
        .html
        .contains("<strong>Σχολή:</strong> Επιστημών Πληροφορίας"));
    assert!(
        staff.html.contains("&lt;b&gt;Scopus&lt;/b&gt;"),
        "escaped in HTML"
    );
    assert!(!staff.html.contains("<b>Scopus"));
    assert!(
        !patron.text.contains("PhD candidate") && !patron.text.contains("Scopus"),
        "the sample shows answers to staff only: {}",
        patron.text
    );
    // A question the library marks in_patron_mail is repeated to the patron, in their language.
    config.services[0].questions[0].in_patron_mail = true;
    let mails = messages_with(
        MailKind::Confirmation,
        &a,
        &config,
        None,
        Some(console),
        now(),
    )
    .unwrap();
    assert!(
        mails[0].text.contains("> You are: PhD candidate"),
        "{}",
        mails[0].text
    );
    assert!(!mails[0].text.contains("Scopus"));
}

#[test]
fn links_in_the_html_part_are_written_as_they_are() {
    let config = config();
    let mut a = appointment(&config, "Anna", "Άρθρα & βάσεις", "en");
    a.meeting.url = Some("https://meet.jit.si/rantevou-00ff".into());
    let link = "https://book.example.org/api/appointments/x/cancel?token=k1.ab_cd";
    for kind in [MailKind::Confirmation, MailKind::Link, MailKind::Reminder] {
        let html = &messages(kind, &a, &config, Some(link), now()).unwrap()[0].html;
        assert!(!html.contains("&#x2f;"), "{kind:?}: no escaped slash");
        assert!(
            html.contains(&format!("href=\"{link}\"")),
            "{kind:?}: {html}"
        );
    }
    let html = &messages(MailKind::Link, &a, &config, Some(link), now()).unwrap()[0].html;
    assert!(html.contains("href=\"https://meet.jit.si/rantevou-00ff\""));
    let confirmation =
        &messages(MailKind::Confirmation, &a, &config, Some(link), now()).unwrap()[0];
    assert!(
        confirmation.html.contains("Άρθρα &amp; βάσεις"),
        "still escaped: & < > \" '"
    );
}

#[tokio::test]
async fn the_outbox_writes_one_parseable_eml_per_message() {
    let config = config();
    let a = appointment(&config, "Κατερίνα", "άρθρα", "el");
    let dir = tempfile::tempdir().unwrap();
    let outbox = OutboxMailer::new(dir.path().join("outbox"), sender());
    for mail in messages(
        MailKind::Confirmation,
        &a,
        &config,
        Some("https://x/c?token=t"),
        now(),
    )
    .unwrap()
    {
        outbox.send(&mail).await.unwrap();
    }
    let mut files: Vec<_> = std::fs::read_dir(dir.path().join("outbox"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 2);
    assert!(files
        .iter()
        .all(|f| f.extension().is_some_and(|e| e == "eml")));
    let first = std::fs::read(&files[0]).unwrap();
    let m = MessageParser::default().parse(&first).unwrap();
    assert_eq!(
        m.to().unwrap().first().unwrap().address(),
        Some("pamaklib@uom.edu.gr")
    );
}
