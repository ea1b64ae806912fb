//! SES v2 on moto: an unverified sender is refused, the booking stands with its mail pending,
//! and once the identity exists the retry delivers it; what SES received is read back.

use rantevou_domain::ports::MailQueue;
use rantevou_mail::{Sender, SesMailer};
use rantevou_tests::{http, invoke, json};
use std::sync::Arc;

#[tokio::test]
async fn ses_refusal_then_retry_delivers_the_confirmation() {
    let Some(moto) = rantevou_testkit::moto_url() else {
        return;
    };
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(&moto)
        .region(aws_config::Region::new("eu-central-1"))
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "test", "test", None, None, "ses-test",
        ))
        .load()
        .await;
    let client = aws_sdk_sesv2::Client::new(&sdk);
    let sender = format!("bookings-{}@uom.edu.gr", std::process::id());
    let mailer = SesMailer::new(
        client.clone(),
        Sender {
            name: "Πανεπιστήμιο Μακεδονίας - Βιβλιοθήκη".into(),
            address: sender.clone(),
        },
        None,
    );
    let (deps, _dir) = rantevou_tests::deps();
    let deps = deps.with_mailer(Arc::new(mailer));

    let r = invoke("create-appointment.created", &deps).await;
    assert_eq!(
        r.status().as_u16(),
        201,
        "SES refused the unverified sender; the booking stands"
    );
    let id = json(&r)["id"].as_str().unwrap().to_owned();
    let soon = rantevou_tests::fixture_now() + chrono::Duration::minutes(1);
    let pending = deps.store().due_mail(soon, 10).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].id.to_string(), id);

    client
        .create_email_identity()
        .email_identity(&sender)
        .send()
        .await
        .unwrap();
    let report = send_pending_mail::run(&deps.at(soon).mail_retry())
        .await
        .unwrap();
    assert_eq!((report.sent, report.failed), (1, 0));
    assert!(deps.store().due_mail(soon, 10).await.unwrap().is_empty());

    let (_, _, data) = http("GET", &format!("{moto}/moto-api/data.json"), &[], "");
    let data: serde_json::Value = serde_json::from_str(&data).unwrap();
    let sent: Vec<&serde_json::Value> = data["ses"]["RawMessage"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["source"] == sender.as_str())
        .collect();
    assert_eq!(
        sent.len(),
        2,
        "the patron's confirmation and the provider's copy, once each"
    );
    let raw = sent[0]["raw_data"].as_str().unwrap();
    let m = mail_parser::MessageParser::default()
        .parse(raw.as_bytes())
        .unwrap();
    assert_eq!(
        m.to().unwrap().first().unwrap().address(),
        Some("k.papadopoulou@example.org")
    );
    assert!(m
        .subject()
        .unwrap()
        .starts_with("Το ραντεβού σας κλείστηκε επιτυχώς!"));
    assert!(m
        .body_text(0)
        .unwrap()
        .contains(&format!("/api/appointments/{id}/manage?token=")));
    assert_eq!(sent[1]["destinations"][0], "sip@lib.uom.gr");
}
