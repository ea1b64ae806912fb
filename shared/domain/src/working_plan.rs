//! A provider's weekly working plan: hours per weekday, with breaks inside a day.

use chrono::{NaiveTime, Timelike, Weekday};

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

/// Working hours for each weekday; a day without hours is a day off.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkingPlan {
    days: [Option<WorkingDay>; 7],
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

    /// The minutes past midnight at which any stretch of work begins (used to align locks).
    pub fn segment_start_minutes(&self) -> impl Iterator<Item = u32> + '_ {
        self.days
            .iter()
            .flatten()
            .flat_map(|d| d.segments())
            .map(|s| s.start.hour() * 60 + s.start.minute())
    }
}

#[cfg(test)]
#[path = "tests/working_plan.rs"]
mod tests;
