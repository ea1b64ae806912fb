//! A librarian's own calendar read: the busy times of a published ICS calendar (what Outlook,
//! Google, Apple Calendar and Thunderbird publish), recurring events expanded.
//!
//! The rule: an event is busy unless it is cancelled (`STATUS:CANCELLED`), transparent
//! (`TRANSP:TRANSPARENT`, what "show as free" writes) or, as Outlook marks it, free or working
//! elsewhere (`X-MICROSOFT-CDO-BUSYSTATUS:FREE` / `WORKINGELSEWHERE`, which outweighs `TRANSP`).
//! Tentative and out-of-office events are busy. An all-day event that is busy takes the whole of
//! its days on the library's clock. Recurring events are expanded on their own wall clock
//! (`RRULE`, `RDATE`, `EXDATE`), a changed occurrence (`RECURRENCE-ID`) replacing the one it
//! names.

pub mod caldav;
mod zone;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use icalendar::parser::{read_calendar, unfold, Component, Property};
use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use zone::{local_time, pseudo, resolve, without_until, Zone};

/// The most occurrences one recurring event yields in a window (a daily event over a year is
/// 366).
pub const OCCURRENCES_MAX: u16 = 2000;

/// The longest `DURATION` read (a year and a day); a longer one leaves its event out.
const DURATION_MAX_SECONDS: i64 = 367 * 86_400;

/// The most events one calendar may hold.
pub const EVENTS_MAX: usize = 50_000;

/// One busy stretch, `start` inclusive, `end` exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Busy {
    /// When it starts.
    pub start: DateTime<Utc>,
    /// When it ends.
    pub end: DateTime<Utc>,
}

/// What a calendar yields in a window: its busy times (in order, overlapping ones merged) and
/// what was left out or guessed, a line each (event UIDs, never titles).
#[derive(Debug, Default)]
pub struct Reading {
    /// The busy times.
    pub busy: Vec<Busy>,
    /// Events skipped or read with a guess.
    pub notes: Vec<String>,
    /// Events in the file.
    pub events: usize,
}

/// Why a calendar could not be read at all.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IcsError {
    /// Not iCalendar text.
    #[error("not an iCalendar file: {0}")]
    Unreadable(String),
    /// More events than [`EVENTS_MAX`].
    #[error("the calendar holds {0} events, more than {EVENTS_MAX}")]
    TooManyEvents(usize),
}

/// A time as a calendar writes it.
#[derive(Debug, Clone, Copy)]
enum When<'z> {
    /// A whole day (`VALUE=DATE`), on the library's clock.
    Date(NaiveDate),
    /// A wall-clock time in a zone (`TZID=`, or floating: the calendar's own zone).
    Local(NaiveDateTime, &'z Zone),
}

impl When<'_> {
    fn instant(&self, library: &Zone) -> DateTime<Utc> {
        match *self {
            When::Date(d) => library.instant(d.and_time(Default::default())),
            When::Local(t, z) => z.instant(t),
        }
    }
}

/// The busy times of calendar `text` within `[from, to)` (clipped to it); `library` is the zone of whole days
/// and, unless the calendar names its own (`X-WR-TIMEZONE`), of floating times.
pub fn busy_times(
    text: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    library: chrono_tz::Tz,
) -> Result<Reading, IcsError> {
    let unfolded = unfold(text);
    let calendar = read_calendar(&unfolded).map_err(|e| {
        IcsError::Unreadable(
            e.lines()
                .next()
                .unwrap_or("unreadable")
                .chars()
                .take(200)
                .collect(),
        )
    })?;
    if calendar.properties.is_empty() && calendar.components.is_empty() {
        return Err(IcsError::Unreadable("no VCALENDAR".into()));
    }
    let defined: HashMap<String, Component<'_>> = calendar
        .components
        .iter()
        .filter(|c| c.name.as_str() == "VTIMEZONE")
        .filter_map(|c| {
            Some((
                c.find_prop("TZID")?.val.as_str().trim().to_owned(),
                c.clone(),
            ))
        })
        .collect();
    let events: Vec<&Component<'_>> = calendar
        .components
        .iter()
        .filter(|c| c.name.as_str() == "VEVENT")
        .collect();
    if events.len() > EVENTS_MAX {
        return Err(IcsError::TooManyEvents(events.len()));
    }
    let library_zone = Zone::Iana(library);
    let floating = calendar
        .properties
        .iter()
        .find(|p| p.name.as_str() == "X-WR-TIMEZONE")
        .and_then(|p| p.val.as_str().trim().parse::<chrono_tz::Tz>().ok())
        .map(Zone::Iana)
        .unwrap_or(Zone::Iana(library));
    let utc = Zone::Iana(chrono_tz::UTC);
    let mut reader = Reader {
        defined: &defined,
        zones: HashMap::new(),
        floating: &floating,
        utc: &utc,
        library: &library_zone,
        notes: Vec::new(),
    };
    // Zones first (they borrow nothing but the file), then the events that use them.
    for event in &events {
        for p in &event.properties {
            if let Some(tzid) = param(p, "TZID") {
                reader.zone_of(tzid);
            }
        }
    }
    let mut reading = Reading {
        events: events.len(),
        ..Default::default()
    };
    // The occurrences changed on their own (UID and the instant they replace).
    let mut replaced: HashSet<(String, DateTime<Utc>)> = HashSet::new();
    for event in &events {
        if let (Some(uid), Some(id)) = (event.find_prop("UID"), event.find_prop("RECURRENCE-ID")) {
            if let Some(when) = reader.when(id) {
                replaced.insert((
                    uid.val.as_str().trim().to_owned(),
                    when.instant(reader.library),
                ));
            }
        }
    }
    let mut busy = Vec::new();
    let mut notes = Vec::new();
    for event in &events {
        notes.extend(reader.expand(event, from, to, &replaced, &mut busy));
    }
    reading.notes = reader.notes;
    reading.notes.extend(notes);
    // Clipped to the window: what lies outside it is not this reading's to say.
    for b in &mut busy {
        b.start = b.start.max(from);
        b.end = b.end.min(to);
    }
    busy.retain(|b| b.end > b.start);
    busy.sort();
    let mut merged: Vec<Busy> = Vec::with_capacity(busy.len());
    for b in busy {
        match merged.last_mut() {
            Some(last) if b.start <= last.end => last.end = last.end.max(b.end),
            _ => merged.push(b),
        }
    }
    reading.busy = merged;
    Ok(reading)
}

/// The value of parameter `key` of `p`.
fn param<'a>(p: &'a Property<'_>, key: &str) -> Option<&'a str> {
    p.params
        .iter()
        .find(|x| x.key.as_str().eq_ignore_ascii_case(key))
        .and_then(|x| x.val.as_ref())
        .map(|v| v.as_str().trim().trim_matches('"'))
}

/// Whether `event` keeps its time busy (the module's rule).
fn is_busy(event: &Component<'_>) -> bool {
    let value = |key: &str| {
        event
            .find_prop(key)
            .map(|p| p.val.as_str().trim().to_ascii_uppercase())
    };
    if value("STATUS").as_deref() == Some("CANCELLED") {
        return false;
    }
    match value("X-MICROSOFT-CDO-BUSYSTATUS").as_deref() {
        Some("FREE") | Some("WORKINGELSEWHERE") => return false,
        Some("BUSY") | Some("OOF") | Some("TENTATIVE") => return true,
        _ => {}
    }
    value("TRANSP").as_deref() != Some("TRANSPARENT")
}

struct Reader<'a, 'f> {
    defined: &'a HashMap<String, Component<'f>>,
    zones: HashMap<String, Option<Zone>>,
    floating: &'a Zone,
    utc: &'a Zone,
    library: &'a Zone,
    notes: Vec<String>,
}

impl Reader<'_, '_> {
    fn zone_of(&mut self, tzid: &str) {
        if !self.zones.contains_key(tzid) {
            let zone = resolve(tzid, self.defined);
            if zone.is_none() {
                self.notes.push(format!(
                    "time zone {tzid:?} is unknown: its times are read on the library's clock"
                ));
            }
            self.zones.insert(tzid.to_owned(), zone);
        }
    }

    /// The time property `p` holds (its first, for a list).
    fn when(&self, p: &Property<'_>) -> Option<When<'_>> {
        let text = p.val.as_str().split(',').next()?.trim();
        self.when_text(p, text)
    }

    fn when_text(&self, p: &Property<'_>, text: &str) -> Option<When<'_>> {
        if param(p, "VALUE").is_some_and(|v| v.eq_ignore_ascii_case("DATE")) || text.len() == 8 {
            return NaiveDate::parse_from_str(text, "%Y%m%d")
                .ok()
                .map(When::Date);
        }
        let local = local_time(text)?;
        if text.ends_with('Z') {
            return Some(When::Local(local, self.utc));
        }
        let zone = match param(p, "TZID") {
            Some(tzid) => self
                .zones
                .get(tzid)
                .and_then(Option::as_ref)
                .unwrap_or(self.library),
            None => self.floating,
        };
        Some(When::Local(local, zone))
    }

    /// Every time of a list property (`EXDATE`, `RDATE`), each line and each comma.
    fn whens<'s>(&'s self, event: &'s Component<'_>, name: &str) -> Vec<When<'s>> {
        event
            .properties
            .iter()
            .filter(|p| p.name.as_str() == name)
            .flat_map(|p| {
                p.val
                    .as_str()
                    .split(',')
                    .filter_map(|t| self.when_text(p, t.trim().split('/').next().unwrap_or("")))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// Adds the busy occurrences of `event` to `out`; returns its notes.
    fn expand(
        &self,
        event: &Component<'_>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        replaced: &HashSet<(String, DateTime<Utc>)>,
        out: &mut Vec<Busy>,
    ) -> Vec<String> {
        let uid = event
            .find_prop("UID")
            .map(|p| p.val.as_str().trim().to_owned())
            .unwrap_or_default();
        let mut notes = Vec::new();
        let busy = is_busy(event);
        let Some(start) = event.find_prop("DTSTART").and_then(|p| self.when(p)) else {
            notes.push(format!("event {uid:?}: no readable DTSTART; left out"));
            return notes;
        };
        let library = self.library;
        // The length: to DTEND, or DURATION, or a day for a date and nothing for a time.
        let end = event.find_prop("DTEND").and_then(|p| self.when(p));
        let length = match (start, end) {
            (When::Date(s), Some(When::Date(e))) => Length::Days((e - s).num_days().max(1)),
            (When::Date(_), _) => match event
                .find_prop("DURATION")
                .and_then(|p| duration(p.val.as_str()))
            {
                Some(d) if d.num_days() >= 1 && d.num_seconds() % 86_400 == 0 => {
                    Length::Days(d.num_days())
                }
                Some(d) => Length::Exact(d),
                None => Length::Days(1),
            },
            (_, Some(e)) => Length::Exact(e.instant(library) - start.instant(library)),
            (_, None) => Length::Exact(
                event
                    .find_prop("DURATION")
                    .and_then(|p| duration(p.val.as_str()))
                    .unwrap_or_else(Duration::zero),
            ),
        };
        let is_override = event.find_prop("RECURRENCE-ID").is_some();
        let rules: Vec<&str> = if is_override {
            Vec::new()
        } else {
            event
                .properties
                .iter()
                .filter(|p| p.name.as_str() == "RRULE")
                .map(|p| p.val.as_str())
                .collect()
        };
        let rdates = self.whens(event, "RDATE");
        if !busy {
            return notes;
        }
        // The wall clock the series runs on.
        let (first, zone): (NaiveDateTime, &Zone) = match start {
            When::Date(d) => (d.and_time(Default::default()), library),
            When::Local(t, z) => (t, z),
        };
        let mut starts: Vec<NaiveDateTime> = Vec::new();
        if rules.is_empty() && rdates.is_empty() {
            starts.push(first);
        } else {
            let mut set = rrule::RRuleSet::new(pseudo(first));
            for rule in &rules {
                let until = rule
                    .split(';')
                    .find_map(|part| {
                        let (k, v) = part.split_once('=')?;
                        k.trim().eq_ignore_ascii_case("UNTIL").then(|| v.trim())
                    })
                    .and_then(|v| {
                        if v.len() == 8 {
                            NaiveDate::parse_from_str(v, "%Y%m%d")
                                .ok()
                                .and_then(|d| d.and_hms_opt(23, 59, 59))
                        } else if v.ends_with('Z') {
                            local_time(v).map(|t| zone.local(t.and_utc()))
                        } else {
                            local_time(v)
                        }
                    });
                let parsed =
                    rrule::RRule::from_str(&without_until(&rule.replace(' ', ""))).map(|r| {
                        match until {
                            Some(u) => r.until(pseudo(u.max(first))),
                            None => r,
                        }
                    });
                match parsed.and_then(|r| r.validate(pseudo(first))) {
                    Ok(r) => set = set.rrule(r),
                    Err(e) => notes.push(format!(
                        "event {uid:?}: RRULE not understood ({e}); its first time kept"
                    )),
                }
            }
            for d in rdates {
                set = set.rdate(pseudo(wall(d, zone)));
            }
            for d in self.whens(event, "EXDATE") {
                set = set.exdate(pseudo(wall(d, zone)));
            }
            if set.get_rrule().is_empty() && set.get_rdate().is_empty() {
                starts.push(first);
            } else {
                let excluded = set.get_exdate().contains(&pseudo(first));
                let margin = Duration::days(2) + length.at_most();
                let result = set
                    .after(pseudo(
                        zone.local(
                            from.checked_sub_signed(margin)
                                .unwrap_or(DateTime::<Utc>::MIN_UTC),
                        ),
                    ))
                    .before(pseudo(
                        zone.local(
                            to.checked_add_signed(Duration::days(2))
                                .unwrap_or(DateTime::<Utc>::MAX_UTC),
                        ),
                    ))
                    .all(OCCURRENCES_MAX);
                if result.limited && result.dates.len() >= usize::from(OCCURRENCES_MAX) {
                    notes.push(format!(
                        "event {uid:?}: more than {OCCURRENCES_MAX} occurrences; the first kept"
                    ));
                }
                starts.extend(result.dates.iter().map(|d| d.naive_utc()));
                // A start the rules leave out is still the first occurrence (RFC 5545 3.8.5.3).
                if !starts.contains(&first) && !excluded {
                    starts.push(first);
                }
            }
        }
        for local in starts {
            let instant = zone.instant(local);
            if !is_override && replaced.contains(&(uid.clone(), instant)) {
                continue;
            }
            let end = match length {
                Length::Days(n) => library.instant(
                    local
                        .date()
                        .checked_add_days(chrono::Days::new(n as u64))
                        .unwrap_or(local.date())
                        .and_time(Default::default()),
                ),
                Length::Exact(d) => instant
                    .checked_add_signed(d)
                    .unwrap_or(DateTime::<Utc>::MAX_UTC),
            };
            out.push(Busy {
                start: instant,
                end,
            });
        }
        notes
    }
}

/// How long each occurrence lasts: whole days on the library's clock, or exactly so long.
#[derive(Debug, Clone, Copy)]
enum Length {
    Days(i64),
    Exact(Duration),
}

impl Length {
    fn at_most(self) -> Duration {
        match self {
            Length::Days(n) => Duration::days(n + 1),
            Length::Exact(d) => d,
        }
    }
}

/// `when` on the wall clock of `zone` (a date: its midnight).
fn wall(when: When<'_>, zone: &Zone) -> NaiveDateTime {
    match when {
        When::Date(d) => d.and_time(Default::default()),
        When::Local(t, z) => zone.local(z.instant(t)),
    }
}

/// An RFC 5545 duration (`PT1H30M`, `P1D`, `P2W`, `-PT15M`).
fn duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let (sign, rest) = match text.strip_prefix('-') {
        Some(r) => (-1, r),
        None => (1, text.strip_prefix('+').unwrap_or(text)),
    };
    let rest = rest.strip_prefix('P')?;
    let mut total = 0i64;
    let mut number = String::new();
    let mut in_time = false;
    for c in rest.chars() {
        match c {
            'T' => in_time = true,
            '0'..='9' => number.push(c),
            _ => {
                let n: i64 = number.parse().ok()?;
                number.clear();
                let unit = match (c, in_time) {
                    ('W', false) => 7 * 86_400,
                    ('D', false) => 86_400,
                    ('H', true) => 3600,
                    ('M', true) => 60,
                    ('S', true) => 1,
                    _ => return None,
                };
                total = total.checked_add(n.checked_mul(unit)?)?;
            }
        }
    }
    // Longer than a year is no event's length (and no overflow further on).
    (number.is_empty() && total <= DURATION_MAX_SECONDS).then(|| Duration::seconds(sign * total))
}
