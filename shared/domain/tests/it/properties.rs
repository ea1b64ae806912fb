//! Property tests of availability: for random schedules, services, closures, bookings and
//! clocks, no offered slot breaks a rule, and booking an offered slot removes exactly the
//! slots that would overlap it.

use crate::support::{date, with_plans};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use proptest::prelude::*;
use rantevou_domain::slot_lock::locks_for;
use rantevou_domain::working_plan::TimeRange;
use rantevou_domain::{
    availability, AvailabilityQuery, BookedLocks, LibraryConfig, ProviderChoice,
};

/// A random working day: start on the quarter hour, 2–9 hours long, up to two breaks.
#[derive(Debug, Clone)]
struct Day {
    start: u32,
    end: u32,
    breaks: Vec<(u32, u32)>,
}

fn hhmm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn day_strategy() -> impl Strategy<Value = Day> {
    (
        28u32..48,
        8u32..36,
        proptest::collection::vec((1u32..30, 1u32..5), 0..3),
    )
        .prop_map(|(start_q, len_q, raw_breaks)| {
            let start = start_q * 15;
            let end = start + len_q * 15;
            let mut breaks = Vec::new();
            for (offset_q, len) in raw_breaks {
                let b_start = start + offset_q * 15;
                let b_end = b_start + len * 10;
                if b_end < end && breaks.iter().all(|&(s, e)| b_end <= s || b_start >= e) {
                    breaks.push((b_start, b_end));
                }
            }
            Day { start, end, breaks }
        })
}

fn plan_toml(days: &[(usize, Day)]) -> String {
    use rantevou_domain::working_plan::WEEKDAY_NAMES as NAMES;
    let mut seen = std::collections::HashSet::new();
    let mut out = String::new();
    for (weekday, day) in days {
        if !seen.insert(*weekday) {
            continue;
        }
        let breaks: Vec<String> = day
            .breaks
            .iter()
            .map(|(s, e)| format!("{{ start = \"{}\", end = \"{}\" }}", hhmm(*s), hhmm(*e)))
            .collect();
        out.push_str(&format!(
            "{} = {{ start = \"{}\", end = \"{}\", breaks = [{}] }}\n",
            NAMES[*weekday],
            hhmm(day.start),
            hhmm(day.end),
            breaks.join(", ")
        ));
    }
    out
}

#[derive(Debug, Clone)]
struct Scenario {
    config: LibraryConfig,
    from: NaiveDate,
    now: DateTime<Utc>,
    bookings: Vec<(usize, usize)>,
    pick: usize,
}

fn scenario() -> impl Strategy<Value = Scenario> {
    let grid = prop_oneof![Just(10u32), Just(15), Just(20), Just(30)];
    (
        grid,
        1u32..4,
        prop_oneof![Just(0u32), Just(5), Just(10), Just(20)],
        proptest::collection::vec((0usize..7, day_strategy()), 1..6),
        proptest::collection::vec((0usize..7, day_strategy()), 1..6),
        proptest::collection::vec(0u32..20, 0..3),
        0u32..(24 * 60 * 3),
        0u32..300,
        3u32..25,
        (
            proptest::collection::vec((0usize..2, 0usize..400), 0..30),
            any::<usize>(),
        ),
    )
        .prop_map(
            |(
                grid,
                k,
                buffer,
                plan_a,
                plan_b,
                closed,
                now_offset,
                notice,
                horizon,
                (bookings, pick),
            )| {
                let from = date(2026, 11, 2);
                let closed_dates: Vec<String> = closed
                    .iter()
                    .map(|d| {
                        format!(
                            "{{ name = \"c\", date = \"{}\" }}",
                            from + Duration::days(i64::from(*d))
                        )
                    })
                    .collect();
                let closures = format!(
                    "greek_public_holidays = true\ndates = [{}]",
                    closed_dates.join(", ")
                );
                let config = with_plans(
                    grid * k,
                    grid,
                    buffer,
                    &[("ana", &plan_toml(&plan_a)), ("bo", &plan_toml(&plan_b))],
                    &closures,
                    notice,
                    horizon,
                );
                // `now` somewhere in the three days before the range, in UTC.
                let now = from.and_hms_opt(0, 0, 0).unwrap().and_utc() - Duration::days(3)
                    + Duration::minutes(i64::from(now_offset));
                Scenario {
                    config,
                    from,
                    now,
                    bookings,
                    pick,
                }
            },
        )
}

/// Every booking the scenario asks for that is actually offered, made one by one.
fn book(s: &Scenario, query: &AvailabilityQuery) -> (BookedLocks, Vec<(String, DateTime<Utc>)>) {
    let service = &s.config.services[0];
    let mut booked = BookedLocks::new();
    let mut made = Vec::new();
    for &(p, index) in &s.bookings {
        let provider = &s.config.providers[p];
        let days = availability(&s.config, query, &booked).unwrap();
        let offered: Vec<DateTime<Utc>> = days
            .iter()
            .flat_map(|d| &d.slots)
            .filter(|slot| slot.providers.contains(&provider.id))
            .map(|slot| slot.start.with_timezone(&Utc))
            .collect();
        if offered.is_empty() {
            continue;
        }
        let start = offered[index % offered.len()];
        booked.extend(locks_for(provider, start, service.occupied()));
        made.push((provider.id.to_string(), start));
    }
    (booked, made)
}

fn overlaps(a: DateTime<Utc>, a_len: Duration, b: DateTime<Utc>, b_len: Duration) -> bool {
    a < b + b_len && b < a + a_len
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn no_offered_slot_breaks_a_rule(s in scenario()) {
        let config = &s.config;
        let tz = config.library.timezone;
        let service = &config.services[0];
        let query = AvailabilityQuery {
            service: "svc".into(),
            provider: ProviderChoice::Any,
            from: s.from,
            to: s.from + Duration::days(27),
            now: s.now,
        };
        let (booked, made) = book(&s, &query);
        let days = availability(config, &query, &booked).unwrap();
        prop_assert_eq!(days.len(), 28);
        let today = s.now.with_timezone(&tz).date_naive();
        for day in &days {
            for slot in &day.slots {
                let start = slot.start.with_timezone(&Utc);
                let local_start = slot.start.naive_local();
                let local_end = slot.end.naive_local();
                prop_assert_eq!(local_start.date(), day.date);
                prop_assert_eq!(slot.end - slot.start, service.duration());
                // Not before now + notice, not past the horizon.
                prop_assert!(start >= s.now + config.policy.min_notice());
                prop_assert!(day.date <= today + Duration::days(i64::from(config.policy.horizon_days)));
                // Not on a closed date.
                prop_assert!(config.closures.closed_on(day.date).is_none());
                for pid in &slot.providers {
                    let provider = config.provider(pid.as_str()).unwrap();
                    let wd = provider.working_plan.day(day.date.weekday());
                    prop_assert!(wd.is_some(), "offered on a day off");
                    let wd = wd.unwrap();
                    // Inside working hours (no DST switch in November) and outside every break.
                    let span = TimeRange { start: local_start.time(), end: local_end.time() };
                    prop_assert!(local_end.date() == day.date || local_end.time() == NaiveTime::MIN);
                    prop_assert!(wd.hours.contains(&span), "{:?} outside {:?}", span, wd.hours);
                    for b in &wd.breaks {
                        prop_assert!(!b.overlaps(&span), "{:?} overlaps break {:?}", span, b);
                    }
                    // On the grid, counted from the start of its stretch of work.
                    let segment = wd.segments().into_iter().find(|seg| seg.contains(&span));
                    prop_assert!(segment.is_some());
                    let offset = (local_start.time() - segment.unwrap().start).num_minutes();
                    prop_assert_eq!(offset % i64::from(service.grid_minutes), 0);
                    // Clear of every booking of this provider, buffers included.
                    for (who, other) in &made {
                        if who == pid.as_str() {
                            prop_assert!(!overlaps(start, service.occupied(), *other, service.occupied()));
                        }
                    }
                    prop_assert!(!booked.any_held(&locks_for(provider, start, service.occupied())));
                }
            }
        }
    }

    #[test]
    fn booking_an_offered_slot_removes_exactly_the_overlapping_ones(s in scenario()) {
        let config = &s.config;
        let service = &config.services[0];
        let query = AvailabilityQuery {
            service: "svc".into(),
            provider: ProviderChoice::Any,
            from: s.from,
            to: s.from + Duration::days(13),
            now: s.now,
        };
        let (mut booked, _) = book(&s, &query);
        let before = availability(config, &query, &booked).unwrap();
        let offered: Vec<(String, DateTime<Utc>)> = before
            .iter()
            .flat_map(|d| &d.slots)
            .flat_map(|slot| slot.providers.iter().map(|p| (p.to_string(), slot.start.with_timezone(&Utc))))
            .collect();
        prop_assume!(!offered.is_empty());
        let (who, start) = offered[s.pick % offered.len()].clone();
        let provider = config.provider(&who).unwrap();
        booked.extend(locks_for(provider, start, service.occupied()));
        let after = availability(config, &query, &booked).unwrap();
        let remaining: Vec<(String, DateTime<Utc>)> = after
            .iter()
            .flat_map(|d| &d.slots)
            .flat_map(|slot| slot.providers.iter().map(|p| (p.to_string(), slot.start.with_timezone(&Utc))))
            .collect();
        let expected: Vec<(String, DateTime<Utc>)> = offered
            .iter()
            .filter(|(p, t)| !(p == &who && overlaps(*t, service.occupied(), start, service.occupied())))
            .cloned()
            .collect();
        prop_assert_eq!(remaining, expected);
    }
}
