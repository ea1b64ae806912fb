//! SES's events about a message, as the `events/` fixtures hold them in the shape AWS
//! documents for event publishing through EventBridge (`source: aws.ses`, the SES event
//! record in `detail`, rantevou's message tags in `detail.mail.tags`): read into feedback,
//! then handled by the scheduled function in-process (SQLite; the DynamoDB half is the
//! `cargo lambda` walk and the deploy rehearsal), changing what the staff see.

use chrono::{DateTime, Utc};
use rantevou_domain::appointment::MailKind;
use rantevou_domain::feedback::Feedback;
use rantevou_domain::ports::Audience;
use rantevou_tests::{deps, invoke, json, root, seed_event_appointment, EVENT_ID};
use send_pending_mail::{feedback_of, handle};
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = root()
        .join("events")
        .join(format!("send-pending-mail.{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn instant(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

#[test]
fn ses_events_read_as_feedback_about_their_appointment() {
    let bounce = feedback_of(&fixture("ses-bounce")).unwrap().unwrap();
    assert_eq!(bounce.appointment.to_string(), EVENT_ID);
    assert_eq!(bounce.kind, Some(MailKind::Confirmation));
    assert_eq!(bounce.audience, Audience::Patron);
    assert_eq!(
        bounce.feedback,
        Feedback::Bounced {
            diagnostic: "5.1.1 smtp; 550 5.1.1 user unknown".into()
        }
    );
    assert_eq!(bounce.at, instant("2026-11-28T09:58:05.669Z"));
    let complaint = feedback_of(&fixture("ses-complaint")).unwrap().unwrap();
    assert_eq!(complaint.feedback, Feedback::Complained);
    let delay = feedback_of(&fixture("ses-delay")).unwrap().unwrap();
    assert!(
        matches!(delay.feedback, Feedback::Delayed { ref diagnostic } if diagnostic.starts_with("4.4.1"))
    );

    // A transient bounce is a delay; a rejection a bounce; a delivery changes nothing.
    let mut soft = fixture("ses-bounce");
    soft["detail"]["bounce"]["bounceType"] = "Transient".into();
    assert!(matches!(
        feedback_of(&soft).unwrap().unwrap().feedback,
        Feedback::Delayed { .. }
    ));
    let mut reject = fixture("ses-bounce");
    reject["detail"]["eventType"] = "Reject".into();
    reject["detail"]["reject"] = serde_json::json!({ "reason": "Bad content" });
    assert!(matches!(
        feedback_of(&reject).unwrap().unwrap().feedback,
        Feedback::Bounced { ref diagnostic } if diagnostic.contains("Bad content")
    ));
    let mut delivery = fixture("ses-bounce");
    delivery["detail"]["eventType"] = "Delivery".into();
    assert_eq!(feedback_of(&delivery).unwrap(), None);
    // Not one of rantevou's messages (no tags), or a tag that is not an id.
    let mut untagged = fixture("ses-bounce");
    untagged["detail"]["mail"]["tags"] = serde_json::json!({});
    assert_eq!(feedback_of(&untagged).unwrap(), None);
    let mut bad = fixture("ses-bounce");
    bad["detail"]["mail"]["tags"]["appointment"] = serde_json::json!(["../../etc"]);
    assert!(feedback_of(&bad).is_err());
}

#[tokio::test]
async fn the_fixtures_change_what_the_staff_see_and_tell_the_library() {
    let (deps, dir) = deps();
    seed_event_appointment(&deps).await;
    let retry = deps.mail_retry();
    let answer = |v: &send_pending_mail::Answer| serde_json::to_value(v).unwrap();
    for (name, outcome) in [
        ("ses-delay", "noted"),
        ("ses-complaint", "complained"),
        ("ses-bounce", "bounced"),
    ] {
        let got = handle(&retry, &fixture(name)).await.unwrap();
        assert_eq!(answer(&got)["feedback"], outcome, "{name}");
    }
    // The failed-mail list names it, in words for a librarian.
    let failed = json(&invoke("staff-api.failed-mail", &deps).await);
    let listed = &failed["appointments"][0];
    assert_eq!(listed["id"], EVENT_ID, "{failed}");
    assert_eq!(listed["mail"]["failure_kind"], "bounced");
    assert!(listed["mail"]["failure"]
        .as_str()
        .unwrap()
        .contains("550 5.1.1 user unknown"));
    // The provider's mailbox was told once, with the server's words.
    let notices: Vec<String> = rantevou_tests::outbox(dir.path())
        .iter()
        .map(|m| String::from_utf8_lossy(m).into_owned())
        .filter(|m| m.contains("To: <sip@lib.uom.gr>") || m.contains("To: sip@lib.uom.gr"))
        .collect();
    assert_eq!(notices.len(), 1, "one notice");
    // A second delivery of the same event changes nothing.
    handle(&retry, &fixture("ses-bounce")).await.unwrap();
    assert_eq!(
        rantevou_tests::outbox(dir.path())
            .iter()
            .filter(|m| String::from_utf8_lossy(m).contains("sip@lib.uom.gr"))
            .count(),
        1
    );
}
