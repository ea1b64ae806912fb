//! The raw shape of `library.toml`: everything optional, so that a missing key is reported
//! as an issue with the others rather than as a parse error.

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
pub(super) struct RawConfig {
    pub(super) library: Option<RawLibrary>,
    #[serde(default)]
    pub(super) services: Vec<RawService>,
    #[serde(default)]
    pub(super) providers: Vec<RawProvider>,
    pub(super) closures: Option<RawClosures>,
    pub(super) policy: Option<RawPolicy>,
    pub(super) staff: Option<RawStaff>,
}

#[derive(Deserialize)]
pub(super) struct RawStaff {
    /// An address or `group:<name>` → the providers they see.
    #[serde(default)]
    pub(super) providers: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
pub(super) struct RawLocalized {
    pub(super) el: Option<String>,
    pub(super) en: Option<String>,
}

/// One text for every language, or one per language.
#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum RawPerLanguage {
    One(String),
    Each(RawLocalized),
}

#[derive(Deserialize)]
pub(super) struct RawLibrary {
    pub(super) name: Option<RawLocalized>,
    pub(super) email: Option<String>,
    pub(super) site_url: Option<String>,
    pub(super) timezone: Option<String>,
    pub(super) timezone_label: Option<RawLocalized>,
    pub(super) languages: Option<Vec<String>>,
    pub(super) terms_url: Option<RawPerLanguage>,
    pub(super) privacy_url: Option<RawPerLanguage>,
}

#[derive(Deserialize)]
pub(super) struct RawService {
    pub(super) id: Option<String>,
    pub(super) name: Option<RawLocalized>,
    pub(super) description: Option<RawLocalized>,
    pub(super) duration_minutes: Option<i64>,
    pub(super) grid_minutes: Option<i64>,
    pub(super) buffer_minutes: Option<i64>,
    pub(super) providers: Option<Vec<String>>,
    pub(super) follow_up: Option<RawFollowUp>,
    #[serde(default)]
    pub(super) questions: Vec<RawQuestion>,
}

#[derive(Deserialize)]
pub(super) struct RawQuestion {
    pub(super) id: Option<String>,
    pub(super) kind: Option<String>,
    pub(super) label: Option<RawLocalized>,
    pub(super) help: Option<RawLocalized>,
    #[serde(default)]
    pub(super) options: Vec<RawOption>,
    pub(super) required: Option<bool>,
    pub(super) statistics: Option<bool>,
    pub(super) in_patron_mail: Option<bool>,
}

#[derive(Deserialize)]
pub(super) struct RawOption {
    pub(super) id: Option<String>,
    pub(super) label: Option<RawLocalized>,
}

#[derive(Deserialize)]
pub(super) struct RawFollowUp {
    pub(super) after_minutes: Option<i64>,
    pub(super) survey_url: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct RawProvider {
    pub(super) id: Option<String>,
    pub(super) name: Option<RawLocalized>,
    pub(super) email: Option<String>,
    pub(super) working_plan: Option<BTreeMap<String, RawDay>>,
    /// Dates (YYYY-MM-DD) with hours of their own, or `{ off = true }`.
    #[serde(default)]
    pub(super) exceptions: BTreeMap<String, RawException>,
    pub(super) meeting: Option<RawMeeting>,
    pub(super) calendar: Option<RawCalendar>,
}

#[derive(Deserialize)]
pub(super) struct RawCalendar {
    pub(super) kind: Option<String>,
    pub(super) url: Option<String>,
    pub(super) secret: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct RawException {
    pub(super) off: Option<bool>,
    pub(super) start: Option<String>,
    pub(super) end: Option<String>,
    #[serde(default)]
    pub(super) breaks: Vec<RawRange>,
}

#[derive(Deserialize)]
pub(super) struct RawMeeting {
    pub(super) kind: Option<String>,
    pub(super) url: Option<String>,
    pub(super) base_url: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct RawDay {
    pub(super) start: Option<String>,
    pub(super) end: Option<String>,
    #[serde(default)]
    pub(super) breaks: Vec<RawRange>,
}

#[derive(Deserialize)]
pub(super) struct RawRange {
    pub(super) start: Option<String>,
    pub(super) end: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct RawClosures {
    pub(super) greek_public_holidays: Option<bool>,
    #[serde(default)]
    pub(super) annual: Vec<RawAnnual>,
    #[serde(default)]
    pub(super) dates: Vec<RawPeriod>,
}

#[derive(Deserialize)]
pub(super) struct RawAnnual {
    pub(super) name: Option<String>,
    pub(super) date: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct RawPeriod {
    pub(super) name: Option<String>,
    pub(super) date: Option<String>,
    pub(super) from: Option<String>,
    pub(super) to: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct RawPolicy {
    pub(super) min_notice_minutes: Option<i64>,
    pub(super) horizon_days: Option<i64>,
    pub(super) cancel_cutoff_minutes: Option<i64>,
    pub(super) retention_days: Option<i64>,
    pub(super) required_fields: Option<Vec<String>>,
    pub(super) max_active_per_patron: Option<i64>,
    pub(super) proof_of_work_difficulty: Option<i64>,
    pub(super) hold_minutes: Option<i64>,
    pub(super) send_link_before_minutes: Option<i64>,
    pub(super) reminders_before_minutes: Option<Vec<i64>>,
    pub(super) mail_per_address_per_day: Option<i64>,
    pub(super) max_moves: Option<i64>,
    pub(super) busy_bookings_per_10_minutes: Option<i64>,
    pub(super) waitlist_per_day: Option<i64>,
}
