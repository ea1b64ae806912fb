//! Identifiers of services, providers and appointments.

use chrono::{DateTime, Utc};
use rand::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use uuid::Uuid;

/// Whether `s` is a usable configuration id: 1–64 characters of `a-z`, `0-9`, `-`, `_`.
///
/// Ids end up in URLs and in DynamoDB keys joined with `#`, so the alphabet is narrow.
pub fn is_valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

macro_rules! config_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// Shared text (`Arc<str>`): ids are cloned into every slot of an availability answer.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Arc<str>);

        impl $name {
            /// The id, if `s` is a valid id (see [`is_valid_id`]).
            pub fn parse(s: &str) -> Option<Self> {
                is_valid_id(s).then(|| $name(Arc::from(s)))
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = String::deserialize(deserializer)?;
                $name::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("invalid id {s:?}")))
            }
        }
    };
}

config_id!(
    /// The id of a bookable service, e.g. `mylibrarylive`.
    ServiceId
);
config_id!(
    /// The id of a provider (a librarian or a department), e.g. `sip`.
    ProviderId
);

/// The id of an appointment: a UUID v7, so ids sort by creation time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AppointmentId(Uuid);

impl AppointmentId {
    /// A new v7 id for an appointment created at `now`, with randomness from `rng`.
    ///
    /// Time and randomness are passed in so that the domain stays clock-free and testable.
    pub fn generate<R: RngCore + CryptoRng>(now: DateTime<Utc>, rng: &mut R) -> Self {
        let mut random = [0u8; 10];
        rng.fill_bytes(&mut random);
        let millis = u64::try_from(now.timestamp_millis()).unwrap_or(0);
        AppointmentId(uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid())
    }

    /// The id of an appointment brought over from elsewhere: a v7 id of `booked_at` (when it
    /// was booked there) whose other bits are a SHA-256 digest of `origin` (where it came from),
    /// so that every import of the same appointment names it the same.
    pub fn derived(origin: &str, booked_at: DateTime<Utc>) -> Self {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(origin.as_bytes());
        let mut bits = [0u8; 10];
        bits.copy_from_slice(&digest[..10]);
        let millis = u64::try_from(booked_at.timestamp_millis()).unwrap_or(0);
        AppointmentId(uuid::Builder::from_unix_timestamp_millis(millis, &bits).into_uuid())
    }

    /// The UUID itself.
    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl fmt::Display for AppointmentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

/// Returned when text is not a UUID v7 appointment id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an appointment id")]
pub struct BadAppointmentId;

impl FromStr for AppointmentId {
    type Err = BadAppointmentId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let uuid = Uuid::try_parse(s).map_err(|_| BadAppointmentId)?;
        if uuid.get_version_num() == 7 {
            Ok(AppointmentId(uuid))
        } else {
            Err(BadAppointmentId)
        }
    }
}

#[cfg(test)]
#[path = "tests/ids.rs"]
mod tests;
