//! Statistics that keep no one's data: when an appointment's outcome is known (attended, no
//! show, cancelled by the patron or the library, a hold that lapsed, a consultation never
//! marked), one anonymous [`OutcomeRecord`] is kept for years, long after the appointment and
//! everything personal in it is gone. A record says when (month, weekday, hour), what (service,
//! provider, the answers to questions marked `statistics`, choices only), how it ended, how far
//! ahead it was booked, whether it was moved or came from the waiting list: no name, address,
//! phone, appointment id or free text.
//!
//! [`Report::of`] adds records up for a range of months. Within one month, a service, a
//! provider or an answer counted fewer than [`SMALL`] times is shown merged into "other", so
//! that no one is identifiable from a small count.

use crate::appointment::{Appointment, Canceller, Status};
use crate::question::{Answer, QuestionKind};
use crate::LibraryConfig;
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Fewer than this many of one kind in one month are merged into [`OTHER`] when shown.
pub const SMALL: u32 = 5;
/// The name of the merged small counts.
pub const OTHER: &str = "other";
/// How long after its end a consultation waits for staff to mark attendance before it is
/// counted as it stands (unmarked, if still so).
pub const MARK_DAYS: i64 = 7;

/// How an appointment ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Staff marked that the patron came.
    Attended,
    /// Staff marked that the patron did not come.
    NoShow,
    /// The patron cancelled.
    CancelledByPatron,
    /// The library cancelled.
    CancelledByStaff,
    /// A hold the patron never confirmed.
    Expired,
    /// Its time passed and no one marked whether the patron came.
    Unmarked,
}

impl Outcome {
    /// Every outcome, in the order reports list them.
    pub const ALL: [Outcome; 6] = [
        Outcome::Attended,
        Outcome::NoShow,
        Outcome::CancelledByPatron,
        Outcome::CancelledByStaff,
        Outcome::Expired,
        Outcome::Unmarked,
    ];

    /// The name the API and the CSV use.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Attended => "attended",
            Outcome::NoShow => "no_show",
            Outcome::CancelledByPatron => "cancelled_by_patron",
            Outcome::CancelledByStaff => "cancelled_by_staff",
            Outcome::Expired => "expired",
            Outcome::Unmarked => "unmarked",
        }
    }
}

/// One appointment's outcome, with nothing that could say whose it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeRecord {
    /// The start's month in the library's zone, `YYYY-MM`.
    pub month: String,
    /// The start's weekday, 1 (Monday) to 7.
    pub weekday: u8,
    /// The start's hour in the library's zone, 0–23.
    pub hour: u8,
    /// The service's id.
    pub service: String,
    /// The provider's id.
    pub provider: String,
    /// The answers to the questions marked `statistics`: option ids (`yes`/`no` for a yes/no).
    #[serde(default)]
    pub answers: BTreeMap<String, Vec<String>>,
    /// How it ended.
    pub outcome: Outcome,
    /// Whole days between the booking and the start.
    pub lead_days: u32,
    /// Whether it was moved.
    pub moved: bool,
    /// Whether it was booked from the waiting list's mail.
    pub waitlist: bool,
}

impl OutcomeRecord {
    /// The record of `a` at `now`, if its outcome is known: cancelled, marked, a lapsed hold,
    /// or (with `settled`, when the time to mark it has passed) a consultation left unmarked.
    pub fn of(
        a: &Appointment,
        config: &LibraryConfig,
        now: DateTime<Utc>,
        settled: bool,
    ) -> Option<OutcomeRecord> {
        let outcome = match (&a.status, a.attendance) {
            (Status::Cancelled { by, .. }, _) => match by {
                Canceller::Patron => Outcome::CancelledByPatron,
                Canceller::Staff => Outcome::CancelledByStaff,
            },
            (Status::Held { until }, _) if *until <= now => Outcome::Expired,
            (Status::Held { .. }, _) => return None,
            (Status::Booked, Some(mark)) if mark.attended => Outcome::Attended,
            (Status::Booked, Some(_)) => Outcome::NoShow,
            (Status::Booked, None) if settled && a.end <= now => Outcome::Unmarked,
            (Status::Booked, None) => return None,
        };
        let local = a.start.with_timezone(&config.library.timezone);
        let asked = config
            .service(a.service.as_str())
            .map(|s| s.questions.as_slice())
            .unwrap_or_default();
        let answers = asked
            .iter()
            .filter(|q| q.statistics && q.kind.is_closed())
            .filter_map(|q| {
                let ids = match (q.kind, a.answers.get(&q.id)?) {
                    (QuestionKind::YesNo, Answer::Flag(b)) => {
                        vec![if *b { "yes" } else { "no" }.to_owned()]
                    }
                    (QuestionKind::Choice, Answer::One(id)) => vec![id.clone()],
                    (QuestionKind::Choices, Answer::Many(ids)) => ids.clone(),
                    _ => return None,
                };
                Some((q.id.clone(), ids))
            })
            .collect();
        let lead = (a.start - a.created_at).num_days().max(0);
        Some(OutcomeRecord {
            month: format!("{:04}-{:02}", local.year(), local.month()),
            weekday: u8::try_from(local.weekday().number_from_monday()).unwrap_or(1),
            hour: u8::try_from(local.hour()).unwrap_or(0),
            service: a.service.to_string(),
            provider: a.provider.to_string(),
            answers,
            outcome,
            lead_days: u32::try_from(lead).unwrap_or(u32::MAX),
            moved: a.moves > 0,
            waitlist: a.from_waitlist,
        })
    }

    /// The record, if it holds only what a record may ([`Self::is_well_formed`]): what a store
    /// writes and reads back.
    pub fn checked(self) -> Result<OutcomeRecord, crate::ports::StoreError> {
        if self.is_well_formed() {
            Ok(self)
        } else {
            Err(crate::ports::StoreError::Corrupt("outcome record".into()))
        }
    }

    /// Whether a record read back holds only what a record may: a month, ids, small numbers.
    pub fn is_well_formed(&self) -> bool {
        let month_ok = NaiveDate::parse_from_str(&format!("{}-01", self.month), "%Y-%m-%d").is_ok()
            && self.month.len() == 7;
        let ids_ok = crate::ids::is_valid_id(&self.service)
            && crate::ids::is_valid_id(&self.provider)
            && self.answers.iter().all(|(q, ids)| {
                crate::ids::is_valid_id(q) && ids.iter().all(|id| crate::ids::is_valid_id(id))
            });
        month_ok && ids_ok && (1..=7).contains(&self.weekday) && self.hour < 24
    }
}

/// A count per name (a service, a provider, an answer), the small ones merged into [`OTHER`].
pub type Counts = BTreeMap<String, u32>;

/// One month's figures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MonthFigures {
    /// `YYYY-MM`.
    pub month: String,
    /// Every appointment that ended.
    pub total: u32,
    /// By outcome name (every outcome named, zeros included).
    pub outcomes: BTreeMap<&'static str, u32>,
}

/// What `GET /api/staff/statistics` answers for a range of months.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    /// First month, `YYYY-MM`.
    pub from: String,
    /// Last month, `YYYY-MM`.
    pub to: String,
    /// Every appointment that ended in the range.
    pub total: u32,
    /// By outcome name.
    pub outcomes: BTreeMap<&'static str, u32>,
    /// No-shows among the marked consultations (attended + no show), 0–1; `None` when none
    /// was marked.
    pub no_show_rate: Option<f64>,
    /// The median days between booking and start, of the appointments that took place or
    /// were missed (attended, no show, unmarked).
    pub lead_days_median: Option<f64>,
    /// How many were moved at least once.
    pub moved: u32,
    /// How many came from the waiting list.
    pub waitlist: u32,
    /// Month by month, every month of the range.
    pub months: Vec<MonthFigures>,
    /// By service id (small counts of a month merged).
    pub services: Counts,
    /// By provider id (small counts of a month merged).
    pub providers: Counts,
    /// By statistical question id, then answer id (small counts of a month merged).
    pub questions: BTreeMap<String, Counts>,
    /// By weekday, 1 (Monday) to 7.
    pub weekdays: BTreeMap<u8, u32>,
    /// By hour of the start, 0–23.
    pub hours: BTreeMap<u8, u32>,
}

/// Adds `counts` of one month into `into`, the ones under [`SMALL`] as [`OTHER`].
fn merge_small(into: &mut Counts, counts: Counts) {
    for (name, n) in counts {
        let key = if n < SMALL { OTHER.to_owned() } else { name };
        *into.entry(key).or_default() += n;
    }
}

/// The months from `from` to `to`, both `YYYY-MM`, in order (none if either is malformed or
/// `to` is before `from`).
pub fn months(from: &str, to: &str) -> Vec<String> {
    let parse = |m: &str| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok();
    let (Some(mut day), Some(last)) = (parse(from), parse(to)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    while day <= last && out.len() < 1200 {
        out.push(day.format("%Y-%m").to_string());
        day = day
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(last + chrono::Days::new(1));
    }
    out
}

impl Report {
    /// The figures of `records` for the months `from` to `to` (`YYYY-MM`); records outside
    /// are left out.
    pub fn of(records: &[OutcomeRecord], from: &str, to: &str) -> Report {
        let range = months(from, to);
        let mut report = Report {
            from: from.to_owned(),
            to: to.to_owned(),
            outcomes: Outcome::ALL.iter().map(|o| (o.name(), 0)).collect(),
            ..Report::default()
        };
        let mut leads = Vec::new();
        for month in &range {
            let of_month: Vec<&OutcomeRecord> =
                records.iter().filter(|r| &r.month == month).collect();
            let mut figures = MonthFigures {
                month: month.clone(),
                total: 0,
                outcomes: Outcome::ALL.iter().map(|o| (o.name(), 0)).collect(),
            };
            let (mut services, mut providers) = (Counts::new(), Counts::new());
            let mut questions: BTreeMap<String, Counts> = BTreeMap::new();
            for r in &of_month {
                figures.total += 1;
                *figures.outcomes.entry(r.outcome.name()).or_default() += 1;
                *services.entry(r.service.clone()).or_default() += 1;
                *providers.entry(r.provider.clone()).or_default() += 1;
                for (q, ids) in &r.answers {
                    for id in ids {
                        *questions
                            .entry(q.clone())
                            .or_default()
                            .entry(id.clone())
                            .or_default() += 1;
                    }
                }
                *report.weekdays.entry(r.weekday).or_default() += 1;
                *report.hours.entry(r.hour).or_default() += 1;
                report.moved += u32::from(r.moved);
                report.waitlist += u32::from(r.waitlist);
                if matches!(
                    r.outcome,
                    Outcome::Attended | Outcome::NoShow | Outcome::Unmarked
                ) {
                    leads.push(r.lead_days);
                }
            }
            merge_small(&mut report.services, services);
            merge_small(&mut report.providers, providers);
            for (q, counts) in questions {
                merge_small(report.questions.entry(q).or_default(), counts);
            }
            report.total += figures.total;
            for (name, n) in &figures.outcomes {
                *report.outcomes.entry(name).or_default() += n;
            }
            report.months.push(figures);
        }
        let count = |o: Outcome| report.outcomes.get(o.name()).copied().unwrap_or(0);
        let (attended, no_show) = (count(Outcome::Attended), count(Outcome::NoShow));
        let marked = attended + no_show;
        report.no_show_rate = (marked > 0).then(|| f64::from(no_show) / f64::from(marked));
        report.lead_days_median = median(&mut leads);
        report
    }
}

fn median(values: &mut [u32]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        f64::from(values[mid])
    } else {
        (f64::from(values[mid - 1]) + f64::from(values[mid])) / 2.0
    })
}

#[cfg(test)]
#[path = "tests/statistics.rs"]
mod tests;
