//! Unit tests of `slot_lock`.

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
        meeting: crate::provider::Meeting::Manual,
        calendar: None,
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

#[test]
fn extending_with_runs_of_several_providers_keeps_each_lock_with_its_own() {
    let (a, b) = (provider(20), ProviderId::parse("other").unwrap());
    let lock = |p: &ProviderId, h, m| SlotLock {
        provider: p.clone(),
        start: at(h, m),
    };
    let mut booked = BookedLocks::new();
    booked.extend([lock(&a.id, 8, 0), lock(&a.id, 8, 20), lock(&b, 9, 0)]);
    booked.extend([lock(&b, 9, 20), lock(&a.id, 10, 0), lock(&a.id, 8, 0)]);
    for (p, h, m) in [
        (&a.id, 8, 0),
        (&a.id, 8, 20),
        (&b, 9, 0),
        (&b, 9, 20),
        (&a.id, 10, 0),
    ] {
        assert!(booked.is_held(p, at(h, m)), "{p:?} {h}:{m}");
    }
    for (p, h, m) in [(&b, 8, 0), (&a.id, 9, 0), (&a.id, 9, 20), (&b, 10, 0)] {
        assert!(!booked.is_held(p, at(h, m)), "{p:?} {h}:{m}");
    }
}
