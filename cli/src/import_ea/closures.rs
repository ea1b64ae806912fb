//! EA's blocked periods and unavailabilities: whole days become closures, part days that
//! date's hours of the provider (a dated rule of its own), each reported.

use super::model::Ea;
use super::plan::{Mapping, DATES_MAX};
use super::report::Report;
use super::times::{describe, hh_mm, minutes, naive, subtract, WEEKDAYS};
use super::toml_out::ProviderOut;
use chrono::{Datelike, Days, NaiveDate, NaiveTime};

pub(super) fn closures(ea: &Ea, mapping: &mut Mapping, report: &mut Report) {
    let today = mapping.today;
    for b in &ea.blocked_periods {
        let name = b
            .name
            .clone()
            .unwrap_or_else(|| format!("Blocked period {}", b.id));
        let (Some(start), Some(end)) = (naive(&b.start), naive(&b.end)) else {
            report.cannot(format!(
                "EA blocked period {} {name:?}: {} – {} are not times; left off",
                b.id, b.start, b.end
            ));
            continue;
        };
        // Whole days: from the first date it starts at midnight to the last it covers to its end.
        let first_whole = if start.time() == NaiveTime::MIN {
            start.date()
        } else {
            start.date() + Days::new(1)
        };
        let day_ends = end.time() >= NaiveTime::from_hms_opt(23, 59, 0).unwrap_or(NaiveTime::MIN);
        let last_whole = if day_ends {
            end.date()
        } else {
            end.date() - Days::new(1)
        };
        if end.date() < today {
            report.section("Past, not brought over").line(format!(
                "EA blocked period {} {name:?} ({} – {})",
                b.id,
                start.date(),
                end.date()
            ));
            continue;
        }
        if first_whole <= last_whole {
            report.section("Closures").line(format!(
                "{first_whole} – {last_whole} {name:?}: the library is closed (EA blocked period {})",
                b.id
            ));
            mapping
                .library
                .closures
                .push((name.clone(), first_whole, last_whole));
        }
        // A part of a day at either end closes those hours for every provider.
        let mut parts = Vec::new();
        if start.time() != NaiveTime::MIN {
            let to = if start.date() == end.date() {
                end.time()
            } else {
                NaiveTime::MIN
            };
            parts.push((start.date(), start.time(), to));
        }
        if !day_ends && end.date() != start.date() && end.time() != NaiveTime::MIN {
            parts.push((end.date(), NaiveTime::MIN, end.time()));
        }
        for (date, from, to) in parts.into_iter().filter(|(d, ..)| *d >= today) {
            let from = minutes(&from.format("%H:%M").to_string()).unwrap_or(0);
            let to = if to == NaiveTime::MIN {
                24 * 60
            } else {
                minutes(&to.format("%H:%M").to_string()).unwrap_or(0)
            };
            let why = format!("EA blocked period {} {name:?}", b.id);
            for p in mapping.library.providers.iter_mut() {
                busy(p, date, from, to, &why, report);
            }
        }
    }
    for u in &ea.unavailabilities {
        let Some(provider) = u
            .provider_id
            .and_then(|p| mapping.providers.get(&p))
            .cloned()
        else {
            report.cannot(format!(
                "EA unavailability {} names no known provider; left off",
                u.id
            ));
            continue;
        };
        let (Some(start), Some(end)) = (naive(&u.start), naive(&u.end)) else {
            report.cannot(format!(
                "EA unavailability {}: {} – {} are not times; left off",
                u.id, u.start, u.end
            ));
            continue;
        };
        if end.date() < today
            || (end.date() == today && end.time() == NaiveTime::MIN && start.date() < today)
        {
            report.section("Past, not brought over").line(format!(
                "EA unavailability {} of {provider} on {}",
                u.id,
                start.date()
            ));
            continue;
        }
        let notes = u.notes.as_deref().map(str::trim).filter(|n| !n.is_empty());
        let why = match notes {
            Some(n) => format!("EA unavailability {} {n:?}", u.id),
            None => format!("EA unavailability {}", u.id),
        };
        let Some(p) = mapping
            .library
            .providers
            .iter_mut()
            .find(|p| p.id == provider)
        else {
            continue;
        };
        for date in start
            .date()
            .iter_days()
            .take_while(|d| *d <= end.date())
            .filter(|d| *d >= today)
        {
            let from = if date == start.date() {
                minutes(&start.format("%H:%M").to_string()).unwrap_or(0)
            } else {
                0
            };
            let to = if date == end.date() {
                minutes(&end.format("%H:%M").to_string()).unwrap_or(0)
            } else {
                24 * 60
            };
            if from < to {
                busy(p, date, from, to, &why, report);
            }
        }
    }
}

/// `from`–`to` of `date` taken out of `p`'s hours that date (a dated rule of its own).
fn busy(p: &mut ProviderOut, date: NaiveDate, from: u32, to: u32, why: &str, report: &mut Report) {
    let weekday = WEEKDAYS[date.weekday().num_days_from_monday() as usize];
    let before = match p.dates.get(&date) {
        Some(day) => day.clone(),
        None => p.week.get(weekday).cloned().unwrap_or_default(),
    };
    let after = subtract(&before, from, to);
    let what = if after.is_empty() && !before.is_empty() {
        "closed all day for this provider".to_owned()
    } else if after == before {
        "outside the hours: nothing changes".to_owned()
    } else {
        format!(
            "closed {}–{}: works {}",
            hh_mm(from),
            hh_mm(to.min(24 * 60 - 1)),
            describe(&after)
        )
    };
    report
        .section("Closures")
        .line(format!("{} on {date} ({weekday}): {what} ({why})", p.id));
    if after != before {
        if p.dates.len() >= DATES_MAX && !p.dates.contains_key(&date) {
            report.cannot(format!(
                "{}: more than {DATES_MAX} dated hours; {date} left off",
                p.id
            ));
            return;
        }
        p.dates.insert(date, after);
    }
}
