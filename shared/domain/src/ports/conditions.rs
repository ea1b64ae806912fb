//! What a booking's or a move's write must also hold to, in the same transaction.

use super::IdempotencyKey;
use crate::appointment::PatronLimit;
use crate::challenge::SolvedChallenge;
use crate::mail_cap::MailCap;

/// What a booking's write must also hold to, each in the same transaction (`None`: no such
/// condition).
#[derive(Debug, Clone, Copy, Default)]
pub struct CreateConditions<'a> {
    /// A repeat of the same request returns the first appointment ([`Created::Replayed`](super::Created::Replayed)).
    pub idempotency_key: Option<&'a IdempotencyKey>,
    /// The patron takes one of a limited number of places ([`StoreError::PatronLimit`](super::StoreError::PatronLimit)).
    pub patron: Option<&'a PatronLimit>,
    /// The bot check's challenge is used now, and never again ([`StoreError::ChallengeUsed`](super::StoreError::ChallengeUsed)).
    pub challenge: Option<&'a SolvedChallenge>,
    /// The patron's address (its patron key) must not be one known to bounce
    /// ([`StoreError::Undeliverable`](super::StoreError::Undeliverable)): checked in the same write, at no extra request.
    pub deliverable: Option<&'a str>,
    /// The booking's mail takes places of its address's allowance for the day, in the same
    /// write ([`StoreError::MailCapped`](super::StoreError::MailCapped) when they are not there).
    pub mail_cap: Option<&'a MailCap>,
    /// The provider's calendar's busy units (see [`super::CalendarBusy`]) must hold none of
    /// the locks ([`StoreError::SlotTaken`](super::StoreError::SlotTaken)): for providers with a `calendar`.
    pub calendar: bool,
}

/// What else a move's write checks and takes, in the same transaction.
#[derive(Debug, Clone, Copy, Default)]
pub struct MoveConditions<'a> {
    /// The bot check's challenge is used now, and never again.
    pub challenge: Option<&'a SolvedChallenge>,
    /// The "moved" mail takes its places of the address's allowance.
    pub mail_cap: Option<&'a MailCap>,
    /// The provider's calendar's busy units must hold none of the new locks
    /// ([`StoreError::SlotTaken`](super::StoreError::SlotTaken)).
    pub calendar: bool,
}
