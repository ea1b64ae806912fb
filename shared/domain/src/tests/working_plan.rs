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
