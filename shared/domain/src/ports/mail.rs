//! The mail port: a rendered message and the adapter that sends it.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// A file attached to a mail, such as the `.ics` invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// File name shown to the reader.
    pub filename: String,
    /// MIME type, e.g. `text/calendar; method=PUBLISH`.
    pub content_type: String,
    /// The bytes.
    pub content: Vec<u8>,
}

/// Who a message is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The patron.
    Patron,
    /// The provider's mailbox (a copy, a notice).
    Staff,
}

impl Audience {
    /// Its stable name (the mail service's tag).
    pub fn name(self) -> &'static str {
        match self {
            Audience::Patron => "patron",
            Audience::Staff => "staff",
        }
    }

    /// The audience called `name`.
    pub fn named(name: &str) -> Option<Audience> {
        [Audience::Patron, Audience::Staff]
            .into_iter()
            .find(|a| a.name() == name)
    }
}

/// What a message is about, as the mail service tags it (SES message tags), so that what it
/// later says of the message (a bounce, a complaint) finds its appointment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailAbout {
    /// The appointment.
    pub appointment: String,
    /// Which message ([`crate::appointment::MailKind::name`]).
    pub kind: &'static str,
    /// For whom.
    pub audience: Audience,
}

/// A mail to send: content already rendered, recipients already validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    /// Recipients' addresses.
    pub to: Vec<String>,
    /// Where replies go, when not to the sender (the staff copy: the patron).
    pub reply_to: Option<String>,
    /// Subject line (one line, no control characters).
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
    /// Attachments.
    pub attachments: Vec<Attachment>,
    /// When it was written (the `Date` header): the use case's clock, not the adapter's.
    pub date: DateTime<Utc>,
    /// The appointment and message it is (none for mail about no one appointment).
    pub about: Option<MailAbout>,
}

/// Why a mail was not sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    /// The message can never be sent as it is (e.g. a malformed address): given up at once.
    #[error("the mail service rejected the message: {0}")]
    Rejected(String),
    /// The mail service could not be reached, failed, or refuses for now (an unverified
    /// sender, a paused account): tried again later, for a while.
    #[error("the mail service is unavailable: {0}")]
    Unavailable(String),
}

/// Sends mail.
#[async_trait]
pub trait Mailer: Send + Sync {
    /// Sends one mail.
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError>;
}
