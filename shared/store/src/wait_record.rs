//! The stored shape of a waiting-list entry, shared by both adapters (DynamoDB attributes,
//! SQLite JSON), read back through the domain's parsers.

use crate::record::instant_text;
use chrono::{DateTime, NaiveDate, Utc};
use rantevou_domain::ids::{AppointmentId, ServiceId};
use rantevou_domain::patron::PatronEmail;
use rantevou_domain::ports::StoreError;
use rantevou_domain::waitlist::WaitEntry;
use rantevou_domain::{Language, TokenHash};
use serde::{Deserialize, Serialize};

/// A waiting-list entry as both stores keep it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaitRecord {
    pub id: String,
    pub service: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub email: String,
    pub language: String,
    pub patron_key: String,
    pub token_hash: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// Unix seconds; DynamoDB's TTL attribute.
    pub expires_at: i64,
    pub privacy_url: String,
    /// RFC 3339, UTC.
    pub known_free: Vec<String>,
    /// RFC 3339, UTC. An entry stored before joins were confirmed has none and counts as
    /// confirmed at its creation (its owner was told they were waiting).
    #[serde(default)]
    pub confirmed_at: Option<String>,
    #[serde(default)]
    pub notified_at: Option<String>,
    /// Whether the join is still to be confirmed (absent: an entry of an earlier version).
    #[serde(default)]
    pub unconfirmed: bool,
}

fn corrupt(field: &str) -> StoreError {
    StoreError::Corrupt(format!("waitlist field {field}"))
}

fn instant(field: &str, s: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| corrupt(field))
}

impl From<&WaitEntry> for WaitRecord {
    fn from(e: &WaitEntry) -> Self {
        WaitRecord {
            id: e.id.to_string(),
            service: e.service.to_string(),
            date: e.date.to_string(),
            email: e.email.to_string(),
            language: e.language.code().to_owned(),
            patron_key: e.patron_key.clone(),
            token_hash: e.token_hash.to_hex(),
            created_at: instant_text(e.created_at),
            expires_at: e.expires_at.timestamp(),
            privacy_url: e.privacy_url.clone(),
            known_free: e.known_free.iter().map(|t| instant_text(*t)).collect(),
            confirmed_at: e.confirmed_at.map(instant_text),
            notified_at: e.notified_at.map(instant_text),
            unconfirmed: e.confirmed_at.is_none(),
        }
    }
}

impl TryFrom<WaitRecord> for WaitEntry {
    type Error = StoreError;

    fn try_from(r: WaitRecord) -> Result<Self, StoreError> {
        Ok(WaitEntry {
            id: r.id.parse::<AppointmentId>().map_err(|_| corrupt("id"))?,
            service: ServiceId::parse(&r.service).ok_or_else(|| corrupt("service"))?,
            date: r.date.parse::<NaiveDate>().map_err(|_| corrupt("date"))?,
            email: PatronEmail::parse(&r.email).map_err(|_| corrupt("email"))?,
            language: r
                .language
                .parse::<Language>()
                .map_err(|_| corrupt("language"))?,
            patron_key: r.patron_key,
            token_hash: TokenHash::from_hex(&r.token_hash).ok_or_else(|| corrupt("token_hash"))?,
            created_at: instant("created_at", &r.created_at)?,
            expires_at: DateTime::from_timestamp(r.expires_at, 0)
                .ok_or_else(|| corrupt("expires_at"))?,
            privacy_url: r.privacy_url,
            known_free: r
                .known_free
                .iter()
                .map(|t| instant("known_free", t))
                .collect::<Result<_, _>>()?,
            confirmed_at: match (r.unconfirmed, r.confirmed_at.as_deref()) {
                (true, _) => None,
                (false, Some(t)) => Some(instant("confirmed_at", t)?),
                (false, None) => Some(instant("created_at", &r.created_at)?),
            },
            notified_at: r
                .notified_at
                .as_deref()
                .map(|t| instant("notified_at", t))
                .transpose()?,
        })
    }
}
