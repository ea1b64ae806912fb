//! What an Easy!Appointments installation becomes here: the proposed `library.toml` (services,
//! providers with their weekly plans and dated hours, closures, the booking rules, the custom
//! fields as questions) and, line by line, what was found, what became of it, and what cannot be
//! represented. Pure: the same data and moment give the same proposal.

use super::closures::closures;
use super::model::{full_name, Day, Ea};
use super::report::Report;
use super::times::{describe, stretches, WEEKDAYS};
use super::toml_out::{Library, ProviderOut, QuestionOut, ServiceOut};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use std::collections::{BTreeMap, BTreeSet};

/// Dates of dated hours read per provider at most (as the configuration allows).
pub(super) const DATES_MAX: usize = rantevou_domain::working_plan::EXCEPTIONS_MAX;

/// The mapping of EA's ids to this library's, and the configuration they make.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// The library's time zone (EA's `default_timezone`).
    pub tz: Tz,
    /// Today in that zone: dated rules before it are not brought over.
    pub today: NaiveDate,
    /// EA service id → service id.
    pub services: BTreeMap<i64, String>,
    /// EA provider id → provider id.
    pub providers: BTreeMap<i64, String>,
    /// The custom fields asked (1–5) → the question's id.
    pub questions: BTreeMap<u8, String>,
    /// The configuration, to write.
    pub library: Library,
}

/// An id of `[a-z0-9-]` from the ASCII words of `name`, or `fallback`; unique among `taken`.
fn slug(name: &str, fallback: String, taken: &mut BTreeSet<String>) -> String {
    let words: Vec<String> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let mut id: String = words.join("-").chars().take(40).collect();
    if !rantevou_domain::ids::is_valid_id(&id) {
        id = fallback;
    }
    let mut unique = id.clone();
    let mut n = 2;
    while !taken.insert(unique.clone()) {
        unique = format!("{id}-{n}");
        n += 1;
    }
    unique
}

/// The mapping of `ea` at `now`, reporting every item into `report`.
pub fn map(
    ea: &Ea,
    now: DateTime<Utc>,
    site_url: &str,
    report: &mut Report,
) -> Result<Mapping, String> {
    let zone = ea.setting("default_timezone").unwrap_or("UTC");
    let tz: Tz = zone
        .parse()
        .map_err(|_| format!("Easy!Appointments' default_timezone {zone:?} is not a time zone"))?;
    let today = now.with_timezone(&tz).date_naive();
    let library = library(ea, tz, site_url, report);
    let mut mapping = Mapping {
        tz,
        today,
        services: BTreeMap::new(),
        providers: BTreeMap::new(),
        questions: BTreeMap::new(),
        library,
    };
    questions(ea, &mut mapping, report);
    providers(ea, &mut mapping, report);
    services(ea, &mut mapping, report);
    closures(ea, &mut mapping, report);
    Ok(mapping)
}

fn library(ea: &Ea, tz: Tz, site_url: &str, report: &mut Report) -> Library {
    let name = ea.setting("company_name").unwrap_or("Library").to_owned();
    let email = ea.setting("company_email").unwrap_or("").to_owned();
    let link = ea.setting("company_link").unwrap_or(site_url).to_owned();
    let english_first = ea.setting("default_language") == Some("english");
    let min_notice = ea
        .setting("book_advance_timeout")
        .and_then(|v| v.parse::<u32>().ok())
        .unwrap_or(0);
    let horizon = ea
        .setting("future_booking_limit")
        .and_then(|v| v.parse::<u32>().ok())
        .unwrap_or(90)
        .clamp(1, 366);
    let mut required = vec!["name", "email"];
    if ea.flag("require_phone_number") {
        required.push("phone");
    }
    if ea.flag("require_notes") {
        required.push("notes");
    }
    let s = report.section("Library");
    s.line(format!(
        "name {name:?}, email {email}, time zone {}",
        tz.name()
    ));
    s.line(format!(
        "booking: at least {min_notice} minutes ahead (book_advance_timeout), at most {horizon} \
         days ahead (future_booking_limit); the form requires {}",
        required.join(", ")
    ));
    s.line(format!(
        "site_url = {site_url} (where patrons reach rantevou: give --site-url, or change it in the file)"
    ));
    if ea.flag("display_terms_and_conditions") || ea.flag("display_privacy_policy") {
        report.cannot(format!(
            "the terms and the privacy policy are texts in Easy!Appointments' settings; rantevou \
             links pages: publish them, then set terms_url and privacy_url (now {link})"
        ));
    }
    report.cannot(
        "names and descriptions exist in one language in Easy!Appointments: the English ones are \
         copies of them, to translate"
            .to_owned(),
    );
    Library {
        name,
        email,
        site_url: site_url.to_owned(),
        timezone: tz.name().to_owned(),
        english_first,
        terms_url: link.clone(),
        privacy_url: link,
        min_notice_minutes: min_notice,
        horizon_days: horizon,
        required_fields: required.into_iter().map(str::to_owned).collect(),
        greek_public_holidays: tz.name() == "Europe/Athens",
        services: Vec::new(),
        providers: Vec::new(),
        questions: Vec::new(),
        closures: Vec::new(),
    }
}

fn questions(ea: &Ea, mapping: &mut Mapping, report: &mut Report) {
    for n in 1..=5u8 {
        if !ea.flag(&format!("display_custom_field_{n}")) {
            continue;
        }
        let label = ea
            .setting(&format!("label_custom_field_{n}"))
            .map(str::to_owned)
            .unwrap_or_else(|| format!("Custom field {n}"));
        let id = format!("custom_field_{n}");
        let required = ea.flag(&format!("require_custom_field_{n}"));
        report.section("Questions").line(format!(
            "custom field {n} {label:?} → question {id} (free text, {}), asked by every service; \
             each patron's answer is brought over with their appointments",
            if required { "required" } else { "optional" }
        ));
        mapping.questions.insert(n, id.clone());
        mapping.library.questions.push(QuestionOut {
            id,
            label,
            required,
        });
    }
}

fn providers(ea: &Ea, mapping: &mut Mapping, report: &mut Report) {
    let mut taken = BTreeSet::new();
    for p in &ea.providers {
        let username = p.settings.username.clone().unwrap_or_default();
        let id = slug(&username, format!("provider-{}", p.id), &mut taken);
        let name = p.name();
        let email = p.email.clone().unwrap_or_default();
        let mut week = BTreeMap::new();
        let mut lines = Vec::new();
        for day in WEEKDAYS {
            match p.settings.working_plan.get(day).cloned().flatten() {
                Some(Day { start, end, breaks }) => match stretches(&start, &end, &breaks) {
                    Ok(s) if !s.is_empty() => {
                        lines.push(format!("{day} {}", describe(&s)));
                        week.insert(day, s);
                    }
                    Ok(_) => {}
                    Err(why) => report.cannot(format!("provider {id}, {day}: {why}; left off")),
                },
                None => lines.push(format!("{day} off")),
            }
        }
        if let Some(zone) = p.timezone.as_deref().filter(|z| *z != mapping.tz.name()) {
            report.cannot(format!(
                "provider {id} is on {zone} in Easy!Appointments; rantevou keeps one time zone, \
                 the library's {}: the plan is read as written",
                mapping.tz.name()
            ));
        }
        let s = report.section("Providers");
        s.line(format!("EA provider {} {name:?} <{email}> → {id}", p.id));
        for line in lines {
            s.line(format!("  {line}"));
        }
        let mut out = ProviderOut {
            id: id.clone(),
            name,
            email,
            week,
            dates: BTreeMap::new(),
        };
        exceptions(p, mapping.today, &mut out, report);
        mapping.providers.insert(p.id, id);
        mapping.library.providers.push(out);
    }
}

/// A provider's working-plan exceptions from today on, date by date.
fn exceptions(
    p: &super::model::Provider,
    today: NaiveDate,
    out: &mut ProviderOut,
    report: &mut Report,
) {
    for x in &p.settings.working_plan_exceptions {
        let which = format!("EA working-plan exception {}", x.id.unwrap_or_default());
        let (Ok(from), Ok(to)) = (
            NaiveDate::parse_from_str(&x.start_date, "%Y-%m-%d"),
            NaiveDate::parse_from_str(&x.end_date, "%Y-%m-%d"),
        ) else {
            report.cannot(format!(
                "{which}: dates {} – {} are not dates; left off",
                x.start_date, x.end_date
            ));
            continue;
        };
        if to < today {
            report
                .section("Past, not brought over")
                .line(format!("{which} of {} on {from}", out.id));
            continue;
        }
        let day = match (&x.start_time, &x.end_time) {
            (Some(s), Some(e)) => match stretches(s, e, &x.breaks) {
                Ok(s) => s,
                Err(why) => {
                    report.cannot(format!("{which}: {why}; left off"));
                    continue;
                }
            },
            _ => Vec::new(),
        };
        for date in from
            .iter_days()
            .take_while(|d| *d <= to)
            .filter(|d| *d >= today)
        {
            if out.dates.len() >= DATES_MAX {
                report.cannot(format!(
                    "{which}: {} has more than {DATES_MAX} dated hours; the rest left off",
                    out.id
                ));
                return;
            }
            report.section("Dated hours").line(format!(
                "{} on {date} ({}): {} ({which})",
                out.id,
                WEEKDAYS[date.weekday().num_days_from_monday() as usize],
                if day.is_empty() {
                    "day off".to_owned()
                } else {
                    format!("works {}", describe(&day))
                }
            ));
            out.dates.insert(date, day.clone());
        }
    }
}

fn services(ea: &Ea, mapping: &mut Mapping, report: &mut Report) {
    let mut taken = BTreeSet::new();
    let categories: BTreeMap<i64, &str> = ea
        .categories
        .iter()
        .map(|c| (c.id, c.name.as_str()))
        .collect();
    for s in &ea.services {
        let id = slug(&s.name, format!("service-{}", s.id), &mut taken);
        let duration = s.duration.unwrap_or(0);
        let grid = s.slot_interval.filter(|g| *g > 0).unwrap_or(duration);
        let providers: Vec<String> = ea
            .providers
            .iter()
            .filter(|p| p.services.contains(&s.id))
            .filter_map(|p| mapping.providers.get(&p.id).cloned())
            .collect();
        report.section("Services").line(format!(
            "EA service {} {:?} → {id}: {duration} minutes, every {grid}, with {}",
            s.id,
            s.name,
            if providers.is_empty() {
                "no provider".to_owned()
            } else {
                providers.join(", ")
            }
        ));
        if let Some(price) = s.price() {
            report.cannot(format!("service {id} costs {price} in Easy!Appointments; rantevou takes no payments: it is free here"));
        }
        if s.attendants_number.unwrap_or(1) > 1 {
            report.cannot(format!(
                "service {id} takes {} attendants at once in Easy!Appointments; rantevou books one patron a time",
                s.attendants_number.unwrap_or(1)
            ));
        }
        if s.is_private {
            report.cannot(format!("service {id} is private (hidden from the booking page) in Easy!Appointments; rantevou offers every service it lists"));
        }
        if let Some(c) = s.service_category_id.and_then(|c| categories.get(&c)) {
            report.cannot(format!(
                "service {id} is in the category {c:?}; rantevou has no categories"
            ));
        }
        let mut description = s.description.clone().unwrap_or_default().trim().to_owned();
        if let Some(location) = s
            .location
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            report.cannot(format!("service {id}'s location {location:?} has no field of its own here: it is added to its description"));
            if !description.is_empty() {
                description.push(' ');
            }
            description.push_str(&format!("— {location}"));
        }
        if description.is_empty() {
            // The booking page shows one; EA's may be empty.
            description = s.name.clone();
        }
        if providers.is_empty() {
            report.cannot(format!(
                "service {id} has no provider in Easy!Appointments: left off"
            ));
            continue;
        }
        if duration <= 0 {
            report.cannot(format!("service {id} has no duration: left off"));
            continue;
        }
        mapping.services.insert(s.id, id.clone());
        mapping.library.services.push(ServiceOut {
            id,
            name: s.name.clone(),
            description,
            duration_minutes: duration,
            grid_minutes: grid,
            providers,
        });
    }
}
/// A customer's name, as EA shows it.
pub fn customer_name(c: &super::model::Customer) -> String {
    full_name(&c.first_name, &c.last_name)
}
#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use rantevou_domain::LibraryConfig;

    #[test]
    fn ids_come_from_latin_letters_and_stay_unique() {
        let mut taken = BTreeSet::new();
        assert_eq!(
            slug("myLIBRARYlive", "service-1".into(), &mut taken),
            "mylibrarylive"
        );
        assert_eq!(
            slug("Εκπαίδευση σε Zotero", "service-2".into(), &mut taken),
            "zotero"
        );
        assert_eq!(slug("Zotero!", "service-3".into(), &mut taken), "zotero-2");
        assert_eq!(
            slug("Ψηφιακές πηγές", "service-4".into(), &mut taken),
            "service-4"
        );
    }

    /// An installation of one provider (Monday–Friday 09:00–15:00) with `extra` fields.
    fn ea(blocked: serde_json::Value, unavailable: serde_json::Value) -> Ea {
        let provider = serde_json::json!({
            "id": 2, "firstName": "Anna", "lastName": "B", "email": "anna@example.org",
            "services": [1],
            "settings": { "username": "anna", "workingPlan": {
                "monday": {"start": "09:00", "end": "15:00", "breaks": []},
                "tuesday": {"start": "09:00", "end": "15:00", "breaks": []},
                "wednesday": {"start": "09:00", "end": "15:00", "breaks": []},
                "thursday": {"start": "09:00", "end": "15:00", "breaks": []},
                "friday": {"start": "09:00", "end": "15:00", "breaks": []},
                "saturday": null, "sunday": null
            }, "workingPlanExceptions": [] }
        });
        Ea {
            settings: serde_json::from_value(serde_json::json!([
                {"name": "default_timezone", "value": "Europe/Athens"},
                {"name": "company_name", "value": "Library"},
                {"name": "company_email", "value": "library@example.org"},
                {"name": "company_link", "value": "https://library.example.org"}
            ]))
            .unwrap(),
            categories: Vec::new(),
            services: serde_json::from_value(serde_json::json!([
                {"id": 1, "name": "Help", "duration": 20, "slotInterval": 20, "price": "0.00"}
            ]))
            .unwrap(),
            providers: vec![serde_json::from_value(provider).unwrap()],
            customers: Vec::new(),
            appointments: Vec::new(),
            unavailabilities: serde_json::from_value(unavailable).unwrap(),
            blocked_periods: serde_json::from_value(blocked).unwrap(),
        }
    }

    #[test]
    fn part_days_of_blocked_periods_and_unavailabilities_become_that_dates_hours() {
        let ea = ea(
            serde_json::json!([
                {"id": 1, "name": "Old", "start": "2025-12-24 00:00:00", "end": "2026-01-06 23:59:00"},
                {"id": 2, "name": "Move", "start": "2026-12-22 12:00:00", "end": "2026-12-24 10:00:00"}
            ]),
            serde_json::json!([
                {"id": 7, "start": "2026-12-28 14:00:00", "end": "2026-12-29 10:00:00", "providerId": 2, "notes": ""},
                {"id": 8, "start": "2026-12-30 09:00:00", "end": "2026-12-30 15:00:00", "providerId": 2}
            ]),
        );
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 7, 0, 0).unwrap();
        let mut report = Report::default();
        let m = map(&ea, now, "http://127.0.0.1:8080", &mut report).unwrap();
        let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            m.library.closures,
            vec![("Move".to_owned(), date("2026-12-23"), date("2026-12-23"))],
            "the whole day between; the past period left out"
        );
        let dates = &m.library.providers[0].dates;
        assert_eq!(
            dates[&date("2026-12-22")],
            vec![(540, 720)],
            "closed from 12:00"
        );
        assert_eq!(
            dates[&date("2026-12-24")],
            vec![(600, 900)],
            "closed until 10:00"
        );
        assert_eq!(
            dates[&date("2026-12-28")],
            vec![(540, 840)],
            "away from 14:00"
        );
        assert_eq!(
            dates[&date("2026-12-29")],
            vec![(600, 900)],
            "back at 10:00"
        );
        assert_eq!(
            dates[&date("2026-12-30")],
            Vec::<(u32, u32)>::new(),
            "the whole day off"
        );
        let text = report.to_string();
        assert!(text.contains("EA blocked period 1 \"Old\""), "{text}");
        assert!(!text.contains("costs"), "a price of 0.00 is free: {text}");
        // The proposal loads.
        let config = LibraryConfig::from_toml_str(&m.library.to_toml("http://ea")).unwrap();
        let anna = config.provider("anna").unwrap();
        assert!(anna.working_plan.on(date("2026-12-30")).is_none());
    }
}
