//! What staff read and change on SQLite: the agenda, a patron's appointments, the closures.

use super::*;
use rantevou_domain::closure::StaffClosure;
use rantevou_domain::ports::{Agenda, ClosureReader, ClosureWriter};

/// The appointments `sql` selects (its one column: the record), in its order.
fn appointments_where(
    c: &Connection,
    sql: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<Appointment>, StoreError> {
    let mut stmt = c.prepare_cached(sql).map_err(unavailable)?;
    let records = stmt
        .query_map(args, |r| r.get::<_, String>(0))
        .map_err(unavailable)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(unavailable)?;
    records
        .iter()
        .map(|json| {
            let record: AppointmentRecord = serde_json::from_str(json)
                .map_err(|_| StoreError::Corrupt("appointment record".into()))?;
            Appointment::try_from(record)
        })
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
        self.with_conn(|c| {
            let mut stmt = c
                .prepare_cached("SELECT record FROM staff_closures ORDER BY rowid")
                .map_err(unavailable)?;
            let rows = stmt
                .query_map([], |r| r.get::<_, String>(0))
                .map_err(unavailable)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(unavailable)?;
            rows.iter()
                .map(|json| {
                    serde_json::from_str(json)
                        .map_err(|_| StoreError::Corrupt("staff closure".into()))
                })
                .collect()
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
            c.execute(
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
            c.execute("DELETE FROM staff_closures WHERE id = ?1", params![id])
                .map(|n| n > 0)
                .map_err(unavailable)
        })
        .await
    }
}
