//! The library's configuration (`infra/library.toml`): loading, validation, and lookups.
//!
//! The loader reads the whole file, then reports every mistake at once, each with its key
//! (`providers[0].working_plan.monday.breaks[1]`) and, where the file shows it, its line.

use crate::closure::{AnnualClosure, ClosedPeriod, Closures};
use crate::ids::{ProviderId, ServiceId};
use crate::language::{Language, Localized};
use crate::policy::{Policy, RequiredFields};
use crate::provider::Provider;
use crate::service::Service;
use crate::slot_lock::MAX_LOCKS_PER_APPOINTMENT;
use crate::working_plan::{TimeRange, WorkingDay, WorkingPlan};
use chrono::{NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::fmt;

/// Who the library is and how patrons reach it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Library {
    /// The library's name per language, used as the mail footer and page title.
    pub name: Localized,
    /// The library's public contact address (also the default sender).
    pub email: String,
    /// Public URL of the booking site, without a trailing slash; manage links start here.
    pub site_url: String,
    /// The zone all dates and working hours are in.
    pub timezone: Tz,
    /// Languages offered, default first.
    pub languages: Vec<Language>,
    /// Terms and Conditions page.
    pub terms_url: String,
    /// Privacy Policy page.
    pub privacy_url: String,
}

impl Library {
    /// The language used when a patron has not chosen one, and for staff copies.
    pub fn default_language(&self) -> Language {
        self.languages.first().copied().unwrap_or(Language::El)
    }
}

/// The validated configuration of one library. Only [`LibraryConfig::from_toml_str`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryConfig {
    /// The library itself.
    pub library: Library,
    /// What can be booked.
    pub services: Vec<Service>,
    /// Who can be booked.
    pub providers: Vec<Provider>,
    /// When the library is closed.
    pub closures: Closures,
    /// Booking rules.
    pub policy: Policy,
}

impl LibraryConfig {
    /// Parses and validates a `library.toml`, reporting every mistake at once.
    pub fn from_toml_str(source: &str) -> Result<Self, ConfigError> {
        let mut unknown = Vec::new();
        let deserializer = toml::Deserializer::new(source);
        let raw: Result<RawConfig, _> = serde_ignored::deserialize(deserializer, |path| {
            unknown.push(ignored_path(&path));
        });
        let raw = match raw {
            Ok(raw) => raw,
            Err(e) => {
                let line = e.span().map(|s| line_of_offset(source, s.start));
                return Err(ConfigError {
                    issues: vec![ConfigIssue {
                        key: String::new(),
                        line,
                        message: e.message().to_owned(),
                    }],
                });
            }
        };
        let mut v = Validator::default();
        for key in unknown {
            v.issue(&key, "unknown key");
        }
        let config = v.config(&raw);
        if v.issues.is_empty() {
            if let Some(config) = config {
                return Ok(config);
            }
        }
        let document = toml_edit::ImDocument::parse(source).ok();
        for issue in &mut v.issues {
            issue.line = document
                .as_ref()
                .and_then(|d| line_of_key(d.as_item(), &issue.key))
                .map(|offset| line_of_offset(source, offset));
        }
        Err(ConfigError { issues: v.issues })
    }

    /// The service with this id.
    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.id.as_str() == id)
    }

    /// The provider with this id.
    pub fn provider(&self, id: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.id.as_str() == id)
    }
}

/// One mistake in a configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigIssue {
    /// Where: a dotted key with indexes, e.g. `services[0].duration_minutes`; empty for syntax.
    pub key: String,
    /// 1-based line in the file, where known.
    pub line: Option<usize>,
    /// What is wrong, in words staff can act on.
    pub message: String,
}

/// Every mistake found in a configuration file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    /// The mistakes, in file order as far as the loader knows it.
    pub issues: Vec<ConfigIssue>,
}

impl ConfigError {
    /// Whether some issue concerns `key` (exactly) and says something containing `words`.
    pub fn mentions(&self, key: &str, words: &str) -> bool {
        self.issues
            .iter()
            .any(|i| i.key == key && i.message.contains(words))
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "invalid library configuration:")?;
        for issue in &self.issues {
            match (issue.key.is_empty(), issue.line) {
                (false, Some(line)) => {
                    writeln!(f, "  line {line}: {}: {}", issue.key, issue.message)?
                }
                (false, None) => writeln!(f, "  {}: {}", issue.key, issue.message)?,
                (true, Some(line)) => writeln!(f, "  line {line}: {}", issue.message)?,
                (true, None) => writeln!(f, "  {}", issue.message)?,
            }
        }
        Ok(())
    }
}

// ---- raw shape of the file: everything optional, so that missing keys are issues too ----

#[derive(Deserialize)]
struct RawConfig {
    library: Option<RawLibrary>,
    #[serde(default)]
    services: Vec<RawService>,
    #[serde(default)]
    providers: Vec<RawProvider>,
    closures: Option<RawClosures>,
    policy: Option<RawPolicy>,
}

#[derive(Deserialize)]
struct RawLocalized {
    el: Option<String>,
    en: Option<String>,
}

#[derive(Deserialize)]
struct RawLibrary {
    name: Option<RawLocalized>,
    email: Option<String>,
    site_url: Option<String>,
    timezone: Option<String>,
    languages: Option<Vec<String>>,
    terms_url: Option<String>,
    privacy_url: Option<String>,
}

#[derive(Deserialize)]
struct RawService {
    id: Option<String>,
    name: Option<RawLocalized>,
    description: Option<RawLocalized>,
    duration_minutes: Option<i64>,
    grid_minutes: Option<i64>,
    buffer_minutes: Option<i64>,
    providers: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct RawProvider {
    id: Option<String>,
    name: Option<RawLocalized>,
    email: Option<String>,
    working_plan: Option<BTreeMap<String, RawDay>>,
}

#[derive(Deserialize)]
struct RawDay {
    start: Option<String>,
    end: Option<String>,
    #[serde(default)]
    breaks: Vec<RawRange>,
}

#[derive(Deserialize)]
struct RawRange {
    start: Option<String>,
    end: Option<String>,
}

#[derive(Deserialize)]
struct RawClosures {
    greek_public_holidays: Option<bool>,
    #[serde(default)]
    annual: Vec<RawAnnual>,
    #[serde(default)]
    dates: Vec<RawPeriod>,
}

#[derive(Deserialize)]
struct RawAnnual {
    name: Option<String>,
    date: Option<String>,
}

#[derive(Deserialize)]
struct RawPeriod {
    name: Option<String>,
    date: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

#[derive(Deserialize)]
struct RawPolicy {
    min_notice_minutes: Option<i64>,
    horizon_days: Option<i64>,
    cancel_cutoff_minutes: Option<i64>,
    retention_days: Option<i64>,
    required_fields: Option<Vec<String>>,
}

const WEEKDAYS: [(&str, Weekday); 7] = [
    ("monday", Weekday::Mon),
    ("tuesday", Weekday::Tue),
    ("wednesday", Weekday::Wed),
    ("thursday", Weekday::Thu),
    ("friday", Weekday::Fri),
    ("saturday", Weekday::Sat),
    ("sunday", Weekday::Sun),
];

/// Collects issues while turning the raw file into validated types.
#[derive(Default)]
struct Validator {
    issues: Vec<ConfigIssue>,
}

impl Validator {
    fn issue(&mut self, key: &str, message: impl Into<String>) {
        self.issues.push(ConfigIssue {
            key: key.to_owned(),
            line: None,
            message: message.into(),
        });
    }

    fn required<'a, T>(&mut self, key: &str, value: &'a Option<T>) -> Option<&'a T> {
        if value.is_none() {
            self.issue(key, "is required");
        }
        value.as_ref()
    }

    fn text(&mut self, key: &str, value: &Option<String>) -> Option<String> {
        let value = self.required(key, value)?;
        if value.trim().is_empty() {
            self.issue(key, "must not be empty");
            return None;
        }
        Some(value.trim().to_owned())
    }

    fn localized(&mut self, key: &str, value: &Option<RawLocalized>) -> Option<Localized> {
        let value = self.required(key, value)?;
        let el = self.text(&format!("{key}.el"), &value.el);
        let en = self.text(&format!("{key}.en"), &value.en);
        Some(Localized::new(el?, en?))
    }

    fn email(&mut self, key: &str, value: &Option<String>) -> Option<String> {
        let value = self.text(key, value)?;
        if email_address::EmailAddress::parse_with_options(
            &value,
            email_address::Options::default().without_display_text(),
        )
        .is_err()
        {
            self.issue(key, format!("{value:?} is not an email address"));
            return None;
        }
        Some(value)
    }

    fn url(&mut self, key: &str, value: &Option<String>) -> Option<String> {
        let value = self.text(key, value)?;
        let ok = (value.starts_with("https://") || value.starts_with("http://"))
            && !value.chars().any(|c| c.is_whitespace() || c.is_control());
        if !ok {
            self.issue(key, format!("{value:?} is not an http(s) URL"));
            return None;
        }
        Some(value.trim_end_matches('/').to_owned())
    }

    fn minutes(&mut self, key: &str, value: &Option<i64>, min: i64, max: i64) -> Option<u32> {
        let value = *self.required(key, value)?;
        if value < min || value > max {
            self.issue(key, format!("must be between {min} and {max}, not {value}"));
            return None;
        }
        u32::try_from(value).ok()
    }

    fn time(&mut self, key: &str, value: &Option<String>) -> Option<NaiveTime> {
        let value = self.required(key, value)?;
        match NaiveTime::parse_from_str(value, "%H:%M") {
            Ok(t) => Some(t),
            Err(_) => {
                self.issue(key, format!("{value:?} is not a time of day as HH:MM"));
                None
            }
        }
    }

    fn date(&mut self, key: &str, value: &str) -> Option<NaiveDate> {
        match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.issue(key, format!("{value:?} is not a date as YYYY-MM-DD"));
                None
            }
        }
    }

    fn config(&mut self, raw: &RawConfig) -> Option<LibraryConfig> {
        let library = match &raw.library {
            Some(l) => self.library(l),
            None => {
                self.issue("library", "is required");
                None
            }
        };
        let provider_ids: Vec<Option<String>> =
            raw.providers.iter().map(|p| p.id.clone()).collect();
        let services = self.services(&raw.services, &provider_ids);
        let providers = self.providers(&raw.providers, services.as_deref().unwrap_or(&[]));
        if let (Some(services), Some(providers)) = (&services, &providers) {
            self.lock_counts(services, providers);
        }
        let closures = match &raw.closures {
            Some(c) => self.closures(c),
            // Without a [closures] table the public holidays still close the library.
            None => Some(Closures {
                greek_public_holidays: true,
                ..Closures::default()
            }),
        };
        let policy = match &raw.policy {
            Some(p) => self.policy(p),
            None => {
                self.issue("policy", "is required");
                None
            }
        };
        Some(LibraryConfig {
            library: library?,
            services: services?,
            providers: providers?,
            closures: closures?,
            policy: policy?,
        })
    }

    /// Each appointment must fit in one store transaction (see [`MAX_LOCKS_PER_APPOINTMENT`]).
    fn lock_counts(&mut self, services: &[Service], providers: &[Provider]) {
        for (i, s) in services.iter().enumerate() {
            for p in providers.iter().filter(|p| s.is_offered_by(&p.id)) {
                let locks = (s.duration_minutes + s.buffer_minutes).div_ceil(p.lock_minutes);
                if locks > MAX_LOCKS_PER_APPOINTMENT {
                    self.issue(
                        &format!("services[{i}].duration_minutes"),
                        format!(
                            "with provider {:?} an appointment would hold {locks} {}-minute slot locks; at most {MAX_LOCKS_PER_APPOINTMENT} fit in one booking (use a coarser grid or shorter appointments)",
                            p.id.as_str(),
                            p.lock_minutes
                        ),
                    );
                }
            }
        }
    }

    fn library(&mut self, raw: &RawLibrary) -> Option<Library> {
        let name = self.localized("library.name", &raw.name);
        let email = self.email("library.email", &raw.email);
        let site_url = self.url("library.site_url", &raw.site_url);
        let terms_url = self.url("library.terms_url", &raw.terms_url);
        let privacy_url = self.url("library.privacy_url", &raw.privacy_url);
        let timezone = self
            .text("library.timezone", &raw.timezone)
            .and_then(|tz| match tz.parse::<Tz>() {
                Ok(tz) => Some(tz),
                Err(_) => {
                    self.issue(
                        "library.timezone",
                        format!("unknown time zone {tz:?} (expected an IANA name such as \"Europe/Athens\")"),
                    );
                    None
                }
            });
        let languages = self.languages(&raw.languages);
        Some(Library {
            name: name?,
            email: email?,
            site_url: site_url?,
            timezone: timezone?,
            languages: languages?,
            terms_url: terms_url?,
            privacy_url: privacy_url?,
        })
    }

    fn languages(&mut self, raw: &Option<Vec<String>>) -> Option<Vec<Language>> {
        let raw = self.required("library.languages", raw)?;
        if raw.is_empty() {
            self.issue("library.languages", "must list at least one language");
            return None;
        }
        let mut languages = Vec::new();
        let mut ok = true;
        for (i, code) in raw.iter().enumerate() {
            match code.parse::<Language>() {
                Ok(l) if languages.contains(&l) => {
                    self.issue(
                        &format!("library.languages[{i}]"),
                        format!("{code:?} is listed twice"),
                    );
                    ok = false;
                }
                Ok(l) => languages.push(l),
                Err(e) => {
                    self.issue(&format!("library.languages[{i}]"), e.to_string());
                    ok = false;
                }
            }
        }
        ok.then_some(languages)
    }

    fn services(
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

    fn service(
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
        })
    }

    fn id(
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

    fn providers(&mut self, raw: &[RawProvider], services: &[Service]) -> Option<Vec<Provider>> {
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
            let plan = self.working_plan(&format!("{key}.working_plan"), &p.working_plan);
            match (id, name, email, plan) {
                (Some(id), Some(name), Some(email), Some(working_plan)) => {
                    let lock_minutes = lock_unit(&id, &working_plan, services);
                    providers.push(Provider {
                        id,
                        name,
                        email,
                        working_plan,
                        lock_minutes,
                    });
                }
                _ => ok = false,
            }
        }
        ok.then_some(providers)
    }

    fn working_plan(
        &mut self,
        key: &str,
        raw: &Option<BTreeMap<String, RawDay>>,
    ) -> Option<WorkingPlan> {
        let raw = self.required(key, raw)?;
        let mut plan = WorkingPlan::default();
        let mut ok = true;
        for (day_name, day) in raw {
            let day_key = format!("{key}.{day_name}");
            let Some((_, weekday)) = WEEKDAYS.iter().find(|(n, _)| n == day_name) else {
                self.issue(&day_key, "unknown weekday (use monday … sunday)");
                ok = false;
                continue;
            };
            match self.working_day(&day_key, day) {
                Some(d) => plan.set(*weekday, d),
                None => ok = false,
            }
        }
        ok.then_some(plan)
    }

    fn working_day(&mut self, key: &str, raw: &RawDay) -> Option<WorkingDay> {
        let hours = self.range(key, &raw.start, &raw.end)?;
        let mut breaks: Vec<(usize, TimeRange)> = Vec::new();
        let mut ok = true;
        for (i, b) in raw.breaks.iter().enumerate() {
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

    fn range(
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

    fn closures(&mut self, raw: &RawClosures) -> Option<Closures> {
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
                (Some(name), Some((from, to))) => periods.push(ClosedPeriod { name, from, to }),
                _ => ok = false,
            }
        }
        ok.then(|| Closures {
            greek_public_holidays: raw.greek_public_holidays.unwrap_or(true),
            annual,
            periods,
        })
    }

    fn policy(&mut self, raw: &RawPolicy) -> Option<Policy> {
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
        Some(Policy {
            min_notice_minutes: min_notice?,
            horizon_days: horizon?,
            cancel_cutoff_minutes: cutoff?,
            retention_days: retention?,
            required: required?,
        })
    }

    fn required_fields(&mut self, raw: &Option<Vec<String>>) -> Option<RequiredFields> {
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

/// The provider's lock unit: see [`Provider::lock_minutes`].
fn lock_unit(id: &ProviderId, plan: &WorkingPlan, services: &[Service]) -> u32 {
    let mut unit = 60;
    for s in services.iter().filter(|s| s.is_offered_by(id)) {
        unit = gcd(unit, s.duration_minutes);
        unit = gcd(unit, s.grid_minutes);
        unit = gcd(unit, s.buffer_minutes);
    }
    for start in plan.segment_start_minutes() {
        unit = gcd(unit, start);
    }
    unit.max(1)
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// `services.0.foo` from serde_ignored, written as the loader writes keys: `services[0].foo`.
fn ignored_path(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path;
    match path {
        Path::Root => String::new(),
        Path::Seq { parent, index } => format!("{}[{index}]", ignored_path(parent)),
        Path::Map { parent, key } => {
            let p = ignored_path(parent);
            if p.is_empty() {
                key.clone()
            } else {
                format!("{p}.{key}")
            }
        }
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => ignored_path(parent),
    }
}

/// Byte offset of `key` (as the loader writes keys) in the parsed document, if present.
fn line_of_key(root: &toml_edit::Item, key: &str) -> Option<usize> {
    let mut item = root;
    let mut best = None;
    for part in key.split('.') {
        let (name, indexes) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        item = match item.get(name) {
            Some(next) => next,
            None => return best,
        };
        best = item.span().map(|s| s.start).or(best);
        for index in indexes.split(['[', ']']).filter(|s| !s.is_empty()) {
            item = match index.parse::<usize>().ok().and_then(|i| item.get(i)) {
                Some(next) => next,
                None => return best,
            };
            best = item.span().map(|s| s.start).or(best);
        }
    }
    best
}

fn line_of_offset(source: &str, offset: usize) -> usize {
    source
        .get(..offset)
        .map(|s| s.matches('\n').count() + 1)
        .unwrap_or(1)
}
