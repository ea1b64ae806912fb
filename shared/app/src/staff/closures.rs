//! Closures staff add (whole days, or some hours of them), list and remove; and what a new one
//! would overlap, asked before it is added.

use super::{invalid, ClosureAdded, Staff, StaffError, Subject, MAX_RANGE_DAYS};
use chrono::NaiveDate;
use rand::rngs::OsRng;
use rantevou_domain::appointment::Status;
use rantevou_domain::closure::{ClosedHours, ClosedPeriod, ClosureSource, StaffClosure};
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
        if let Some(same) = self
            .store
            .staff_closures()
            .await?
            .into_iter()
            .find(|c| c.from == from && c.to == to && c.hours == hours)
        {
            return Err(StaffError::DuplicateClosure {
                id: same.id,
                name: same.name,
            });
        }
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
        Ok(ClosureAdded {
            closure,
            affected,
            cancelled: Vec::new(),
        })
    }

    /// Closes `from`–`to` (inclusive; only `hours` of each day when given) for `name`, at
    /// once. With `cancel_reason`, the appointments already there are then cancelled as staff,
    /// each patron mailed that reason and each cancellation audited; one that cannot be (it
    /// started, or the patron cancelled meanwhile) stays in `affected`, as do all of them
    /// without it, for staff to handle.
    pub async fn add_closure(
        &self,
        by: &Actor,
        from: NaiveDate,
        to: NaiveDate,
        hours: Option<ClosedHours>,
        name: &str,
        cancel_reason: Option<&str>,
    ) -> Result<ClosureAdded, StaffError> {
        // Checked before anything is stored: a refused reason leaves no closure behind.
        let reason = match cancel_reason {
            Some(raw) if raw.trim().is_empty() => {
                return Err(invalid("cancel_reason", "say why, for the patrons' mail"))
            }
            Some(raw) => Some(super::staff_reason(raw).map_err(|_| {
                invalid(
                    "cancel_reason",
                    "at most 1000 characters, no control characters",
                )
            })?),
            None => None,
        };
        let mut added = self.preview_closure(by, from, to, hours, name).await?;
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
        if let Some(reason) = reason {
            let mut kept = Vec::new();
            for a in std::mem::take(&mut added.affected) {
                match self.cancel_audited(by, a.clone(), &reason).await {
                    Ok(cancelled) => added.cancelled.push(cancelled),
                    Err(e) => {
                        tracing::warn!(appointment = %a.id, error = %e, "not cancelled with the closure");
                        kept.push(a);
                    }
                }
            }
            added.affected = kept;
        }
        Ok(added)
    }

    /// The closures staff added.
    pub async fn closures(&self) -> Result<Vec<StaffClosure>, StaffError> {
        Ok(self.store.staff_closures().await?)
    }

    /// The closures of the configuration (public holidays, annual dates, periods in
    /// `library.toml`) from today for a year, by date: they cannot be removed here, and are
    /// listed so staff see every day the library is closed.
    pub fn configured_closures(&self) -> Vec<(ClosureSource, ClosedPeriod)> {
        let tz = self.ctx.config.library.timezone;
        let today = self.ctx.now().with_timezone(&tz).date_naive();
        let end = today + chrono::Days::new(MAX_RANGE_DAYS - 1);
        self.ctx.config.closures.between(today, end)
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
