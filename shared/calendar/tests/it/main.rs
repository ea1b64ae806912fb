//! Busy times read from calendars that real programs wrote (tests/calendars/, each file's
//! source in its README), counted against an independent expansion (PyPI
//! `recurring-ical-events` 3.8.0 with the same busy rule), and from a series across Athens'
//! change to summer time.

mod caldav;

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Europe::Athens;
use rantevou_calendar::{busy_times, Busy, IcsError, Reading};

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn span(start: DateTime<Utc>, end: DateTime<Utc>) -> Busy {
    Busy { start, end }
}

fn file(name: &str) -> String {
    let path = format!("{}/tests/calendars/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Calendar `name` read in Athens from one date's midnight (UTC) to another's.
fn read(name: &str, from: &str, to: &str) -> Reading {
    let midnight = |d: &str| {
        chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .unwrap()
            .and_time(Default::default())
            .and_utc()
    };
    busy_times(&file(name), midnight(from), midnight(to), Athens)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// `text` read in Athens over `[from, to)`.
fn athens(text: &str, from: DateTime<Utc>, to: DateTime<Utc>) -> Reading {
    busy_times(text, from, to, Athens).unwrap()
}

fn minutes(busy: &[Busy]) -> i64 {
    busy.iter().map(|b| (b.end - b.start).num_minutes()).sum()
}

/// Each calendar of `tests/calendars/`, read from one month's start to another's: the busy
/// stretches and minutes it yields, the first stretch (`-` for none), and what it shows.
/// exchange_cdo_custom_zone.ics: the Python expansion gives up after the first (its issue 165,
/// BYDAY written with spaces); weekdays from Friday 3 to Wednesday 22 July 2015 are 14, by hand.
const CASES: &str = "
exchange_cdo_custom_zone.ics        2015-07 2015-08 14    420 2015-07-03T08:00 2015-07-03T08:30 a zone only its VTIMEZONE defines, on summer time
exchange_2010_windows_zone.ics      2017-01 2018-01  1     30 2017-02-24T20:00 2017-02-24T20:30 TZID=\"Pacific Standard Time\" through CLDR
exchange_2010_free_all_day.ics      2020-01 2021-01  0      0 - - all-day series shown as free
thunderbird_changed_occurrences.ics 2019-03 2019-04  6    390 2019-03-07T01:00 2019-03-07T02:00 two daily series, four occurrences changed
google_transparent_moved.ics        2021-11 2022-06  0      0 - - a transparent series and its moved occurrence
google_daylight_saving.ics          2019-02 2019-05 69 20_910 2019-02-05T16:00 2019-02-05T20:00 series across the change to summer time
";

fn minute(text: &str) -> Option<DateTime<Utc>> {
    (text != "-").then(|| {
        chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
            .unwrap()
            .and_utc()
    })
}

#[test]
fn calendars_real_programs_wrote_yield_the_busy_times_counted_independently() {
    for row in CASES.lines().filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = row.split_whitespace().take(7).collect();
        let r = read(f[0], &format!("{}-01", f[1]), &format!("{}-01", f[2]));
        let what = format!("{row}: {:?}", r.notes);
        assert!(r.events > 0, "{what}");
        assert_eq!(r.busy.len(), f[3].parse::<usize>().unwrap(), "{what}");
        assert_eq!(
            minutes(&r.busy),
            f[4].replace('_', "").parse::<i64>().unwrap(),
            "{what}"
        );
        let first = minute(f[5]).zip(minute(f[6]));
        assert_eq!(r.busy.first().map(|b| (b.start, b.end)), first, "{what}");
        assert!(r.notes.is_empty(), "{what}");
    }
}

#[test]
fn exchange_weekdays_skip_the_weekend_and_until_is_inclusive() {
    let r = read("exchange_cdo_custom_zone.ics", "2015-07-01", "2015-08-01");
    let starts: Vec<_> = r.busy.iter().map(|b| b.start).collect();
    assert_eq!(
        starts[1],
        utc(2015, 7, 6, 8, 0),
        "Saturday and Sunday skipped"
    );
    assert_eq!(
        starts.last(),
        Some(&utc(2015, 7, 22, 8, 0)),
        "UNTIL=…T080000Z"
    );
}

#[test]
fn a_changed_occurrence_replaces_the_one_it_names() {
    let r = read(
        "thunderbird_changed_occurrences.ics",
        "2019-03-08",
        "2019-03-09",
    );
    // 8 March was moved from 02:00–03:00 to 01:00–03:00 Berlin time: only the new one is busy.
    assert_eq!(
        r.busy,
        vec![span(utc(2019, 3, 8, 0, 0), utc(2019, 3, 8, 2, 0))]
    );
}

/// A series across Athens' change to summer time, with each kind of event beside it (written
/// for these tests).
fn athens_calendar() -> String {
    file("athens_series.ics")
}

#[test]
fn a_weekly_series_keeps_its_wall_clock_across_athens_change_to_summer_time() {
    let r = athens(
        &athens_calendar(),
        utc(2026, 3, 1, 0, 0),
        utc(2026, 5, 1, 0, 0),
    );
    assert_eq!(
        r.busy,
        vec![
            // 10:00 on winter time (+02:00).
            span(utc(2026, 3, 16, 8, 0), utc(2026, 3, 16, 9, 0)),
            // Tentative is busy; GTB Standard Time is Athens' Windows name.
            span(utc(2026, 3, 19, 7, 0), utc(2026, 3, 19, 8, 30)),
            // A whole day on the library's clock.
            span(utc(2026, 3, 19, 22, 0), utc(2026, 3, 20, 22, 0)),
            // A floating time is on the library's clock.
            span(utc(2026, 3, 25, 7, 0), utc(2026, 3, 25, 7, 30)),
            // The 30th moved to 12:00, now on summer time (+03:00).
            span(utc(2026, 3, 30, 9, 0), utc(2026, 3, 30, 10, 0)),
            // The 6 April cancelled; 13 April at 10:00 summer time.
            span(utc(2026, 4, 13, 7, 0), utc(2026, 4, 13, 8, 0)),
        ],
        "the 23rd excluded, the transparent lunch and working elsewhere free: {:?}",
        r.notes
    );
    assert_eq!(r.events, 8);
}

#[test]
fn only_the_window_is_returned_and_overlapping_events_merge() {
    let text = athens_calendar().replace(
        "UID:floating@example.org\r\nDTSTART:20260325T090000",
        "UID:floating@example.org\r\nDTSTART:20260316T103000",
    );
    let text = text.replace("DTEND:20260325T093000", "DTEND:20260316T113000");
    let r = athens(&text, utc(2026, 3, 16, 8, 15), utc(2026, 3, 19, 7, 30));
    assert_eq!(
        r.busy,
        vec![
            span(utc(2026, 3, 16, 8, 15), utc(2026, 3, 16, 9, 30)),
            span(utc(2026, 3, 19, 7, 0), utc(2026, 3, 19, 7, 30)),
        ]
    );
}

#[test]
fn an_unknown_zone_is_read_on_the_library_clock_and_said() {
    let text = athens_calendar().replace("TZID=GTB Standard Time", "TZID=Nowhere Standard Time");
    let r = athens(&text, utc(2026, 3, 19, 0, 0), utc(2026, 3, 19, 12, 0));
    assert_eq!(
        r.busy,
        vec![span(utc(2026, 3, 19, 7, 0), utc(2026, 3, 19, 8, 30))]
    );
    assert!(
        r.notes.iter().any(|n| n.contains("Nowhere Standard Time")),
        "{:?}",
        r.notes
    );
}

#[test]
fn what_is_not_a_calendar_is_an_error_not_an_empty_calendar() {
    for text in [
        "",
        "<html><body>Sign in</body></html>",
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n",
    ] {
        assert!(
            matches!(
                busy_times(text, utc(2026, 1, 1, 0, 0), utc(2026, 2, 1, 0, 0), Athens),
                Err(IcsError::Unreadable(_))
            ),
            "{text:?}"
        );
    }
}

#[test]
fn a_duration_beyond_a_year_or_past_any_number_leaves_its_event_as_a_moment() {
    for duration in ["P400D", "PT99999999999999999999S", "P9223372036854775807W"] {
        let text = athens_calendar().replace("DURATION:PT1H30M", &format!("DURATION:{duration}"));
        let r = athens(&text, utc(2026, 3, 19, 0, 0), utc(2026, 3, 19, 12, 0));
        assert_eq!(r.busy, vec![], "{duration}");
    }
}

#[test]
fn a_series_of_events_spanning_millennia_is_busy_over_the_whole_window() {
    // An event from year 1 to year 9999, repeated yearly: one stretch, the window's.
    let text = athens_calendar().replace(
        "DTSTART;VALUE=DATE:20260320\r\nDTEND;VALUE=DATE:20260321",
        "DTSTART:00010101T000000Z\r\nDTEND:99991231T000000Z\r\nRRULE:FREQ=YEARLY;COUNT=3",
    );
    let r = athens(&text, utc(2026, 3, 1, 0, 0), utc(2026, 5, 1, 0, 0));
    assert_eq!(
        r.busy,
        vec![span(utc(2026, 3, 1, 0, 0), utc(2026, 5, 1, 0, 0))]
    );
}
