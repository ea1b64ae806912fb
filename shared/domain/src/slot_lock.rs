//! Slot locks: the grid units of a provider's time that an appointment holds.
//!
//! The store writes an appointment together with its locks, each conditional on being new,
//! so two appointments can never hold the same unit: that is the double-booking guard.

use crate::ids::ProviderId;
use crate::provider::Provider;
use crate::service::Service;
use crate::working_plan::WorkingPlan;
use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use std::collections::HashMap;
use std::fmt;

/// The most locks one appointment may hold: DynamoDB writes at most 100 items in one
/// transaction, and a booking also writes the appointment and its idempotency key.
pub const MAX_LOCKS_PER_APPOINTMENT: u32 = 98;

/// One unit of one provider's time, starting at `start` and lasting the provider's lock unit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SlotLock {
    /// Whose time.
    pub provider: ProviderId,
    /// Start of the unit (aligned to the unit, counted from the Unix epoch).
    pub start: DateTime<Utc>,
}

impl SlotLock {
    /// The month partition the lock is stored under (UTC calendar month).
    pub fn month(&self) -> LockMonth {
        LockMonth::of(self.start)
    }
}

/// A calendar month (UTC) of lock partitions: the store keeps each provider's locks by month so
/// that availability for a month is one query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LockMonth {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
}

impl LockMonth {
    /// The month `instant` falls in (UTC).
    pub fn of(instant: DateTime<Utc>) -> Self {
        LockMonth {
            year: instant.year(),
            month: instant.month(),
        }
    }

    /// The month after this one.
    pub fn next(self) -> Self {
        if self.month == 12 {
            LockMonth {
                year: self.year + 1,
                month: 1,
            }
        } else {
            LockMonth {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// First instant of the month (UTC).
    pub fn start(self) -> Option<DateTime<Utc>> {
        Utc.with_ymd_and_hms(self.year, self.month, 1, 0, 0, 0)
            .single()
    }

    /// Every month that `[from, to)` touches, in order.
    pub fn spanning(from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<LockMonth> {
        let mut months = vec![LockMonth::of(from)];
        let last = LockMonth::of(to - Duration::nanoseconds(1));
        while let Some(&m) = months.last() {
            if m >= last {
                break;
            }
            months.push(m.next());
        }
        months
    }
}

impl fmt::Display for LockMonth {
    /// `2026-12`, as used in the store's partition key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The locks an appointment of `occupied` length (duration + buffer) starting at `start` holds:
/// every lock unit of `provider` that the span `[start, start + occupied)` touches.
pub fn locks_for(provider: &Provider, start: DateTime<Utc>, occupied: Duration) -> Vec<SlotLock> {
    let unit = i64::from(provider.lock_minutes.max(1)) * 60;
    let first = start.timestamp().div_euclid(unit) * unit;
    let end = (start + occupied).timestamp();
    (0..)
        .map(|k| first + k * unit)
        .take_while(|&t| t < end)
        .filter_map(|t| DateTime::from_timestamp(t, 0))
        .map(|start| SlotLock {
            provider: provider.id.clone(),
            start,
        })
        .collect()
}

/// Two appointments conflict exactly when their lock sets intersect.
pub fn conflict(a: &[SlotLock], b: &[SlotLock]) -> bool {
    a.iter().any(|lock| b.contains(lock))
}

/// The locks already held, grouped per provider for fast look-ups while computing availability.
#[derive(Debug, Clone, Default)]
pub struct BookedLocks {
    /// Each provider's held units' Unix seconds, ascending, each once.
    by_provider: HashMap<ProviderId, Vec<i64>>,
}

impl BookedLocks {
    /// No locks held.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one held lock.
    pub fn insert(&mut self, lock: SlotLock) {
        let held = self.by_provider.entry(lock.provider).or_default();
        let secs = lock.start.timestamp();
        if let Err(at) = held.binary_search(&secs) {
            held.insert(at, secs);
        }
    }

    /// Whether any of `locks` is held.
    pub fn any_held(&self, locks: &[SlotLock]) -> bool {
        locks.iter().any(|l| self.is_held(&l.provider, l.start))
    }

    /// Whether any lock an appointment of `occupied` length at `start` would need from
    /// `provider` is held (the same units as [`locks_for`], without building them).
    pub fn holds_any(&self, provider: &Provider, start: DateTime<Utc>, occupied: Duration) -> bool {
        self.of(provider).holds_any(start, occupied)
    }

    /// The locks held on one provider's time, for checking many starts in a row.
    pub fn of<'a>(&'a self, provider: &'a Provider) -> ProviderLocks<'a> {
        ProviderLocks {
            held: self.by_provider.get(&provider.id).map(Vec::as_slice),
            unit: i64::from(provider.lock_minutes.max(1)) * 60,
        }
    }

    /// Whether `provider`'s unit starting at `start` is held.
    pub fn is_held(&self, provider: &ProviderId, start: DateTime<Utc>) -> bool {
        self.by_provider
            .get(provider)
            .is_some_and(|held| held.binary_search(&start.timestamp()).is_ok())
    }
}

/// The locks held on one provider's time (see [`BookedLocks::of`]).
#[derive(Debug, Clone, Copy)]
pub struct ProviderLocks<'a> {
    held: Option<&'a [i64]>,
    unit: i64,
}

impl ProviderLocks<'_> {
    /// Whether any lock unit that `[start, start + occupied)` touches is held.
    pub fn holds_any(&self, start: DateTime<Utc>, occupied: Duration) -> bool {
        self.holds_any_secs(start.timestamp(), occupied.num_seconds())
    }

    /// [`ProviderLocks::holds_any`] on Unix seconds, for the availability loop.
    pub(crate) fn holds_any_secs(&self, start: i64, occupied: i64) -> bool {
        let Some(held) = self.held else {
            return false;
        };
        let first = start.div_euclid(self.unit) * self.unit;
        let end = start + occupied;
        // The first held unit at or after `first`, if it begins before `end`.
        let next = held.partition_point(|&t| t < first);
        first < end && held.get(next).is_some_and(|&t| t < end)
    }
}

impl FromIterator<SlotLock> for BookedLocks {
    fn from_iter<I: IntoIterator<Item = SlotLock>>(iter: I) -> Self {
        let mut booked = BookedLocks::new();
        booked.extend(iter);
        booked
    }
}

impl Extend<SlotLock> for BookedLocks {
    /// One provider's look-up per run of its locks and one sort per provider at the end (a
    /// month's read is one provider's, and a calendar's busy units make it thousands long).
    fn extend<I: IntoIterator<Item = SlotLock>>(&mut self, iter: I) {
        let mut touched: Vec<ProviderId> = Vec::new();
        let mut run: Option<(ProviderId, &mut Vec<i64>)> = None;
        for lock in iter {
            match &mut run {
                Some((provider, held)) if *provider == lock.provider => {
                    held.push(lock.start.timestamp());
                }
                _ => {
                    if !touched.contains(&lock.provider) {
                        touched.push(lock.provider.clone());
                    }
                    let held = self.by_provider.entry(lock.provider.clone()).or_default();
                    held.push(lock.start.timestamp());
                    run = Some((lock.provider, held));
                }
            }
        }
        for provider in touched {
            if let Some(held) = self.by_provider.get_mut(&provider) {
                if !held.windows(2).all(|w| w[0] < w[1]) {
                    held.sort_unstable();
                    held.dedup();
                }
            }
        }
    }
}

/// A provider's lock unit (see [`Provider::lock_minutes`]): the largest that divides the
/// durations, grids and buffers of its services, the starts of its stretches of work, and the
/// hour, so that two appointments conflict exactly when their lock sets intersect.
pub fn lock_unit(id: &ProviderId, plan: &WorkingPlan, services: &[Service]) -> u32 {
    let mut unit = 60;
    for s in services.iter().filter(|s| s.is_offered_by(id)) {
        unit = gcd(unit, s.duration_minutes);
        unit = gcd(unit, s.grid_minutes);
        unit = gcd(unit, s.buffer_minutes);
    }
    for start in plan.segment_start_minutes() {
        unit = gcd(unit, start);
    }
    unit.max(1)
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

#[cfg(test)]
#[path = "tests/slot_lock.rs"]
mod tests;
