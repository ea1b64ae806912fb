//! Counting what ended, for statistics that outlive the personal data: the scheduler counts
//! each day's appointments once their outcomes are settled (cancelled, marked, a lapsed hold,
//! or left unmarked [`MARK_DAYS`] days after), one anonymous record each written with the
//! appointment in one store write; a mark made after the count replaces its record. Staff
//! read the figures by month (see [`rantevou_domain::statistics::Report`]).

use crate::context::Context;
use chrono::{DateTime, Days, NaiveDate, Utc};
use rand::rngs::OsRng;
use rand::RngCore;
use rantevou_domain::appointment::Appointment;
use rantevou_domain::ports::{StaffStore, StoreError};
use rantevou_domain::statistics::{OutcomeRecord, Report, MARK_DAYS};
use std::sync::Arc;

/// Days counted in one run at most (a first run, or one after a long pause, catches up over
/// several).
pub const DAYS_PER_RUN: usize = 31;

/// What one count did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counted {
    /// Days counted.
    pub days: usize,
    /// Outcome records written.
    pub recorded: usize,
}

/// Counts ended appointments and reads the figures.
#[derive(Clone)]
pub struct Counting {
    ctx: Context,
    store: Arc<dyn StaffStore>,
}

/// A fresh random key for an outcome record: 128 bits as hex, linked to nothing.
fn fresh_key() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Counting {
    /// Counting over `store`.
    pub fn new(ctx: Context, store: Arc<dyn StaffStore>) -> Self {
        Counting { ctx, store }
    }

    /// Days after its day a consultation waits to be marked before it is counted as it stands:
    /// [`MARK_DAYS`], less when the library keeps appointments a shorter time.
    fn settle_days(&self) -> u64 {
        let retention = i64::from(self.ctx.config.policy.retention_days);
        (MARK_DAYS.min(retention - 1)).max(0) as u64
    }

    /// The last UTC day whose appointments have all settled at `now`.
    fn last_settled(&self, now: DateTime<Utc>) -> Option<NaiveDate> {
        now.date_naive()
            .checked_sub_days(Days::new(self.settle_days() + 1))
    }

    /// Counts the settled days not yet counted, oldest first, at most `most_days` of them.
    pub async fn count_ended(&self, most_days: usize) -> Result<Counted, StoreError> {
        let now = self.ctx.now();
        let Some(last) = self.last_settled(now) else {
            return Ok(Counted::default());
        };
        let retention = u64::from(self.ctx.config.policy.retention_days);
        let mut day = match self.store.counted_through().await? {
            Some(done) => done.succ_opt().unwrap_or(done),
            // Never counted: from the oldest day whose appointments may still be kept.
            None => now
                .date_naive()
                .checked_sub_days(Days::new(retention + self.settle_days() + 1))
                .unwrap_or(last),
        };
        let mut counted = Counted::default();
        while day <= last && counted.days < most_days {
            counted.recorded += self.count_day(day, now).await?;
            self.store.set_counted_through(day).await?;
            counted.days += 1;
            day = match day.succ_opt() {
                Some(next) => next,
                None => break,
            };
        }
        if counted.days > 0 {
            tracing::info!(days = counted.days, recorded = counted.recorded, through = %day, "outcomes counted");
        }
        Ok(counted)
    }

    /// Records the outcome of every appointment of UTC day `day` not recorded yet.
    async fn count_day(&self, day: NaiveDate, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let from = day.and_time(chrono::NaiveTime::MIN).and_utc();
        let to = from + chrono::Duration::days(1);
        let mut recorded = 0;
        for provider in &self.ctx.config.providers {
            for a in self.store.agenda(&provider.id, from, to).await? {
                if a.outcome_key.is_none() && self.record(a, now, true).await? {
                    recorded += 1;
                }
            }
        }
        Ok(recorded)
    }

    /// Writes `a`'s outcome record (a new key, or the one it has) if its outcome is known;
    /// another write in between: read again and decide again, a few times.
    async fn record(
        &self,
        mut a: Appointment,
        now: DateTime<Utc>,
        settled: bool,
    ) -> Result<bool, StoreError> {
        for _ in 0..3 {
            let Some(record) = OutcomeRecord::of(&a, &self.ctx.config, now, settled) else {
                return Ok(false);
            };
            let next = Appointment {
                outcome_key: Some(a.outcome_key.clone().unwrap_or_else(fresh_key)),
                ..a.clone()
            };
            match self.store.record_outcome(&a, &next, &record).await {
                Ok(_) => return Ok(true),
                Err(StoreError::Changed) => match self.store.get(a.id, now).await? {
                    Some(fresh) => a = fresh,
                    None => return Ok(false),
                },
                Err(e) => return Err(e),
            }
        }
        Err(StoreError::Conflict)
    }

    /// After staff changed an appointment already counted (a late mark): its record again.
    pub async fn recount(&self, a: &Appointment) -> Result<(), StoreError> {
        if a.outcome_key.is_some() {
            self.record(a.clone(), self.ctx.now(), true).await?;
        }
        Ok(())
    }

    /// The figures of the months `from` to `to` (`YYYY-MM`), of the providers `visible` lets
    /// through.
    pub async fn report(
        &self,
        from: &str,
        to: &str,
        visible: impl Fn(&str) -> bool,
    ) -> Result<Report, StoreError> {
        let mut records = self.store.outcomes(from, to).await?;
        records.retain(|r| visible(&r.provider));
        Ok(Report::of(&records, from, to))
    }
}
