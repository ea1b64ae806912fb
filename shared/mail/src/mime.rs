//! Raw MIME from an [`OutgoingMail`], built with `mail-builder` (never by hand): multipart
//! text + HTML, attachments, RFC 2047-encoded headers, a Message-ID and a Date.

use mail_builder::headers::content_type::ContentType;
use mail_builder::MessageBuilder;
use rantevou_domain::ports::{MailError, OutgoingMail};

/// Who the mail is from: the library's name and sending address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    /// Display name (e.g. the library's name).
    pub name: String,
    /// Verified sending address.
    pub address: String,
}

/// The message as bytes, ready for SES `SendEmail` (raw) or an `.eml` file, dated as the mail
/// says.
pub fn build(mail: &OutgoingMail, from: &Sender) -> Result<Vec<u8>, MailError> {
    let domain = from.address.rsplit('@').next().unwrap_or("rantevou.local");
    // Unique without a clock: 128 random bits.
    let message_id = format!("{:032x}@{domain}", rand::random::<u128>());
    let mut builder = MessageBuilder::new()
        .from((from.name.as_str(), from.address.as_str()))
        .to(mail.to.iter().map(String::as_str).collect::<Vec<_>>())
        .subject(mail.subject.as_str())
        .date(mail.date.timestamp())
        .message_id(message_id)
        .text_body(mail.text.as_str())
        .html_body(mail.html.as_str());
    if let Some(reply_to) = &mail.reply_to {
        builder = builder.reply_to(reply_to.as_str());
    }
    for a in &mail.attachments {
        let mut parts = a.content_type.split(';').map(str::trim);
        let mut content_type = ContentType::new(
            parts
                .next()
                .unwrap_or("application/octet-stream")
                .to_owned(),
        );
        for param in parts {
            if let Some((k, v)) = param.split_once('=') {
                content_type = content_type.attribute(k.trim().to_owned(), v.trim().to_owned());
            }
        }
        builder = builder.attachment(content_type, a.filename.as_str(), a.content.as_slice());
    }
    builder
        .write_to_vec()
        .map_err(|e| MailError::Rejected(format!("cannot build the message: {e}")))
}
