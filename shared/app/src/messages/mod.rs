//! The two messages of the seed, rendered in the appointment's language as text and HTML
//! with an `.ics`: the confirmation and the cancellation, each for the patron and as a copy
//! for the provider's mailbox (in the library's default language, without the manage link).
//! And, when bookings are held until confirmed, the request to confirm: to the patron only,
//! with the service, the time and the link, and nothing the patron typed (the address is not
//! verified yet, so the mail must be useless to anyone who would send it to someone else).
//! Then, on time, the video-call link mail and the reminders, to the patron only; and after a
//! move, "your appointment was moved" with the old and new time (and the provider's copy).
//! The mails about no single appointment (links again, the waiting list) are in `lists`.
//! Texts come from the catalogue ([`crate::texts`]); HTML is escaped by minijinja.

pub mod calendar;
mod lists;
mod staff;

pub use lists::{links_again, waitlist_mail, WaitLinks};
pub use staff::undelivered;
use staff::{is_by_library, link_missing, staff_copy};

use crate::details::{long_time, Details};
use crate::texts::{fill, texts};
use chrono::{DateTime, Utc};
use minijinja::{context, Environment};
use rantevou_domain::appointment::{Appointment, MailKind};
use rantevou_domain::ports::{Attachment, Audience, MailAbout, OutgoingMail};
use rantevou_domain::{Language, LibraryConfig};
use std::sync::OnceLock;

/// Why a message could not be rendered (a template bug; logged, never shown to patrons).
#[derive(Debug, thiserror::Error)]
#[error("cannot render the {kind} message: {reason}")]
pub struct RenderError {
    kind: String,
    reason: String,
}

/// The text and HTML of template pair `name` (`<name>.txt`, `<name>.html`) with `ctx`; `kind`
/// names the message in an error.
fn render_pair(
    name: &str,
    ctx: &minijinja::Value,
    kind: impl std::fmt::Debug,
) -> Result<(String, String), RenderError> {
    let env = environment();
    let render = |file: String| {
        env.get_template(&file)
            .and_then(|t| t.render(ctx))
            .map_err(|e| RenderError {
                kind: format!("{kind:?}"),
                reason: e.to_string(),
            })
    };
    Ok((
        render(format!("{name}.txt"))?,
        render(format!("{name}.html"))?,
    ))
}

/// HTML-escapes `text` for mail: `& < > " '`, and not the slash that minijinja's own escape
/// also turns into `&#x2f;` (links full of those are what spam filters score).
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub mod patron_text;

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_formatter(|out, state, value| match value.as_str() {
            Some(text)
                if matches!(state.auto_escape(), minijinja::AutoEscape::Html)
                    && !value.is_safe() =>
            {
                out.write_str(&escape_html(text))?;
                Ok(())
            }
            _ => minijinja::escape_formatter(out, state, value),
        });
        // What the patron typed is quoted and its links defanged (see `patron_text`).
        env.add_filter("defang", |text: String| patron_text::defang(&text));
        env.add_filter("quote", |text: String| patron_text::quote(&text));
        // `.html` is auto-escaped; `.txt` is not (plain text shows what the patron typed).
        for (name, source) in [
            (
                "mail-layout.html",
                include_str!("../../templates/mail-layout.html"),
            ),
            ("message.txt", include_str!("../../templates/message.txt")),
            ("message.html", include_str!("../../templates/message.html")),
            (
                "confirm-request.txt",
                include_str!("../../templates/confirm-request.txt"),
            ),
            (
                "confirm-request.html",
                include_str!("../../templates/confirm-request.html"),
            ),
            ("timed.txt", include_str!("../../templates/timed.txt")),
            ("timed.html", include_str!("../../templates/timed.html")),
            (
                "links-again.txt",
                include_str!("../../templates/links-again.txt"),
            ),
            (
                "links-again.html",
                include_str!("../../templates/links-again.html"),
            ),
            ("waitlist.txt", include_str!("../../templates/waitlist.txt")),
            (
                "follow-up.txt",
                include_str!("../../templates/follow-up.txt"),
            ),
            (
                "follow-up.html",
                include_str!("../../templates/follow-up.html"),
            ),
            (
                "waitlist.html",
                include_str!("../../templates/waitlist.html"),
            ),
        ] {
            if let Err(e) = env.add_template(name, source) {
                tracing::error!(error = %e, template = name, "mail template does not parse");
            }
        }
        env
    })
}

/// Heading and introduction of `kind` in `lang`.
fn heading_intro(kind: MailKind, lang: Language) -> (&'static str, &'static str) {
    let t = &texts(lang).mail;
    match kind {
        MailKind::ConfirmRequest => (&t.confirm_request_heading, &t.confirm_request_intro),
        MailKind::Confirmation => (&t.confirmation_heading, &t.confirmation_intro),
        MailKind::Cancellation => (&t.cancellation_heading, &t.cancellation_intro),
        MailKind::Link => (&t.link_heading, &t.link_intro),
        MailKind::Reminder => (&t.reminder_heading, &t.reminder_intro),
        MailKind::Moved => (&t.moved_heading, &t.moved_intro),
        MailKind::LinkMissing => (&t.link_missing_subject, &t.link_missing_intro),
        MailKind::FollowUp => (&t.follow_up_heading, &t.follow_up_intro),
        MailKind::Imported => (&t.imported_heading, &t.imported_intro),
    }
}

/// What every message's templates share: the language, the library's name, the heading and
/// introduction, and the catalogue's labels (`l`) and mail texts (`t`).
fn frame(config: &LibraryConfig, lang: Language, heading: &str, intro: &str) -> minijinja::Value {
    context! {
        lang => lang.code(),
        library => config.library.name.get(lang),
        heading,
        intro,
        l => &texts(lang).details,
        t => &texts(lang).mail,
        zone => config.library.timezone_label.get(lang),
        policy_note => crate::texts::policy_note(config, lang),
    }
}

/// One rendered message: subject, text and HTML.
struct Rendered {
    subject: String,
    text: String,
    html: String,
}

/// A message's heading and introduction, and whom it is for.
struct Framing<'a> {
    /// The subject, when not the heading with the service and time.
    subject: Option<String>,
    heading: &'a str,
    intro: std::borrow::Cow<'a, str>,
    manage_url: Option<&'a str>,
    staff: bool,
    /// A cancellation by the library (the patron's says sorry and links `book_url`).
    by_library: bool,
    book_url: Option<&'a str>,
    /// The console's page of the appointment (staff mail).
    console_url: Option<&'a str>,
}

fn render(
    kind: MailKind,
    a: &Appointment,
    config: &LibraryConfig,
    lang: Language,
    framing: Framing<'_>,
) -> Result<Rendered, RenderError> {
    let Framing {
        subject,
        heading,
        intro,
        manage_url,
        staff,
        by_library,
        book_url,
        console_url,
    } = framing;
    let d = Details::of(a, config, lang);
    let subject = subject.unwrap_or_else(|| subject_of(heading, &d));
    let ctx = context! {
        d,
        cancelled => kind == MailKind::Cancellation,
        manage_url,
        staff,
        by_library,
        book_url,
        console_url,
        link_missing => kind == MailKind::LinkMissing,
        // Staff are asked to send the link only while there is none (a fixed room or Jitsi is
        // sent by itself; one staff sent is not asked for again).
        needs_link => a.meeting.url.is_none(),
        ..frame(config, lang, heading, &intro)
    };
    let (text, html) = render_pair("message", &ctx, kind)?;
    Ok(Rendered {
        subject,
        text,
        html,
    })
}

/// The request to confirm a hold, to the patron only: the service, the time, the link and how
/// long it works; nothing the patron typed, no calendar file.
fn confirm_request(
    a: &Appointment,
    config: &LibraryConfig,
    confirm_url: Option<&str>,
    now: DateTime<Utc>,
) -> Result<OutgoingMail, RenderError> {
    let kind = MailKind::ConfirmRequest;
    let lang = a.patron.language;
    let (heading, intro) = heading_intro(kind, lang);
    let tz = config.library.timezone;
    let until = a.hold_until().unwrap_or(now);
    let d = Details::of(a, config, lang);
    let ctx = context! {
        service => d.service,
        start => d.start,
        confirm_url,
        ..frame(config, lang, heading, &fill(intro, "until", long_time(until, tz, lang)))
    };
    let subject = subject_of(heading, &d);
    let body = render_pair("confirm-request", &ctx, kind)?;
    Ok(to_patron(a, kind, subject, body, Vec::new(), now))
}

/// The video-call link mail or a reminder, to the patron only, in the patron's language: the
/// service, the time, the link when known (else that it will follow), and the manage link; the
/// link mail with the updated `.ics`.
fn timed(
    kind: MailKind,
    a: &Appointment,
    config: &LibraryConfig,
    manage_url: Option<&str>,
    now: DateTime<Utc>,
) -> Result<OutgoingMail, RenderError> {
    let lang = a.patron.language;
    let (heading, intro) = heading_intro(kind, lang);
    let d = Details::of(a, config, lang);
    let ctx = context! {
        service => d.service,
        provider => d.provider,
        start => d.start,
        end => d.end,
        own => d.own,
        meeting_url => a.meeting.url,
        manage_url,
        ..frame(config, lang, heading, intro)
    };
    let body = render_pair("timed", &ctx, kind)?;
    let attachments = calendar::Update::of(kind)
        .map(|update| {
            calendar_file(
                update,
                calendar::Audience::Patron,
                a,
                config,
                manage_url,
                now,
            )
        })
        .into_iter()
        .collect();
    let subject = subject_of(heading, &d);
    Ok(to_patron(a, kind, subject, body, attachments, now))
}

/// The thank-you after an attended consultation, to the patron only, in their language: the
/// consultation, the service's survey (if the library has one) and the booking page; no
/// calendar file (nothing changes in their calendar).
fn follow_up(
    a: &Appointment,
    config: &LibraryConfig,
    now: DateTime<Utc>,
) -> Result<OutgoingMail, RenderError> {
    let kind = MailKind::FollowUp;
    let lang = a.patron.language;
    let (heading, intro) = heading_intro(kind, lang);
    let d = Details::of(a, config, lang);
    let survey_url = config
        .service(a.service.as_str())
        .and_then(|s| s.follow_up.as_ref())
        .and_then(|f| f.survey_url.as_deref());
    let ctx = context! {
        service => d.service,
        provider => d.provider,
        start => d.start,
        survey_url,
        book_url => config.library.site_url.as_str(),
        ..frame(config, lang, heading, intro)
    };
    let body = render_pair("follow-up", &ctx, kind)?;
    Ok(to_patron(
        a,
        kind,
        heading.to_owned(),
        body,
        Vec::new(),
        now,
    ))
}

/// What a message of `kind` about `a` for `audience` is, for the mail service's tags.
fn about(a: &Appointment, kind: MailKind, audience: Audience) -> Option<MailAbout> {
    Some(MailAbout {
        appointment: a.id.to_string(),
        kind: kind.name(),
        audience,
    })
}

/// A message `kind` to `a`'s patron alone: `subject`, `(text, html)`, `attachments`, dated
/// `now`.
fn to_patron(
    a: &Appointment,
    kind: MailKind,
    subject: String,
    (text, html): (String, String),
    attachments: Vec<Attachment>,
    now: DateTime<Utc>,
) -> OutgoingMail {
    OutgoingMail {
        to: vec![a.patron.customer.email.mailbox()],
        reply_to: None,
        subject,
        text,
        html,
        attachments,
        date: now,
        about: about(a, kind, Audience::Patron),
    }
}

/// The `.ics` attachment of `update` for `audience`, linking `page` (the patron's).
fn calendar_file(
    update: calendar::Update,
    audience: calendar::Audience,
    a: &Appointment,
    config: &LibraryConfig,
    page: Option<&str>,
    now: DateTime<Utc>,
) -> Attachment {
    Attachment {
        filename: update.filename().into(),
        content_type: format!("text/calendar; charset=utf-8; method={}", update.method()),
        content: calendar::ics(update, audience, a, config, page, now).into_bytes(),
    }
}

/// The patron's message and the provider's copy for `kind`, dated `now`. The confirmation
/// carries the manage link (patron only) and an `.ics` invitation; the cancellation an `.ics`
/// cancel; the request to confirm a hold goes to the patron alone, with `link` to confirm.
pub fn messages(
    kind: MailKind,
    a: &Appointment,
    config: &LibraryConfig,
    link: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<OutgoingMail>, RenderError> {
    messages_with(kind, a, config, link, None, now)
}

/// [`messages`], the provider's copy linking `console`, the staff console's page of the
/// appointment.
pub fn messages_with(
    kind: MailKind,
    a: &Appointment,
    config: &LibraryConfig,
    link: Option<&str>,
    console: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<OutgoingMail>, RenderError> {
    let manage_url = link;
    let update = match kind {
        MailKind::ConfirmRequest => return Ok(vec![confirm_request(a, config, link, now)?]),
        MailKind::Link | MailKind::Reminder => return Ok(vec![timed(kind, a, config, link, now)?]),
        MailKind::LinkMissing => return Ok(vec![link_missing(a, config, link, now)?]),
        MailKind::FollowUp => return Ok(vec![follow_up(a, config, now)?]),
        MailKind::Confirmation | MailKind::Imported => calendar::Update::Request,
        MailKind::Cancellation => calendar::Update::Cancel,
        MailKind::Moved => calendar::Update::Move,
    };
    let attachment = |audience| {
        let page = manage_url.filter(|_| audience == calendar::Audience::Patron);
        calendar_file(update, audience, a, config, page, now)
    };
    let by_library = is_by_library(kind, a);
    let (heading, intro) = if by_library {
        let t = &texts(a.patron.language).mail;
        (
            t.library_cancelled_heading.as_str(),
            t.library_cancelled_intro.as_str(),
        )
    } else {
        heading_intro(kind, a.patron.language)
    };
    let intro = fill(intro, "from", moved_from(a, config, a.patron.language));
    let patron = render(
        kind,
        a,
        config,
        a.patron.language,
        Framing {
            subject: None,
            heading,
            intro: intro.into(),
            manage_url,
            staff: false,
            by_library,
            book_url: Some(config.library.site_url.as_str()).filter(|_| by_library),
            console_url: None,
        },
    )?;
    let mut out = vec![to_patron(
        a,
        kind,
        patron.subject,
        (patron.text, patron.html),
        vec![attachment(calendar::Audience::Patron)],
        now,
    )];
    // The notice of an import is the patron's alone: staff ran the import.
    if let Some(provider) = config
        .provider(a.provider.as_str())
        .filter(|_| kind != MailKind::Imported)
    {
        let copy = staff_copy(kind, a, config, console)?;
        out.push(OutgoingMail {
            to: vec![provider.email.clone()],
            // A reply reaches the patron.
            reply_to: Some(a.patron.customer.email.mailbox()),
            subject: copy.subject,
            text: copy.text,
            html: copy.html,
            attachments: vec![attachment(calendar::Audience::Staff)],
            date: now,
            about: about(a, kind, Audience::Staff),
        });
    }
    Ok(out)
}

/// The time a moved appointment had, with the zone ("Δευτέρα 30 Νοεμβρίου 2026, 09:00 (ώρα
/// Ελλάδας)"); empty when it was never moved.
fn moved_from(a: &Appointment, config: &LibraryConfig, lang: Language) -> String {
    a.moved_from.map_or_else(String::new, |t| {
        format!(
            "{} ({})",
            long_time(t, config.library.timezone, lang),
            config.library.timezone_label.get(lang)
        )
    })
}

/// A patron's subject: what happened, the service and when, with the zone ("Το ραντεβού σας
/// κλείστηκε επιτυχώς! – myLIBRARYlive, Πέμπτη 3 Δεκεμβρίου 2026, 10:00 (ώρα Ελλάδας)").
fn subject_of(heading: &str, d: &Details) -> String {
    format!("{heading} – {}, {} ({})", d.service, d.start, d.zone)
}
