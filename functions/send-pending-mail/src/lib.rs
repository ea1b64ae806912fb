//! The one scheduler of mail: a Lambda run every minute (see `template.yaml`) that sends
//! what is due: the video-call link mail and reminders on time, and every confirmation and
//! cancellation still pending (e.g. after SES refused or timed out); then the waiting list's
//! notices (a time freed on a waited day). The same function records what SES says of the
//! messages after they went (bounces, complaints, delays: SES's events through EventBridge),
//! since it owns the mail queue those change.
//!
//! Locally: `cargo lambda invoke send-pending-mail --data-file events/send-pending-mail.scheduled.json`
//! (or one of the `send-pending-mail.ses-*.json` events).

use chrono::{DateTime, Utc};
use rantevou_app::{Delivery, MailRetry, Recorded};
use rantevou_domain::appointment::MailKind;
use rantevou_domain::feedback::{Feedback, MailFeedback};
use rantevou_domain::ports::Audience;
use serde::Serialize;
use serde_json::Value;

/// Appointments handled per run; the rest wait for the next run.
pub const BATCH: usize = 100;

/// What one invocation did.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Answer {
    /// A scheduled run: what it sent.
    Run(Delivery),
    /// An SES event: what it led to.
    Feedback {
        /// The outcome.
        feedback: Recorded,
    },
    /// An SES event of a kind, or about a message, that changes nothing here.
    Ignored {
        /// Why.
        ignored: &'static str,
    },
}

/// Handles one event: an SES event (EventBridge's `source: aws.ses`) is recorded; anything
/// else (the scheduler's tick) runs the scheduler.
pub async fn handle(retry: &MailRetry, event: &Value) -> Result<Answer, String> {
    if event["source"] == "aws.ses" {
        return match feedback_of(event) {
            Ok(Some(feedback)) => retry
                .record_feedback(&feedback)
                .await
                .map(|feedback| Answer::Feedback { feedback })
                .map_err(|e| {
                    tracing::error!(error = %e, "mail feedback not recorded");
                    e.to_string()
                }),
            Ok(None) => Ok(Answer::Ignored {
                ignored: "not about an appointment's mail",
            }),
            Err(why) => {
                tracing::warn!(why, "an SES event that cannot be read");
                Ok(Answer::Ignored { ignored: why })
            }
        };
    }
    run(retry).await.map(Answer::Run)
}

/// One scheduled run: sends what is due.
pub async fn run(retry: &MailRetry) -> Result<Delivery, String> {
    retry.retry_pending(BATCH).await.map_err(|e| {
        tracing::error!(error = %e, "pending mail could not be read");
        e.to_string()
    })
}

/// The feedback an SES event (as EventBridge delivers it: the SES event record in `detail`)
/// gives about one of rantevou's messages: `None` for a kind that changes nothing here (a
/// send, a delivery) or a message without rantevou's tags; an error for a malformed one.
pub fn feedback_of(event: &Value) -> Result<Option<MailFeedback>, &'static str> {
    let detail = &event["detail"];
    let tag = |name: &str| detail["mail"]["tags"][name][0].as_str();
    let Some(appointment) = tag("appointment") else {
        return Ok(None);
    };
    let appointment = appointment
        .parse()
        .map_err(|_| "the appointment tag is not an id")?;
    let audience = tag("audience")
        .and_then(Audience::named)
        .unwrap_or(Audience::Patron);
    let kind = tag("kind").and_then(MailKind::named);
    let at = |v: &Value| {
        v.as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc))
    };
    let event_type = detail["eventType"].as_str().ok_or("no eventType")?;
    let (feedback, when) = match event_type {
        "Bounce" => {
            let bounce = &detail["bounce"];
            let recipient = &bounce["bouncedRecipients"][0];
            let diagnostic = diagnostic(recipient);
            let feedback = if bounce["bounceType"] == "Permanent" {
                Feedback::Bounced { diagnostic }
            } else {
                Feedback::Delayed { diagnostic }
            };
            (feedback, &bounce["timestamp"])
        }
        "Reject" => {
            let reason = detail["reject"]["reason"].as_str().unwrap_or("rejected");
            let diagnostic = format!("SES refused to send it: {}", one_line(reason));
            (
                Feedback::Bounced { diagnostic },
                &detail["mail"]["timestamp"],
            )
        }
        "Complaint" => (Feedback::Complained, &detail["complaint"]["timestamp"]),
        "DeliveryDelay" => {
            let delay = &detail["deliveryDelay"];
            let diagnostic = diagnostic(&delay["delayedRecipients"][0]);
            (Feedback::Delayed { diagnostic }, &delay["timestamp"])
        }
        _ => return Ok(None),
    };
    let at = at(when)
        .or_else(|| at(&event["time"]))
        .ok_or("no time in the event")?;
    Ok(Some(MailFeedback {
        appointment,
        kind,
        audience,
        feedback,
        at,
    }))
}

/// What the receiving server said of one recipient: its status and words, on one line.
fn diagnostic(recipient: &Value) -> String {
    let status = recipient["status"].as_str().unwrap_or("");
    let code = recipient["diagnosticCode"].as_str().unwrap_or("");
    one_line(format!("{status} {code}").trim())
}

/// `text` on one line, at most 200 characters (it reaches a page and a mail).
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect()
}
