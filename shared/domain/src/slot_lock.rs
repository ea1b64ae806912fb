//! Slot locks: the grid units of a provider's time that an appointment holds.
//!
//! The store writes an appointment together with its locks, each conditional on being new,
//! so two appointments can never hold the same unit: that is the double-booking guard.

use crate::ids::ProviderId;
use crate::provider::Provider;
use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use std::collections::{HashMap, HashSet};
use std::fmt;

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
    by_provider: HashMap<ProviderId, HashSet<i64>>,
}

impl BookedLocks {
    /// No locks held.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one held lock.
    pub fn insert(&mut self, lock: SlotLock) {
        self.by_provider
            .entry(lock.provider)
            .or_default()
            .insert(lock.start.timestamp());
    }

    /// Whether any of `locks` is held.
    pub fn any_held(&self, locks: &[SlotLock]) -> bool {
        locks.iter().any(|l| self.is_held(&l.provider, l.start))
    }

    /// Whether `provider`'s unit starting at `start` is held.
    pub fn is_held(&self, provider: &ProviderId, start: DateTime<Utc>) -> bool {
        self.by_provider
            .get(provider)
            .is_some_and(|set| set.contains(&start.timestamp()))
    }
}

impl FromIterator<SlotLock> for BookedLocks {
    fn from_iter<I: IntoIterator<Item = SlotLock>>(iter: I) -> Self {
        let mut booked = BookedLocks::new();
        for lock in iter {
            booked.insert(lock);
        }
        booked
    }
}

impl Extend<SlotLock> for BookedLocks {
    fn extend<I: IntoIterator<Item = SlotLock>>(&mut self, iter: I) {
        for lock in iter {
            self.insert(lock);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::Localized;
    use crate::working_plan::WorkingPlan;

    fn provider(lock_minutes: u32) -> Provider {
        Provider {
            id: ProviderId::parse("sip").unwrap(),
            name: Localized::new("x", "x"),
            email: "sip@example.org".into(),
            working_plan: WorkingPlan::default(),
            lock_minutes,
        }
    }

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, h, m, 0).unwrap()
    }

    #[test]
    fn a_twenty_minute_appointment_on_a_twenty_minute_unit_holds_one_lock() {
        let locks = locks_for(&provider(20), at(7, 40), Duration::minutes(20));
        assert_eq!(locks.len(), 1);
        assert_eq!(locks[0].start, at(7, 40));
    }

    #[test]
    fn duration_plus_buffer_holds_every_unit_it_covers() {
        let locks = locks_for(&provider(10), at(7, 0), Duration::minutes(30 + 10));
        let starts: Vec<_> = locks.iter().map(|l| l.start).collect();
        assert_eq!(starts, vec![at(7, 0), at(7, 10), at(7, 20), at(7, 30)]);
    }

    #[test]
    fn partly_overlapping_appointments_conflict_and_adjacent_ones_do_not() {
        let p = provider(10);
        let a = locks_for(&p, at(7, 0), Duration::minutes(30));
        let b = locks_for(&p, at(7, 20), Duration::minutes(20));
        let c = locks_for(&p, at(7, 30), Duration::minutes(20));
        assert!(conflict(&a, &b));
        assert!(!conflict(&a, &c));
        assert!(conflict(&b, &c));
    }

    #[test]
    fn months_spanned_by_a_range() {
        let from = Utc.with_ymd_and_hms(2026, 11, 30, 22, 0, 0).unwrap();
        let to = Utc.with_ymd_and_hms(2027, 2, 1, 0, 0, 0).unwrap();
        let months: Vec<String> = LockMonth::spanning(from, to)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(months, ["2026-11", "2026-12", "2027-01"]);
    }

    #[test]
    fn booked_locks_answer_per_provider() {
        let p = provider(20);
        let booked: BookedLocks = locks_for(&p, at(8, 0), Duration::minutes(20))
            .into_iter()
            .collect();
        assert!(booked.is_held(&p.id, at(8, 0)));
        assert!(!booked.is_held(&p.id, at(8, 20)));
        assert!(!booked.is_held(&ProviderId::parse("other").unwrap(), at(8, 0)));
    }
}
