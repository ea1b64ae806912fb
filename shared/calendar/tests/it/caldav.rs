//! The CalDAV answer read: a multistatus's calendar objects joined, escaped XML undone, and
//! what is not a multistatus refused without quoting it.

use chrono::{TimeZone, Utc};
use rantevou_calendar::caldav::{calendar_query, multistatus_calendar, MultistatusError};

#[test]
fn the_query_asks_for_the_events_touching_the_window_in_utc() {
    let from = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
    let to = Utc.with_ymd_and_hms(2027, 3, 1, 0, 0, 0).unwrap();
    let body = calendar_query(from, to);
    assert!(body.contains(r#"<C:time-range start="20261201T000000Z" end="20270301T000000Z"/>"#));
    assert!(body.contains(r#"<C:comp-filter name="VEVENT">"#));
}

#[test]
fn the_objects_of_a_multistatus_become_one_calendar() {
    // As Nextcloud answers: a namespace prefix of its own, `&#13;` for the CRs, one object
    // escaped and one in CDATA, and a 404 propstat beside.
    let xml = "<?xml version=\"1.0\"?>\n<d:multistatus xmlns:d=\"DAV:\" xmlns:cal=\"urn:ietf:params:xml:ns:caldav\">\
<d:response><d:href>/c/a.ics</d:href><d:propstat><d:prop><cal:calendar-data>BEGIN:VCALENDAR&#13;\nVERSION:2.0&#13;\nPRODID:-//A//EN&#13;\nBEGIN:VEVENT&#13;\nUID:a&#13;\nSUMMARY:R&amp;D &lt;team&gt;&#13;\nDTSTART:20261209T080000Z&#13;\nDTEND:20261209T090000Z&#13;\nEND:VEVENT&#13;\nEND:VCALENDAR&#13;\n</cal:calendar-data></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>\
<d:response><d:href>/c/b.ics</d:href><d:propstat><d:prop><cal:calendar-data><![CDATA[BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:b\nDTSTART:20261210T080000Z\nDTEND:20261210T090000Z\nEND:VEVENT\nEND:VCALENDAR\n]]></cal:calendar-data></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>\
</d:multistatus>";
    let (text, objects) = multistatus_calendar(xml).unwrap();
    assert_eq!(objects, 2);
    assert_eq!(text.matches("BEGIN:VCALENDAR").count(), 1);
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 2);
    assert!(text.contains("SUMMARY:R&D <team>\r\n"));
    let from = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
    let to = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
    let read = rantevou_calendar::busy_times(&text, from, to, chrono_tz::Europe::Athens).unwrap();
    assert_eq!(read.busy.len(), 2);
}

#[test]
fn an_answer_that_is_not_a_multistatus_is_refused_unquoted() {
    assert_eq!(
        multistatus_calendar("<html><body>5ecret login page</body></html>"),
        Err(MultistatusError::NotMultistatus)
    );
    assert_eq!(
        multistatus_calendar("<d:multistatus xmlns:d=\"DAV:\"><d:response></d:multistatus>"),
        Err(MultistatusError::NotXml)
    );
    let (empty, objects) = multistatus_calendar("<d:multistatus xmlns:d=\"DAV:\"/>").unwrap();
    assert_eq!(objects, 0);
    assert_eq!(empty.matches("BEGIN:VEVENT").count(), 0);
}
