//! The mail queue on SQLite: marking mail sent or failed, and finding what is due.

use super::*;

#[async_trait]
impl MailLog for SqliteStore {
    async fn mail_sent(&self, id: AppointmentId, kind: MailKind) -> Result<(), StoreError> {
        let id = id.to_string();
        self.with_conn(move |c| {
            let tx = c
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(unavailable)?;
            if let Some(mut a) = read_appointment(&tx, &id)? {
                a.pending_mail.retain(|k| *k != kind);
                if a.pending_mail.is_empty() {
                    a.delivery = Delivery::default();
                }
                write_appointment(&tx, &a)?;
            }
            tx.commit().map_err(unavailable)
        })
        .await
    }

    async fn mail_failed(
        &self,
        a: &Appointment,
        outcome: &DeliveryOutcome,
    ) -> Result<(), StoreError> {
        let (id, before, outcome) = (a.id.to_string(), a.delivery.attempts, outcome.clone());
        self.with_conn(move |c| {
            let tx = c
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(unavailable)?;
            // Another run recorded an attempt since `a` was read: that one counts.
            if let Some(mut current) =
                read_appointment(&tx, &id)?.filter(|c| c.delivery.attempts == before)
            {
                current.delivery.attempts = before + 1;
                match outcome {
                    DeliveryOutcome::RetryAt(due) => current.delivery.due = Some(due),
                    DeliveryOutcome::GiveUp(reason) => {
                        current.delivery.due = None;
                        current.delivery.failure = Some(reason);
                    }
                }
                write_appointment(&tx, &current)?;
            }
            tx.commit().map_err(unavailable)
        })
        .await
    }
}

#[async_trait]
impl MailQueue for SqliteStore {
    async fn due_mail(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Appointment>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let now = now.timestamp();
        self.with_conn(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT id FROM appointments WHERE mail_due IS NOT NULL AND mail_due <= ?1
                     ORDER BY mail_due, id LIMIT ?2",
                )
                .map_err(unavailable)?;
            let ids = stmt
                .query_map(params![now, limit], |r| r.get::<_, String>(0))
                .map_err(unavailable)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(unavailable)?;
            let mut out = Vec::new();
            for id in ids {
                out.extend(read_appointment(c, &id)?);
            }
            Ok(out)
        })
        .await
    }

    async fn replace_token(
        &self,
        id: AppointmentId,
        old: TokenHash,
        new: TokenHash,
    ) -> Result<(), StoreError> {
        let id = id.to_string();
        self.with_conn(move |c| {
            let tx = c
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(unavailable)?;
            let mut a = read_appointment(&tx, &id)?.ok_or(StoreError::NotBooked)?;
            let linked =
                a.mail_pending(MailKind::Confirmation) || a.mail_pending(MailKind::ConfirmRequest);
            if a.token_hash != old || !linked {
                return Err(StoreError::NotBooked);
            }
            a.token_hash = new;
            write_appointment(&tx, &a)?;
            tx.commit().map_err(unavailable)
        })
        .await
    }
}
