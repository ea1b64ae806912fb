//! The waiting list's port (see [`crate::waitlist`]): joins under their limits, confirmation
//! from the mail, the entries waiting to be told.

use super::store::StoreError;
use crate::ids::AppointmentId;
use crate::mail_cap::MailCap;
use crate::token::TokenHash;
use crate::waitlist::WaitEntry;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// The limits a join to the waiting list is written under.
#[derive(Debug, Clone, Copy)]
pub struct JoinLimits<'a> {
    /// Days one address may wait for at a time.
    pub per_address: u32,
    /// Addresses that may wait for one service and day.
    pub per_day: u32,
    /// The join's mail takes its places of the address's allowance.
    pub mail_cap: Option<&'a MailCap>,
}

/// The waiting list (see [`crate::waitlist`]).
#[async_trait]
pub trait Waitlist: Send + Sync {
    /// Adds `entry`; `false` (nothing written) when its address already waits for that
    /// service and day. [`StoreError::PatronLimit`] when the address waits for
    /// `limits.per_address` days not over at `entry.created_at` already,
    /// [`StoreError::SlotTaken`] when `limits.per_day` addresses wait for that service and day,
    /// [`StoreError::MailCapped`] when the mail that asks to confirm the join would pass the
    /// address's allowance; nothing is written then.
    async fn join_waitlist(
        &self,
        entry: &WaitEntry,
        limits: &JoinLimits<'_>,
    ) -> Result<bool, StoreError>;

    /// Marks the entry `id` confirmed at `at` from its mail, if its token hash is `token_hash`
    /// and it is not yet; `false` when there is no such unconfirmed entry.
    async fn confirm_wait(
        &self,
        id: AppointmentId,
        token_hash: &TokenHash,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// The entry `id`, unless unknown or its day is over at `now`.
    async fn wait_entry(
        &self,
        id: AppointmentId,
        now: DateTime<Utc>,
    ) -> Result<Option<WaitEntry>, StoreError>;

    /// Removes `entry` (as read by [`Waitlist::wait_entry`]), one fewer waiting for its day;
    /// `false` when it was gone.
    async fn leave_waitlist(&self, entry: &WaitEntry) -> Result<bool, StoreError>;

    /// The confirmed entries not yet told whose day is not over at `now`, the oldest first, at
    /// most `limit`.
    async fn waiting(&self, now: DateTime<Utc>, limit: usize)
        -> Result<Vec<WaitEntry>, StoreError>;

    /// Marks `entry` told at `at`, on condition that it was not (`false`: another run did);
    /// with `None`, marks it untold again (its mail failed: the next run tries again).
    async fn mark_notified(
        &self,
        entry: &WaitEntry,
        at: Option<DateTime<Utc>>,
    ) -> Result<bool, StoreError>;
}
