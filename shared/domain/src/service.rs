//! A bookable service, such as myLIBRARYlive.

use crate::ids::{ProviderId, ServiceId};
use crate::language::Localized;
use crate::question::Question;
use chrono::Duration;

/// Something a patron can book: how long it lasts, the grid its starts sit on, and who offers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// Stable id used in URLs and the API.
    pub id: ServiceId,
    /// Display name per language.
    pub name: Localized,
    /// What the service is, per language.
    pub description: Localized,
    /// Length of one appointment, in minutes (a multiple of `grid_minutes`).
    pub duration_minutes: u32,
    /// Distance between offered start times, in minutes.
    pub grid_minutes: u32,
    /// Time kept free after each appointment, in minutes.
    pub buffer_minutes: u32,
    /// Providers offering this service, in the order "any provider" tries them.
    pub providers: Vec<ProviderId>,
    /// The thank-you mailed after an attended consultation, if the library sends one.
    pub follow_up: Option<FollowUp>,
    /// What the booking form asks besides the patron's details, in order.
    pub questions: Vec<Question>,
}

/// The mail after an attended consultation: a thank-you with the library's links and, if the
/// library has one, its survey; sent `after_minutes` after the end (or when staff mark the
/// attendance, if later), in the patron's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    /// How long after the end it goes.
    pub after_minutes: u32,
    /// The library's survey, if any.
    pub survey_url: Option<String>,
}

impl FollowUp {
    /// How long after the end it goes.
    pub fn after(&self) -> Duration {
        Duration::minutes(i64::from(self.after_minutes))
    }
}

impl Service {
    /// Length of one appointment.
    pub fn duration(&self) -> Duration {
        Duration::minutes(i64::from(self.duration_minutes))
    }

    /// Time an appointment keeps its provider from other bookings: duration plus buffer.
    pub fn occupied(&self) -> Duration {
        Duration::minutes(i64::from(self.duration_minutes + self.buffer_minutes))
    }

    /// Distance between offered starts.
    pub fn grid(&self) -> Duration {
        Duration::minutes(i64::from(self.grid_minutes))
    }

    /// Whether `provider` offers this service.
    pub fn is_offered_by(&self, provider: &ProviderId) -> bool {
        self.providers.contains(provider)
    }
}
