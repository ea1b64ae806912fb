//! Closures staff add (whole days, or some hours of them), list and remove; and what a new one
//! would overlap, asked before it is added.

use super::{invalid, ClosureAdded, Staff, StaffError, Subject, MAX_RANGE_DAYS};
use chrono::NaiveDate;
use rand::rngs::OsRng;
use rantevou_domain::appointment::Status;
use rantevou_domain::closure::{ClosedHours, StaffClosure};
use rantevou_domain::staff::Actor;

impl Staff {
    /// The closure `from`–`to` (inclusive; only `hours` of each day when given) for `name`
    /// would be, and the appointments it would overlap; nothing is stored.
    pub async fn preview_closure(
        &self,
        by: &Actor,
        from: NaiveDate,
        to: NaiveDate,
        hours: Option<ClosedHours>,
        name: &str,
    ) -> Result<ClosureAdded, StaffError> {
        if !by.is_unrestricted() {
            return Err(StaffError::Forbidden("closures concern every provider"));
        }
        if to < from {
            return Err(invalid("to", format!("{to} is before from {from}")));
        }
        let closure = StaffClosure::new(name, from, to, hours, &mut OsRng)
            .ok_or_else(|| invalid("name", "give a name without control characters"))?;
        let affected = if (to - from).num_days() as u64 >= MAX_RANGE_DAYS {
            Vec::new()
        } else {
            let tz = self.ctx.config.library.timezone;
            self.agenda(by, from, to, None)
                .await?
                .into_iter()
                .filter(|a| !matches!(a.status, Status::Cancelled { .. }))
                .filter(|a| {
                    overlaps(
                        hours,
                        a.start.with_timezone(&tz).time(),
                        a.end.with_timezone(&tz).time(),
                    )
                })
                .collect()
        };
        Ok(ClosureAdded { closure, affected })
    }

    /// Closes `from`–`to` (inclusive; only `hours` of each day when given) for `name`, at
    /// once; the appointments already there are returned for staff to handle (never cancelled
    /// by it).
    pub async fn add_closure(
        &self,
        by: &Actor,
        from: NaiveDate,
        to: NaiveDate,
        hours: Option<ClosedHours>,
        name: &str,
    ) -> Result<ClosureAdded, StaffError> {
        let added = self.preview_closure(by, from, to, hours, name).await?;
        let c = &added.closure;
        self.store.add_closure(c).await?;
        tracing::info!(closure = %c.id, "closure added by staff");
        let when = match c.hours {
            Some(h) => format!(
                "{} {}–{}",
                c.from,
                h.from.format("%H:%M"),
                h.to.format("%H:%M")
            ),
            None => format!("{}–{}", c.from, c.to),
        };
        let detail = format!("{} {when} {}", c.id, c.name);
        self.audit(by, "closure-add", Subject::Library, detail)
            .await;
        Ok(added)
    }

    /// The closures staff added.
    pub async fn closures(&self) -> Result<Vec<StaffClosure>, StaffError> {
        Ok(self.store.staff_closures().await?)
    }

    /// Removes closure `id`: its days are offered again at once.
    pub async fn remove_closure(&self, by: &Actor, id: &str) -> Result<(), StaffError> {
        if !by.is_unrestricted() {
            return Err(StaffError::Forbidden("closures concern every provider"));
        }
        if self.store.remove_closure(id).await? {
            tracing::info!(closure = %id, "closure removed by staff");
            self.audit(by, "closure-remove", Subject::Library, id.to_owned())
                .await;
            Ok(())
        } else {
            Err(StaffError::NoClosure(id.to_owned()))
        }
    }
}

/// Whether a closure of `hours` (all day when `None`) overlaps `start`–`end` of a day.
fn overlaps(hours: Option<ClosedHours>, start: chrono::NaiveTime, end: chrono::NaiveTime) -> bool {
    hours.map_or(true, |h| start < h.to && end > h.from)
}
