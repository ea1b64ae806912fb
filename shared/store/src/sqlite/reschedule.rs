//! A patron's move to another time, in one `BEGIN IMMEDIATE` transaction: the appointment
//! checked (still booked, same token, same version), the locks it gives up released, the new
//! ones taken (a held one refuses the move and rolls everything back), the patron's place
//! following the new time, the bot check's challenge used and the mail's places of the
//! address's allowance taken, the row rewritten.

use super::{
    queued_due, read_appointment, take_lock, unavailable, use_challenge, Cached, SqliteStore,
};
use crate::record::{place_value, AppointmentRecord};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rantevou_domain::appointment::Appointment;
use rantevou_domain::ports::{MoveConditions, Reschedules, StoreError};
use rusqlite::{params, TransactionBehavior};

#[async_trait]
impl Reschedules for SqliteStore {
    async fn reschedule(
        &self,
        read: &Appointment,
        moved: &Appointment,
        at: DateTime<Utc>,
        conditions: &MoveConditions<'_>,
    ) -> Result<Appointment, StoreError> {
        let (read, moved) = (read.clone(), moved.clone());
        let challenge = conditions.challenge.cloned();
        let mail_cap = conditions.mail_cap.cloned();
        let calendar = conditions.calendar;
        self.with_conn(move |c| {
            let tx = c
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(unavailable)?;
            let id = read.id.to_string();
            let current = read_appointment(&tx, &id)?
                .filter(|now| {
                    now.is_booked()
                        && now.token_hash == read.token_hash
                        && now.version == read.version
                })
                .ok_or(StoreError::Changed)?;
            for lock in current.locks.iter().filter(|l| !moved.locks.contains(l)) {
                tx.exec(
                    "DELETE FROM slot_locks WHERE provider = ?1 AND start = ?2 AND appointment_id = ?3",
                    params![lock.provider.as_str(), lock.start.timestamp(), id],
                )
                .map_err(unavailable)?;
            }
            for lock in moved.locks.iter().filter(|l| !current.locks.contains(l)) {
                take_lock(&tx, lock, &id, None, at.timestamp())?;
            }
            if calendar {
                let new: Vec<_> = moved
                    .locks
                    .iter()
                    .filter(|l| !current.locks.contains(l))
                    .cloned()
                    .collect();
                super::calendar::calendar_free(&tx, &new)?;
            }
            if let Some(c) = &challenge {
                use_challenge(&tx, c)?;
            }
            if let Some(cap) = &mail_cap {
                super::caps::take_mail_cap(&tx, cap)?;
            }
            let stored = Appointment {
                version: read.version + 1,
                ..moved
            };
            // The place follows the new time while it is active (a move is before the start).
            if let Some(place) = current
                .patron_place
                .as_ref()
                .filter(|_| at < current.active_until())
            {
                tx.exec(
                    "UPDATE patron_places SET value = ?1 WHERE patron = ?2 AND place = ?3 AND value = ?4",
                    params![place_value(&stored), place.key, place.index, place_value(&current)],
                )
                .map_err(unavailable)?;
            }
            let record = AppointmentRecord::from(&stored);
            let json =
                serde_json::to_string(&record).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            tx.exec(
                "UPDATE appointments SET provider = ?1, start = ?2, expires_at = ?3, mail_pending = ?4,
                     record = ?5, mail_due = ?6 WHERE id = ?7",
                params![
                    record.provider,
                    stored.start.timestamp(),
                    record.expires_at,
                    record.mail_pending(),
                    json,
                    queued_due(&record),
                    id
                ],
            )
            .map_err(unavailable)?;
            tx.commit().map_err(unavailable)?;
            Ok(stored)
        })
        .await
    }
}
