//! The `.ics` attachment: `METHOD:REQUEST` on booking, `METHOD:CANCEL` with the same `UID`
//! and a higher `SEQUENCE` on cancellation, so calendar programs update the one event. The
//! patron's invitation is organised by the library and has the patron as attendee; the staff
//! copy's event is published by the provider's mailbox (`METHOD:PUBLISH`, no attendee, so no
//! RSVP buttons) and cancelled the same way. `DTSTAMP` is the time of each message.

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus, Property};
use rantevou_domain::appointment::Appointment;
use rantevou_domain::appointment::MailKind;
use rantevou_domain::LibraryConfig;

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
            MailKind::ConfirmRequest | MailKind::Reminder => None,
            MailKind::Confirmation => Some(Update::Request),
            MailKind::Link => Some(Update::Link),
            MailKind::Cancellation => Some(Update::Cancel),
            MailKind::Moved => Some(Update::Move),
        }
    }

    /// The iTIP method for `audience`.
    pub fn method(self, audience: Audience) -> &'static str {
        match (self, audience) {
            (Update::Request | Update::Link | Update::Move, Audience::Patron) => "REQUEST",
            (Update::Request | Update::Link | Update::Move, Audience::Staff) => "PUBLISH",
            (Update::Cancel, _) => "CANCEL",
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

/// The calendar file of `update` for `audience`, stamped `now`.
pub fn ics(
    update: Update,
    audience: Audience,
    a: &Appointment,
    config: &LibraryConfig,
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
        .description(a.patron.notes.as_str())
        .sequence(update.sequence(a))
        .status(match update {
            Update::Request | Update::Link | Update::Move => EventStatus::Confirmed,
            Update::Cancel => EventStatus::Cancelled,
        });
    if let (Update::Link | Update::Move, Some(url)) = (update, &a.meeting.url) {
        event.location(url).url(url);
    }
    match audience {
        Audience::Patron => {
            event
                .append_property(Property::new(
                    "ORGANIZER",
                    format!("mailto:{}", config.library.email),
                ))
                .append_property(Property::new(
                    "ATTENDEE",
                    format!("mailto:{}", a.patron.customer.email.mailbox()),
                ));
        }
        Audience::Staff => {
            let mailbox = config
                .provider(a.provider.as_str())
                .map_or_else(|| config.library.email.clone(), |p| p.email.clone());
            event.append_property(Property::new("ORGANIZER", format!("mailto:{mailbox}")));
        }
    }
    let mut calendar = Calendar::new();
    calendar
        .append_property(Property::new("METHOD", update.method(audience)))
        .push(event.done());
    calendar.done().to_string()
}
