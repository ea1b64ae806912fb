//! What staff read and change on SQLite: the agenda, a patron's appointments, the closures.

use super::Cached;
use super::*;
use rantevou_domain::closure::StaffClosure;
use rantevou_domain::ports::{Agenda, AuditLog, ClosureReader, ClosureWriter};
use rantevou_domain::staff::AuditEntry;

/// The JSON records `sql` selects (its one column), read as `T`, in its order; `what` names
/// them when one does not read.
fn json_rows<T: serde::de::DeserializeOwned>(
    c: &Connection,
    sql: &str,
    args: impl rusqlite::Params,
    what: &str,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = c.prepare_cached(sql).map_err(unavailable)?;
    let rows = stmt
        .query_map(args, |r| r.get::<_, String>(0))
        .map_err(unavailable)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(unavailable)?;
    rows.iter()
        .map(|json| serde_json::from_str(json).map_err(|_| StoreError::Corrupt(what.into())))
        .collect()
}

/// The appointments `sql` selects (its one column: the record), in its order.
fn appointments_where(
    c: &Connection,
    sql: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<Appointment>, StoreError> {
    json_rows::<AppointmentRecord>(c, sql, args, "appointment record")?
        .into_iter()
        .map(Appointment::try_from)
        .collect()
}

#[async_trait]
impl Agenda for SqliteStore {
    async fn agenda(
        &self,
        provider: &ProviderId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Appointment>, StoreError> {
        let (provider, from, to) = (provider.to_string(), from.timestamp(), to.timestamp());
        self.with_conn(move |c| {
            appointments_where(
                c,
                "SELECT record FROM appointments WHERE provider = ?1 AND start >= ?2 AND start < ?3
                 ORDER BY start, id",
                params![provider, from, to],
            )
        })
        .await
    }

    async fn of_patron(&self, patron: &str) -> Result<Vec<Appointment>, StoreError> {
        let patron = patron.to_owned();
        self.with_conn(move |c| {
            appointments_where(
                c,
                "SELECT record FROM appointments WHERE patron_key = ?1 ORDER BY start, id",
                params![patron],
            )
        })
        .await
    }
}

#[async_trait]
impl ClosureReader for SqliteStore {
    async fn staff_closures(&self) -> Result<Vec<StaffClosure>, StoreError> {
        self.with_read(|c| {
            json_rows(
                c,
                "SELECT record FROM staff_closures ORDER BY rowid",
                [],
                "staff closure",
            )
        })
        .await
    }
}

#[async_trait]
impl ClosureWriter for SqliteStore {
    async fn add_closure(&self, closure: &StaffClosure) -> Result<(), StoreError> {
        let json =
            serde_json::to_string(closure).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let id = closure.id.clone();
        self.with_conn(move |c| {
            c.exec(
                "INSERT INTO staff_closures (id, record) VALUES (?1, ?2)",
                params![id, json],
            )
            .map_err(unavailable)?;
            Ok(())
        })
        .await
    }

    async fn remove_closure(&self, id: &str) -> Result<bool, StoreError> {
        let id = id.to_owned();
        self.with_conn(move |c| {
            c.exec("DELETE FROM staff_closures WHERE id = ?1", params![id])
                .map(|n| n > 0)
                .map_err(unavailable)
        })
        .await
    }
}

#[async_trait]
impl AuditLog for SqliteStore {
    async fn record_audit(
        &self,
        entry: &AuditEntry,
        keep_until: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(entry).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let (subject, at, until) = (
            entry.subject.clone(),
            entry.at.timestamp_millis(),
            keep_until.timestamp(),
        );
        self.with_conn(move |c| {
            c.exec(
                "INSERT INTO audit (subject, at, record, expires_at) VALUES (?1, ?2, ?3, ?4)",
                params![subject, at, json, until],
            )
            .map_err(unavailable)?;
            Ok(())
        })
        .await
    }

    async fn audit_of(&self, subject: &str) -> Result<Vec<AuditEntry>, StoreError> {
        let subject = subject.to_owned();
        self.with_conn(move |c| {
            json_rows(
                c,
                "SELECT record FROM audit WHERE subject = ?1 ORDER BY at, rowid",
                params![subject],
                "audit entry",
            )
        })
        .await
    }
}
