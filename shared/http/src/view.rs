//! The appointment as the API shows it (`GET /api/appointments/{id}` and friends).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rantevou_domain::appointment::{Appointment, Status};
use serde::Serialize;

/// The public view of an appointment: everything but the token hash and the locks.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AppointmentView {
    /// Id.
    pub id: String,
    /// `booked` or `cancelled`.
    pub status: &'static str,
    /// Service id.
    pub service: String,
    /// Provider id.
    pub provider: String,
    /// Start, RFC 3339 with the library's offset.
    pub start: String,
    /// End.
    pub end: String,
    /// The patron.
    pub customer: CustomerView,
    /// Topic.
    pub notes: String,
    /// `el` or `en`.
    pub language: &'static str,
    /// When booked.
    pub created_at: String,
    /// When cancelled, if so.
    pub cancelled_at: Option<String>,
    /// Why, if cancelled.
    pub cancel_reason: Option<String>,
    /// The manage link (only right after booking: the token is not kept).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manage_url: Option<Option<String>>,
}

/// The patron in a view.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CustomerView {
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Phone.
    pub phone: Option<String>,
}

/// An instant as the API writes it: RFC 3339 with the library's offset.
pub fn instant(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

impl AppointmentView {
    /// The view of `a`, times in `tz`.
    pub fn of(a: &Appointment, tz: Tz) -> Self {
        let (status, cancelled_at, cancel_reason) = match &a.status {
            Status::Booked => ("booked", None, None),
            Status::Cancelled { at, reason } => (
                "cancelled",
                Some(instant(*at, tz)),
                Some(reason.to_string()),
            ),
        };
        let c = &a.patron.customer;
        AppointmentView {
            id: a.id.to_string(),
            status,
            service: a.service.to_string(),
            provider: a.provider.to_string(),
            start: instant(a.start, tz),
            end: instant(a.end, tz),
            customer: CustomerView {
                name: c.name.to_string(),
                email: c.email.to_string(),
                phone: c.phone.as_ref().map(ToString::to_string),
            },
            notes: a.patron.notes.to_string(),
            language: a.patron.language.code(),
            created_at: instant(a.created_at, tz),
            cancelled_at,
            cancel_reason,
            manage_url: None,
        }
    }
}
