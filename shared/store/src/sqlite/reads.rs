//! Reads on SQLite: the lock partitions availability is computed from, and a patron's
//! upcoming appointments and the resend mark.

use super::Cached;
use super::*;

#[async_trait]
impl LockReader for SqliteStore {
    async fn locks(
        &self,
        provider: &ProviderId,
        month: LockMonth,
        now: DateTime<Utc>,
    ) -> Result<Vec<SlotLock>, StoreError> {
        let provider = provider.clone();
        let now = now.timestamp();
        self.with_read(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT start FROM slot_locks WHERE provider = ?1 AND month = ?2
                     AND (held_until IS NULL OR held_until > ?3)",
                )
                .map_err(unavailable)?;
            let rows = stmt
                .query_map(params![provider.as_str(), month.to_string(), now], |r| {
                    r.get::<_, i64>(0)
                })
                .map_err(unavailable)?;
            let mut locks = Vec::new();
            let lock = |secs: i64| {
                DateTime::from_timestamp(secs, 0)
                    .map(|start| SlotLock {
                        provider: provider.clone(),
                        start,
                    })
                    .ok_or_else(|| StoreError::Corrupt("lock start".into()))
            };
            for row in rows {
                locks.push(lock(row.map_err(unavailable)?)?);
            }
            // The calendar's busy units hold time as the locks do.
            for secs in super::calendar::busy_units(c, provider.as_str(), month)? {
                locks.push(lock(secs)?);
            }
            Ok(locks)
        })
        .await
    }
}

#[async_trait]
impl Resends for SqliteStore {
    async fn upcoming_of(
        &self,
        patron: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<Appointment>, StoreError> {
        let patron = patron.to_owned();
        self.with_conn(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT id FROM appointments WHERE patron_key = ?1 AND start > ?2
                     ORDER BY start, id LIMIT 50",
                )
                .map_err(unavailable)?;
            let ids = stmt
                .query_map(params![patron, now.timestamp()], |r| r.get::<_, String>(0))
                .map_err(unavailable)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(unavailable)?;
            let mut out = Vec::new();
            for id in ids {
                out.extend(read_appointment(c, &id)?.filter(|a| !a.is_expired(now)));
            }
            Ok(out)
        })
        .await
    }

    async fn use_challenge(&self, challenge: &SolvedChallenge) -> Result<(), StoreError> {
        let challenge = challenge.clone();
        self.with_conn(move |c| use_challenge(c, &challenge)).await
    }

    async fn resend_allowed(
        &self,
        patron: &str,
        until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let patron = patron.to_owned();
        self.with_conn(move |c| {
            let changed = c
                .exec(
                    "INSERT INTO resend_marks (patron, expires_at) VALUES (?1, ?2)
                     ON CONFLICT (patron) DO UPDATE SET expires_at = excluded.expires_at
                     WHERE resend_marks.expires_at <= ?3",
                    params![patron, until.timestamp(), now.timestamp()],
                )
                .map_err(unavailable)?;
            Ok(changed == 1)
        })
        .await
    }
}
