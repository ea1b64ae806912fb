//! The `.ics` attachment: `METHOD:REQUEST` on booking, `METHOD:CANCEL` with the same `UID`
//! and a higher `SEQUENCE` on cancellation, so calendar programs update the one event.

use icalendar::{Calendar, Component, Event, EventLike, EventStatus, Property};
use rantevou_domain::appointment::Appointment;
use rantevou_domain::appointment::MailKind;
use rantevou_domain::LibraryConfig;

/// The iTIP method of a message.
pub fn method(kind: MailKind) -> &'static str {
    match kind {
        MailKind::Confirmation => "REQUEST",
        MailKind::Cancellation => "CANCEL",
    }
}

/// The event's stable UID.
pub fn uid(a: &Appointment) -> String {
    format!("{}@rantevou", a.id)
}

/// The calendar file for `kind`.
pub fn ics(kind: MailKind, a: &Appointment, config: &LibraryConfig) -> String {
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
        .sequence(match kind {
            MailKind::Confirmation => 0,
            MailKind::Cancellation => 1,
        })
        .status(match kind {
            MailKind::Confirmation => EventStatus::Confirmed,
            MailKind::Cancellation => EventStatus::Cancelled,
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
        .append_property(Property::new("METHOD", method(kind)))
        .push(event.done());
    calendar.done().to_string()
}
