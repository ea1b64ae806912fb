//! What can be booked, and when: the catalogue and the free times of a service.

use crate::context::Context;
use chrono::{DateTime, Days, NaiveDate, Utc};
use rantevou_domain::availability::{availability, lock_partitions, AvailabilityError};
use rantevou_domain::ports::{LockReader, StoreError};
use rantevou_domain::{AvailabilityQuery, BookedLocks, DayAvailability, ProviderChoice};
use std::sync::Arc;

/// Days shown when a query names no end date.
pub const DEFAULT_RANGE_DAYS: u64 = 31;

/// The free times of a service, read from the slot locks.
#[derive(Clone)]
pub struct FreeSlots {
    ctx: Context,
    locks: Arc<dyn LockReader>,
}

/// A question about free times, as a patron (or the site) asks it.
#[derive(Debug, Clone, Default)]
pub struct SlotsQuery {
    /// The service's id.
    pub service: String,
    /// A provider's id; missing, empty or `any`: whoever is free.
    pub provider: Option<String>,
    /// First date (the library's calendar); default today.
    pub from: Option<NaiveDate>,
    /// Last date, inclusive; default `from` + 30 days.
    pub to: Option<NaiveDate>,
}

/// Why free times could not be listed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FreeSlotsError {
    /// No such service.
    #[error("unknown service")]
    UnknownService,
    /// No such provider, or one that does not offer the service.
    #[error("unknown provider")]
    UnknownProvider,
    /// `to` is before `from`.
    #[error("the range ends before it starts")]
    RangeReversed,
    /// More days than one answer may hold.
    #[error("the range covers {0} days")]
    RangeTooLong(u64),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<AvailabilityError> for FreeSlotsError {
    fn from(e: AvailabilityError) -> Self {
        match e {
            AvailabilityError::UnknownService(_) => FreeSlotsError::UnknownService,
            AvailabilityError::UnknownProvider(_) | AvailabilityError::NotOffered { .. } => {
                FreeSlotsError::UnknownProvider
            }
            AvailabilityError::RangeReversed => FreeSlotsError::RangeReversed,
            AvailabilityError::RangeTooLong(days) => FreeSlotsError::RangeTooLong(days),
        }
    }
}

impl FreeSlots {
    /// Free times from `locks`.
    pub fn new(ctx: Context, locks: Arc<dyn LockReader>) -> Self {
        FreeSlots { ctx, locks }
    }

    /// The shared context (the catalogue is its configuration).
    pub fn context(&self) -> &Context {
        &self.ctx
    }

    /// The free times of `query`, date by date: one read of the staff closures and one per
    /// provider-month of locks, then the domain's rules.
    #[tracing::instrument(skip_all, fields(service = %query.service))]
    pub async fn free_slots(
        &self,
        query: &SlotsQuery,
    ) -> Result<Vec<DayAvailability>, FreeSlotsError> {
        let provider = ProviderChoice::parse(query.provider.as_deref())
            .ok_or(FreeSlotsError::UnknownProvider)?;
        // The closures staff added take effect at once.
        let closures = self.locks.staff_closures().await?;
        let config = &*self.ctx.config.with_staff_closures(&closures);
        let now = self.ctx.now();
        let today = now.with_timezone(&config.library.timezone).date_naive();
        let from = query.from.unwrap_or(today);
        let to = query.to.unwrap_or_else(|| {
            from.checked_add_days(Days::new(DEFAULT_RANGE_DAYS - 1))
                .unwrap_or(from)
        });
        let query = AvailabilityQuery {
            service: query.service.clone(),
            provider,
            from,
            to,
            now,
        };
        let mut booked = BookedLocks::new();
        for (provider, month) in lock_partitions(config, &query)? {
            booked.extend(self.locks.locks(&provider, month, now).await?);
        }
        Ok(availability(config, &query, &booked)?)
    }

    /// The free starts of `service` with any provider on `date`, as the site would offer them
    /// now (what the waiting list compares).
    pub async fn free_starts_on(
        &self,
        service: &str,
        date: NaiveDate,
    ) -> Result<Vec<DateTime<Utc>>, FreeSlotsError> {
        let query = SlotsQuery {
            service: service.to_owned(),
            provider: None,
            from: Some(date),
            to: Some(date),
        };
        Ok(self
            .free_slots(&query)
            .await?
            .into_iter()
            .flat_map(|day| {
                day.slots
                    .into_iter()
                    .map(|slot| slot.start.with_timezone(&Utc))
            })
            .collect())
    }
}
