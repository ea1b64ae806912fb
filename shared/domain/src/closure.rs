//! Days the library is closed: Greek public holidays, the university's own, and dates staff add.

use chrono::{Datelike, Days, NaiveDate, NaiveTime};

/// A named closed date or range of dates (both ends inclusive), e.g. a Christmas break; or,
/// with `hours`, only those hours of each of its dates (e.g. an afternoon's staff meeting).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedPeriod {
    /// What the closure is, for staff reading the configuration.
    pub name: String,
    /// First closed date.
    pub from: NaiveDate,
    /// Last closed date.
    pub to: NaiveDate,
    /// Closed only from–to on each date (the library's clock); `None`: the whole day.
    pub hours: Option<ClosedHours>,
}

/// Part of a day, on the library's clock: from `from` (inclusive) to `to` (exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClosedHours {
    /// When the closure starts.
    pub from: NaiveTime,
    /// When it ends.
    pub to: NaiveTime,
}

impl ClosedHours {
    /// `from`–`to`, when `from` is before `to`.
    pub fn new(from: NaiveTime, to: NaiveTime) -> Option<ClosedHours> {
        (from < to).then_some(ClosedHours { from, to })
    }
}

/// A closure staff added at run time (`rantevou closure add`): kept in the store, in force
/// for availability and booking at once, with no configuration push.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StaffClosure {
    /// Short id to remove it by (8 hex digits).
    pub id: String,
    /// What it is.
    pub name: String,
    /// First closed date (the library's calendar).
    pub from: NaiveDate,
    /// Last closed date, inclusive.
    pub to: NaiveDate,
    /// Only these hours of each date (`None`: whole days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<ClosedHours>,
}

impl StaffClosure {
    /// A new closure with a random id; `None` when `to` is before `from` or `name` is blank.
    pub fn new<R: rand::RngCore>(
        name: &str,
        from: NaiveDate,
        to: NaiveDate,
        hours: Option<ClosedHours>,
        rng: &mut R,
    ) -> Option<StaffClosure> {
        let name = name.trim();
        if to < from || name.is_empty() || name.chars().any(char::is_control) {
            return None;
        }
        Some(StaffClosure {
            id: format!("{:08x}", rng.next_u32()),
            name: name.to_owned(),
            from,
            to,
            hours,
        })
    }

    /// As a closed period of the configuration.
    pub fn period(&self) -> ClosedPeriod {
        ClosedPeriod {
            name: self.name.clone(),
            from: self.from,
            to: self.to,
            hours: self.hours,
        }
    }
}

/// A date closed every year, e.g. the university's 17 November.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnualClosure {
    /// What the closure is.
    pub name: String,
    /// Month, 1–12.
    pub month: u32,
    /// Day of the month.
    pub day: u32,
}

/// Every rule that closes the whole library on a date.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Closures {
    /// Whether the Greek public holidays close the library.
    pub greek_public_holidays: bool,
    /// Dates closed every year.
    pub annual: Vec<AnnualClosure>,
    /// Named dates and ranges.
    pub periods: Vec<ClosedPeriod>,
}

impl Closures {
    /// The parts of `date` closed by a closure of some hours.
    pub fn closed_hours(&self, date: NaiveDate) -> impl Iterator<Item = ClosedHours> + '_ {
        self.periods
            .iter()
            .filter(move |p| p.from <= date && date <= p.to)
            .filter_map(|p| p.hours)
    }

    /// Why the library is closed all day on `date`, or `None` when it is open (for some hours
    /// at least).
    pub fn closed_on(&self, date: NaiveDate) -> Option<&str> {
        if self.greek_public_holidays {
            if let Some(name) = greek_public_holiday(date) {
                return Some(name);
            }
        }
        self.annual
            .iter()
            .find(|a| a.month == date.month() && a.day == date.day())
            .map(|a| a.name.as_str())
            .or_else(|| {
                self.periods
                    .iter()
                    .find(|p| p.from <= date && date <= p.to && p.hours.is_none())
                    .map(|p| p.name.as_str())
            })
    }
}

/// Where a closure of the configuration comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClosureSource {
    /// A Greek public holiday (`greek_public_holidays`).
    PublicHoliday,
    /// A date closed every year (`[[closures.annual]]`).
    Annual,
    /// A named date or range (`[[closures.periods]]`).
    Period,
}

impl Closures {
    /// The closures of the configuration that fall on `from`–`to` (inclusive), by first date:
    /// each public holiday and annual date as a day of its own, each period whole (also when
    /// it starts before `from` or ends after `to`).
    pub fn between(&self, from: NaiveDate, to: NaiveDate) -> Vec<(ClosureSource, ClosedPeriod)> {
        let day = |name: &str, date: NaiveDate| ClosedPeriod {
            name: name.to_owned(),
            from: date,
            to: date,
            hours: None,
        };
        let mut out = Vec::new();
        for date in from.iter_days().take_while(|d| *d <= to) {
            if self.greek_public_holidays {
                if let Some(name) = greek_public_holiday(date) {
                    out.push((ClosureSource::PublicHoliday, day(name, date)));
                }
            }
            for a in &self.annual {
                if a.month == date.month() && a.day == date.day() {
                    out.push((ClosureSource::Annual, day(&a.name, date)));
                }
            }
        }
        out.extend(
            self.periods
                .iter()
                .filter(|p| p.from <= to && from <= p.to)
                .map(|p| (ClosureSource::Period, p.clone())),
        );
        out.sort_by_key(|(_, p)| (p.from, p.to));
        out
    }
}

/// Orthodox Easter Sunday of `year`, as a Gregorian date.
///
/// Meeus' Julian-calendar algorithm, shifted by the Julian–Gregorian difference
/// (13 days from 1900 to 2099, the only years a booking can fall in).
pub fn orthodox_easter(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(4);
    let b = year.rem_euclid(7);
    let c = year.rem_euclid(19);
    let d = (19 * c + 15) % 30;
    let e = (2 * a + 4 * b - d + 34) % 7;
    let month = (d + e + 114) / 31;
    let day = (d + e + 114) % 31 + 1;
    let julian = NaiveDate::from_ymd_opt(year, month as u32, day as u32)?;
    let shift = julian_gregorian_shift(year);
    julian.checked_add_days(Days::new(shift))
}

/// Days between the Julian and Gregorian calendars in `year` (from March on).
fn julian_gregorian_shift(year: i32) -> u64 {
    let century = year.div_euclid(100);
    (century - century.div_euclid(4) - 2) as u64
}

/// The name of the Greek public holiday on `date`, if it is one.
///
/// Fixed: 1 Jan, 6 Jan, 25 Mar, 1 May, 15 Aug, 28 Oct, 25 and 26 Dec. Movable, from
/// Orthodox Easter: Clean Monday (−48), Good Friday (−2), Easter Monday (+1), Whit Monday (+50).
pub fn greek_public_holiday(date: NaiveDate) -> Option<&'static str> {
    let fixed = match (date.month(), date.day()) {
        (1, 1) => Some("New Year's Day"),
        (1, 6) => Some("Epiphany"),
        (3, 25) => Some("Independence Day"),
        (5, 1) => Some("Labour Day"),
        (8, 15) => Some("Dormition of the Mother of God"),
        (10, 28) => Some("Ochi Day"),
        (12, 25) => Some("Christmas Day"),
        (12, 26) => Some("Synaxis of the Mother of God"),
        _ => None,
    };
    if fixed.is_some() {
        return fixed;
    }
    let easter = orthodox_easter(date.year())?;
    match (date - easter).num_days() {
        -48 => Some("Clean Monday"),
        -2 => Some("Good Friday"),
        1 => Some("Easter Monday"),
        50 => Some("Whit Monday"),
        _ => None,
    }
}

#[cfg(test)]
#[path = "tests/closure.rs"]
mod tests;
