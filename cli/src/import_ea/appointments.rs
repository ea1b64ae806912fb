//! EA's appointments as bookings to bring over: the future ones, each checked as the store
//! write would check it, overlaps found before anything is written.

use super::model::{Appointment, Customer, Ea};
use super::plan::{customer_name, Mapping};
use super::report::Report;
use super::times::instant;
use chrono::{DateTime, Utc};
use rantevou_app::Carried;
use rantevou_domain::availability::scheduled_starts;
use rantevou_domain::patron::{parse_patron_input, PatronInput, TEXT_MAX};
use rantevou_domain::policy::RequiredFields;
use rantevou_domain::question::{Answer, Answers, ANSWER_TEXT_MAX};
use rantevou_domain::slot_lock::{conflict, locks_for, SlotLock};
use rantevou_domain::LibraryConfig;
use std::collections::BTreeMap;

/// One appointment to bring over, with EA's id.
#[derive(Debug, Clone)]
pub struct ToCarry {
    /// Its id in EA.
    pub ea_id: i64,
    /// As the importer passes it on.
    pub item: Carried,
}

/// Where an appointment of EA comes from, for its id here.
pub fn origin(base: &str, id: i64) -> String {
    format!("easyappointments:{base}#{id}")
}

/// EA's language names → ours.
fn language(ea: Option<&str>) -> Option<&'static str> {
    match ea {
        Some("greek") => Some("el"),
        Some("english") => Some("en"),
        _ => None,
    }
}

/// `text` trimmed and cut to `max` characters (line ends as `\n`); whether it was cut.
fn cut(text: &str, max: usize) -> (String, bool) {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let text = text.trim();
    let cut = text.chars().count() > max;
    (text.chars().take(max).collect(), cut)
}

/// The appointments of `ea` to bring over at `now` under `config`, every other one reported.
pub fn appointments(
    ea: &Ea,
    base: &str,
    mapping: &Mapping,
    config: &LibraryConfig,
    now: DateTime<Utc>,
    report: &mut Report,
) -> Vec<ToCarry> {
    let customers: BTreeMap<i64, &Customer> = ea.customers.iter().map(|c| (c.id, c)).collect();
    let mut by_start: Vec<&Appointment> = ea.appointments.iter().collect();
    // In the order they were booked: of two that overlap, the first booked keeps its time.
    by_start.sort_by(|a, b| (a.book.as_deref(), a.id).cmp(&(b.book.as_deref(), b.id)));
    let mut held: Vec<(i64, Vec<SlotLock>)> = Vec::new();
    let mut out = Vec::new();
    let mut past = 0;
    let mut lines = Vec::new();
    for a in by_start {
        let which = format!("EA appointment {}", a.id);
        let (Some(start), Some(end)) = (instant(mapping.tz, &a.start), instant(mapping.tz, &a.end))
        else {
            report.cannot(format!(
                "{which}: {} – {} is not a time in {}; not brought over",
                a.start,
                a.end,
                mapping.tz.name()
            ));
            continue;
        };
        if start <= now {
            past += 1;
            continue;
        }
        let when = a.start.get(..16).unwrap_or(&a.start).to_owned();
        if a.status.as_deref() == Some("Cancelled") {
            report.section("Not brought over").line(format!(
                "{which} on {when}: marked Cancelled in Easy!Appointments (it still held its time there)"
            ));
            continue;
        }
        let service = a.service_id.and_then(|s| mapping.services.get(&s));
        let provider = a.provider_id.and_then(|p| mapping.providers.get(&p));
        let (Some(service_id), Some(provider_id)) = (service, provider) else {
            report.cannot(format!(
                "{which} on {when}: its service or provider is not brought over; not brought over"
            ));
            continue;
        };
        let (Some(svc), Some(prov)) = (config.service(service_id), config.provider(provider_id))
        else {
            report.cannot(format!(
                "{which} on {when}: {service_id} with {provider_id} is not in the configuration"
            ));
            continue;
        };
        if !svc.is_offered_by(&prov.id) {
            report.cannot(format!("{which} on {when}: {provider_id} does not give {service_id} here; not brought over"));
            continue;
        }
        let Some(customer) = a.customer_id.and_then(|c| customers.get(&c)) else {
            report.cannot(format!(
                "{which} on {when}: its customer is missing; not brought over"
            ));
            continue;
        };
        let name = customer_name(customer);
        let email = customer.email.as_deref().map(str::trim).unwrap_or("");
        if email.is_empty() {
            report.cannot(format!("{which} on {when} ({name}): the customer has no email address, which rantevou needs to send the link; not brought over"));
            continue;
        }
        let minutes = (end - start).num_minutes();
        if minutes != i64::from(svc.duration_minutes) {
            report.cannot(format!(
                "{which} on {when}: it lasts {minutes} minutes, {service_id} {}; not brought over",
                svc.duration_minutes
            ));
            continue;
        }
        let (notes, notes_cut) = cut(a.notes.as_deref().unwrap_or(""), TEXT_MAX);
        if notes_cut {
            report.cannot(format!("{which}: its notes are longer than {TEXT_MAX} characters; the topic keeps the first {TEXT_MAX}"));
        }
        let lang = language(customer.language.as_deref());
        let mut patron = PatronInput {
            name: Some(name.clone()),
            email: Some(email.to_owned()),
            phone: customer.phone.clone().filter(|p| !p.trim().is_empty()),
            notes: Some(notes),
            language: lang.map(str::to_owned),
            accept_terms: Some(true),
            accept_privacy: Some(true),
            timezone: None,
        };
        let required = RequiredFields {
            phone: false,
            notes: false,
        };
        let default = config.library.default_language();
        if let Err(errors) = parse_patron_input(&patron, required, default) {
            if errors.get("customer.phone").is_some() && errors.0.len() == 1 {
                report.cannot(format!("{which} ({name}): the phone {:?} is not a phone number here; brought over without it", patron.phone.as_deref().unwrap_or("")));
                patron.phone = None;
            } else {
                report.cannot(format!(
                    "{which} on {when} ({name}): {errors}; not brought over"
                ));
                continue;
            }
        }
        let locks = locks_for(prov, start, svc.occupied());
        if let Some((other, _)) = held.iter().find(|(_, l)| conflict(l, &locks)) {
            report.cannot(format!("{which} on {when} ({name}) overlaps EA appointment {other} of {provider_id}; not brought over (never double-booked): move one of them"));
            continue;
        }
        held.push((a.id, locks));
        let date = start.with_timezone(&mapping.tz).date_naive();
        let on_grid = scheduled_starts(config, svc, prov, date).contains(&start);
        let mut answers = Answers::new();
        if let (Some(id), Some(text)) =
            (mapping.questions.get(&1), customer.custom_field1.as_deref())
        {
            let (text, _) = cut(text, ANSWER_TEXT_MAX);
            if !text.is_empty() && svc.questions.iter().any(|q| &q.id == id) {
                answers.insert(id.clone(), Answer::One(text));
            }
        }
        let mut line = format!(
            "EA {} → {} {} with {} for {name} <{email}>{}",
            a.id,
            when,
            service_id,
            provider_id,
            lang.map(|l| format!(", mail in {l}")).unwrap_or_default()
        );
        if !on_grid {
            line.push_str(" — off the offered times (staff entered it there): brought over as it is, its time held");
        }
        let meeting_url = a
            .meeting_link
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty());
        let meeting_url = match meeting_url.map(|l| (l, url::Url::parse(l))) {
            Some((l, Ok(u))) if matches!(u.scheme(), "https" | "http") => {
                line.push_str(", with its video-call link");
                Some(l.to_owned())
            }
            Some((l, _)) => {
                report.cannot(format!(
                    "{which}: its meeting link {l:?} is not a web address; brought over without it"
                ));
                None
            }
            None => None,
        };
        lines.push((start, line));
        out.push(ToCarry {
            ea_id: a.id,
            item: Carried {
                origin: origin(base, a.id),
                service: service_id.clone(),
                provider: provider_id.clone(),
                start,
                end,
                patron,
                booked_at: a
                    .book
                    .as_deref()
                    .and_then(|b| instant(mapping.tz, b))
                    .unwrap_or(now),
                meeting_url,
                answers,
            },
        });
    }
    lines.sort();
    let section = report.section("Appointments to bring over");
    for (_, line) in lines {
        section.line(line);
    }
    if past > 0 {
        report.section("Past, not brought over").line(format!(
            "{past} past appointment(s): they hold personal data rantevou would have deleted by now"
        ));
    }
    out
}
