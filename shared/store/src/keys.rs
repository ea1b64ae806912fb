//! The keys and digests both stores derive from an appointment: the idempotency fingerprint of
//! a create, the digest of an idempotency key, a patron's place and the mail queue's order, each
//! text whose order is time order.

use crate::record::instant_text;
use chrono::{DateTime, Utc};
use rantevou_domain::appointment::Appointment;
use rantevou_domain::patron::PhoneNumber;
use sha2::{Digest, Sha256};

/// What makes two create requests "the same request" for idempotency: the service, the start
/// and the patron's details. The id, token and provider are left out: a retry draws a new id
/// and token, and "any provider" may resolve differently.
pub fn request_fingerprint(a: &Appointment) -> String {
    let c = &a.patron.customer;
    let parts = [
        a.service.as_str(),
        &instant_text(a.start),
        c.name.as_str(),
        c.email.as_str(),
        c.phone.as_ref().map(PhoneNumber::as_str).unwrap_or(""),
        a.patron.notes.as_str(),
        a.patron.language.code(),
    ];
    let mut hasher = Sha256::new();
    // Answers only when there are some: a fingerprint stored before questions stays the same.
    let answers =
        (!a.answers.is_empty()).then(|| serde_json::to_string(&a.answers).unwrap_or_default());
    for part in parts.into_iter().chain(answers.as_deref()) {
        // Length-prefixed, so that no two different field lists hash alike.
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    hex(&hasher.finalize())
}

/// Hex SHA-256 of an idempotency key: bounded length whatever the client sent.
pub fn key_digest(key: &str) -> String {
    hex(&Sha256::digest(key.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A patron's place as both stores keep it for `a`: `<until, Unix seconds, 12 digits>#<id>`,
/// where until is [`Appointment::active_until`] (its start, or its hold's end), so that text order
/// is time order and "free" is "before now" (see [`place_free_before`]).
pub fn place_value(a: &Appointment) -> String {
    format!("{:012}#{}", a.active_until().timestamp().max(0), a.id)
}

/// The bound below which a place's value is free at `now`: its appointment has started.
pub fn place_free_before(now: DateTime<Utc>) -> String {
    format!("{:012}#", now.timestamp().max(0) + 1)
}

/// The mail queue's order key of a due instant: `<Unix seconds, 12 digits>#<id>`, so that text
/// order is due order (DynamoDB's GSI2 sort key).
pub fn due_key(due: i64, id: &str) -> String {
    format!("{:012}#{id}", due.max(0))
}

/// The bound of the keys due at `now` (every id sorts below `~`).
pub fn due_by(now: DateTime<Utc>) -> String {
    format!("{:012}#~", now.timestamp().max(0))
}
