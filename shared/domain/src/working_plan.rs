//! A provider's weekly working plan: hours per weekday, with breaks inside a day, and the
//! dates whose hours differ from the week's (a day off, a shorter day, a Saturday's work).

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike, Weekday};
use std::collections::BTreeMap;

/// The names `library.toml` gives the weekdays (as Easy!Appointments does), Monday first: the
/// index is [`Weekday::num_days_from_monday`].
pub const WEEKDAY_NAMES: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// A span of wall-clock time within one day, `start` inclusive, `end` exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeRange {
    /// First minute of the span.
    pub start: NaiveTime,
    /// First minute after the span.
    pub end: NaiveTime,
}

impl TimeRange {
    /// Whether the two spans share at least one minute.
    pub fn overlaps(&self, other: &TimeRange) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// Whether `other` lies wholly inside this span.
    pub fn contains(&self, other: &TimeRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// One weekday's working hours, with the breaks taken out of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingDay {
    /// Working hours of the day.
    pub hours: TimeRange,
    /// Breaks, sorted, not overlapping, each inside `hours` (the loader checks this).
    pub breaks: Vec<TimeRange>,
}

impl WorkingDay {
    /// The stretches of working time between breaks, in order.
    ///
    /// Slots are laid on the grid from the start of each stretch, as a librarian returning
    /// from a break expects the next appointment to begin at once.
    pub fn segments(&self) -> Vec<TimeRange> {
        let mut segments = Vec::with_capacity(self.breaks.len() + 1);
        let mut cursor = self.hours.start;
        for pause in &self.breaks {
            if pause.start > cursor {
                segments.push(TimeRange {
                    start: cursor,
                    end: pause.start,
                });
            }
            cursor = cursor.max(pause.end);
        }
        if cursor < self.hours.end {
            segments.push(TimeRange {
                start: cursor,
                end: self.hours.end,
            });
        }
        segments
    }
}

/// How many dates of its own a provider's plan may list (`exceptions` in `library.toml`).
pub const EXCEPTIONS_MAX: usize = 1000;

/// Working hours for each weekday; a day without hours is a day off. A date of `exceptions`
/// has its own hours instead (`None`: the provider is off that date).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkingPlan {
    days: [Option<WorkingDay>; 7],
    exceptions: BTreeMap<NaiveDate, Option<WorkingDay>>,
}

impl WorkingPlan {
    /// Sets the hours of `weekday`.
    pub fn set(&mut self, weekday: Weekday, day: WorkingDay) {
        self.days[weekday.num_days_from_monday() as usize] = Some(day);
    }

    /// The hours of `weekday`, if the provider works that day.
    pub fn day(&self, weekday: Weekday) -> Option<&WorkingDay> {
        self.days[weekday.num_days_from_monday() as usize].as_ref()
    }

    /// Gives `date` its own hours (`None`: a day off), whatever its weekday's.
    pub fn set_exception(&mut self, date: NaiveDate, day: Option<WorkingDay>) {
        self.exceptions.insert(date, day);
    }

    /// The dates with hours of their own, in order (`None`: a day off).
    pub fn exceptions(&self) -> impl Iterator<Item = (NaiveDate, Option<&WorkingDay>)> + '_ {
        self.exceptions.iter().map(|(d, day)| (*d, day.as_ref()))
    }

    /// The hours of `date`: its exception's if it has one, else its weekday's.
    pub fn on(&self, date: NaiveDate) -> Option<&WorkingDay> {
        match self.exceptions.get(&date) {
            Some(day) => day.as_ref(),
            None => self.day(date.weekday()),
        }
    }

    /// The minutes past midnight at which any stretch of work begins, the exceptions' too
    /// (used to align locks).
    pub fn segment_start_minutes(&self) -> impl Iterator<Item = u32> + '_ {
        self.days
            .iter()
            .flatten()
            .chain(self.exceptions.values().flatten())
            .flat_map(|d| d.segments())
            .map(|s| s.start.hour() * 60 + s.start.minute())
    }
}

#[cfg(test)]
#[path = "tests/working_plan.rs"]
mod tests;
