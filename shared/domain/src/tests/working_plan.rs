//! Unit tests of `working_plan`.

use super::*;

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn range(a: (u32, u32), b: (u32, u32)) -> TimeRange {
    TimeRange {
        start: t(a.0, a.1),
        end: t(b.0, b.1),
    }
}

#[test]
fn a_day_without_breaks_is_one_segment() {
    let day = WorkingDay {
        hours: range((9, 0), (15, 0)),
        breaks: vec![],
    };
    assert_eq!(day.segments(), vec![range((9, 0), (15, 0))]);
}

#[test]
fn breaks_split_the_day() {
    let day = WorkingDay {
        hours: range((9, 0), (17, 0)),
        breaks: vec![range((11, 0), (11, 30)), range((13, 0), (14, 0))],
    };
    assert_eq!(
        day.segments(),
        vec![
            range((9, 0), (11, 0)),
            range((11, 30), (13, 0)),
            range((14, 0), (17, 0))
        ]
    );
}

#[test]
fn breaks_at_the_edges_leave_no_empty_segment() {
    let day = WorkingDay {
        hours: range((9, 0), (17, 0)),
        breaks: vec![range((9, 0), (9, 30)), range((16, 0), (17, 0))],
    };
    assert_eq!(day.segments(), vec![range((9, 30), (16, 0))]);
}

#[test]
fn overlap_and_containment() {
    assert!(range((9, 0), (10, 0)).overlaps(&range((9, 59), (11, 0))));
    assert!(!range((9, 0), (10, 0)).overlaps(&range((10, 0), (11, 0))));
    assert!(range((9, 0), (15, 0)).contains(&range((9, 0), (15, 0))));
    assert!(!range((9, 0), (15, 0)).contains(&range((8, 59), (10, 0))));
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn an_exception_replaces_its_weekdays_hours_for_that_date_only() {
    let week = WorkingDay {
        hours: range((9, 0), (15, 0)),
        breaks: vec![],
    };
    let short = WorkingDay {
        hours: range((9, 0), (13, 0)),
        breaks: vec![],
    };
    let saturday = WorkingDay {
        hours: range((10, 0), (14, 0)),
        breaks: vec![range((12, 0), (12, 20))],
    };
    let mut plan = WorkingPlan::default();
    plan.set(Weekday::Fri, week.clone());
    plan.set_exception(date("2026-12-18"), Some(short.clone()));
    plan.set_exception(date("2027-01-29"), None);
    plan.set_exception(date("2027-02-06"), Some(saturday.clone()));
    assert_eq!(plan.on(date("2026-12-18")), Some(&short));
    assert_eq!(plan.on(date("2026-12-11")), Some(&week));
    assert_eq!(plan.on(date("2027-01-29")), None);
    assert_eq!(plan.on(date("2027-02-06")), Some(&saturday));
    assert_eq!(plan.on(date("2027-02-13")), None);
    // The Saturday's stretch after its break begins at 12:20: locks must align to it.
    assert!(plan.segment_start_minutes().any(|m| m == 12 * 60 + 20));
}
