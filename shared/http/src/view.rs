//! What the API answers: the appointment (`GET /api/appointments/{id}` and friends), the
//! catalogue (`GET /api/services`) and the free times (`GET /api/availability`).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rantevou_domain::appointment::{Appointment, Status};
use rantevou_domain::patron::{Limits, LIMITS};
use rantevou_domain::question::{Answers, Question};
use rantevou_domain::{DayAvailability, LibraryConfig, Localized, ProviderId};
use serde::Serialize;

/// The public view of an appointment: everything but the token hash and the locks.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AppointmentView {
    /// Id.
    pub id: String,
    /// `held` (until confirmed from the mail), `booked` or `cancelled`.
    pub status: &'static str,
    /// While held: when the hold lapses unless confirmed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hold_expires_at: Option<String>,
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
    /// The answers to the service's questions, by question id.
    pub answers: Answers,
    /// `el` or `en`.
    pub language: &'static str,
    /// When booked.
    pub created_at: String,
    /// When cancelled, if so.
    pub cancelled_at: Option<String>,
    /// Why, if cancelled.
    pub cancel_reason: Option<String>,
    /// Raised by every change: what a move names to say which state it was decided on.
    pub version: u32,
    /// The manage link (only right after booking, and never for a hold: the token is not
    /// kept).
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
            Status::Held { .. } => ("held", None, None),
            Status::Booked => ("booked", None, None),
            Status::Cancelled { at, reason, .. } => (
                "cancelled",
                Some(instant(*at, tz)),
                Some(reason.to_string()),
            ),
        };
        let c = &a.patron.customer;
        AppointmentView {
            id: a.id.to_string(),
            status,
            hold_expires_at: a.hold_until().map(|t| instant(t, tz)),
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
            answers: a.answers.clone(),
            language: a.patron.language.code(),
            created_at: instant(a.created_at, tz),
            cancelled_at,
            cancel_reason,
            version: a.version,
            manage_url: None,
        }
    }
}

/// `GET /api/services`: the library, its services and providers, and the public policy,
/// with the limits the site checks the form by.
#[derive(Serialize)]
pub struct ServicesView<'a> {
    library: LibraryView<'a>,
    services: Vec<ServiceView<'a>>,
    providers: Vec<ProviderView<'a>>,
    policy: PolicyView,
}

#[derive(Serialize)]
struct LibraryView<'a> {
    name: &'a Localized,
    timezone: &'a str,
    /// The zone as patrons say it ("ώρα Ελλάδας" / "Greek time").
    timezone_label: &'a Localized,
    languages: Vec<&'static str>,
    email: &'a str,
    terms_url: &'a Localized,
    privacy_url: &'a Localized,
}

#[derive(Serialize)]
struct ServiceView<'a> {
    id: &'a str,
    name: &'a Localized,
    description: &'a Localized,
    duration_minutes: u32,
    providers: Vec<&'a str>,
    /// What the booking form asks besides the patron's details, in order.
    questions: &'a [Question],
}

#[derive(Serialize)]
struct ProviderView<'a> {
    id: &'a str,
    name: &'a Localized,
}

#[derive(Serialize)]
struct PolicyView {
    min_notice_minutes: u32,
    horizon_days: u32,
    cancel_cutoff_minutes: u32,
    /// How many upcoming appointments one email may hold (0: no limit).
    max_active_per_patron: u32,
    /// The bot check's work (0: no bot check, no `challenge` in the booking).
    proof_of_work_difficulty: u64,
    /// Minutes a booking is held until the patron confirms it from the mail (0: booked at
    /// once).
    hold_minutes: u32,
    /// The booking form's fields a patron must fill in (the site marks and checks them).
    required_fields: Vec<&'static str>,
    /// The limits of every field and the email rule: the site checks exactly these.
    limits: Limits,
}

impl<'a> ServicesView<'a> {
    /// The catalogue of `c`.
    pub fn of(c: &'a LibraryConfig) -> Self {
        ServicesView {
            library: LibraryView {
                name: &c.library.name,
                timezone: c.library.timezone.name(),
                timezone_label: &c.library.timezone_label,
                languages: c.library.languages.iter().map(|l| l.code()).collect(),
                email: &c.library.email,
                terms_url: &c.library.terms_url,
                privacy_url: &c.library.privacy_url,
            },
            services: c
                .services
                .iter()
                .map(|s| ServiceView {
                    id: s.id.as_str(),
                    name: &s.name,
                    description: &s.description,
                    duration_minutes: s.duration_minutes,
                    providers: s.providers.iter().map(ProviderId::as_str).collect(),
                    questions: &s.questions,
                })
                .collect(),
            providers: c
                .providers
                .iter()
                .map(|p| ProviderView {
                    id: p.id.as_str(),
                    name: &p.name,
                })
                .collect(),
            policy: PolicyView {
                min_notice_minutes: c.policy.min_notice_minutes,
                horizon_days: c.policy.horizon_days,
                cancel_cutoff_minutes: c.policy.cancel_cutoff_minutes,
                max_active_per_patron: c.policy.max_active_per_patron,
                proof_of_work_difficulty: c.policy.proof_of_work_difficulty,
                hold_minutes: c.policy.hold_minutes,
                required_fields: c.policy.required.names(),
                limits: LIMITS,
            },
        }
    }
}

/// `GET /api/availability`: every date of the range with its free times.
#[derive(Serialize)]
pub struct AvailabilityView<'a> {
    service: &'a str,
    timezone: &'a str,
    days: Vec<DayView>,
}

#[derive(Serialize)]
struct DayView {
    date: String,
    slots: Vec<SlotView>,
}

#[derive(Serialize)]
struct SlotView {
    start: String,
    end: String,
    providers: Vec<String>,
}

impl<'a> AvailabilityView<'a> {
    /// The free times `days` of `service`, instants in `tz`.
    pub fn of(service: &'a str, tz: Tz, days: Vec<DayAvailability>) -> Self {
        AvailabilityView {
            service,
            timezone: tz.name(),
            days: days
                .into_iter()
                .map(|d| DayView {
                    date: d.date.to_string(),
                    slots: d
                        .slots
                        .into_iter()
                        .map(|s| SlotView {
                            start: instant(s.start.with_timezone(&Utc), tz),
                            end: instant(s.end.with_timezone(&Utc), tz),
                            providers: s.providers.iter().map(ToString::to_string).collect(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}
