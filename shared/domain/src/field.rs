//! What is wrong with the fields of a request: stable codes the API, the site and the text
//! catalogue share, and every field at fault in one submission. (Re-exported from
//! [`crate::patron`], where the form's parsing produces them.)

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

/// What is wrong with a field, as a stable code the API and the site share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldCode {
    /// Missing or empty.
    Required,
    /// Present but not acceptable.
    Invalid,
    /// Longer than allowed.
    TooLong,
    /// A consent box left unticked.
    MustAccept,
    /// A start that is not on the schedule (off the grid, closed, in a break).
    NotOffered,
    /// A start sooner than the minimum notice.
    TooSoon,
    /// A start past the booking horizon.
    BeyondHorizon,
    /// The patron already holds as many upcoming appointments as the library allows.
    TooManyActive,
    /// Its time is past (the bot check).
    Expired,
    /// Used before (the bot check).
    Used,
    /// Mail to this address bounced for good before: it does not exist or refuses mail.
    Undeliverable,
    /// A domain label mixes scripts (a look-alike of another domain).
    MixedScript,
    /// The address was sent as much mail today as the library allows (see `mail_cap`).
    TooManyMails,
    /// The address's owner marked the library's mail as spam: nothing unasked goes there.
    Complained,
    /// Not a field the request may send (an answer to a question the service does not ask).
    UnknownField,
}

impl fmt::Display for FieldCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FieldCode::Required => "required",
            FieldCode::Invalid => "invalid",
            FieldCode::TooLong => "too_long",
            FieldCode::MustAccept => "must_accept",
            FieldCode::NotOffered => "not_offered",
            FieldCode::TooSoon => "too_soon",
            FieldCode::BeyondHorizon => "beyond_horizon",
            FieldCode::TooManyActive => "too_many_active",
            FieldCode::Expired => "expired",
            FieldCode::Used => "used",
            FieldCode::Undeliverable => "undeliverable",
            FieldCode::MixedScript => "mixed_script",
            FieldCode::TooManyMails => "too_many_mails",
            FieldCode::Complained => "complained",
            FieldCode::UnknownField => "unknown_field",
        })
    }
}

/// One field at fault: which, and what is wrong (the message is the text catalogue's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field as the API names it, e.g. `customer.email`, `answers.status`.
    pub field: Cow<'static, str>,
    /// What is wrong.
    pub code: FieldCode,
}

/// Every field at fault in one submission.
#[derive(Debug, Clone, PartialEq, Eq, Default, thiserror::Error)]
#[error("{} field(s) at fault: {}", .0.len(), .0.iter().map(|e| &*e.field).collect::<Vec<_>>().join(", "))]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    /// Adds an error for `field`.
    pub fn push(&mut self, field: impl Into<Cow<'static, str>>, code: FieldCode) {
        self.0.push(FieldError {
            field: field.into(),
            code,
        });
    }

    /// Adds every error of `other`, after these.
    pub fn extend(&mut self, other: FieldErrors) {
        self.0.extend(other.0);
    }

    /// The error about `field`, if any.
    pub fn get(&self, field: &str) -> Option<&FieldError> {
        self.0.iter().find(|e| e.field == field)
    }

    /// Whether no field is at fault.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
