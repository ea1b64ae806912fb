//! An appointment's details as the seed shows them, in one language: what the mail and the
//! cancel pages display.

use crate::texts::{fill, texts};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rantevou_domain::appointment::{Appointment, Status};
use rantevou_domain::{Language, LibraryConfig};
use serde::Serialize;

/// The seed's date format: `27/01/2021 10:40`, in the library's zone.
pub fn local_time(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%d/%m/%Y %H:%M").to_string()
}

/// The details of one appointment, ready to show.
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
    /// What patrons call the library's zone, said after each time ("ώρα Ελλάδας").
    pub zone: String,
}

impl Details {
    /// The details of `a` in `lang`, times in the library's zone.
    pub fn of(a: &Appointment, config: &LibraryConfig, lang: Language) -> Details {
        let tz = config.library.timezone;
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
            duration: fill(
                &texts(lang).details.minutes,
                "minutes",
                (a.end - a.start).num_minutes(),
            ),
            notes: a.patron.notes.to_string(),
            name: c.name.to_string(),
            email: c.email.to_string(),
            phone: c.phone.as_ref().map(ToString::to_string),
            reason: match &a.status {
                Status::Cancelled { reason, .. } if !reason.is_empty() => Some(reason.to_string()),
                _ => None,
            },
            zone: config.library.timezone_label.get(lang).to_owned(),
        }
    }
}
