//! A booking in SQLite: one savepoint of a group commit (see `group`) that replays an idempotent repeat,
//! takes one of the patron's places, the appointment's row, every lock (a held one refuses it
//! and rolls the booking back), the bot check's challenge, the check that the address is not
//! known to bounce, the mail's places of the address's daily allowance, and the idempotency key.

use super::{
    queued_due, read_appointment, take_lock, unavailable, use_challenge, Cached, SqliteStore,
};
use crate::record::{
    key_digest, place_free_before, place_value, request_fingerprint, AppointmentRecord,
};
use async_trait::async_trait;
use rantevou_domain::appointment::{Appointment, PatronLimit, PatronPlace};
use rantevou_domain::challenge::SolvedChallenge;
use rantevou_domain::ports::{
    Bookings, CreateConditions, Created, StoreError, IDEMPOTENCY_KEY_TTL_SECONDS,
};
use rusqlite::{params, Connection, OptionalExtension};

/// The refusal of a booking whose patron has no free place, as DynamoDB would give it: a held
/// slot, or a used challenge, comes first. Nothing is kept (the caller's savepoint is rolled back).
fn patron_full(
    tx: &Connection,
    a: &Appointment,
    challenge: Option<&SolvedChallenge>,
) -> Result<Created, StoreError> {
    for lock in &a.locks {
        let held: bool = tx
            .row(
                "SELECT COUNT(*) > 0 FROM slot_locks WHERE provider = ?1 AND start = ?2
                 AND (held_until IS NULL OR held_until > ?3)",
                params![
                    lock.provider.as_str(),
                    lock.start.timestamp(),
                    a.created_at.timestamp()
                ],
                |r| r.get(0),
            )
            .map_err(unavailable)?;
        if held {
            return Err(StoreError::SlotTaken);
        }
    }
    if let Some(c) = challenge {
        use_challenge(tx, c)?;
    }
    Err(StoreError::PatronLimit)
}

/// The first of the patron's places free for `a` (unused, or its appointment has started by
/// the time `a` is booked), if any.
fn free_place(
    tx: &Connection,
    a: &Appointment,
    limit: &PatronLimit,
) -> Result<Option<u32>, StoreError> {
    let free = place_free_before(a.created_at);
    for index in 0..limit.max.max(1) {
        let value: Option<String> = tx
            .row(
                "SELECT value FROM patron_places WHERE patron = ?1 AND place = ?2",
                params![limit.key, index],
                |r| r.get(0),
            )
            .optional()
            .map_err(unavailable)?;
        if value.map_or(true, |v| v < free) {
            return Ok(Some(index));
        }
    }
    Ok(None)
}

#[async_trait]
impl Bookings for SqliteStore {
    async fn create(
        &self,
        appointment: &Appointment,
        conditions: &CreateConditions<'_>,
    ) -> Result<Created, StoreError> {
        let mut appointment = appointment.clone();
        let limit = conditions.patron.cloned();
        let challenge = conditions.challenge.cloned();
        let deliverable = conditions.deliverable.map(str::to_owned);
        let mail_cap = conditions.mail_cap.cloned();
        let calendar = conditions.calendar;
        let idempotency_key = conditions.idempotency_key;
        let key = idempotency_key.map(|k| key_digest(k.as_str()));
        // Committed with the bookings that arrive meanwhile (group commit); an error undoes
        // everything this one wrote, nothing partial is stored.
        self.with_group(move |tx: &Connection| {
            let fingerprint = request_fingerprint(&appointment);
            let now = appointment.created_at.timestamp();
            if let Some(key) = &key {
                let seen: Option<(String, String)> = tx
                    .row(
                        "SELECT appointment_id, fingerprint FROM idempotency WHERE key_digest = ?1 AND expires_at > ?2",
                        params![key, now],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()
                    .map_err(unavailable)?;
                if let Some((id, seen_fingerprint)) = seen {
                    if seen_fingerprint != fingerprint {
                        return Err(StoreError::IdempotencyMismatch);
                    }
                    return match read_appointment(tx, &id)? {
                        Some(first) => Ok(Created::Replayed(first)),
                        None => Err(StoreError::Corrupt("idempotency key names no appointment".into())),
                    };
                }
            }
            // A time the provider's calendar is busy is refused like a held slot.
            if calendar {
                super::calendar::calendar_free(tx, &appointment.locks)?;
            }
            // Refusals are decided in the order DynamoDB reads its cancellation reasons: a held
            // slot first, then a used challenge, then a patron without a free place.
            if let Some(limit) = &limit {
                let Some(index) = free_place(tx, &appointment, limit)? else {
                    return patron_full(tx, &appointment, challenge.as_ref());
                };
                appointment.patron_place = Some(PatronPlace { key: limit.key.clone(), index });
                appointment.patron_key.get_or_insert_with(|| limit.key.clone());
                tx.exec(
                    "INSERT INTO patron_places (patron, place, value, expires_at) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (patron, place) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at",
                    params![
                        limit.key,
                        index,
                        place_value(&appointment),
                        limit.keep_until.timestamp()
                    ],
                )
                .map_err(unavailable)?;
            }
            let record = AppointmentRecord::from(&appointment);
            let json = serde_json::to_string(&record).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            tx.exec(
                "INSERT INTO appointments (id, provider, start, status, token_hash, expires_at, mail_pending, record, mail_due, patron_key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    record.id,
                    record.provider,
                    appointment.start.timestamp(),
                    record.status,
                    record.token_hash,
                    record.expires_at,
                    record.mail_pending(),
                    json,
                    queued_due(&record),
                    record.patron_key
                ],
            )
            .map_err(unavailable)?;
            let held_until = appointment.hold_until().map(|t| t.timestamp());
            for lock in &appointment.locks {
                // A refusal rolls this booking back to its savepoint: nothing partial is stored.
                take_lock(tx, lock, &record.id, held_until, now)?;
            }
            if let Some(c) = &challenge {
                use_challenge(tx, c)?;
            }
            if let Some(patron) = &deliverable {
                if super::suppress::bounced(tx, patron, now)? {
                    return Err(StoreError::Undeliverable);
                }
            }
            if let Some(cap) = &mail_cap {
                super::caps::take_mail_cap(tx, cap)?;
            }
            if let Some(key) = &key {
                tx.exec(
                    "INSERT INTO idempotency (key_digest, appointment_id, fingerprint, expires_at) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (key_digest) DO UPDATE SET appointment_id = excluded.appointment_id,
                         fingerprint = excluded.fingerprint, expires_at = excluded.expires_at",
                    params![key, record.id, fingerprint, now + IDEMPOTENCY_KEY_TTL_SECONDS],
                )
                .map_err(unavailable)?;
            }
            Ok(Created::New(appointment))
        })
        .await
    }
}
