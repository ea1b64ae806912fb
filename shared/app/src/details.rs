//! An appointment's details as the seed shows them, in one language: what the mail and the
//! cancel pages display.

use crate::texts::{fill, texts};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use rantevou_domain::appointment::{Appointment, Status};
use rantevou_domain::{Language, LibraryConfig};
use serde::Serialize;

/// A day in words, in `lang`: "Πέμπτη 3 Δεκεμβρίου 2026", "Thursday 3 December 2026". Never
/// `03/12/2026`, which reads as 12 March to an American.
pub fn long_date(day: NaiveDate, lang: Language) -> String {
    let d = &texts(lang).details;
    let weekday = d
        .weekdays
        .get(day.weekday().num_days_from_monday() as usize)
        .map_or("", String::as_str);
    let month = d
        .months
        .get(day.month0() as usize)
        .map_or("", String::as_str);
    let text = fill(&d.date_format, "weekday", weekday);
    let text = fill(&text, "day", day.day());
    let text = fill(&text, "month", month);
    fill(&text, "year", day.year())
}

/// An instant in words in zone `tz`: "Πέμπτη 3 Δεκεμβρίου 2026, 10:00".
pub fn long_time(t: DateTime<Utc>, tz: Tz, lang: Language) -> String {
    let local = t.with_timezone(&tz);
    format!(
        "{}, {}",
        long_date(local.date_naive(), lang),
        local.format("%H:%M")
    )
}

/// Only the hour and minute, `10:20`, in zone `tz`.
fn clock(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%H:%M").to_string()
}

/// The details of one appointment, ready to show.
#[derive(Debug, Clone, Serialize)]
pub struct Details {
    /// Service name.
    pub service: String,
    /// Provider name.
    pub provider: String,
    /// Start, "Τετάρτη 27 Ιανουαρίου 2027, 10:40".
    pub start: String,
    /// End: `11:00` on the start's day, else as the start.
    pub end: String,
    /// Length, e.g. `20 λεπτά`.
    pub duration: String,
    /// The patron's topic.
    pub notes: String,
    /// The answers to the service's questions, in the questions' order.
    pub answers: Vec<AnswerLine>,
    /// The patron's name.
    pub name: String,
    /// The patron's email.
    pub email: String,
    /// The patron's phone, if given.
    pub phone: Option<String>,
    /// The cancellation reason, if cancelled with one.
    pub reason: Option<String>,
    /// What patrons call the library's zone, said after each time ("ώρα Ελλάδας").
    pub zone: String,
    /// The start in the patron's own zone, with its place ("Monday 30 November 2026, 23:00
    /// (Los Angeles)"), when the booking said a zone whose time differs from the library's.
    pub own: Option<String>,
}

/// One answer as a mail shows it: the question and the answer in words.
#[derive(Debug, Clone, Serialize)]
pub struct AnswerLine {
    /// The question.
    pub label: String,
    /// The answer: option labels, yes/no, or the patron's text.
    pub text: String,
    /// Whether the patron's own mails repeat it (staff see every answer).
    pub patron: bool,
}

/// The answers of `a`, in the order its service asks them, in `lang`.
fn answer_lines(a: &Appointment, config: &LibraryConfig, lang: Language) -> Vec<AnswerLine> {
    let words = &texts(lang).export;
    let Some(service) = config.service(a.service.as_str()) else {
        return Vec::new();
    };
    service
        .questions
        .iter()
        .filter_map(|q| {
            let answer = a.answers.get(&q.id)?;
            Some(AnswerLine {
                label: q.label.get(lang).to_owned(),
                text: q.display(answer, lang, [&words.yes, &words.no]),
                patron: q.in_patron_mail,
            })
        })
        .collect()
}

/// The start in the patron's own zone, when it is not the library's time.
fn own_time(a: &Appointment, tz: Tz, lang: Language) -> Option<String> {
    use chrono::Offset;
    let zone = a.patron.zone?;
    let theirs = a.start.with_timezone(&zone).offset().fix();
    if theirs == a.start.with_timezone(&tz).offset().fix() {
        return None;
    }
    Some(format!(
        "{} ({})",
        long_time(a.start, zone, lang),
        place(zone)
    ))
}

/// A zone as a place a patron recognises: the city of its IANA name ("Los Angeles"), never
/// `America/Los_Angeles`.
pub fn place(zone: Tz) -> String {
    let name = zone.name();
    name.rsplit('/').next().unwrap_or(name).replace('_', " ")
}

impl Details {
    /// The details of `a` in `lang`, times in the library's zone.
    pub fn of(a: &Appointment, config: &LibraryConfig, lang: Language) -> Details {
        let tz = config.library.timezone;
        let c = &a.patron.customer;
        Details {
            service: config
                .service(a.service.as_str())
                .map_or_else(|| a.service.to_string(), |s| s.name.get(lang).to_owned()),
            provider: config
                .provider(a.provider.as_str())
                .map_or_else(|| a.provider.to_string(), |p| p.name.get(lang).to_owned()),
            start: long_time(a.start, tz, lang),
            end: if a.start.with_timezone(&tz).date_naive() == a.end.with_timezone(&tz).date_naive()
            {
                clock(a.end, tz)
            } else {
                long_time(a.end, tz, lang)
            },
            duration: fill(
                &texts(lang).details.minutes,
                "minutes",
                (a.end - a.start).num_minutes(),
            ),
            notes: a.patron.notes.to_string(),
            answers: answer_lines(a, config, lang),
            name: c.name.to_string(),
            email: c.email.to_string(),
            phone: c.phone.as_ref().map(ToString::to_string),
            reason: match &a.status {
                Status::Cancelled { reason, .. } if !reason.is_empty() => Some(reason.to_string()),
                _ => None,
            },
            zone: config.library.timezone_label.get(lang).to_owned(),
            own: own_time(a, tz, lang),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_say_the_weekday_and_the_month_in_words() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        assert_eq!(long_date(day, Language::El), "Πέμπτη 3 Δεκεμβρίου 2026");
        assert_eq!(long_date(day, Language::En), "Thursday 3 December 2026");
        let may = NaiveDate::from_ymd_opt(2027, 5, 31).unwrap();
        assert_eq!(long_date(may, Language::El), "Δευτέρα 31 Μαΐου 2027");
        let t = DateTime::parse_from_rfc3339("2026-12-03T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            long_time(t, chrono_tz::Europe::Athens, Language::En),
            "Thursday 3 December 2026, 10:00"
        );
        assert_eq!(
            long_time(t, chrono_tz::America::Los_Angeles, Language::En),
            "Thursday 3 December 2026, 00:00"
        );
    }
}
