//! The time zones a calendar's times are written in: IANA names (`Europe/Athens`), the Windows
//! names Outlook and Exchange write (`GTB Standard Time`, through CLDR's table), and the rules a
//! file's own `VTIMEZONE` gives a name neither knows.

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use icalendar::parser::Component;
use std::cell::RefCell;
use std::collections::HashMap;
use std::str::FromStr;

/// Where a wall-clock time is read.
#[derive(Debug)]
pub enum Zone {
    /// A zone of the IANA database (UTC included).
    Iana(chrono_tz::Tz),
    /// A zone only the file's `VTIMEZONE` defines.
    Defined(Defined),
}

impl Zone {
    /// The instant wall-clock `local` names here: in a gap (the hour skipped in spring) the
    /// time an hour later, when ambiguous (the hour repeated in autumn) the first.
    pub fn instant(&self, local: NaiveDateTime) -> DateTime<Utc> {
        match self {
            Zone::Iana(tz) => match tz.from_local_datetime(&local) {
                chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
                    t.with_timezone(&Utc)
                }
                chrono::LocalResult::None => tz
                    .from_local_datetime(&shifted(local, 3600))
                    .earliest()
                    .map(|t| t.with_timezone(&Utc))
                    .unwrap_or_else(|| local.and_utc()),
            },
            Zone::Defined(d) => shifted(local, -d.offset_at_local(local)).and_utc(),
        }
    }

    /// The wall-clock time here at `instant`.
    pub fn local(&self, instant: DateTime<Utc>) -> NaiveDateTime {
        match self {
            Zone::Iana(tz) => instant.with_timezone(tz).naive_local(),
            Zone::Defined(d) => {
                let naive = instant.naive_utc();
                let guess = shifted(naive, d.offset_at_local(naive));
                shifted(naive, d.offset_at_local(guess))
            }
        }
    }
}

/// `t` moved by `seconds`; at the ends of time, `t` itself (no calendar's time is there).
fn shifted(t: NaiveDateTime, seconds: i64) -> NaiveDateTime {
    t.checked_add_signed(Duration::seconds(seconds))
        .unwrap_or(t)
}

/// One `STANDARD` or `DAYLIGHT` part of a `VTIMEZONE`: from its onsets on, `offset_to` holds.
#[derive(Debug)]
struct Observance {
    /// The first onset, on the wall clock in force before it.
    start: NaiveDateTime,
    offset_from: i64,
    offset_to: i64,
    rule: Option<rrule::RRule<rrule::Unvalidated>>,
    dates: Vec<NaiveDateTime>,
}

/// A zone defined by a file's `VTIMEZONE` (its onsets worked out per year, once).
#[derive(Debug)]
pub struct Defined {
    observances: Vec<Observance>,
    onsets: RefCell<HashMap<i32, Vec<(NaiveDateTime, i64)>>>,
}

/// Onsets more than this many per observance and year are not looked at.
const ONSETS_PER_YEAR: u16 = 12;

impl Defined {
    /// The zone `vtimezone` defines; `None` without a usable observance.
    pub fn from_component(vtimezone: &Component<'_>) -> Option<Defined> {
        let mut observances = Vec::new();
        for part in &vtimezone.components {
            let name = part.name.as_str();
            if name != "STANDARD" && name != "DAYLIGHT" {
                continue;
            }
            let value = |key: &str| {
                part.find_prop(key)
                    .map(|p| p.val.as_str().trim().to_owned())
            };
            let (Some(start), Some(from), Some(to)) = (
                value("DTSTART").and_then(|v| local_time(&v)),
                value("TZOFFSETFROM").and_then(|v| offset(&v)),
                value("TZOFFSETTO").and_then(|v| offset(&v)),
            ) else {
                continue;
            };
            let rule = value("RRULE").and_then(|v| rrule::RRule::from_str(&without_until(&v)).ok());
            let dates = part
                .properties
                .iter()
                .filter(|p| p.name.as_str() == "RDATE")
                .flat_map(|p| {
                    p.val
                        .as_str()
                        .split(',')
                        .filter_map(local_time)
                        .collect::<Vec<_>>()
                })
                .collect();
            observances.push(Observance {
                start,
                offset_from: from,
                offset_to: to,
                rule,
                dates,
            });
        }
        (!observances.is_empty()).then(|| Defined {
            observances,
            onsets: RefCell::new(HashMap::new()),
        })
    }

    /// The offset (seconds east of UTC) in force at wall-clock `local`.
    fn offset_at_local(&self, local: NaiveDateTime) -> i64 {
        use chrono::Datelike;
        let year = local.year();
        let mut latest: Option<(NaiveDateTime, i64)> = None;
        for y in [year - 1, year] {
            let onsets = self.onsets_of(y);
            for &(at, offset) in onsets.iter().filter(|(at, _)| *at <= local) {
                if latest.map_or(true, |(l, _)| at > l) {
                    latest = Some((at, offset));
                }
            }
        }
        if let Some((_, offset)) = latest {
            return offset;
        }
        // Before every onset of those years: the last onset of any earlier year, or the
        // earliest observance's offset before it.
        self.observances
            .iter()
            .filter(|o| o.start <= local)
            .max_by_key(|o| o.start)
            .map(|o| o.offset_to)
            .or_else(|| {
                self.observances
                    .iter()
                    .min_by_key(|o| o.start)
                    .map(|o| o.offset_from)
            })
            .unwrap_or(0)
    }

    /// The onsets of `year` (wall clock, offset from then on).
    fn onsets_of(&self, year: i32) -> Vec<(NaiveDateTime, i64)> {
        if let Some(known) = self.onsets.borrow().get(&year) {
            return known.clone();
        }
        let mut found = Vec::new();
        let (Some(begin), Some(end)) = (
            chrono::NaiveDate::from_ymd_opt(year, 1, 1),
            chrono::NaiveDate::from_ymd_opt(year + 1, 1, 1),
        ) else {
            return found;
        };
        let (begin, end) = (
            begin.and_time(Default::default()),
            end.and_time(Default::default()),
        );
        for o in &self.observances {
            if (begin..end).contains(&o.start) {
                found.push((o.start, o.offset_to));
            }
            found.extend(
                o.dates
                    .iter()
                    .filter(|d| (begin..end).contains(*d))
                    .map(|d| (*d, o.offset_to)),
            );
            let Some(rule) = &o.rule else { continue };
            let start = pseudo(o.start);
            let Ok(set) = rule.clone().build(start) else {
                continue;
            };
            let dates = set
                .after(pseudo(begin - Duration::seconds(1)))
                .before(pseudo(end))
                .all(ONSETS_PER_YEAR)
                .dates;
            found.extend(dates.iter().map(|d| (d.naive_utc(), o.offset_to)));
        }
        self.onsets.borrow_mut().insert(year, found.clone());
        found
    }
}

/// Wall-clock `local` as the recurrence crate's UTC: recurrences are expanded on the wall clock
/// (as RFC 5545 has them), then each occurrence is read in its zone.
pub fn pseudo(local: NaiveDateTime) -> DateTime<rrule::Tz> {
    rrule::Tz::UTC.from_utc_datetime(&local)
}

/// `RRULE` text without its `UNTIL` (read apart: it is UTC, a date or a wall-clock time).
pub fn without_until(rule: &str) -> String {
    rule.split(';')
        .filter(|part| !part.trim().to_ascii_uppercase().starts_with("UNTIL="))
        .collect::<Vec<_>>()
        .join(";")
}

/// `YYYYMMDDTHHMMSS` (a trailing `Z` ignored).
pub fn local_time(text: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(text.trim().trim_end_matches('Z'), "%Y%m%dT%H%M%S").ok()
}

/// `+0200`, `-0500`, `+053000` as seconds east of UTC.
fn offset(text: &str) -> Option<i64> {
    let (sign, digits) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    if !(digits.len() == 4 || digits.len() == 6) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| digits.get(r).and_then(|d| d.parse::<i64>().ok());
    let seconds = n(0..2)? * 3600 + n(2..4)? * 60 + if digits.len() == 6 { n(4..6)? } else { 0 };
    Some(sign * seconds)
}

/// The zone `tzid` names: an IANA name, a Windows name, or one the file defines (`defined`).
pub fn resolve(tzid: &str, defined: &HashMap<String, Component<'_>>) -> Option<Zone> {
    let tzid = tzid.trim().trim_matches('"');
    // Some writers put a prefix before an IANA name (`/mozilla.org/20070129_1/Europe/Berlin`).
    let iana = tzid.parse::<chrono_tz::Tz>().ok().or_else(|| {
        tzid.match_indices('/')
            .filter_map(|(i, _)| tzid.get(i + 1..))
            .find_map(|rest| {
                rest.parse::<chrono_tz::Tz>()
                    .ok()
                    .filter(|_| rest.contains('/'))
            })
    });
    iana.or_else(|| {
        localzone::win_zone_to_iana(tzid, None).and_then(|name| name.parse::<chrono_tz::Tz>().ok())
    })
    .map(Zone::Iana)
    .or_else(|| {
        let component = defined.get(tzid)?;
        // Some definitions name their IANA zone.
        component
            .find_prop("X-LIC-LOCATION")
            .and_then(|p| p.val.as_str().trim().parse::<chrono_tz::Tz>().ok())
            .map(Zone::Iana)
            .or_else(|| Defined::from_component(component).map(Zone::Defined))
    })
}
