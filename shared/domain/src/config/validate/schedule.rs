//! Services, providers and their working plans.

use super::Validator;
use crate::config::raw::*;
use crate::ids::{ProviderId, ServiceId};
use crate::provider::{Calendar, Meeting, Provider, CALENDAR_SECRET_PREFIX};
use crate::service::{FollowUp, Service};
use crate::slot_lock::lock_unit;
use crate::working_plan::{TimeRange, WorkingDay, WorkingPlan, EXCEPTIONS_MAX, WEEKDAY_NAMES};
use chrono::Weekday;
use std::collections::{BTreeMap, HashSet};

impl Validator {
    pub(super) fn services(
        &mut self,
        raw: &[RawService],
        provider_ids: &[Option<String>],
    ) -> Option<Vec<Service>> {
        if raw.is_empty() {
            self.issue("services", "at least one service is required");
            return None;
        }
        let mut seen = HashSet::new();
        let mut services = Vec::new();
        let mut ok = true;
        for (i, s) in raw.iter().enumerate() {
            let key = format!("services[{i}]");
            match self.service(&key, s, provider_ids, &mut seen) {
                Some(service) => services.push(service),
                None => ok = false,
            }
        }
        ok.then_some(services)
    }

    pub(super) fn service(
        &mut self,
        key: &str,
        raw: &RawService,
        provider_ids: &[Option<String>],
        seen: &mut HashSet<String>,
    ) -> Option<Service> {
        let id = self
            .id(&format!("{key}.id"), &raw.id, seen)
            .and_then(|s| ServiceId::parse(&s));
        let name = self.localized(&format!("{key}.name"), &raw.name);
        let description = self.localized(&format!("{key}.description"), &raw.description);
        let duration = self.minutes(
            &format!("{key}.duration_minutes"),
            &raw.duration_minutes,
            1,
            1440,
        );
        let grid = self.minutes(&format!("{key}.grid_minutes"), &raw.grid_minutes, 1, 1440);
        let buffer = match raw.buffer_minutes {
            None => Some(0),
            b => self.minutes(&format!("{key}.buffer_minutes"), &b, 0, 1440),
        };
        if let (Some(d), Some(g)) = (duration, grid) {
            if d % g != 0 {
                self.issue(
                    &format!("{key}.duration_minutes"),
                    format!("a duration of {d} minutes is not a multiple of the {g}-minute grid"),
                );
            }
        }
        let providers_key = format!("{key}.providers");
        let mut providers = Vec::new();
        if let Some(list) = self.required(&providers_key, &raw.providers) {
            if list.is_empty() {
                self.issue(&providers_key, "must name at least one provider");
            }
            for (j, p) in list.iter().enumerate() {
                let known = provider_ids.iter().flatten().any(|id| id == p);
                match ProviderId::parse(p) {
                    Some(pid) if known => providers.push(pid),
                    _ => self.issue(
                        &format!("{providers_key}[{j}]"),
                        format!("unknown provider {p:?}"),
                    ),
                }
            }
        }
        let follow_up = raw.follow_up.as_ref().map(|f| {
            let key = format!("{key}.follow_up");
            let after = self.minutes(&format!("{key}.after_minutes"), &f.after_minutes, 0, 10080);
            let survey = match &f.survey_url {
                None => Some(None),
                url => self.url(&format!("{key}.survey_url"), url).map(Some),
            };
            Some(FollowUp {
                after_minutes: after?,
                survey_url: survey?,
            })
        });
        let questions = self.questions(&format!("{key}.questions"), &raw.questions);
        let (duration, grid) = (duration?, grid?);
        if duration % grid != 0
            || providers.is_empty()
            || raw.providers.as_ref().map(Vec::len) != Some(providers.len())
        {
            return None;
        }
        Some(Service {
            id: id?,
            name: name?,
            description: description?,
            duration_minutes: duration,
            grid_minutes: grid,
            buffer_minutes: buffer?,
            providers,
            follow_up: match follow_up {
                Some(f) => Some(f?),
                None => None,
            },
            questions: questions?,
        })
    }

    pub(super) fn id(
        &mut self,
        key: &str,
        raw: &Option<String>,
        seen: &mut HashSet<String>,
    ) -> Option<String> {
        let id = self.required(key, raw)?;
        if !crate::ids::is_valid_id(id) {
            self.issue(
                key,
                format!("{id:?} is not a valid id (use 1-64 of a-z, 0-9, - and _)"),
            );
            return None;
        }
        if !seen.insert(id.clone()) {
            self.issue(key, format!("{id:?} is used twice"));
            return None;
        }
        Some(id.clone())
    }

    pub(super) fn providers(
        &mut self,
        raw: &[RawProvider],
        services: &[Service],
    ) -> Option<Vec<Provider>> {
        if raw.is_empty() {
            self.issue("providers", "at least one provider is required");
            return None;
        }
        let mut seen = HashSet::new();
        let mut providers = Vec::new();
        let mut ok = true;
        for (i, p) in raw.iter().enumerate() {
            let key = format!("providers[{i}]");
            let id = self
                .id(&format!("{key}.id"), &p.id, &mut seen)
                .and_then(|s| ProviderId::parse(&s));
            let name = self.localized(&format!("{key}.name"), &p.name);
            let email = self.email(&format!("{key}.email"), &p.email);
            let plan = self
                .working_plan(&format!("{key}.working_plan"), &p.working_plan)
                .and_then(|plan| {
                    self.exceptions(&format!("{key}.exceptions"), &p.exceptions, plan)
                });
            let meeting = self.meeting(&format!("{key}.meeting"), &p.meeting);
            let calendar = self.calendar(&format!("{key}.calendar"), &p.calendar);
            match (id, name, email, plan, meeting, calendar) {
                (
                    Some(id),
                    Some(name),
                    Some(email),
                    Some(working_plan),
                    Some(meeting),
                    Some(calendar),
                ) => {
                    let lock_minutes = lock_unit(&id, &working_plan, services);
                    providers.push(Provider {
                        id,
                        name,
                        email,
                        working_plan,
                        lock_minutes,
                        meeting,
                        calendar,
                    });
                }
                _ => ok = false,
            }
        }
        ok.then_some(providers)
    }

    /// A provider's `meeting`: `fixed` with `url`, `jitsi` with `base_url`, or `manual` (the
    /// default when left out).
    pub(super) fn meeting(&mut self, key: &str, raw: &Option<RawMeeting>) -> Option<Meeting> {
        let Some(raw) = raw else {
            return Some(Meeting::Manual);
        };
        match raw.kind.as_deref() {
            Some("fixed") => Some(Meeting::Fixed {
                url: self.url(&format!("{key}.url"), &raw.url)?,
            }),
            Some("jitsi") => Some(Meeting::Jitsi {
                base_url: self.url(&format!("{key}.base_url"), &raw.base_url)?,
            }),
            Some("manual") => Some(Meeting::Manual),
            Some(other) => {
                self.issue(
                    &format!("{key}.kind"),
                    format!(
                        "{other:?} is not a meeting kind: use \"fixed\", \"jitsi\" or \"manual\""
                    ),
                );
                None
            }
            None => {
                self.issue(
                    &format!("{key}.kind"),
                    "missing: use \"fixed\", \"jitsi\" or \"manual\"",
                );
                None
            }
        }
    }

    /// A provider's `calendar`: `{ kind = "ics", url }`, the address `https` (or `http` on a
    /// loopback address); `Some(None)` when left out, `None` after an issue.
    pub(super) fn calendar(
        &mut self,
        key: &str,
        raw: &Option<RawCalendar>,
    ) -> Option<Option<Calendar>> {
        let Some(raw) = raw else {
            return Some(None);
        };
        let kinds = "use \"ics\" or \"caldav\"";
        let kind = match raw.kind.as_deref() {
            Some(kind @ ("ics" | "caldav")) => kind,
            Some(other) => {
                self.issue(
                    &format!("{key}.kind"),
                    format!("{other:?} is not a calendar kind: {kinds}"),
                );
                return None;
            }
            None => {
                self.issue(&format!("{key}.kind"), format!("missing: {kinds}"));
                return None;
            }
        };
        let url_key = format!("{key}.url");
        let text = self.required(&url_key, &raw.url)?.trim().to_owned();
        let url = match ics_address(&text) {
            Ok(url) => url,
            Err(why) => {
                // Not the address itself: it may hold a secret token.
                self.issue(&url_key, why);
                return None;
            }
        };
        if kind == "ics" {
            if raw.secret.is_some() {
                self.issue(
                    &format!("{key}.secret"),
                    "a published ICS address takes no secret (its address is its key)",
                );
                return None;
            }
            return Some(Some(Calendar::Ics { url }));
        }
        let secret = match raw.secret.as_deref().map(str::trim) {
            None => None,
            Some(name) if secret_name(name) => Some(name.to_owned()),
            Some(_) => {
                self.issue(
                    &format!("{key}.secret"),
                    format!(
                        "must be a secret's name (not the password): \"{CALENDAR_SECRET_PREFIX}\" and then letters, digits or /_+=.@-"
                    ),
                );
                return None;
            }
        };
        Some(Some(Calendar::CalDav { url, secret }))
    }

    pub(super) fn working_plan(
        &mut self,
        key: &str,
        raw: &Option<BTreeMap<String, RawDay>>,
    ) -> Option<WorkingPlan> {
        let raw = self.required(key, raw)?;
        let mut plan = WorkingPlan::default();
        let mut ok = true;
        for (day_name, day) in raw {
            let day_key = format!("{key}.{day_name}");
            let Some(weekday) = WEEKDAY_NAMES
                .iter()
                .position(|n| n == day_name)
                .and_then(|i| Weekday::try_from(i as u8).ok())
            else {
                self.issue(&day_key, "unknown weekday (use monday … sunday)");
                ok = false;
                continue;
            };
            match self.working_day(&day_key, day) {
                Some(d) => plan.set(weekday, d),
                None => ok = false,
            }
        }
        ok.then_some(plan)
    }

    /// The dates of `raw` added to `plan`: each its hours and breaks, or `off = true`.
    pub(super) fn exceptions(
        &mut self,
        key: &str,
        raw: &BTreeMap<String, RawException>,
        mut plan: WorkingPlan,
    ) -> Option<WorkingPlan> {
        if raw.len() > EXCEPTIONS_MAX {
            self.issue(key, format!("at most {EXCEPTIONS_MAX} dates"));
            return None;
        }
        let mut ok = true;
        for (date, day) in raw {
            let day_key = format!("{key}.\"{date}\"");
            let Some(date) = self.date(&day_key, date) else {
                ok = false;
                continue;
            };
            let hours = day.start.is_some() || day.end.is_some() || !day.breaks.is_empty();
            match (day.off, hours) {
                (Some(true), false) => plan.set_exception(date, None),
                (Some(true), true) => {
                    self.issue(&day_key, "a day off has no start, end or breaks");
                    ok = false;
                }
                (Some(false) | None, _) => {
                    match self.working_hours(&day_key, &day.start, &day.end, &day.breaks) {
                        Some(d) => plan.set_exception(date, Some(d)),
                        None => ok = false,
                    }
                }
            }
        }
        ok.then_some(plan)
    }

    pub(super) fn working_day(&mut self, key: &str, raw: &RawDay) -> Option<WorkingDay> {
        self.working_hours(key, &raw.start, &raw.end, &raw.breaks)
    }

    fn working_hours(
        &mut self,
        key: &str,
        start: &Option<String>,
        end: &Option<String>,
        raw_breaks: &[RawRange],
    ) -> Option<WorkingDay> {
        let hours = self.range(key, start, end)?;
        let mut breaks: Vec<(usize, TimeRange)> = Vec::new();
        let mut ok = true;
        for (i, b) in raw_breaks.iter().enumerate() {
            let bkey = format!("{key}.breaks[{i}]");
            let Some(range) = self.range(&bkey, &b.start, &b.end) else {
                ok = false;
                continue;
            };
            if !hours.contains(&range) {
                self.issue(
                    &bkey,
                    "the break falls outside the working hours of the day",
                );
                ok = false;
            }
            if let Some((j, _)) = breaks.iter().find(|(_, other)| other.overlaps(&range)) {
                self.issue(&bkey, format!("the break overlaps breaks[{j}]"));
                ok = false;
            }
            breaks.push((i, range));
        }
        breaks.sort_by_key(|(_, r)| r.start);
        ok.then(|| WorkingDay {
            hours,
            breaks: breaks.into_iter().map(|(_, r)| r).collect(),
        })
    }

    pub(super) fn range(
        &mut self,
        key: &str,
        start: &Option<String>,
        end: &Option<String>,
    ) -> Option<TimeRange> {
        let start = self.time(&format!("{key}.start"), start);
        let end = self.time(&format!("{key}.end"), end);
        let (start, end) = (start?, end?);
        if start >= end {
            self.issue(&format!("{key}.end"), "must be later than start");
            return None;
        }
        Some(TimeRange { start, end })
    }
}

/// A calendar's address, if the scheduler may fetch it: `https` with a host, or `http` to a
/// loopback address (tests and `rantevou serve`); no user name or password in it.
/// A calendar secret's name: the prefix, then what Secrets Manager allows in a name.
fn secret_name(name: &str) -> bool {
    name.strip_prefix(CALENDAR_SECRET_PREFIX)
        .is_some_and(|rest| {
            !rest.is_empty()
                && name.len() <= 512
                && rest
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "/_+=.@-".contains(c))
        })
}

fn ics_address(text: &str) -> Result<url::Url, &'static str> {
    let url = url::Url::parse(text).map_err(|_| "is not a URL")?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not hold a user name or password");
    }
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => return Err("has no host"),
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        "http" => Err("must be https (plain http only on a loopback address)"),
        // webcal:// is how calendars offer a subscription: the same address over https.
        _ => Err("must be an https address (for webcal://…, write https://…)"),
    }
}
