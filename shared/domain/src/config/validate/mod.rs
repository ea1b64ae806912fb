//! The validator: turns the raw file into validated types and collects every issue on the way.
//! The checks of values and of the library are here; `schedule.rs` checks services, providers
//! and working plans, `rules.rs` closures and the policy.

mod questions;
mod rules;
mod schedule;

use super::raw::*;
use super::{ConfigIssue, Library, LibraryConfig};
use crate::closure::Closures;
use crate::ids::ProviderId;
use crate::language::{Language, Localized};
use crate::patron::PatronEmail;
use crate::provider::Provider;
use crate::service::Service;
use crate::slot_lock::MAX_LOCKS_PER_APPOINTMENT;
use crate::staff::StaffAccess;
use chrono::{NaiveDate, NaiveTime};
use chrono_tz::Tz;

/// Collects issues while turning the raw file into validated types.
#[derive(Default)]
pub(super) struct Validator {
    pub(super) issues: Vec<ConfigIssue>,
}

impl Validator {
    pub(super) fn issue(&mut self, key: &str, message: impl Into<String>) {
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
        // The rule patrons' addresses follow: staff addresses are mailed the same way.
        if PatronEmail::parse(&value).is_err() {
            self.issue(key, format!("{value:?} is not an email address"));
            return None;
        }
        Some(value)
    }

    pub(super) fn url(&mut self, key: &str, value: &Option<String>) -> Option<String> {
        let value = self.text(key, value)?;
        let ok = url::Url::parse(&value)
            .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
            && !value.chars().any(|c| c.is_whitespace() || c.is_control());
        if !ok {
            self.issue(key, format!("{value:?} is not an http(s) URL"));
            return None;
        }
        Some(value.trim_end_matches('/').to_owned())
    }

    /// An http(s) URL for every language, or `{ el = "…", en = "…" }`, one each.
    fn url_per_language(&mut self, key: &str, value: &Option<RawPerLanguage>) -> Option<Localized> {
        match value {
            None => {
                self.issue(key, "is required");
                None
            }
            Some(RawPerLanguage::One(url)) => {
                let url = self.url(key, &Some(url.clone()))?;
                Some(Localized::new(url.clone(), url))
            }
            Some(RawPerLanguage::Each(each)) => {
                let el = self.url(&format!("{key}.el"), &each.el);
                let en = self.url(&format!("{key}.en"), &each.en);
                Some(Localized::new(el?, en?))
            }
        }
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

    pub(super) fn config(&mut self, raw: &RawConfig) -> Option<LibraryConfig> {
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
        let staff = self.staff(raw.staff.as_ref(), &provider_ids);
        Some(LibraryConfig {
            library: library?,
            services: services?,
            providers: providers?,
            closures: closures?,
            policy: policy?,
            staff: staff?,
        })
    }

    /// `[staff] providers`: each key an address or `group:<name>`, each value known providers.
    fn staff(
        &mut self,
        raw: Option<&RawStaff>,
        providers: &[Option<String>],
    ) -> Option<StaffAccess> {
        let mut access = StaffAccess::default();
        let mut ok = true;
        for (who, list) in raw.map(|r| &r.providers).into_iter().flatten() {
            let key = format!("staff.providers.{who:?}");
            let who_ok = match who.strip_prefix("group:") {
                Some(group) => !group.trim().is_empty(),
                None => PatronEmail::parse(who).is_ok(),
            };
            if !who_ok {
                self.issue(&key, "must be an email address or group:<name>");
                ok = false;
                continue;
            }
            let mut ids = Vec::new();
            for id in list {
                match ProviderId::parse(id)
                    .filter(|_| providers.iter().any(|p| p.as_deref() == Some(id.as_str())))
                {
                    Some(p) => ids.push(p),
                    None => {
                        self.issue(&key, format!("no provider {id:?}"));
                        ok = false;
                    }
                }
            }
            if ids.is_empty() && list.is_empty() {
                self.issue(&key, "must list at least one provider");
                ok = false;
            }
            access.limits.push((who.to_lowercase(), ids));
        }
        ok.then_some(access)
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
        let terms_url = self.url_per_language("library.terms_url", &raw.terms_url);
        let privacy_url = self.url_per_language("library.privacy_url", &raw.privacy_url);
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
        let timezone_label = match (&raw.timezone_label, timezone) {
            (Some(_), _) => self.localized("library.timezone_label", &raw.timezone_label),
            (None, Some(tz)) => Some(Localized::new(tz.name(), tz.name())),
            (None, None) => None,
        };
        Some(Library {
            name: name?,
            email: email?,
            site_url: site_url?,
            timezone: timezone?,
            timezone_label: timezone_label?,
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
}
