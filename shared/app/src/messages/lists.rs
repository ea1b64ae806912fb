//! The mails that are about no single appointment: a patron's links again, and the waiting
//! list's (joined, with the link that leaves it; a time freed, with the link to the day).

use super::{frame, render_pair, RenderError};
use crate::details::{long_date, Details};
use crate::texts::texts;
use chrono::{DateTime, Utc};
use minijinja::context;
use rantevou_domain::appointment::Appointment;
use rantevou_domain::patron::PatronEmail;
use rantevou_domain::ports::OutgoingMail;
use rantevou_domain::{Language, LibraryConfig};

/// A waiting-list mail, to `entry`'s address in its language: joined (with the link that
/// leaves the list) or a time freed (with the link that opens the booking site on that day).
pub fn waitlist_mail(
    entry: &rantevou_domain::waitlist::WaitEntry,
    config: &LibraryConfig,
    links: WaitLinks<'_>,
    now: DateTime<Utc>,
) -> Result<OutgoingMail, RenderError> {
    let lang = entry.language;
    let t = &texts(lang).mail;
    let (heading, intro) = if links.book.is_some() {
        (&t.waitlist_freed_heading, &t.waitlist_freed_intro)
    } else {
        (&t.waitlist_joined_heading, &t.waitlist_joined_intro)
    };
    let service = config.service(entry.service.as_str()).map_or_else(
        || entry.service.to_string(),
        |s| s.name.get(lang).to_owned(),
    );
    let day = long_date(entry.date, lang);
    let ctx = context! {
        service,
        day,
        book_url => links.book,
        confirm_url => links.confirm,
        leave_url => links.leave,
        ..frame(config, lang, heading, intro)
    };
    let (text, html) = render_pair("waitlist", &ctx, "waitlist")?;
    Ok(OutgoingMail {
        to: vec![entry.email.mailbox()],
        reply_to: None,
        subject: format!("{heading} – {service}, {day}"),
        text,
        html,
        attachments: Vec::new(),
        date: now,
        about: None,
    })
}

/// The links a waiting-list mail carries.
#[derive(Debug, Clone, Copy, Default)]
pub struct WaitLinks<'a> {
    /// The booking site on the day (a time freed).
    pub book: Option<&'a str>,
    /// Confirming the join (joined).
    pub confirm: Option<&'a str>,
    /// Leaving the list (joined).
    pub leave: Option<&'a str>,
}

/// The links of a patron's upcoming appointments again, to `email` in `lang`: for each, the
/// service, the time and its manage link; nothing the patron typed.
pub fn links_again(
    upcoming: &[(Appointment, String)],
    email: &PatronEmail,
    config: &LibraryConfig,
    lang: Language,
    now: DateTime<Utc>,
) -> Result<OutgoingMail, RenderError> {
    let t = &texts(lang).mail;
    let appointments: Vec<_> = upcoming
        .iter()
        .map(|(a, url)| {
            let d = Details::of(a, config, lang);
            context! { service => d.service, start => d.start, url }
        })
        .collect();
    let ctx = context! {
        appointments,
        ..frame(config, lang, &t.links_again_heading, &t.links_again_intro)
    };
    let (text, html) = render_pair("links-again", &ctx, "links again")?;
    Ok(OutgoingMail {
        to: vec![email.mailbox()],
        reply_to: None,
        subject: format!(
            "{} – {}",
            t.links_again_heading,
            config.library.name.get(lang)
        ),
        text,
        html,
        attachments: Vec::new(),
        date: now,
        about: None,
    })
}
