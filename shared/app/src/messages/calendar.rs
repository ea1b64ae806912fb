//! The `.ics` attachment: `METHOD:PUBLISH` on booking, a link or a move, `METHOD:CANCEL` with
//! the same `UID` and a higher `SEQUENCE` on cancellation, so calendar programs update the one
//! event. Neither file names an attendee, so no mail program offers accept/decline replies to
//! the library's inbox: the patron's event is published by the library, the staff copy's by the
//! provider's mailbox. The patron's event links the appointment's page (`URL`, and in the
//! description), has the video call as `LOCATION` once known, and an alarm
//! [`ALARM_BEFORE`] ahead. `DTSTAMP` is the time of each message.

use chrono::{DateTime, Duration, Utc};
use icalendar::{Alarm, Calendar, Component, Event, EventLike, EventStatus, Property, Related};
use rantevou_domain::appointment::Appointment;
use rantevou_domain::appointment::MailKind;
use rantevou_domain::LibraryConfig;

use crate::texts::texts;

/// How long before the start the patron's calendar reminds them.
pub const ALARM_BEFORE: Duration = Duration::minutes(15);

/// Whose calendar the file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The patron: an invitation from the library, the patron attending.
    Patron,
    /// The provider's mailbox: its own published event.
    Staff,
}

/// What a message's calendar file does to the patron's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Update {
    /// Adds the event (the confirmation), `SEQUENCE:0`.
    Request,
    /// Updates it with the video-call link as `LOCATION` and `URL` (the link mail),
    /// `SEQUENCE` the link's version: higher each time staff change it.
    Link,
    /// Moves it to the new time (the "moved" mail), `SEQUENCE` above every update before.
    Move,
    /// Removes it (the cancellation), `SEQUENCE` above every update before.
    Cancel,
}

impl Update {
    /// The update a message of `kind` carries: none for the request to confirm (nothing is
    /// booked yet) or a reminder (nothing changes).
    pub fn of(kind: MailKind) -> Option<Update> {
        match kind {
            MailKind::ConfirmRequest
            | MailKind::Reminder
            | MailKind::LinkMissing
            | MailKind::FollowUp => None,
            MailKind::Confirmation | MailKind::Imported => Some(Update::Request),
            MailKind::Link => Some(Update::Link),
            MailKind::Cancellation => Some(Update::Cancel),
            MailKind::Moved => Some(Update::Move),
        }
    }

    /// The iTIP method: published (no replies asked for) until it is cancelled.
    pub fn method(self) -> &'static str {
        match self {
            Update::Request | Update::Link | Update::Move => "PUBLISH",
            Update::Cancel => "CANCEL",
        }
    }

    /// The event's `SEQUENCE` for `a`: every change of the link and every move raise it.
    pub fn sequence(self, a: &Appointment) -> u32 {
        let changes = a.meeting.version + a.moves;
        match self {
            Update::Request => 0,
            Update::Link | Update::Move => changes,
            Update::Cancel => changes + 1,
        }
    }

    /// The attachment's file name.
    pub fn filename(self) -> &'static str {
        match self {
            Update::Request | Update::Link | Update::Move => "invite.ics",
            Update::Cancel => "cancel.ics",
        }
    }
}

/// The event's stable UID.
pub fn uid(a: &Appointment) -> String {
    format!("{}@rantevou", a.id)
}

/// The calendar file of `update` for `audience`, stamped `now`; `page` is the appointment's
/// page (the patron's manage link) where the message carries one.
pub fn ics(
    update: Update,
    audience: Audience,
    a: &Appointment,
    config: &LibraryConfig,
    page: Option<&str>,
    now: DateTime<Utc>,
) -> String {
    let lang = match audience {
        Audience::Patron => a.patron.language,
        Audience::Staff => config.library.default_language(),
    };
    let service = config
        .service(a.service.as_str())
        .map_or_else(|| a.service.to_string(), |s| s.name.get(lang).to_owned());
    let provider = config
        .provider(a.provider.as_str())
        .map_or_else(|| a.provider.to_string(), |p| p.name.get(lang).to_owned());
    let mut event = Event::new();
    event
        .uid(&uid(a))
        .timestamp(now)
        .starts(a.start)
        .ends(a.end)
        .summary(&format!("{service} – {provider}"))
        .sequence(update.sequence(a))
        .status(match update {
            Update::Request | Update::Link | Update::Move => EventStatus::Confirmed,
            Update::Cancel => EventStatus::Cancelled,
        });
    let live = update != Update::Cancel;
    let meeting = a.meeting.url.as_deref().filter(|_| live);
    if let Some(url) = meeting {
        event.location(url);
    }
    match audience {
        Audience::Patron => {
            let page = page.filter(|_| live);
            let description = match page {
                Some(page) => format!(
                    "{}\n\n{}: {page}",
                    a.patron.notes.as_str(),
                    texts(lang).mail.cancel_link
                ),
                None => a.patron.notes.as_str().to_owned(),
            };
            event
                .description(description.trim_start())
                .append_property(Property::new(
                    "ORGANIZER",
                    format!("mailto:{}", config.library.email),
                ));
            if let Some(page) = page {
                event.url(page);
            }
            if live {
                let mut alarm = Alarm::display(
                    &format!("{service} – {provider}"),
                    (-ALARM_BEFORE, Related::Start),
                );
                alarm
                    .uid(&format!("{}-alarm@rantevou", a.id))
                    .timestamp(now);
                event.alarm(alarm);
            }
        }
        Audience::Staff => {
            event.description(a.patron.notes.as_str());
            if let Some(url) = meeting {
                event.url(url);
            }
            let mailbox = config
                .provider(a.provider.as_str())
                .map_or_else(|| config.library.email.clone(), |p| p.email.clone());
            event.append_property(Property::new("ORGANIZER", format!("mailto:{mailbox}")));
        }
    }
    let mut calendar = Calendar::new();
    calendar
        .append_property(Property::new("METHOD", update.method()))
        .push(event.done());
    calendar.done().to_string()
}
