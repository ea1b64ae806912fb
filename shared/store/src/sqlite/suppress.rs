//! The addresses that bounced or complained: one row each in `suppressions`, by patron key;
//! a booking's transaction checks it (`bounced`).

use super::{unavailable, Cached, SqliteStore};
use crate::record::{suppression_from, suppression_parts};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rantevou_domain::feedback::Suppression;
use rantevou_domain::ports::{StoreError, Suppressions};
use rusqlite::{params, Connection, OptionalExtension};

/// Whether the address `patron_key` is known to bounce at `now` (in a booking's transaction).
pub(super) fn bounced(tx: &Connection, patron_key: &str, now: i64) -> Result<bool, StoreError> {
    tx.row(
        "SELECT COUNT(*) > 0 FROM suppressions WHERE patron_key = ?1 AND state = 'bounced' AND expires_at > ?2",
        params![patron_key, now],
        |r| r.get(0),
    )
    .map_err(unavailable)
}

#[async_trait]
impl Suppressions for SqliteStore {
    async fn suppression(&self, patron_key: &str) -> Result<Option<Suppression>, StoreError> {
        let patron_key = patron_key.to_owned();
        let row: Option<(String, String, Option<String>)> = self
            .with_conn(move |c| {
                c.row(
                    "SELECT state, at, reason FROM suppressions WHERE patron_key = ?1",
                    params![patron_key],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()
                .map_err(unavailable)
            })
            .await?;
        row.map(|(state, at, reason)| suppression_from(&state, &at, reason.as_deref()))
            .transpose()
    }

    async fn suppress(
        &self,
        patron_key: &str,
        suppression: &Suppression,
        until: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (state, at, reason) = suppression_parts(suppression);
        let (patron_key, reason) = (patron_key.to_owned(), reason.map(str::to_owned));
        self.with_conn(move |c| {
            // A complaint never turns a bounce back.
            c.exec(
                "INSERT INTO suppressions (patron_key, state, at, reason, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (patron_key) DO UPDATE SET state = excluded.state, at = excluded.at,
                     reason = excluded.reason, expires_at = excluded.expires_at
                 WHERE suppressions.state <> 'bounced' OR excluded.state = 'bounced'",
                params![patron_key, state, at, reason, until.timestamp()],
            )
            .map(drop)
            .map_err(unavailable)
        })
        .await
    }
}
