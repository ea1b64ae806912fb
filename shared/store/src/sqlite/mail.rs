//! The mail queue on SQLite: what is due, and the conditioned updates that record what was
//! sent.

use super::*;

#[async_trait]
impl AppointmentUpdates for SqliteStore {
    async fn update(
        &self,
        read: &Appointment,
        next: &Appointment,
    ) -> Result<Appointment, StoreError> {
        self.conditioned_update(read, next, Durability::Full).await
    }

    async fn record_delivery(
        &self,
        read: &Appointment,
        next: &Appointment,
    ) -> Result<Appointment, StoreError> {
        self.conditioned_update(read, next, Durability::Lazy).await
    }
}

/// Whether a commit waits for the disk.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Durability {
    /// `synchronous=FULL`, the store's setting: durable once answered.
    Full,
    /// `synchronous=NORMAL` for this one commit: in WAL mode still atomic and consistent
    /// (the log is synced before every checkpoint), made durable by the next FULL commit's
    /// sync of the log (or lost, with what came after it, in a power cut).
    Lazy,
}

/// Writes `next` over appointment `id` if it is still at `version` (raising it), inside the
/// caller's transaction; [`StoreError::Changed`] if another write came between.
pub(super) fn write_at_version(
    tx: &Connection,
    id: &str,
    version: u32,
    next: Appointment,
) -> Result<Appointment, StoreError> {
    match read_appointment(tx, id)? {
        Some(current) if current.version == version => {}
        _ => return Err(StoreError::Changed),
    }
    write_appointment(tx, Appointment { version, ..next })
}

impl SqliteStore {
    async fn conditioned_update(
        &self,
        read: &Appointment,
        next: &Appointment,
        sync: Durability,
    ) -> Result<Appointment, StoreError> {
        crate::record::check_update(read, next)?;
        let (id, version, next) = (read.id.to_string(), read.version, next.clone());
        self.with_conn(move |c| {
            if sync == Durability::Lazy {
                c.pragma_update(None, "synchronous", "NORMAL")
                    .map_err(unavailable)?;
            }
            let written = (|| {
                let tx = c
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(unavailable)?;
                let stored = write_at_version(&tx, &id, version, next)?;
                tx.commit().map_err(unavailable)?;
                Ok(stored)
            })();
            if sync == Durability::Lazy {
                // Back to FULL whatever happened: every other write is durable once answered.
                c.pragma_update(None, "synchronous", "FULL")
                    .map_err(unavailable)?;
            }
            written
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
            write_appointment(&tx, a)?;
            tx.commit().map_err(unavailable)
        })
        .await
    }
}
