//! The production mailer: SES v2 `SendEmail` with raw MIME content.

use crate::mime::{build, Sender};
use async_trait::async_trait;
use aws_sdk_sesv2::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{Destination, EmailContent, RawMessage};
use chrono::Utc;
use rantevou_domain::ports::{MailError, Mailer, OutgoingMail};

/// Environment variable with the verified sender address.
pub const SENDER_ENV: &str = "RANTEVOU_SENDER";
/// Environment variable with the SES configuration set (optional).
pub const CONFIGURATION_SET_ENV: &str = "RANTEVOU_SES_CONFIGURATION_SET";

/// Sends through SES v2.
#[derive(Debug, Clone)]
pub struct SesMailer {
    client: aws_sdk_sesv2::Client,
    from: Sender,
    configuration_set: Option<String>,
}

impl SesMailer {
    /// A mailer with a client built by the caller (once per Lambda).
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

    /// A mailer from the environment: the sender `RANTEVOU_SENDER` (else `fallback_address`,
    /// the library's address), `RANTEVOU_SES_CONFIGURATION_SET`, and the SDK's own variables
    /// (region, credentials, `AWS_ENDPOINT_URL`).
    pub async fn from_env(name: &str, fallback_address: &str) -> Self {
        let sdk = aws_config_defaults().await;
        let address = std::env::var(SENDER_ENV).unwrap_or_else(|_| fallback_address.to_owned());
        let configuration_set = std::env::var(CONFIGURATION_SET_ENV)
            .ok()
            .filter(|s| !s.is_empty());
        SesMailer::new(
            aws_sdk_sesv2::Client::new(&sdk),
            Sender {
                name: name.to_owned(),
                address,
            },
            configuration_set,
        )
    }
}

async fn aws_config_defaults() -> aws_config::SdkConfig {
    aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await
}

/// SES error codes that say the message or the account is refused as it is.
const REJECTED: [&str; 6] = [
    "MessageRejected",
    "MailFromDomainNotVerifiedException",
    "NotFoundException",
    "AccountSuspendedException",
    "SendingPausedException",
    "BadRequestException",
];

fn classify<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> MailError {
    match e {
        SdkError::ServiceError(s) => {
            let code = s.err().code().unwrap_or("UnknownError");
            if REJECTED.contains(&code) {
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

#[async_trait]
impl Mailer for SesMailer {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        let bytes = build(mail, &self.from, Utc::now())?;
        let raw = RawMessage::builder()
            .data(Blob::new(bytes))
            .build()
            .map_err(|e| MailError::Rejected(e.to_string()))?;
        self.client
            .send_email()
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
