//! The `.ics` attachment: `METHOD:REQUEST` on booking, `METHOD:CANCEL` with the same `UID`
//! and a higher `SEQUENCE` on cancellation, so calendar programs update the one event.

use icalendar::{Calendar, Component, Event, EventLike, EventStatus, Property};
use rantevou_domain::appointment::Appointment;
use rantevou_domain::appointment::MailKind;
use rantevou_domain::LibraryConfig;

/// What a message's calendar file does to the patron's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Update {
    /// Adds the event (the confirmation).
    Request,
    /// Removes it (the cancellation).
    Cancel,
}

impl Update {
    /// The update a message of `kind` carries: none for the request to confirm (nothing is
    /// booked yet).
    pub fn of(kind: MailKind) -> Option<Update> {
        match kind {
            MailKind::ConfirmRequest => None,
            MailKind::Confirmation => Some(Update::Request),
            MailKind::Cancellation => Some(Update::Cancel),
        }
    }

    /// The iTIP method.
    pub fn method(self) -> &'static str {
        match self {
            Update::Request => "REQUEST",
            Update::Cancel => "CANCEL",
        }
    }
}

/// The event's stable UID.
pub fn uid(a: &Appointment) -> String {
    format!("{}@rantevou", a.id)
}

/// The calendar file of `update`.
pub fn ics(update: Update, a: &Appointment, config: &LibraryConfig) -> String {
    let lang = a.patron.language;
    let service = config
        .service(a.service.as_str())
        .map_or_else(|| a.service.to_string(), |s| s.name.get(lang).to_owned());
    let provider = config
        .provider(a.provider.as_str())
        .map_or_else(|| a.provider.to_string(), |p| p.name.get(lang).to_owned());
    let mut event = Event::new();
    event
        .uid(&uid(a))
        .timestamp(a.created_at)
        .starts(a.start)
        .ends(a.end)
        .summary(&format!("{service} – {provider}"))
        .description(a.patron.notes.as_str())
        .sequence(match update {
            Update::Request => 0,
            Update::Cancel => 1,
        })
        .status(match update {
            Update::Request => EventStatus::Confirmed,
            Update::Cancel => EventStatus::Cancelled,
        })
        .append_property(Property::new(
            "ORGANIZER",
            format!("mailto:{}", config.library.email),
        ))
        .append_property(Property::new(
            "ATTENDEE",
            format!("mailto:{}", a.patron.customer.email.mailbox()),
        ));
    let mut calendar = Calendar::new();
    calendar
        .append_property(Property::new("METHOD", update.method()))
        .push(event.done());
    calendar.done().to_string()
}
