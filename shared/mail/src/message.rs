//! The two messages of the seed, rendered as text and HTML in the appointment's language:
//! the confirmation and the cancellation, each for the patron and as a copy for the
//! provider's mailbox (in the library's default language, without the patron's cancel link).

use crate::calendar;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use minijinja::{context, Environment};
use rantevou_domain::appointment::{Appointment, Status};
use rantevou_domain::ports::{Attachment, OutgoingMail};
use rantevou_domain::{Language, LibraryConfig};
use serde::Serialize;
use std::sync::OnceLock;

pub use rantevou_domain::appointment::MailKind;

/// Why a message could not be rendered (a template bug; logged, never shown to patrons).
#[derive(Debug, thiserror::Error)]
#[error("cannot render the {kind:?} message: {reason}")]
pub struct RenderError {
    kind: MailKind,
    reason: String,
}

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // `.html` is auto-escaped; `.txt` is not (plain text shows what the patron typed).
        for (name, source) in [
            ("message.txt", include_str!("../templates/message.txt")),
            ("message.html", include_str!("../templates/message.html")),
        ] {
            if let Err(e) = env.add_template(name, source) {
                tracing::error!(error = %e, template = name, "mail template does not parse");
            }
        }
        env
    })
}

/// The seed's date format: `27/01/2021 10:40`, in the library's zone.
pub fn local_time(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%d/%m/%Y %H:%M").to_string()
}

/// An appointment's details as the seed shows them, in one language: what the messages and
/// the cancel pages display.
#[derive(Debug, Clone, Serialize)]
pub struct Details {
    /// Service name.
    pub service: String,
    /// Provider name.
    pub provider: String,
    /// Start, `27/01/2021 10:40`.
    pub start: String,
    /// End, same format.
    pub end: String,
    /// Length, e.g. `20 λεπτά`.
    pub duration: String,
    /// The patron's topic.
    pub notes: String,
    /// The patron's name.
    pub name: String,
    /// The patron's email.
    pub email: String,
    /// The patron's phone, if given.
    pub phone: Option<String>,
    /// The cancellation reason, if cancelled with one.
    pub reason: Option<String>,
}

/// The details of `a` in `lang`, times in the library's zone.
pub fn details(a: &Appointment, config: &LibraryConfig, lang: Language) -> Details {
    let tz = config.library.timezone;
    let minutes = (a.end - a.start).num_minutes();
    let c = &a.patron.customer;
    Details {
        service: config
            .service(a.service.as_str())
            .map_or_else(|| a.service.to_string(), |s| s.name.get(lang).to_owned()),
        provider: config
            .provider(a.provider.as_str())
            .map_or_else(|| a.provider.to_string(), |p| p.name.get(lang).to_owned()),
        start: local_time(a.start, tz),
        end: local_time(a.end, tz),
        duration: match lang {
            Language::El => format!("{minutes} λεπτά"),
            Language::En => format!("{minutes} minutes"),
        },
        notes: a.patron.notes.to_string(),
        name: c.name.to_string(),
        email: c.email.to_string(),
        phone: c.phone.as_ref().map(ToString::to_string),
        reason: match &a.status {
            Status::Cancelled { reason, .. } if !reason.is_empty() => Some(reason.to_string()),
            _ => None,
        },
    }
}

/// The labels of an appointment's details (the seed's), shared by the mail and the pages.
pub fn detail_labels(lang: Language) -> serde_json::Value {
    match lang {
        Language::El => serde_json::json!({
            "details": "Λεπτομέρειες Ραντεβού", "customer": "Λεπτομέρειες Πελάτη",
            "service": "Υπηρεσία", "provider": "Πάροχος", "start": "Έναρξη", "end": "Λήξη",
            "duration": "Διάρκεια", "notes": "Σημειώσεις", "name": "Όνομα", "email": "Email",
            "phone": "Τηλέφωνο", "reason": "Αιτία",
        }),
        Language::En => serde_json::json!({
            "details": "Appointment details", "customer": "Customer details",
            "service": "Service", "provider": "Provider", "start": "Start", "end": "End",
            "duration": "Duration", "notes": "Notes", "name": "Name", "email": "Email",
            "phone": "Phone", "reason": "Reason",
        }),
    }
}

/// `labels` with `extra`'s keys added.
pub fn with_labels(mut labels: serde_json::Value, extra: serde_json::Value) -> serde_json::Value {
    if let (Some(l), serde_json::Value::Object(e)) = (labels.as_object_mut(), extra) {
        l.extend(e);
    }
    labels
}

fn texts(lang: Language) -> serde_json::Value {
    with_labels(
        detail_labels(lang),
        match lang {
            Language::El => serde_json::json!({
                "no_reason": "(δεν δόθηκε)",
                "cancel_link": "Σύνδεσμος ακύρωσης ραντεβού",
                "attention": "ΠΡΟΣΟΧΗ!",
                "video_note": "ΠΡΟΣΟΧΗ! Ο σύνδεσμος της τηλεδιάσκεψης θα σας σταλεί σε ξεχωριστό email. Την ώρα του ραντεβού ακολουθήστε τον και θα συνδεθείτε μόλις σας δεχτεί ο/η βιβλιοθηκονόμος.",
                "video_note_html": "Ο σύνδεσμος της τηλεδιάσκεψης θα σας σταλεί σε ξεχωριστό email. Την ώρα του ραντεβού ακολουθήστε τον και θα συνδεθείτε μόλις σας δεχτεί ο/η βιβλιοθηκονόμος.",
                "staff_copy": "Αντίγραφο για τη Βιβλιοθήκη.",
            }),
            Language::En => serde_json::json!({
                "no_reason": "(none given)",
                "cancel_link": "Appointment cancellation link",
                "attention": "ATTENTION!",
                "video_note": "ATTENTION! The video-call link will be sent to you in a separate email. At the appointed time follow it, and you will join as soon as the librarian admits you.",
                "video_note_html": "The video-call link will be sent to you in a separate email. At the appointed time follow it, and you will join as soon as the librarian admits you.",
                "staff_copy": "Copy for the Library.",
            }),
        },
    )
}

fn heading_intro(kind: MailKind, lang: Language) -> (&'static str, &'static str) {
    match (kind, lang) {
        (MailKind::Confirmation, Language::El) => (
            "Το ραντεβού σας κρατήθηκε επιτυχώς!",
            "Η κράτηση του ραντεβού σας έχει ολοκληρωθεί. Παρακάτω θα βρείτε τις λεπτομέρειες του ραντεβού και τον σύνδεσμο για αλλαγές (π.χ. ακύρωση).",
        ),
        (MailKind::Confirmation, Language::En) => (
            "Your appointment has been booked",
            "Your booking is complete. Below are the details of the appointment and the link to make changes (e.g. cancel).",
        ),
        (MailKind::Cancellation, Language::El) => (
            "Το ραντεβού ακυρώθηκε",
            "Το ραντεβού αφαιρέθηκε από το πρόγραμμα ραντεβού της Βιβλιοθήκης.",
        ),
        (MailKind::Cancellation, Language::En) => (
            "Your appointment was cancelled",
            "This appointment was removed from the Library's schedule of appointments.",
        ),
    }
}

/// Renders one message (patron's or staff copy) without recipients' validation: the
/// addresses come from parsed types and the validated configuration.
fn render(
    kind: MailKind,
    a: &Appointment,
    config: &LibraryConfig,
    lang: Language,
    manage_url: Option<&str>,
    staff: bool,
) -> Result<(String, String, String), RenderError> {
    let fail = |e: minijinja::Error| RenderError {
        kind,
        reason: e.to_string(),
    };
    let (heading, intro) = heading_intro(kind, lang);
    let d = details(a, config, lang);
    let subject = format!("{heading} – {} {}", d.service, d.start);
    let ctx = context! {
        lang => lang.code(),
        library => config.library.name.get(lang),
        heading,
        intro,
        t => texts(lang),
        d,
        cancelled => kind == MailKind::Cancellation,
        manage_url,
        staff,
    };
    let env = environment();
    let text = env
        .get_template("message.txt")
        .and_then(|t| t.render(&ctx))
        .map_err(fail)?;
    let html = env
        .get_template("message.html")
        .and_then(|t| t.render(&ctx))
        .map_err(fail)?;
    Ok((subject, text, html))
}

/// The patron's message and the provider's copy for `kind`. The confirmation carries the
/// manage link (patron only) and an `.ics` invitation; the cancellation an `.ics` cancel.
pub fn messages(
    kind: MailKind,
    a: &Appointment,
    config: &LibraryConfig,
    manage_url: Option<&str>,
) -> Result<Vec<OutgoingMail>, RenderError> {
    let ics = calendar::ics(kind, a, config);
    let attachment = Attachment {
        filename: match kind {
            MailKind::Confirmation => "invite.ics".into(),
            MailKind::Cancellation => "cancel.ics".into(),
        },
        content_type: format!(
            "text/calendar; charset=utf-8; method={}",
            calendar::method(kind)
        ),
        content: ics.into_bytes(),
    };
    let lang = a.patron.language;
    let (subject, text, html) = render(kind, a, config, lang, manage_url, false)?;
    let mut out = vec![OutgoingMail {
        to: vec![a.patron.customer.email.to_string()],
        subject,
        text,
        html,
        attachments: vec![attachment.clone()],
    }];
    if let Some(provider) = config.provider(a.provider.as_str()) {
        let staff_lang = config.library.default_language();
        let (subject, text, html) = render(kind, a, config, staff_lang, None, true)?;
        out.push(OutgoingMail {
            to: vec![provider.email.clone()],
            subject,
            text,
            html,
            attachments: vec![attachment],
        });
    }
    Ok(out)
}
