//! Closures and the booking policy.

use super::Validator;
use crate::closure::{AnnualClosure, ClosedPeriod, Closures};
use crate::config::raw::*;
use crate::policy::{
    Policy, RequiredFields, DEFAULT_BUSY_BOOKINGS_PER_10_MINUTES, DEFAULT_MAIL_PER_ADDRESS_PER_DAY,
    DEFAULT_MAX_ACTIVE_PER_PATRON, DEFAULT_MAX_MOVES, DEFAULT_PROOF_OF_WORK_DIFFICULTY,
    DEFAULT_REMINDERS_BEFORE_MINUTES, DEFAULT_SEND_LINK_BEFORE_MINUTES, DEFAULT_WAITLIST_PER_DAY,
};
use chrono::NaiveDate;

impl Validator {
    pub(super) fn closures(&mut self, raw: &RawClosures) -> Option<Closures> {
        let mut ok = true;
        let mut annual = Vec::new();
        for (i, a) in raw.annual.iter().enumerate() {
            let key = format!("closures.annual[{i}]");
            let name = self.text(&format!("{key}.name"), &a.name);
            let date = self
                .required(&format!("{key}.date"), &a.date)
                .and_then(|d| {
                    // Checked against a leap year so that 29 February is allowed.
                    match NaiveDate::parse_from_str(&format!("2024-{d}"), "%Y-%m-%d") {
                        Ok(date) => Some(date),
                        Err(_) => {
                            self.issue(
                                &format!("{key}.date"),
                                format!("{d:?} is not a date of the year as MM-DD"),
                            );
                            None
                        }
                    }
                });
            match (name, date) {
                (Some(name), Some(date)) => {
                    use chrono::Datelike;
                    annual.push(AnnualClosure {
                        name,
                        month: date.month(),
                        day: date.day(),
                    });
                }
                _ => ok = false,
            }
        }
        let mut periods = Vec::new();
        for (i, p) in raw.dates.iter().enumerate() {
            let key = format!("closures.dates[{i}]");
            let name = self.text(&format!("{key}.name"), &p.name);
            let span = match (&p.date, &p.from, &p.to) {
                (Some(d), None, None) => self.date(&format!("{key}.date"), d).map(|d| (d, d)),
                (None, Some(from), Some(to)) => {
                    let from = self.date(&format!("{key}.from"), from);
                    let to = self.date(&format!("{key}.to"), to);
                    match (from, to) {
                        (Some(f), Some(t)) if f > t => {
                            self.issue(&format!("{key}.to"), "must not be before from");
                            None
                        }
                        (Some(f), Some(t)) => Some((f, t)),
                        _ => None,
                    }
                }
                _ => {
                    self.issue(&key, "give either date, or both from and to");
                    None
                }
            };
            match (name, span) {
                (Some(name), Some((from, to))) => periods.push(ClosedPeriod {
                    name,
                    from,
                    to,
                    hours: None,
                }),
                _ => ok = false,
            }
        }
        ok.then(|| Closures {
            greek_public_holidays: raw.greek_public_holidays.unwrap_or(true),
            annual,
            periods,
        })
    }

    pub(super) fn policy(&mut self, raw: &RawPolicy) -> Option<Policy> {
        let min_notice = self.minutes(
            "policy.min_notice_minutes",
            &raw.min_notice_minutes,
            0,
            60 * 24 * 30,
        );
        let horizon = self.minutes("policy.horizon_days", &raw.horizon_days, 1, 366);
        let cutoff = self.minutes(
            "policy.cancel_cutoff_minutes",
            &raw.cancel_cutoff_minutes,
            0,
            60 * 24 * 30,
        );
        let retention = self.minutes("policy.retention_days", &raw.retention_days, 1, 3660);
        let required = self.required_fields(&raw.required_fields);
        let difficulty = match raw.proof_of_work_difficulty {
            None => Some(DEFAULT_PROOF_OF_WORK_DIFFICULTY),
            Some(n) if (0..=10_000_000).contains(&n) => u64::try_from(n).ok(),
            Some(n) => {
                self.issue(
                    "policy.proof_of_work_difficulty",
                    format!("must be between 0 (no bot check) and 10000000, not {n}"),
                );
                None
            }
        };
        let max_active = match raw.max_active_per_patron {
            None => Some(DEFAULT_MAX_ACTIVE_PER_PATRON),
            value => self.minutes("policy.max_active_per_patron", &value, 0, 100),
        };
        let hold = match raw.hold_minutes {
            None => Some(0),
            value => self.minutes("policy.hold_minutes", &value, 0, 24 * 60),
        };
        let send_link = match raw.send_link_before_minutes {
            None => Some(DEFAULT_SEND_LINK_BEFORE_MINUTES),
            value => self.minutes("policy.send_link_before_minutes", &value, 0, 60 * 24 * 30),
        };
        let reminders = self.reminders(&raw.reminders_before_minutes);
        let mail_cap = match raw.mail_per_address_per_day {
            None => Some(DEFAULT_MAIL_PER_ADDRESS_PER_DAY),
            value => self.minutes("policy.mail_per_address_per_day", &value, 0, 100),
        };
        let max_moves = match raw.max_moves {
            None => Some(DEFAULT_MAX_MOVES),
            value => self.minutes("policy.max_moves", &value, 0, 20),
        };
        let busy = match raw.busy_bookings_per_10_minutes {
            None => Some(DEFAULT_BUSY_BOOKINGS_PER_10_MINUTES),
            value => self.minutes("policy.busy_bookings_per_10_minutes", &value, 0, 100_000),
        };
        let waitlist_per_day = match raw.waitlist_per_day {
            None => Some(DEFAULT_WAITLIST_PER_DAY),
            value => self.minutes("policy.waitlist_per_day", &value, 1, 10_000),
        };
        Some(Policy {
            min_notice_minutes: min_notice?,
            horizon_days: horizon?,
            cancel_cutoff_minutes: cutoff?,
            retention_days: retention?,
            required: required?,
            max_active_per_patron: max_active?,
            proof_of_work_difficulty: difficulty?,
            hold_minutes: hold?,
            send_link_before_minutes: send_link?,
            reminders_before_minutes: reminders?,
            mail_per_address_per_day: mail_cap?,
            max_moves: max_moves?,
            busy_bookings_per_10_minutes: busy?,
            waitlist_per_day: waitlist_per_day?,
        })
    }

    /// `policy.reminders_before_minutes`: distinct minutes before the start, 1 to 30 days'
    /// worth, at most 5 of them; sorted the earliest reminder first.
    fn reminders(&mut self, raw: &Option<Vec<i64>>) -> Option<Vec<u32>> {
        let key = "policy.reminders_before_minutes";
        let Some(list) = raw else {
            return Some(DEFAULT_REMINDERS_BEFORE_MINUTES.to_vec());
        };
        if list.len() > 5 {
            self.issue(key, format!("at most 5 reminders, not {}", list.len()));
            return None;
        }
        let mut out = Vec::new();
        for (i, m) in list.iter().enumerate() {
            let minutes = self.minutes(&format!("{key}[{i}]"), &Some(*m), 1, 60 * 24 * 30)?;
            if out.contains(&minutes) {
                self.issue(key, format!("{minutes} is given twice"));
                return None;
            }
            out.push(minutes);
        }
        out.sort_unstable_by(|a, b| b.cmp(a));
        Some(out)
    }

    pub(super) fn required_fields(&mut self, raw: &Option<Vec<String>>) -> Option<RequiredFields> {
        let key = "policy.required_fields";
        let Some(list) = raw else {
            return Some(RequiredFields::default());
        };
        let mut fields = RequiredFields::default();
        let (mut name, mut email, mut ok) = (false, false, true);
        for (i, f) in list.iter().enumerate() {
            match f.as_str() {
                "name" => name = true,
                "email" => email = true,
                "phone" => fields.phone = true,
                "notes" => fields.notes = true,
                other => {
                    self.issue(
                        &format!("{key}[{i}]"),
                        format!("unknown field {other:?} (expected name, email, phone or notes)"),
                    );
                    ok = false;
                }
            }
        }
        if !(name && email) {
            self.issue(key, "name and email are always required and must be listed");
            ok = false;
        }
        ok.then_some(fields)
    }
}
