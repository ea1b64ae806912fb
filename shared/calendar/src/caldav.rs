//! CalDAV (RFC 4791) as the scheduler reads it: the `calendar-query` REPORT asking a
//! collection for the events that touch a time range (§7.8), and its `207 Multi-Status`
//! answer's `calendar-data` joined into one iCalendar text for [`busy_times`](crate::busy_times).

use chrono::{DateTime, Utc};
use quick_xml::events::Event;
use quick_xml::Reader;

/// The REPORT's body: every `VEVENT` that overlaps `[from, to)`, its calendar data whole
/// (the server expands nothing; [`busy_times`](crate::busy_times) does).
pub fn calendar_query(from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    let (from, to) = (from.format("%Y%m%dT%H%M%SZ"), to.format("%Y%m%dT%H%M%SZ"));
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><C:calendar-data/></D:prop>
  <C:filter>
    <C:comp-filter name="VCALENDAR">
      <C:comp-filter name="VEVENT">
        <C:time-range start="{from}" end="{to}"/>
      </C:comp-filter>
    </C:comp-filter>
  </C:filter>
</C:calendar-query>
"#
    )
}

/// Why a multistatus answer could not be read. Its words quote nothing of the answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MultistatusError {
    /// Not well-formed XML.
    #[error("the CalDAV answer is not well-formed XML")]
    NotXml,
    /// XML, but no `multistatus`.
    #[error("the CalDAV answer is not a multistatus")]
    NotMultistatus,
}

/// The calendar objects of a `calendar-query` answer as one `VCALENDAR`: each object's
/// components (its events and their time zones) one after another.
pub fn multistatus_calendar(xml: &str) -> Result<(String, usize), MultistatusError> {
    let mut reader = Reader::from_str(xml);
    let mut in_data = false;
    let mut multistatus = false;
    let mut objects = 0;
    let mut text =
        String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//rantevou//caldav//EN\r\n");
    let mut data = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => match e.local_name().as_ref() {
                b"multistatus" => multistatus = true,
                b"calendar-data" => {
                    in_data = true;
                    data.clear();
                }
                _ => {}
            },
            Ok(Event::End(e)) if e.local_name().as_ref() == b"calendar-data" => {
                in_data = false;
                components(&data, &mut text);
                objects += 1;
            }
            Ok(Event::Empty(e)) if e.local_name().as_ref() == b"multistatus" => {
                multistatus = true;
            }
            Ok(Event::Text(t)) if in_data => {
                data.push_str(&t.unescape().map_err(|_| MultistatusError::NotXml)?);
            }
            Ok(Event::CData(t)) if in_data => {
                data.push_str(
                    std::str::from_utf8(&t.into_inner()).map_err(|_| MultistatusError::NotXml)?,
                );
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(_) => return Err(MultistatusError::NotXml),
        }
    }
    if !multistatus {
        return Err(MultistatusError::NotMultistatus);
    }
    text.push_str("END:VCALENDAR\r\n");
    Ok((text, objects))
}

/// Appends the components of the `VCALENDAR` in `object` (the lines from its first
/// `BEGIN:` inside to its `END:VCALENDAR`), with CRLF line ends.
fn components(object: &str, out: &mut String) {
    let mut depth = 0usize;
    for line in object.lines() {
        let line = line.trim_end_matches('\r');
        let upper = line.to_ascii_uppercase();
        if upper == "BEGIN:VCALENDAR" || upper == "END:VCALENDAR" {
            continue;
        }
        if upper.starts_with("BEGIN:") {
            depth += 1;
        }
        if depth > 0 {
            out.push_str(line);
            out.push_str("\r\n");
        }
        if upper.starts_with("END:") {
            depth = depth.saturating_sub(1);
        }
    }
}
