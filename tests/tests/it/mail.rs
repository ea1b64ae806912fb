//! Mail through the functions: a booking and a cancellation each send the seed's message to
//! the patron and a copy to the provider (read back from the outbox with a MIME parser); a
//! repeat sends nothing; a failed send never undoes the booking, and the retry delivers it
//! when it is due; a mail refused for good leaves the queue and the library is told.

use async_trait::async_trait;
use lambda_http::http::Request;
use lambda_http::Body;
use mail_parser::{Message, MessageParser};
use rantevou_domain::appointment::MailKind;
use rantevou_domain::ports::{MailError, MailQueue, Mailer, OutgoingMail};
use rantevou_tests::{call, deps, invoke, json, outbox, text};
use std::sync::Arc;

fn parse(bytes: &[u8]) -> Message<'_> {
    MessageParser::default()
        .parse(bytes)
        .expect("a MIME message")
}

fn to(m: &Message<'_>) -> String {
    m.to()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or("")
        .to_owned()
}

fn ics(m: &Message<'_>) -> String {
    String::from_utf8(m.attachment(0).expect("an .ics").contents().to_vec()).unwrap()
}

fn path_of(url: &str) -> String {
    url.split_once("://")
        .map(|(_, rest)| rest[rest.find('/').unwrap_or(0)..].to_owned())
        .unwrap_or_default()
}

fn cancel_form(path: &str, token: &str, reason: &str) -> Request<Body> {
    let body: String = form_encode(&[("token", token), ("reason", reason), ("confirm", "yes")]);
    Request::builder()
        .method("POST")
        .uri(path.split('?').next().unwrap())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::Text(body))
        .unwrap()
}

fn form_encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                v.bytes()
                    .map(|b| if b.is_ascii_alphanumeric() {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    })
                    .collect::<String>()
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[tokio::test]
async fn a_booking_and_a_cancellation_mail_the_patron_and_the_provider() {
    let (deps, dir) = deps();
    let r = invoke("create-appointment.created", &deps).await;
    assert_eq!(r.status().as_u16(), 201);
    let created = json(&r);
    let manage = created["manage_url"].as_str().unwrap().to_owned();
    let id = created["id"].as_str().unwrap().to_owned();

    let mails = outbox(dir.path());
    assert_eq!(
        mails.len(),
        2,
        "the patron's confirmation and the provider's copy"
    );
    let patron = parse(&mails[0]);
    assert_eq!(to(&patron), "k.papadopoulou@example.org");
    assert_eq!(
        patron.subject().unwrap(),
        "Το ραντεβού σας κλείστηκε επιτυχώς! – myLIBRARYlive, Τρίτη 1 Δεκεμβρίου 2026, 09:00 (ώρα Ελλάδας)"
    );
    assert_eq!(
        patron.from().unwrap().first().unwrap().address(),
        Some("library@uom.edu.gr")
    );
    let body = patron.body_text(0).unwrap();
    for expected in [
        "Έναρξη: Τρίτη 1 Δεκεμβρίου 2026, 09:00 (ώρα Ελλάδας)",
        "Λήξη: 09:20",
        "> Όνομα: Κατερίνα Παπαδοπούλου",
        "Τηλέφωνο: +30 6900000000",
        manage.as_str(),
    ] {
        assert!(body.contains(expected), "lacks {expected:?}: {body}");
    }
    assert!(patron.body_html(0).unwrap().contains("lang=\"el\""));
    let request = ics(&patron);
    assert!(request.contains("METHOD:PUBLISH") && request.contains(&format!("UID:{id}@rantevou")));
    assert!(!request.contains("ATTENDEE") && request.contains("BEGIN:VALARM"));
    let staff = parse(&mails[1]);
    assert_eq!(to(&staff), "sip@lib.uom.gr");
    assert!(!staff.body_text(0).unwrap().contains("token="));
    assert!(staff
        .subject()
        .unwrap()
        .starts_with("Νέο ραντεβού: 01/12 09:00"));
    assert_eq!(
        staff.reply_to().unwrap().first().unwrap().address(),
        Some("k.papadopoulou@example.org"),
        "a reply reaches the patron"
    );
    assert!(ics(&staff).contains("METHOD:PUBLISH") && !ics(&staff).contains("ATTENDEE"));
    assert!(json(&invoke("get-appointment.found", &deps).await).is_object());

    // A repeat with the same Idempotency-Key mails nobody.
    assert_eq!(
        invoke("create-appointment.created", &deps)
            .await
            .status()
            .as_u16(),
        200
    );
    assert_eq!(outbox(dir.path()).len(), 2);

    // Cancel through the link in the mail.
    let path = path_of(&manage);
    let token = manage.split("token=").nth(1).unwrap();
    let r = call(
        "cancel-appointment",
        cancel_form(&path, token, "αλλαγή ημερομηνίας"),
        &deps,
    )
    .await;
    assert_eq!(r.status().as_u16(), 200, "{}", text(&r));
    // The patron is told at once; the provider's copy is folded into the hour after the
    // booking's copy (at most one copy per appointment an hour).
    let mails = outbox(dir.path());
    assert_eq!(mails.len(), 3);
    let cancellation = parse(&mails[2]);
    assert_eq!(to(&cancellation), "k.papadopoulou@example.org");
    assert!(cancellation
        .subject()
        .unwrap()
        .starts_with("Το ραντεβού ακυρώθηκε"));
    let body = cancellation.body_text(0).unwrap();
    assert!(
        body.contains("Διάρκεια: 20 λεπτά") && body.contains("> Αιτία: αλλαγή ημερομηνίας"),
        "{body}"
    );
    let cancel_ics = ics(&cancellation);
    assert!(cancel_ics.contains("METHOD:CANCEL") && cancel_ics.contains("SEQUENCE:1"));
    assert!(cancel_ics.contains(&format!("UID:{id}@rantevou")));
    send_pending_mail::run(&deps.at(later(59)).mail_retry())
        .await
        .unwrap();
    assert_eq!(outbox(dir.path()).len(), 3, "not before the hour is up");
    send_pending_mail::run(&deps.at(later(61)).mail_retry())
        .await
        .unwrap();
    let mails = outbox(dir.path());
    assert_eq!(mails.len(), 4);
    let copy = parse(&mails[3]);
    assert_eq!(to(&copy), "sip@lib.uom.gr");
    assert!(
        copy.subject().unwrap().starts_with("Ακύρωση"),
        "{:?}",
        copy.subject()
    );

    // Cancelling again mails nobody.
    let r = call(
        "cancel-appointment",
        cancel_form(&path, token, "again"),
        &deps,
    )
    .await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(outbox(dir.path()).len(), 4);
}

/// A mailer that cannot reach the mail service (a network or SES outage).
struct Down;

#[async_trait]
impl Mailer for Down {
    async fn send(&self, _: &OutgoingMail) -> Result<(), MailError> {
        Err(MailError::Unavailable("ses: timed out".into()))
    }
}

/// Minutes after the fixtures' time.
fn later(minutes: i64) -> chrono::DateTime<chrono::Utc> {
    rantevou_tests::fixture_now() + chrono::Duration::minutes(minutes)
}

#[tokio::test]
async fn a_failed_send_keeps_the_booking_and_the_retry_delivers_once_when_due() {
    let (working, dir) = deps();
    let failing = working.with_mailer(Arc::new(Down));

    let r = invoke("create-appointment.created", &failing).await;
    assert_eq!(r.status().as_u16(), 201, "the booking stands");
    let first_link = json(&r)["manage_url"].as_str().unwrap().to_owned();
    assert!(outbox(dir.path()).is_empty());
    let queued = working.store().due_mail(later(1), 10).await.unwrap();
    assert_eq!(queued.len(), 1, "due again a minute later");
    assert_eq!(queued[0].pending_mail, vec![MailKind::Confirmation]);
    assert_eq!(queued[0].delivery.attempts, 1);
    assert!(working
        .store()
        .due_mail(later(0), 10)
        .await
        .unwrap()
        .is_empty());

    // The retry, failing again, puts it off again (two minutes now).
    let report = send_pending_mail::run(&failing.at(later(1)).mail_retry())
        .await
        .unwrap();
    assert_eq!((report.sent, report.failed), (0, 1));
    let report = send_pending_mail::run(&working.at(later(2)).mail_retry())
        .await
        .unwrap();
    assert_eq!((report.sent, report.failed), (0, 0), "not due yet");

    // With mail working again, the retry delivers it, once.
    let report = send_pending_mail::run(&working.at(later(3)).mail_retry())
        .await
        .unwrap();
    assert_eq!((report.sent, report.failed), (1, 0));
    let report = send_pending_mail::run(&working.at(later(4)).mail_retry())
        .await
        .unwrap();
    assert_eq!((report.sent, report.failed), (0, 0));
    let mails = outbox(dir.path());
    assert_eq!(mails.len(), 2);
    let body = parse(&mails[0]).body_text(0).unwrap().to_string();
    let link = body
        .lines()
        .find_map(|l| {
            l.split_once(": http")
                .map(|(_, rest)| format!("http{rest}"))
        })
        .unwrap();
    assert_eq!(
        link, first_link,
        "a late confirmation carries the link the booking's answer showed"
    );
    let page = Request::builder()
        .uri(path_of(&link))
        .body(Body::Empty)
        .unwrap();
    assert_eq!(
        call("cancel-appointment", page, &working)
            .await
            .status()
            .as_u16(),
        200,
        "the mailed link works"
    );

    // A cancellation whose mail fails is pending too, and delivered by the retry.
    let token = link.split("token=").nth(1).unwrap();
    let r = call(
        "cancel-appointment",
        cancel_form(&path_of(&link), token, ""),
        &failing.at(later(10)),
    )
    .await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(outbox(dir.path()).len(), 2);
    let report = send_pending_mail::run(&working.at(later(12)).mail_retry())
        .await
        .unwrap();
    assert_eq!((report.sent, report.failed), (1, 0));
    // The patron's cancellation; its copy to the provider is folded into the hour after the
    // booking's.
    let mails = outbox(dir.path());
    assert_eq!(mails.len(), 3);
    assert!(parse(&mails[2])
        .subject()
        .unwrap()
        .starts_with("Το ραντεβού ακυρώθηκε"));
}

/// A mailer that refuses the patron's address for good (SES: a malformed address) and
/// delivers the library's own mail to the outbox.
struct RefusesPatrons(rantevou_mail::OutboxMailer);

#[async_trait]
impl Mailer for RefusesPatrons {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        if mail.to.iter().any(|to| to.ends_with("@example.org")) {
            return Err(MailError::Rejected("ses: BadRequestException".into()));
        }
        self.0.send(mail).await
    }
}

#[tokio::test]
async fn a_mail_refused_for_good_leaves_the_queue_marked_failed_and_the_library_is_told() {
    let (deps, dir) = deps();
    let outbox_mailer = rantevou_mail::OutboxMailer::new(
        dir.path().join("outbox"),
        rantevou_mail::Sender {
            name: "Library".into(),
            address: "library@uom.edu.gr".into(),
        },
    );
    let refusing = deps.with_mailer(Arc::new(RefusesPatrons(outbox_mailer)));
    let r = invoke("create-appointment.created", &refusing).await;
    assert_eq!(r.status().as_u16(), 201, "the booking stands");
    let id = json(&r)["id"].as_str().unwrap().parse().unwrap();
    let stored = rantevou_domain::ports::Appointments::get(deps.store(), id, later(0))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.delivery.failure.as_deref(),
        Some("the mail service rejected the message: ses: BadRequestException")
    );
    assert_eq!(
        stored.pending_mail,
        vec![MailKind::Confirmation],
        "still unsent, for staff"
    );
    assert!(
        deps.store()
            .due_mail(later(600), 10)
            .await
            .unwrap()
            .is_empty(),
        "out of the queue"
    );

    let mails = outbox(dir.path());
    assert_eq!(
        mails.len(),
        2,
        "the provider's copy of the booking (sent when it was made) and the library's notice"
    );
    let subjects: Vec<String> = mails
        .iter()
        .map(|m| parse(m).subject().unwrap_or_default().to_owned())
        .collect();
    assert!(
        subjects.iter().any(|s| s.starts_with("Νέο ραντεβού")),
        "{subjects:?}"
    );
    let notice = mails
        .iter()
        .map(|m| parse(m))
        .find(|m| {
            m.subject()
                .is_some_and(|s| s.starts_with("Το email δεν έφτασε"))
        })
        .unwrap();
    assert_eq!(to(&notice), "sip@lib.uom.gr");
    let text = notice.body_text(0).unwrap();
    assert!(text.contains("BadRequestException"), "{text}");
    assert!(
        text.contains("Τηλέφωνο: "),
        "the patron's phone, to call them"
    );

    let report = send_pending_mail::run(&deps.at(later(600)).mail_retry())
        .await
        .unwrap();
    assert_eq!((report.sent, report.failed, report.given_up), (0, 0, 0));
}

/// The local outbox keeps a message only as long as an appointment it can be about is kept:
/// the purge deletes what was written before its cutoff, and nothing else.
#[tokio::test]
async fn the_outbox_is_pruned_of_messages_past_their_retention() {
    let dir = tempfile::tempdir().unwrap();
    let outbox_dir = dir.path().join("outbox");
    let mailer = rantevou_mail::OutboxMailer::new(
        &outbox_dir,
        rantevou_mail::Sender {
            name: "Library".into(),
            address: "library@uom.edu.gr".into(),
        },
    );
    let day = |d: i64| later(0) + chrono::Duration::days(d);
    for d in [0, 1, 2, 3] {
        let mail = OutgoingMail {
            to: vec!["maria@example.org".into()],
            reply_to: None,
            subject: format!("Day {d}"),
            text: "text".into(),
            html: "<p>html</p>".into(),
            attachments: vec![],
            date: day(d),
            about: None,
        };
        mailer.send(&mail).await.unwrap();
    }
    // Something that is not a message stays whatever its name.
    std::fs::write(outbox_dir.join("README.txt"), "kept").unwrap();
    assert_eq!(
        rantevou_mail::prune_outbox(&outbox_dir, day(2))
            .await
            .unwrap(),
        2
    );
    let mut left: Vec<String> = outbox(dir.path())
        .iter()
        .map(|m| parse(m).subject().unwrap().to_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["Day 2", "Day 3"]);
    assert!(outbox_dir.join("README.txt").exists());
    let missing = dir.path().join("no-outbox");
    assert_eq!(
        rantevou_mail::prune_outbox(&missing, day(9)).await.unwrap(),
        0
    );
}
