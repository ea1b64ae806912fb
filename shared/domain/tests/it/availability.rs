//! Availability on the sample configuration and on purpose-built ones: working hours,
//! breaks, closures, notice, horizon, bookings, any provider, and daylight-saving days.

use crate::support::{athens, date, sample, with_plans};
use chrono::{Duration, Timelike, Utc};
use rantevou_domain::availability::{check_slot, lock_partitions, AvailabilityError, SlotError};
use rantevou_domain::slot_lock::locks_for;
use rantevou_domain::{
    availability, AvailabilityQuery, BookedLocks, LibraryConfig, ProviderChoice, ProviderId,
};

fn query(
    config: &LibraryConfig,
    provider: ProviderChoice,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    now: chrono::DateTime<Utc>,
) -> AvailabilityQuery {
    AvailabilityQuery {
        service: config.services[0].id.to_string(),
        provider,
        from,
        to,
        now,
    }
}

fn sip() -> ProviderChoice {
    ProviderChoice::One(ProviderId::parse("sip").unwrap())
}

fn local_times(day: &rantevou_domain::DayAvailability) -> Vec<String> {
    day.slots
        .iter()
        .map(|s| s.start.format("%H:%M%:z").to_string())
        .collect()
}

#[test]
fn a_working_day_offers_eighteen_slots_from_0900_to_1440() {
    let config = sample();
    let now = athens(2026, 11, 28, 10, 0, 2);
    let days = availability(
        &config,
        &query(&config, sip(), date(2026, 12, 1), date(2026, 12, 1), now),
        &BookedLocks::new(),
    )
    .unwrap();
    let times = local_times(&days[0]);
    assert_eq!(times.len(), 18);
    assert_eq!(times.first().map(String::as_str), Some("09:00+02:00"));
    assert_eq!(times.last().map(String::as_str), Some("14:40+02:00"));
    let slot = &days[0].slots[0];
    assert_eq!(slot.end - slot.start, Duration::minutes(20));
    assert_eq!(slot.providers, vec![ProviderId::parse("sip").unwrap()]);
}

#[test]
fn every_date_of_the_range_appears_and_closed_days_are_empty() {
    let config = sample();
    let now = athens(2026, 11, 28, 10, 0, 2);
    let days = availability(
        &config,
        &query(
            &config,
            ProviderChoice::Any,
            date(2026, 12, 19),
            date(2026, 12, 27),
            now,
        ),
        &BookedLocks::new(),
    )
    .unwrap();
    let counts: Vec<(u32, usize)> = days
        .iter()
        .map(|d| (chrono::Datelike::day(&d.date), d.slots.len()))
        .collect();
    // 19–20 weekend, 21–23 open, 24 onwards Christmas break (and 25–26 holidays).
    assert_eq!(
        counts,
        vec![
            (19, 0),
            (20, 0),
            (21, 18),
            (22, 18),
            (23, 18),
            (24, 0),
            (25, 0),
            (26, 0),
            (27, 0)
        ]
    );
}

#[test]
fn greek_holidays_close_the_library() {
    let config = sample();
    let now = athens(2027, 4, 1, 10, 0, 3);
    // Good Friday 2027 is 30 April; also inside the configured Easter break. Clean Monday 2027-03-15.
    let days = availability(
        &config,
        &query(&config, sip(), date(2027, 4, 19), date(2027, 4, 23), now),
        &BookedLocks::new(),
    )
    .unwrap();
    assert!(days.iter().all(|d| d.slots.len() == 18), "an ordinary week");
    let now = athens(2027, 3, 1, 10, 0, 2);
    let days = availability(
        &config,
        &query(&config, sip(), date(2027, 3, 15), date(2027, 3, 16), now),
        &BookedLocks::new(),
    )
    .unwrap();
    assert_eq!(
        (days[0].slots.len(), days[1].slots.len()),
        (0, 18),
        "Clean Monday closed"
    );
}

#[test]
fn minimum_notice_hides_slots_starting_within_two_hours() {
    let config = sample();
    let now = athens(2026, 12, 1, 9, 5, 2);
    let days = availability(
        &config,
        &query(&config, sip(), date(2026, 12, 1), date(2026, 12, 1), now),
        &BookedLocks::new(),
    )
    .unwrap();
    assert_eq!(
        local_times(&days[0]).first().map(String::as_str),
        Some("11:20+02:00")
    );
    let now = athens(2026, 12, 1, 9, 0, 2);
    let days = availability(
        &config,
        &query(&config, sip(), date(2026, 12, 1), date(2026, 12, 1), now),
        &BookedLocks::new(),
    )
    .unwrap();
    assert_eq!(
        local_times(&days[0]).first().map(String::as_str),
        Some("11:00+02:00"),
        "exactly two hours is enough"
    );
}

#[test]
fn nothing_is_offered_past_the_horizon() {
    let config = sample();
    let now = athens(2027, 1, 11, 12, 0, 2); // Monday; +60 days = Friday 12 March 2027
    let days = availability(
        &config,
        &query(&config, sip(), date(2027, 3, 11), date(2027, 3, 16), now),
        &BookedLocks::new(),
    )
    .unwrap();
    let counts: Vec<usize> = days.iter().map(|d| d.slots.len()).collect();
    assert_eq!(counts, vec![18, 18, 0, 0, 0, 0]);
}

#[test]
fn booked_locks_remove_exactly_their_slots() {
    let config = sample();
    let provider = &config.providers[0];
    let now = athens(2026, 11, 28, 10, 0, 2);
    let taken = athens(2026, 12, 1, 10, 40, 2);
    let booked: BookedLocks = locks_for(provider, taken, config.services[0].occupied())
        .into_iter()
        .collect();
    let days = availability(
        &config,
        &query(&config, sip(), date(2026, 12, 1), date(2026, 12, 1), now),
        &booked,
    )
    .unwrap();
    let times = local_times(&days[0]);
    assert_eq!(times.len(), 17);
    assert!(!times.contains(&"10:40+02:00".to_string()));
    assert!(
        times.contains(&"10:20+02:00".to_string()) && times.contains(&"11:00+02:00".to_string())
    );
}

#[test]
fn breaks_split_the_grid_and_slots_restart_after_them() {
    let config = with_plans(30, 30, 0, &[("ana", "tuesday = { start = \"09:00\", end = \"13:00\", breaks = [{ start = \"10:15\", end = \"10:45\" }] }")], "", 0, 60);
    let now = athens(2026, 11, 28, 10, 0, 2);
    let days = availability(
        &config,
        &query(
            &config,
            ProviderChoice::Any,
            date(2026, 12, 1),
            date(2026, 12, 1),
            now,
        ),
        &BookedLocks::new(),
    )
    .unwrap();
    assert_eq!(
        local_times(&days[0]),
        ["09:00", "09:30", "10:45", "11:15", "11:45", "12:15"].map(|t| format!("{t}+02:00"))
    );
}

#[test]
fn a_buffer_keeps_time_free_after_each_booking() {
    let config = with_plans(
        20,
        20,
        10,
        &[("ana", "tuesday = { start = \"09:00\", end = \"11:00\" }")],
        "",
        0,
        60,
    );
    let provider = &config.providers[0];
    let service = &config.services[0];
    assert_eq!(provider.lock_minutes, 10);
    let now = athens(2026, 11, 28, 10, 0, 2);
    let booked: BookedLocks =
        locks_for(provider, athens(2026, 12, 1, 9, 40, 2), service.occupied())
            .into_iter()
            .collect();
    let days = availability(
        &config,
        &query(
            &config,
            ProviderChoice::Any,
            date(2026, 12, 1),
            date(2026, 12, 1),
            now,
        ),
        &booked,
    )
    .unwrap();
    // 09:40 booked with its buffer to 10:10: 09:20 (its buffer would reach 09:50) and 10:00 are gone.
    assert_eq!(
        local_times(&days[0]),
        ["09:00", "10:20", "10:40"].map(|t| format!("{t}+02:00"))
    );
}

#[test]
fn any_provider_lists_who_is_free_for_each_slot() {
    let plan = "tuesday = { start = \"09:00\", end = \"10:00\" }";
    let config = with_plans(20, 20, 0, &[("ana", plan), ("bo", plan)], "", 0, 60);
    let now = athens(2026, 11, 28, 10, 0, 2);
    let ana = &config.providers[0];
    let booked: BookedLocks = locks_for(
        ana,
        athens(2026, 12, 1, 9, 20, 2),
        config.services[0].occupied(),
    )
    .into_iter()
    .collect();
    let days = availability(
        &config,
        &query(
            &config,
            ProviderChoice::Any,
            date(2026, 12, 1),
            date(2026, 12, 1),
            now,
        ),
        &booked,
    )
    .unwrap();
    let who: Vec<Vec<&str>> = days[0]
        .slots
        .iter()
        .map(|s| s.providers.iter().map(ProviderId::as_str).collect())
        .collect();
    assert_eq!(who, vec![vec!["ana", "bo"], vec!["bo"], vec!["ana", "bo"]]);
}

#[test]
fn spring_forward_skips_the_missing_hour() {
    // Last Sunday of March 2027 (28th): at 03:00 EET the clocks go to 04:00 EEST.
    let config = with_plans(
        20,
        20,
        0,
        &[("night", "sunday = { start = \"01:00\", end = \"06:00\" }")],
        "greek_public_holidays = false",
        0,
        60,
    );
    let now = athens(2027, 3, 20, 10, 0, 2);
    let days = availability(
        &config,
        &query(
            &config,
            ProviderChoice::Any,
            date(2027, 3, 28),
            date(2027, 3, 28),
            now,
        ),
        &BookedLocks::new(),
    )
    .unwrap();
    let times = local_times(&days[0]);
    // 01:00–06:00 on the wall clock is four real hours: twelve 20-minute slots, none at 03:xx.
    assert_eq!(times.len(), 12, "{times:?}");
    assert_eq!(
        times[..6],
        [
            "01:00+02:00",
            "01:20+02:00",
            "01:40+02:00",
            "02:00+02:00",
            "02:20+02:00",
            "02:40+02:00"
        ]
    );
    assert_eq!(
        times[6..],
        [
            "04:00+03:00",
            "04:20+03:00",
            "04:40+03:00",
            "05:00+03:00",
            "05:20+03:00",
            "05:40+03:00"
        ]
    );
    for s in &days[0].slots {
        assert_eq!(s.end - s.start, Duration::minutes(20));
    }
}

#[test]
fn fall_back_offers_the_repeated_hour_twice() {
    // Last Sunday of October 2026 (25th): at 04:00 EEST the clocks go back to 03:00 EET.
    let config = with_plans(
        20,
        20,
        0,
        &[("night", "sunday = { start = \"02:00\", end = \"05:00\" }")],
        "greek_public_holidays = false",
        0,
        60,
    );
    let now = athens(2026, 10, 20, 10, 0, 3);
    let days = availability(
        &config,
        &query(
            &config,
            ProviderChoice::Any,
            date(2026, 10, 25),
            date(2026, 10, 25),
            now,
        ),
        &BookedLocks::new(),
    )
    .unwrap();
    let times = local_times(&days[0]);
    // 02:00–05:00 on the wall clock is four real hours: 03:00–03:40 happens twice.
    assert_eq!(times.len(), 12, "{times:?}");
    assert_eq!(
        times,
        [
            "02:00+03:00",
            "02:20+03:00",
            "02:40+03:00",
            "03:00+03:00",
            "03:20+03:00",
            "03:40+03:00",
            "03:00+02:00",
            "03:20+02:00",
            "03:40+02:00",
            "04:00+02:00",
            "04:20+02:00",
            "04:40+02:00"
        ]
    );
    // Every slot is a distinct instant, 20 real minutes after the previous one.
    for pair in days[0].slots.windows(2) {
        assert_eq!(pair[1].start - pair[0].start, Duration::minutes(20));
    }
}

#[test]
fn ordinary_days_around_the_switch_keep_their_offsets() {
    let config = sample();
    let now = athens(2027, 3, 20, 10, 0, 2);
    let days = availability(
        &config,
        &query(&config, sip(), date(2027, 3, 26), date(2027, 3, 29), now),
        &BookedLocks::new(),
    )
    .unwrap();
    assert_eq!(local_times(&days[0])[0], "09:00+02:00");
    assert_eq!(local_times(&days[3])[0], "09:00+03:00");
    assert_eq!(days[3].slots[0].start.with_timezone(&Utc).hour(), 6);
}

#[test]
fn bad_queries_are_refused_with_a_reason() {
    let config = sample();
    let now = athens(2026, 11, 28, 10, 0, 2);
    let mut q = query(&config, sip(), date(2026, 12, 10), date(2026, 12, 1), now);
    assert_eq!(
        availability(&config, &q, &BookedLocks::new()),
        Err(AvailabilityError::RangeReversed)
    );
    q.from = date(2026, 12, 1);
    q.to = date(2027, 2, 1);
    assert_eq!(
        availability(&config, &q, &BookedLocks::new()),
        Err(AvailabilityError::RangeTooLong(63))
    );
    q.to = date(2027, 1, 31);
    assert!(
        availability(&config, &q, &BookedLocks::new()).is_ok(),
        "62 days are allowed"
    );
    q.provider = ProviderChoice::One(ProviderId::parse("nobody").unwrap());
    assert_eq!(
        availability(&config, &q, &BookedLocks::new()),
        Err(AvailabilityError::UnknownProvider("nobody".into()))
    );
    q.provider = sip();
    q.service = "chess".into();
    assert_eq!(
        availability(&config, &q, &BookedLocks::new()),
        Err(AvailabilityError::UnknownService("chess".into()))
    );
}

#[test]
fn lock_partitions_cover_each_provider_month_of_the_range() {
    let plan = "tuesday = { start = \"09:00\", end = \"10:00\" }";
    let config = with_plans(20, 20, 0, &[("ana", plan), ("bo", plan)], "", 0, 60);
    let now = athens(2026, 11, 28, 10, 0, 2);
    // 1 Dec 00:00 Athens is 30 Nov 22:00 UTC, so November's partition is needed too.
    let q = query(
        &config,
        ProviderChoice::Any,
        date(2026, 12, 1),
        date(2026, 12, 31),
        now,
    );
    let parts: Vec<String> = lock_partitions(&config, &q)
        .unwrap()
        .iter()
        .map(|(p, m)| format!("{p}#{m}"))
        .collect();
    assert_eq!(
        parts,
        ["ana#2026-11", "ana#2026-12", "bo#2026-11", "bo#2026-12"]
    );
}

#[test]
fn check_slot_accepts_offered_starts_only() {
    let config = sample();
    let (service, provider) = (&config.services[0], &config.providers[0]);
    let now = athens(2026, 11, 28, 10, 0, 2);
    let slot = check_slot(
        &config,
        service,
        provider,
        athens(2026, 12, 1, 9, 0, 2),
        now,
    )
    .unwrap();
    assert_eq!(slot.locks.len(), 1);
    assert_eq!(slot.provider.id, provider.id);
    assert_eq!(
        check_slot(
            &config,
            service,
            provider,
            athens(2026, 12, 1, 9, 10, 2),
            now
        ),
        Err(SlotError::NotOffered)
    );
    assert_eq!(
        check_slot(
            &config,
            service,
            provider,
            athens(2026, 12, 1, 15, 0, 2),
            now
        ),
        Err(SlotError::NotOffered)
    );
    assert_eq!(
        check_slot(
            &config,
            service,
            provider,
            athens(2026, 12, 25, 9, 0, 2),
            now
        ),
        Err(SlotError::NotOffered)
    );
    assert_eq!(
        check_slot(
            &config,
            service,
            provider,
            athens(2026, 11, 30, 9, 0, 2),
            now + Duration::days(2)
        ),
        Err(SlotError::TooSoon)
    );
    assert_eq!(
        check_slot(&config, service, provider, athens(2027, 2, 1, 9, 0, 2), now),
        Err(SlotError::BeyondHorizon)
    );
}

#[test]
fn offers_lists_every_provider_free_by_the_rules_in_order_or_the_first_reason() {
    use rantevou_domain::availability::{offers, resolve};
    use rantevou_domain::ProviderChoice;
    // `a` works mornings, `b` all day: at 09:00 both, at 14:00 only `b`, at 09:10 neither.
    let config = with_plans(
        20,
        20,
        0,
        &[
            ("a", "monday = { start = \"09:00\", end = \"12:00\" }"),
            ("b", "monday = { start = \"09:00\", end = \"17:00\" }"),
        ],
        "greek_public_holidays = false",
        0,
        60,
    );
    let (service, providers) = resolve(&config, "svc", &ProviderChoice::Any).unwrap();
    let now = athens(2026, 11, 28, 10, 0, 2);
    let ids = |start| -> Vec<String> {
        offers(&config, service, &providers, start, now)
            .unwrap()
            .iter()
            .map(|s| s.provider.id.to_string())
            .collect()
    };
    assert_eq!(ids(athens(2026, 11, 30, 9, 0, 2)), ["a", "b"]);
    assert_eq!(ids(athens(2026, 11, 30, 14, 0, 2)), ["b"]);
    assert_eq!(
        offers(
            &config,
            service,
            &providers,
            athens(2026, 11, 30, 9, 10, 2),
            now
        ),
        Err(SlotError::NotOffered)
    );
    assert_eq!(
        ProviderChoice::parse(Some("")),
        Some(ProviderChoice::Any),
        "an empty provider means any, for listing and booking alike"
    );
    assert_eq!(
        ProviderChoice::parse(Some("any")),
        Some(ProviderChoice::Any)
    );
    assert_eq!(ProviderChoice::parse(Some("no such id!")), None);
}

#[test]
fn a_closure_of_some_hours_takes_only_the_times_that_touch_it() {
    use rantevou_domain::closure::{ClosedHours, StaffClosure};
    let base = sample();
    let hours = ClosedHours::new(
        chrono::NaiveTime::from_hms_opt(10, 10, 0).unwrap(),
        chrono::NaiveTime::from_hms_opt(12, 0, 0).unwrap(),
    );
    let mut rng = rand::rngs::OsRng;
    let closure = StaffClosure::new(
        "Συνέλευση",
        date(2026, 12, 1),
        date(2026, 12, 1),
        hours,
        &mut rng,
    )
    .unwrap();
    let config = base.with_staff_closures(std::slice::from_ref(&closure));
    let now = athens(2026, 11, 28, 10, 0, 2);
    let days = availability(
        &config,
        &query(&config, sip(), date(2026, 12, 1), date(2026, 12, 2), now),
        &BookedLocks::new(),
    )
    .unwrap();
    let times = local_times(&days[0]);
    // 10:00–10:20 touches 10:10; 11:40–12:00 ends as it ends; 12:00 starts as it ends.
    assert!(times.contains(&"09:40+02:00".to_owned()));
    assert!(!times.contains(&"10:00+02:00".to_owned()));
    assert!(!times.contains(&"11:40+02:00".to_owned()));
    assert!(times.contains(&"12:00+02:00".to_owned()));
    assert_eq!(times.len(), 18 - 6, "10:00 … 11:40 are taken out");
    assert_eq!(local_times(&days[1]).len(), 18, "the next day is whole");
    // Booking a closed time is refused the same way; an open one on that day is offered.
    let service = &config.services[0];
    let provider = &config.providers[0];
    let at = |h, m| athens(2026, 12, 1, h, m, 2);
    assert_eq!(
        check_slot(&config, service, provider, at(11, 0), now).err(),
        Some(SlotError::NotOffered)
    );
    assert!(check_slot(&config, service, provider, at(12, 0), now).is_ok());
    // A closure of hours does not close the day (its other times stay).
    assert_eq!(config.closures.closed_on(date(2026, 12, 1)), None);
}

#[test]
fn a_dated_exception_gives_its_date_other_hours_or_a_day_off() {
    let exceptions = "\n[providers.exceptions]\n\"2026-12-18\" = { start = \"09:00\", end = \"13:00\" }\n\"2026-12-17\" = { off = true }\n\"2026-12-19\" = { start = \"10:00\", end = \"14:00\", breaks = [{ start = \"12:00\", end = \"12:20\" }] }\n";
    let source = rantevou_testkit::SAMPLE_TOML.replacen(
        "[providers.working_plan]",
        &format!("{exceptions}\n[providers.working_plan]"),
        1,
    );
    let config = LibraryConfig::from_toml_str(&source).unwrap();
    let now = athens(2026, 12, 1, 10, 0, 2);
    let days = availability(
        &config,
        &query(&config, sip(), date(2026, 12, 16), date(2026, 12, 19), now),
        &BookedLocks::new(),
    )
    .unwrap();
    assert_eq!(local_times(&days[0]).len(), 18, "an ordinary Wednesday");
    assert!(days[1].slots.is_empty(), "Thursday 17th: the day off");
    let friday = local_times(&days[2]);
    assert_eq!(
        (friday.len(), friday.last().map(String::as_str)),
        (12, Some("12:40+02:00"))
    );
    assert_eq!(
        local_times(&days[3]),
        [
            "10:00", "10:20", "10:40", "11:00", "11:20", "11:40", "12:20", "12:40", "13:00",
            "13:20", "13:40"
        ]
        .map(|t| format!("{t}+02:00")),
        "a Saturday worked, its grid restarting after the break"
    );
}
