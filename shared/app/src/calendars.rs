//! The librarians' own calendars read by the scheduler: each provider's calendar fetched at
//! most every [`READ_EVERY`], its busy times turned into the provider's lock units and kept in
//! the store, month by month over the booking horizon. Never on a patron's request path: the
//! lock read availability already makes returns them. A failed read keeps the last good copy
//! and records since when the calendar is stale (for the staff console).
//!
//! The busy rule is the calendar crate's ([`rantevou_calendar`]): an event is busy unless it
//! is cancelled, `TRANSP:TRANSPARENT`, or marked free or working elsewhere by Outlook.

use crate::context::Context;
use chrono::{DateTime, Duration, Utc};
use rantevou_domain::ports::{BusyMonths, CalendarBusy, CalendarFetch, StoreError};
use rantevou_domain::provider::Provider;
use rantevou_domain::LockMonth;
use std::sync::Arc;

/// How often one calendar is read (Google and Outlook refresh published calendars more slowly
/// still; reading more often would only load their servers).
pub const READ_EVERY: Duration = Duration::minutes(10);

/// Busy units kept per provider-month at most (a DynamoDB item holds 400 KB): a month of
/// five-minute units is 8,928.
pub const UNITS_PER_MONTH_MAX: usize = 20_000;

/// What one run did, per provider with a calendar.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct CalendarsRead {
    /// Calendars read and kept now.
    pub read: usize,
    /// Calendars whose read failed now (their last good copy kept).
    pub failed: usize,
    /// Calendars read recently enough, left for a later run.
    pub fresh: usize,
}

/// Reads the providers' calendars into the store.
#[derive(Clone)]
pub struct CalendarSync {
    ctx: Context,
    fetch: Arc<dyn CalendarFetch>,
    store: Arc<dyn CalendarBusy>,
}

impl CalendarSync {
    /// Reading through `fetch` into `store`.
    pub fn new(ctx: Context, fetch: Arc<dyn CalendarFetch>, store: Arc<dyn CalendarBusy>) -> Self {
        CalendarSync { ctx, fetch, store }
    }

    /// Reads every provider's calendar not read for [`READ_EVERY`]. A calendar that fails is
    /// recorded as failing (no address, no personal data) and the others go on; only the
    /// store failing stops the run.
    #[tracing::instrument(skip(self))]
    pub async fn read_due(&self) -> Result<CalendarsRead, StoreError> {
        let now = self.ctx.now();
        let mut report = CalendarsRead::default();
        for provider in &self.ctx.config.providers {
            let Some(calendar) = &provider.calendar else {
                continue;
            };
            let status = self.store.calendar_status(&provider.id).await?;
            if status.is_some_and(|s| s.tried_at > now - READ_EVERY) {
                report.fresh += 1;
                continue;
            }
            let read = match self.window(now) {
                Ok((from, to)) => match self.fetch.fetch(calendar, from, to).await {
                    Ok(text) => self.busy_months(provider, &text, from, to),
                    Err(e) => Err(e.0),
                },
                Err(e) => Err(e),
            };
            match read {
                Ok(months) => {
                    self.store.put_busy(&provider.id, &months, now).await?;
                    tracing::info!(provider = %provider.id, host = calendar.host(), "calendar read");
                    report.read += 1;
                }
                Err(problem) => {
                    tracing::warn!(provider = %provider.id, host = calendar.host(), problem, "calendar not read; the last good copy stays");
                    self.store
                        .calendar_failed(&provider.id, now, &problem)
                        .await?;
                    report.failed += 1;
                }
            }
        }
        Ok(report)
    }

    /// What is read: every month from now's to the booking horizon's, each complete.
    fn window(&self, now: DateTime<Utc>) -> Result<(DateTime<Utc>, DateTime<Utc>), String> {
        let horizon = Duration::days(i64::from(self.ctx.config.policy.horizon_days) + 2);
        let first = LockMonth::of(now);
        let last = LockMonth::of(now + horizon).next();
        match (first.start(), last.start()) {
            (Some(from), Some(to)) => Ok((from, to)),
            _ => Err("the horizon is out of range".into()),
        }
    }

    /// The busy lock units of `text` for `provider`, per month of the window `[from, to)`
    /// (an empty month included: it clears the last copy's).
    fn busy_months(
        &self,
        provider: &Provider,
        text: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<BusyMonths, String> {
        let config = &self.ctx.config;
        let reading = rantevou_calendar::busy_times(text, from, to, config.library.timezone)
            .map_err(|e| match e {
                // The parser's words may quote the calendar: not kept.
                rantevou_calendar::IcsError::Unreadable(_) => "not an iCalendar file".to_owned(),
                other => other.to_string(),
            })?;
        let months = units_by_month(provider, &reading.busy, from, to);
        if let Some((month, units)) = months.iter().find(|(_, u)| u.len() > UNITS_PER_MONTH_MAX) {
            return Err(format!(
                "{month} has {} busy units of {} minutes, more than {UNITS_PER_MONTH_MAX}",
                units.len(),
                provider.lock_minutes
            ));
        }
        Ok(months)
    }
}

/// The lock units of `provider` that `busy` touches, grouped by every month of `[from, to)`.
pub fn units_by_month(
    provider: &Provider,
    busy: &[rantevou_calendar::Busy],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> BusyMonths {
    let unit = i64::from(provider.lock_minutes.max(1)) * 60;
    let mut months: BusyMonths = LockMonth::spanning(from, to)
        .into_iter()
        .map(|m| (m, Vec::new()))
        .collect();
    for b in busy {
        let end = b.end.timestamp();
        let mut t = b.start.timestamp().div_euclid(unit) * unit;
        while t < end {
            if let Some(start) = DateTime::from_timestamp(t, 0) {
                let month = LockMonth::of(start);
                if let Some((_, units)) = months.iter_mut().find(|(m, _)| *m == month) {
                    if units.last() != Some(&start) {
                        units.push(start);
                    }
                }
            }
            t += unit;
        }
    }
    months
}
