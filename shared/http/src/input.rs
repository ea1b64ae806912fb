//! What the API's request bodies and headers say, turned into the use cases' requests. Fields
//! are optional here so that a missing one is reported with the others (422), not as a
//! malformed body; unknown fields are refused.

use crate::problem::ApiError;
use crate::request;
use lambda_http::Request;
use rantevou_app::{BookRequest, MoveRequest, ResendRequest, WaitRequest};
use rantevou_domain::patron::PatronInput;
use rantevou_domain::ports::IdempotencyKey;
use rantevou_domain::question::SentAnswers;
use rantevou_domain::AppointmentId;
use rantevou_domain::Language;
use serde::Deserialize;

/// The language a body names, if valid, else `Accept-Language`'s.
fn answer_language(named: Option<&str>, req: &Request, default: Language) -> Language {
    named
        .and_then(|l| l.parse::<Language>().ok())
        .unwrap_or_else(|| request::language(req, default))
}

/// The body of `POST /api/appointments`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    service: Option<String>,
    provider: Option<String>,
    start: Option<String>,
    customer: Option<CustomerBody>,
    notes: Option<String>,
    /// The answers to the service's questions, by question id.
    #[serde(default)]
    answers: SentAnswers,
    /// `waitlist` when the patron came from the waiting list's mail (counted in the statistics).
    source: Option<BookingSource>,
    language: Option<String>,
    accept_terms: Option<bool>,
    accept_privacy: Option<bool>,
    challenge: Option<String>,
    /// The patron's own zone, as the browser names it (`Intl`), for their time in mails.
    timezone: Option<String>,
}

/// Where a booking came from, when the page knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BookingSource {
    /// The waiting list's mail.
    Waitlist,
}

/// The body of `POST /api/appointments/{id}/reschedule`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RescheduleBody {
    /// The manage token.
    pub token: String,
    /// The new start, RFC 3339.
    pub start: Option<String>,
    /// The version `GET /api/appointments/{id}` answered.
    #[serde(default, deserialize_with = "whole_number")]
    pub version: Option<u32>,
    /// The bot check's solution, when the library asks for one.
    pub challenge: Option<String>,
}

impl RescheduleBody {
    /// The move of appointment `id` it asks for.
    pub fn into_request(self, id: AppointmentId) -> MoveRequest {
        MoveRequest {
            id,
            token: self.token,
            start: self.start,
            version: self.version,
            challenge: self.challenge,
        }
    }
}

/// A JSON number that is a whole number in `u32`'s range, written as an integer or as a
/// number with no fraction (`3.0`: JSON Schema calls both integers).
fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    let Some(n) = Option::<f64>::deserialize(d)? else {
        return Ok(None);
    };
    if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n) {
        // Whole and in range: the cast is exact.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        return Ok(Some(n as u32));
    }
    Err(serde::de::Error::custom(format!(
        "expected a whole number from 0 to {}",
        u32::MAX
    )))
}

/// The body of `POST /api/waitlist`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaitlistBody {
    service: Option<String>,
    date: Option<String>,
    email: Option<String>,
    language: Option<String>,
    accept_privacy: Option<bool>,
    challenge: Option<String>,
}

impl WaitlistBody {
    /// The language of the answer's messages: the patron's, if valid, else `Accept-Language`'s.
    pub fn language(&self, req: &Request, default: Language) -> Language {
        answer_language(self.language.as_deref(), req, default)
    }

    /// The request to wait.
    pub fn into_request(self) -> WaitRequest {
        WaitRequest {
            service: self.service,
            date: self.date,
            email: self.email,
            language: self.language,
            accept_privacy: self.accept_privacy,
            challenge: self.challenge,
        }
    }
}

/// The body of `POST /api/waitlist/leave` and `POST /api/waitlist/confirm`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeaveBody {
    /// The entry's id.
    pub id: String,
    /// The token of its leave link.
    pub token: String,
}

/// The body of `POST /api/appointments/resend`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResendBody {
    email: Option<String>,
    language: Option<String>,
    challenge: Option<String>,
}

impl ResendBody {
    /// The language of the answer's messages: the patron's, if valid, else `Accept-Language`'s.
    pub fn language(&self, req: &Request, default: Language) -> Language {
        answer_language(self.language.as_deref(), req, default)
    }

    /// The resend request.
    pub fn into_request(self) -> ResendRequest {
        ResendRequest {
            email: self.email,
            language: self.language,
            challenge: self.challenge,
        }
    }
}

/// The patron in that body.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomerBody {
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
}

impl CreateBody {
    /// The language of the answer's messages: the patron's, if valid, else `Accept-Language`'s.
    pub fn language(&self, req: &Request, default: Language) -> Language {
        answer_language(self.language.as_deref(), req, default)
    }

    /// The booking request, with the request's `Idempotency-Key`.
    pub fn into_request(self, idempotency_key: Option<IdempotencyKey>) -> BookRequest {
        let customer = self.customer.unwrap_or_default();
        BookRequest {
            service: self.service,
            provider: self.provider,
            start: self.start,
            patron: PatronInput {
                name: customer.name,
                email: customer.email,
                phone: customer.phone,
                notes: self.notes,
                language: self.language,
                accept_terms: self.accept_terms,
                accept_privacy: self.accept_privacy,
                timezone: self.timezone,
            },
            answers: self.answers,
            from_waitlist: self.source == Some(BookingSource::Waitlist),
            idempotency_key,
            challenge: self.challenge,
        }
    }
}

/// The `Idempotency-Key` header, if sent; 400 when it is not 1–128 visible ASCII characters.
pub fn idempotency_key(req: &Request) -> Result<Option<IdempotencyKey>, ApiError> {
    let mut values = req.headers().get_all("idempotency-key").iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(ApiError::bad_param(
            "Idempotency-Key",
            "repeated",
            "send the header once",
        ));
    }
    value
        .to_str()
        .ok()
        .and_then(IdempotencyKey::parse)
        .map(Some)
        .ok_or_else(|| {
            ApiError::bad_param(
                "Idempotency-Key",
                "invalid",
                "use 1-128 visible ASCII characters without commas, e.g. a UUID",
            )
        })
}

/// The JSON body of a confirm (the form sends the same field).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfirmBody {
    /// The token from the confirm link.
    pub token: String,
}

/// The JSON body of a cancel (the form sends the same two fields).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CancelBody {
    /// The manage token.
    pub token: String,
    /// Why, possibly empty.
    #[serde(default)]
    pub reason: String,
    /// The version the page read (a stale page is refused, 409 `changed`).
    #[serde(default, deserialize_with = "whole_number")]
    pub version: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::RescheduleBody;

    fn version(json: &str) -> Result<Option<u32>, String> {
        serde_json::from_str::<RescheduleBody>(json)
            .map(|b| b.version)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn a_version_is_a_whole_number_written_either_way() {
        assert_eq!(version(r#"{"token":"t","version":3}"#), Ok(Some(3)));
        assert_eq!(version(r#"{"token":"t","version":3.0}"#), Ok(Some(3)));
        assert_eq!(version(r#"{"token":"t"}"#), Ok(None));
        assert_eq!(version(r#"{"token":"t","version":null}"#), Ok(None));
        for bad in ["3.5", "-1", "4294967296", "\"3\""] {
            assert!(
                version(&format!(r#"{{"token":"t","version":{bad}}}"#)).is_err(),
                "{bad}"
            );
        }
    }
}
