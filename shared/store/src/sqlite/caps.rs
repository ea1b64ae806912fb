//! Counters in SQLite: an address's daily allowance of unasked mail (in the transaction that
//! queues the mail, when there is one), and the bookings lately (kept in memory: one process
//! serves the embedded store, and a restart forgets at most ten minutes of the rate).

use super::{unavailable, Cached, SqliteStore};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rantevou_domain::mail_cap::MailCap;
use rantevou_domain::ports::{rate_window, recent_from_windows, BookingRate, MailCaps, StoreError};
use rusqlite::{params, Connection};

/// Takes `cap.weight` places of the counter on condition that it stays within `cap.max`;
/// [`StoreError::MailCapped`] (nothing taken) when it would not. Inside the caller's
/// transaction, whose rollback undoes it.
pub(super) fn take_mail_cap(tx: &Connection, cap: &MailCap) -> Result<(), StoreError> {
    if cap.weight > cap.max {
        return Err(StoreError::MailCapped);
    }
    let changed = tx
        .exec(
            "INSERT INTO mail_caps (key, sent, expires_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET sent = mail_caps.sent + excluded.sent,
                 expires_at = excluded.expires_at
             WHERE mail_caps.sent + excluded.sent <= ?4",
            params![cap.key, cap.weight, cap.keep_until.timestamp(), cap.max],
        )
        .map_err(unavailable)?;
    if changed == 1 {
        Ok(())
    } else {
        Err(StoreError::MailCapped)
    }
}

#[async_trait]
impl MailCaps for SqliteStore {
    async fn take_mail_places(&self, cap: &MailCap) -> Result<(), StoreError> {
        let cap = cap.clone();
        self.with_conn(move |c| take_mail_cap(c, &cap)).await
    }
}

/// The bookings counted in the last two ten-minute windows.
#[derive(Debug, Default)]
pub(super) struct RateWindows {
    /// `(window, bookings)` of the newest window counted, and of the one before it.
    newest: (i64, u32),
    before: (i64, u32),
}

impl RateWindows {
    fn count(&mut self, window: i64, n: u32) {
        if window == self.newest.0 {
            self.newest.1 = self.newest.1.saturating_add(n);
        } else if window > self.newest.0 {
            self.before = self.newest;
            self.newest = (window, n);
        }
    }

    fn recent(&self, now: DateTime<Utc>) -> u32 {
        let window = rate_window(now);
        let of = |w: i64| {
            [self.newest, self.before]
                .into_iter()
                .find(|(at, _)| *at == w)
                .map_or(0, |(_, n)| n)
        };
        recent_from_windows(now, of(window), of(window - 1))
    }
}

#[async_trait]
impl BookingRate for SqliteStore {
    async fn count_bookings(&self, at: DateTime<Utc>, n: u32) -> Result<(), StoreError> {
        self.rate
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .count(rate_window(at), n);
        Ok(())
    }

    async fn recent_bookings(&self, now: DateTime<Utc>) -> Result<u32, StoreError> {
        Ok(self
            .rate
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .recent(now))
    }
}
