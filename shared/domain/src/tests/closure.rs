//! Unit tests of `closure`.

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn orthodox_easter_matches_known_dates() {
    for (year, m, day) in [
        (2021, 5, 2),
        (2024, 5, 5),
        (2025, 4, 20),
        (2026, 4, 12),
        (2027, 5, 2),
        (2028, 4, 16),
        (2029, 4, 8),
        (2030, 4, 28),
    ] {
        assert_eq!(orthodox_easter(year), Some(d(year, m, day)), "{year}");
    }
}

#[test]
fn movable_holidays_follow_easter() {
    // 2026: Easter 12 April.
    assert_eq!(greek_public_holiday(d(2026, 2, 23)), Some("Clean Monday"));
    assert_eq!(greek_public_holiday(d(2026, 4, 10)), Some("Good Friday"));
    assert_eq!(greek_public_holiday(d(2026, 4, 13)), Some("Easter Monday"));
    assert_eq!(greek_public_holiday(d(2026, 6, 1)), Some("Whit Monday"));
    // 2027: Easter 2 May.
    assert_eq!(greek_public_holiday(d(2027, 3, 15)), Some("Clean Monday"));
    assert_eq!(greek_public_holiday(d(2027, 4, 30)), Some("Good Friday"));
    assert_eq!(greek_public_holiday(d(2027, 5, 3)), Some("Easter Monday"));
    assert_eq!(greek_public_holiday(d(2027, 6, 21)), Some("Whit Monday"));
    // 2025 and 2028.
    assert_eq!(greek_public_holiday(d(2025, 4, 21)), Some("Easter Monday"));
    assert_eq!(greek_public_holiday(d(2028, 4, 17)), Some("Easter Monday"));
    assert_eq!(greek_public_holiday(d(2028, 2, 28)), Some("Clean Monday"));
}

#[test]
fn fixed_holidays_and_ordinary_days() {
    for (m, day) in [
        (1, 1),
        (1, 6),
        (3, 25),
        (5, 1),
        (8, 15),
        (10, 28),
        (12, 25),
        (12, 26),
    ] {
        assert!(greek_public_holiday(d(2026, m, day)).is_some(), "{m}-{day}");
    }
    assert_eq!(greek_public_holiday(d(2026, 12, 1)), None);
    assert_eq!(
        greek_public_holiday(d(2026, 4, 12)),
        None,
        "Easter Sunday itself is a Sunday, not listed"
    );
}

#[test]
fn closures_combine_holidays_annual_dates_and_periods() {
    let closures = Closures {
        greek_public_holidays: true,
        annual: vec![AnnualClosure {
            name: "Polytechnic uprising".into(),
            month: 11,
            day: 17,
        }],
        periods: vec![ClosedPeriod {
            name: "Christmas break".into(),
            from: d(2026, 12, 24),
            to: d(2027, 1, 6),
            hours: None,
        }],
    };
    assert_eq!(
        closures.closed_on(d(2026, 11, 17)),
        Some("Polytechnic uprising")
    );
    assert_eq!(closures.closed_on(d(2026, 12, 24)), Some("Christmas break"));
    assert_eq!(closures.closed_on(d(2026, 12, 25)), Some("Christmas Day"));
    assert_eq!(closures.closed_on(d(2026, 12, 31)), Some("Christmas break"));
    assert_eq!(closures.closed_on(d(2027, 1, 7)), None);
    let without_holidays = Closures {
        greek_public_holidays: false,
        ..Closures::default()
    };
    assert_eq!(without_holidays.closed_on(d(2026, 12, 25)), None);
}

#[test]
fn the_configured_closures_of_a_range_are_listed_by_date() {
    let closures = Closures {
        greek_public_holidays: true,
        annual: vec![AnnualClosure {
            name: "Polytechnic".into(),
            month: 11,
            day: 17,
        }],
        periods: vec![
            ClosedPeriod {
                name: "Christmas break".into(),
                from: d(2026, 12, 20),
                to: d(2027, 1, 7),
                hours: None,
            },
            ClosedPeriod {
                name: "Summer".into(),
                from: d(2027, 8, 1),
                to: d(2027, 8, 31),
                hours: None,
            },
        ],
    };
    let listed: Vec<(ClosureSource, NaiveDate, NaiveDate, String)> = closures
        .between(d(2026, 11, 1), d(2027, 1, 6))
        .into_iter()
        .map(|(s, p)| (s, p.from, p.to, p.name))
        .collect();
    assert_eq!(
        listed,
        vec![
            (
                ClosureSource::Annual,
                d(2026, 11, 17),
                d(2026, 11, 17),
                "Polytechnic".into()
            ),
            (
                ClosureSource::Period,
                d(2026, 12, 20),
                d(2027, 1, 7),
                "Christmas break".into()
            ),
            (
                ClosureSource::PublicHoliday,
                d(2026, 12, 25),
                d(2026, 12, 25),
                "Christmas Day".into()
            ),
            (
                ClosureSource::PublicHoliday,
                d(2026, 12, 26),
                d(2026, 12, 26),
                "Synaxis of the Mother of God".into()
            ),
            (
                ClosureSource::PublicHoliday,
                d(2027, 1, 1),
                d(2027, 1, 1),
                "New Year's Day".into()
            ),
            (
                ClosureSource::PublicHoliday,
                d(2027, 1, 6),
                d(2027, 1, 6),
                "Epiphany".into()
            ),
        ]
    );
    // Without the public holidays, only what the library configured.
    let own = Closures {
        greek_public_holidays: false,
        ..closures
    };
    assert_eq!(own.between(d(2026, 12, 21), d(2026, 12, 31)).len(), 1);
    assert!(own.between(d(2027, 2, 1), d(2027, 2, 28)).is_empty());
}
