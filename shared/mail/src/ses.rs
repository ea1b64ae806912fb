//! The production mailer: SES v2 `SendEmail` with raw MIME content.

use crate::mime::{build, Sender};
use async_trait::async_trait;
use aws_sdk_sesv2::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{Destination, EmailContent, MessageTag, RawMessage};
use rantevou_domain::ports::{MailError, Mailer, OutgoingMail};

/// Sends through SES v2.
#[derive(Debug, Clone)]
pub struct SesMailer {
    client: aws_sdk_sesv2::Client,
    from: Sender,
    configuration_set: Option<String>,
}

impl SesMailer {
    /// A mailer with a client built by the wiring (once per Lambda), sending as `from`
    /// (a verified identity) in `configuration_set`, if any.
    pub fn new(
        client: aws_sdk_sesv2::Client,
        from: Sender,
        configuration_set: Option<String>,
    ) -> Self {
        SesMailer {
            client,
            from,
            configuration_set,
        }
    }
}

/// SES error codes that say this message can never be sent as it is (a malformed address).
/// The others — an unverified sender, a paused or suspended account, a missing configuration
/// set, throttling — are the library's to fix or wait out: those are retried (a while).
const UNDELIVERABLE: [&str; 1] = ["BadRequestException"];

fn classify<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> MailError {
    match e {
        SdkError::ServiceError(s) => {
            let code = s.err().code().unwrap_or("UnknownError");
            if UNDELIVERABLE.contains(&code) {
                MailError::Rejected(format!("ses: {code}"))
            } else {
                MailError::Unavailable(format!("ses: {code}"))
            }
        }
        SdkError::TimeoutError(_) => MailError::Unavailable("ses: timed out".into()),
        SdkError::DispatchFailure(_) => MailError::Unavailable("ses: could not connect".into()),
        _ => MailError::Unavailable("ses: request failed".into()),
    }
}

/// The message tags SES publishes with every event about the message (a bounce, a
/// complaint), so that the event finds its appointment: `appointment`, `kind` and `audience`.
/// Their values are ids and names of letters, digits and dashes, as SES requires.
pub fn tags(mail: &OutgoingMail) -> Option<Vec<MessageTag>> {
    let about = mail.about.as_ref()?;
    [
        ("appointment", about.appointment.as_str()),
        ("kind", about.kind),
        ("audience", about.audience.name()),
    ]
    .into_iter()
    .map(|(name, value)| MessageTag::builder().name(name).value(value).build().ok())
    .collect()
}

#[async_trait]
impl Mailer for SesMailer {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        let bytes = build(mail, &self.from)?;
        let raw = RawMessage::builder()
            .data(Blob::new(bytes))
            .build()
            .map_err(|e| MailError::Rejected(e.to_string()))?;
        self.client
            .send_email()
            .set_email_tags(tags(mail))
            .from_email_address(&self.from.address)
            .destination(
                Destination::builder()
                    .set_to_addresses(Some(mail.to.clone()))
                    .build(),
            )
            .content(EmailContent::builder().raw(raw).build())
            .set_configuration_set_name(self.configuration_set.clone())
            .send()
            .await
            .map_err(|e| classify(&e))?;
        Ok(())
    }
}
