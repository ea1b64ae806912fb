//! The proposed `library.toml`, written as a librarian would: commented, every text quoted
//! and escaped by the TOML library, checked by the same loader as any configuration.

use super::times::{hh_mm, Stretches, WEEKDAYS};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::fmt::Write;

/// What the configuration holds.
#[derive(Debug, Clone)]
pub struct Library {
    pub name: String,
    pub email: String,
    pub site_url: String,
    pub timezone: String,
    pub english_first: bool,
    pub terms_url: String,
    pub privacy_url: String,
    pub min_notice_minutes: u32,
    pub horizon_days: u32,
    pub required_fields: Vec<String>,
    pub greek_public_holidays: bool,
    pub services: Vec<ServiceOut>,
    pub providers: Vec<ProviderOut>,
    pub questions: Vec<QuestionOut>,
    /// Name, first and last date.
    pub closures: Vec<(String, NaiveDate, NaiveDate)>,
}

#[derive(Debug, Clone)]
pub struct ServiceOut {
    pub id: String,
    pub name: String,
    pub description: String,
    pub duration_minutes: i64,
    pub grid_minutes: i64,
    pub providers: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct ProviderOut {
    pub id: String,
    pub name: String,
    pub email: String,
    /// Weekday name → its stretches (a day off is left out).
    pub week: BTreeMap<&'static str, Stretches>,
    /// Dates with hours of their own (empty: a day off).
    pub dates: BTreeMap<NaiveDate, Stretches>,
}

#[derive(Debug, Clone)]
pub struct QuestionOut {
    pub id: String,
    pub label: String,
    pub required: bool,
}

/// `s` as a TOML basic string, escaped.
fn q(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// `{ el = "…", en = "…" }` with the same text in both.
fn both(s: &str) -> String {
    format!("{{ el = {}, en = {} }}", q(s), q(s))
}

/// A day's hours as an inline table: `{ start, end, breaks = [...] }`.
fn day(stretches: &Stretches) -> String {
    let (Some(first), Some(last)) = (stretches.first(), stretches.last()) else {
        return "{ off = true }".into();
    };
    let breaks: Vec<String> = stretches
        .windows(2)
        .map(|w| {
            format!(
                "{{ start = \"{}\", end = \"{}\" }}",
                hh_mm(w[0].1),
                hh_mm(w[1].0)
            )
        })
        .collect();
    let mut text = format!(
        "{{ start = \"{}\", end = \"{}\"",
        hh_mm(first.0),
        hh_mm(last.1)
    );
    if !breaks.is_empty() {
        let _ = write!(text, ", breaks = [{}]", breaks.join(", "));
    }
    text.push_str(" }");
    text
}

impl Library {
    /// The configuration file's text.
    pub fn to_toml(&self, source: &str) -> String {
        let mut t = String::new();
        let _ = writeln!(
            t,
            "# Proposed by `rantevou import easyappointments` from {source}.\n# Check it (`rantevou config check FILE`), translate the English texts, then apply.\n"
        );
        let languages = if self.english_first {
            "[\"en\", \"el\"]"
        } else {
            "[\"el\", \"en\"]"
        };
        let _ = writeln!(t, "[library]");
        let _ = writeln!(t, "name = {}", both(&self.name));
        let _ = writeln!(t, "email = {}", q(&self.email));
        let _ = writeln!(t, "site_url = {}", q(&self.site_url));
        let _ = writeln!(t, "timezone = {}", q(&self.timezone));
        let _ = writeln!(t, "languages = {languages}");
        let _ = writeln!(
            t,
            "terms_url = {}   # Easy!Appointments held a text: link its page",
            q(&self.terms_url)
        );
        let _ = writeln!(t, "privacy_url = {}", q(&self.privacy_url));
        for s in &self.services {
            let _ = writeln!(t, "\n[[services]]");
            let _ = writeln!(t, "id = {}", q(&s.id));
            let _ = writeln!(t, "name = {}", both(&s.name));
            let _ = writeln!(t, "description = {}", both(&s.description));
            let _ = writeln!(t, "duration_minutes = {}", s.duration_minutes);
            let _ = writeln!(t, "grid_minutes = {}", s.grid_minutes);
            let _ = writeln!(t, "buffer_minutes = 0");
            let providers: Vec<String> = s.providers.iter().map(|p| q(p)).collect();
            let _ = writeln!(t, "providers = [{}]", providers.join(", "));
            for question in &self.questions {
                let _ = writeln!(t, "\n[[services.questions]]");
                let _ = writeln!(t, "id = {}", q(&question.id));
                let _ = writeln!(t, "kind = \"text\"");
                let _ = writeln!(t, "label = {}", both(&question.label));
                let _ = writeln!(t, "required = {}", question.required);
            }
        }
        for p in &self.providers {
            let _ = writeln!(t, "\n[[providers]]");
            let _ = writeln!(t, "id = {}", q(&p.id));
            let _ = writeln!(t, "name = {}", both(&p.name));
            let _ = writeln!(t, "email = {}", q(&p.email));
            let _ = writeln!(
                t,
                "meeting = {{ kind = \"manual\" }}   # staff send each link (`rantevou send-link`)"
            );
            let _ = writeln!(t, "\n[providers.working_plan]");
            for name in WEEKDAYS {
                if let Some(s) = p.week.get(name).filter(|s| !s.is_empty()) {
                    let _ = writeln!(t, "{name} = {}", day(s));
                }
            }
            if !p.dates.is_empty() {
                let _ = writeln!(t, "\n[providers.exceptions]");
                for (date, s) in &p.dates {
                    let _ = writeln!(t, "\"{date}\" = {}", day(s));
                }
            }
        }
        let _ = writeln!(t, "\n[closures]");
        let _ = writeln!(t, "greek_public_holidays = {}", self.greek_public_holidays);
        let _ = writeln!(t, "dates = [");
        for (name, from, to) in &self.closures {
            let _ = writeln!(
                t,
                "  {{ name = {}, from = \"{from}\", to = \"{to}\" }},",
                q(name)
            );
        }
        let _ = writeln!(t, "]");
        let _ = writeln!(t, "\n[policy]");
        let _ = writeln!(t, "min_notice_minutes = {}", self.min_notice_minutes);
        let _ = writeln!(t, "horizon_days = {}", self.horizon_days);
        let _ = writeln!(
            t,
            "cancel_cutoff_minutes = 0     # Easy!Appointments let patrons cancel until the start"
        );
        let _ = writeln!(
            t,
            "retention_days = 90           # personal data deleted 90 days after each appointment"
        );
        let fields: Vec<String> = self.required_fields.iter().map(|f| q(f)).collect();
        let _ = writeln!(t, "required_fields = [{}]", fields.join(", "));
        t
    }
}
