//! The mail that goes to the provider's mailbox, in the library's default language: the copy of
//! a booking, a move or a cancellation, the alert that a video-call link is missing, and the
//! notice that a patron's mail could not be delivered. Never the patron's manage link; the
//! console's page of the appointment where the delivery knows it.

use super::{about, moved_from, render, Framing, RenderError, Rendered};
use crate::texts::{fill, texts};
use chrono::{DateTime, Utc};
use rantevou_domain::appointment::{Appointment, Canceller, MailKind};
use rantevou_domain::ports::{Audience, OutgoingMail};
use rantevou_domain::LibraryConfig;

/// Whether `kind` is the news of a cancellation by the library's staff.
pub(super) fn is_by_library(kind: MailKind, a: &Appointment) -> bool {
    kind == MailKind::Cancellation && a.canceller() == Some(Canceller::Staff)
}

/// A staff subject's time, short and in the library's zone: `30/11 09:20`.
fn short_when(a: &Appointment, config: &LibraryConfig) -> String {
    a.start
        .with_timezone(&config.library.timezone)
        .format("%d/%m %H:%M")
        .to_string()
}

impl<'a> Framing<'a> {
    /// A message for the provider's mailbox: `subject` (else the heading with the service and
    /// time), `heading`, `intro`, linking `console`.
    fn staff(
        subject: Option<String>,
        heading: &'a str,
        intro: String,
        console: Option<&'a str>,
    ) -> Framing<'a> {
        Framing {
            subject,
            heading,
            intro: intro.into(),
            manage_url: None,
            staff: true,
            by_library: false,
            book_url: None,
            console_url: console,
        }
    }
}

/// `notice` about `a` as a message of `kind` to `to`, dated `now`.
fn to_mailbox(
    to: String,
    reply_to: Option<String>,
    notice: Rendered,
    kind: MailKind,
    a: &Appointment,
    now: DateTime<Utc>,
) -> OutgoingMail {
    OutgoingMail {
        to: vec![to],
        reply_to,
        subject: notice.subject,
        text: notice.text,
        html: notice.html,
        attachments: Vec::new(),
        date: now,
        about: about(a, kind, Audience::Staff),
    }
}

/// The provider's copy of `kind`, written for a librarian: the subject says what happened and
/// when ("Νέο ραντεβού: 30/11 09:20"; never the patron's name or words, which a subject cannot
/// quote); the body has the patron's details and topic, the reason on a cancellation, and on a
/// booking what is left to do (send the video-call link, while there is none).
pub(super) fn staff_copy(
    kind: MailKind,
    a: &Appointment,
    config: &LibraryConfig,
    console: Option<&str>,
) -> Result<Rendered, RenderError> {
    let lang = config.library.default_language();
    let t = &texts(lang).mail;
    let (subject, intro) = match kind {
        MailKind::Cancellation if is_by_library(kind, a) => (
            &t.staff_cancelled_subject,
            &t.staff_cancelled_by_staff_intro,
        ),
        MailKind::Cancellation => (&t.staff_cancelled_subject, &t.staff_cancelled_intro),
        MailKind::Moved => (&t.staff_moved_subject, &t.staff_moved_intro),
        _ => (&t.staff_new_subject, &t.staff_new_intro),
    };
    let intro = fill(intro, "from", moved_from(a, config, lang));
    let subject = fill(subject, "when", short_when(a, config));
    let framing = Framing::staff(Some(subject.clone()), &subject, intro, console);
    render(kind, a, config, lang, framing)
}

/// The provider's alert that the video-call link is still missing at the link mail's moment
/// (or shortly before the start), to the provider's mailbox (the library's when the provider
/// is unknown): when, who, and `console`, the console's page where the link is sent from.
/// Replies reach the patron.
pub(super) fn link_missing(
    a: &Appointment,
    config: &LibraryConfig,
    console: Option<&str>,
    now: DateTime<Utc>,
) -> Result<OutgoingMail, RenderError> {
    let kind = MailKind::LinkMissing;
    let lang = config.library.default_language();
    let t = &texts(lang).mail;
    let subject = fill(&t.link_missing_subject, "when", short_when(a, config));
    let framing = Framing::staff(
        Some(subject.clone()),
        &subject,
        t.link_missing_intro.clone(),
        console,
    );
    let notice = render(kind, a, config, lang, framing)?;
    let to = config
        .provider(a.provider.as_str())
        .map_or_else(|| config.library.email.clone(), |p| p.email.clone());
    let reply_to = Some(a.patron.customer.email.mailbox());
    Ok(to_mailbox(to, reply_to, notice, kind, a, now))
}

/// The provider's notice that `kind` could not be delivered to the patron for `reason` (no
/// patron address is mailed), with the appointment's details so that a librarian can reach
/// the patron another way. `None` without a provider.
pub fn undelivered(
    kind: MailKind,
    a: &Appointment,
    config: &LibraryConfig,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Option<OutgoingMail>, RenderError> {
    let Some(provider) = config.provider(a.provider.as_str()) else {
        return Ok(None);
    };
    let lang = config.library.default_language();
    let t = &texts(lang).mail;
    let intro = fill(&t.undelivered_intro, "reason", reason);
    let framing = Framing::staff(None, &t.undelivered_heading, intro, None);
    let notice = render(kind, a, config, lang, framing)?;
    Ok(Some(to_mailbox(
        provider.email.clone(),
        None,
        notice,
        kind,
        a,
        now,
    )))
}
