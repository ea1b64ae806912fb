//! The staff export, as CSV and as XLSX: one row per appointment, times in the library's zone,
//! headers and words in the library's language. Nothing a patron typed can run in a
//! spreadsheet: in the CSV every cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage
//! return gets a leading `'` (OWASP's advice against formula injection), and in the XLSX every
//! cell is written as a string, never as a formula or a number.
//!
//! The CSV is UTF-8 with a BOM and `;` between cells: Greek spreadsheets (Excel and LibreOffice
//! in the Greek locale, where the decimal separator is the comma) expect `;`, and a `sep=;`
//! first line would make Excel ignore the BOM and garble the Greek. The XLSX opens anywhere.

use crate::staff::mail_state_words;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rantevou_app::texts;
use rantevou_domain::appointment::{Appointment, Status};
use rantevou_domain::question::Question;
use rantevou_domain::{Language, LibraryConfig};

/// The first characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `text` as a CSV cell that cannot run: a leading `'` before a formula's first character.
pub fn neutral(text: &str) -> String {
    if text.starts_with(FORMULA_STARTS) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

fn local(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
}

/// Every question the services of `config` ask, each once (by id, the first service's
/// wording): one column each, after the topic.
fn questions(config: &LibraryConfig) -> Vec<&Question> {
    let mut all: Vec<&Question> = Vec::new();
    for q in config.services.iter().flat_map(|s| &s.questions) {
        if !all.iter().any(|seen| seen.id == q.id) {
            all.push(q);
        }
    }
    all
}

/// The header row and the rows, as text, in `lang`, times in the library's zone.
pub fn rows(
    list: &[Appointment],
    config: &LibraryConfig,
    lang: Language,
) -> (Vec<String>, Vec<Vec<String>>) {
    let t = &texts(lang).export;
    let tz = config.library.timezone;
    let asked = questions(config);
    let rows = list
        .iter()
        .map(|a| {
            let (cancelled_at, reason) = match &a.status {
                Status::Cancelled { at, reason, .. } => {
                    (local(*at, tz), reason.as_str().to_owned())
                }
                _ => (String::new(), String::new()),
            };
            let status = match a.status {
                Status::Held { .. } => &t.held,
                Status::Booked => &t.booked,
                Status::Cancelled { .. } => &t.cancelled,
            };
            let yes_no = |b: bool| if b { t.yes.clone() } else { t.no.clone() };
            let start = a.start.with_timezone(&tz);
            let answers = asked.iter().map(|q| {
                // A service's own question, in its own words; another service's, by id.
                let own = config
                    .service(a.service.as_str())
                    .and_then(|s| s.questions.iter().find(|own| own.id == q.id))
                    .unwrap_or(q);
                a.answers
                    .get(&q.id)
                    .map(|answer| own.display(answer, lang, [&t.yes, &t.no]))
                    .unwrap_or_default()
            });
            let before = vec![
                a.id.to_string(),
                start.format("%Y-%m-%d").to_string(),
                start.format("%H:%M").to_string(),
                a.end.with_timezone(&tz).format("%H:%M").to_string(),
                a.service.to_string(),
                a.provider.to_string(),
                status.clone(),
                a.patron.customer.name.to_string(),
                a.patron.customer.email.to_string(),
                a.patron
                    .customer
                    .phone
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                a.patron.notes.to_string(),
            ];
            let after = [
                a.patron.language.code().to_owned(),
                a.meeting.url.clone().unwrap_or_default(),
                yes_no(a.meeting.url.is_some() && a.meeting.due.is_none()),
                mail_state_words(a, t),
                a.attendance.map(|m| yes_no(m.attended)).unwrap_or_default(),
                cancelled_at,
                reason,
            ];
            before.into_iter().chain(answers).chain(after).collect()
        })
        .collect();
    // The questions' columns after the topic's (the 11th).
    let (fixed, rest) = t.columns.split_at(t.columns.len().min(11));
    let header = fixed
        .iter()
        .cloned()
        .chain(asked.iter().map(|q| q.label.get(lang).to_owned()))
        .chain(rest.iter().cloned())
        .collect();
    (header, rows)
}

/// The export as CSV: UTF-8 with a BOM, `;` between cells, every cell neutral.
pub fn export_csv(
    list: &[Appointment],
    config: &LibraryConfig,
    lang: Language,
) -> Result<Vec<u8>, csv::Error> {
    let (header, rows) = rows(list, config, lang);
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(&mut out);
        w.write_record(header.iter().map(|h| neutral(h)))?;
        for row in rows {
            w.write_record(row.iter().map(|c| neutral(c)))?;
        }
        w.flush()?;
    }
    Ok(out)
}

/// The export as an XLSX workbook: one sheet, the header row bold, every cell a string.
#[cfg(feature = "xlsx")]
pub fn export_xlsx(
    list: &[Appointment],
    config: &LibraryConfig,
    lang: Language,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let (header, rows) = rows(list, config, lang);
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("rantevou")?;
    let bold = Format::new().set_bold();
    for (col, name) in (0u16..).zip(&header) {
        sheet.write_string_with_format(0, col, name, &bold)?;
    }
    for (row, cells) in (1u32..).zip(&rows) {
        for (col, cell) in (0u16..).zip(cells) {
            sheet.write_string(row, col, cell)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    book.save_to_buffer()
}

/// The statistics as CSV (UTF-8 with a BOM, `;` between cells, every cell neutral): one row
/// per figure — section, item, count — in `lang`, names in words (services, departments,
/// questions and their answers as `library.toml` says them).
pub fn statistics_csv(
    report: &rantevou_domain::statistics::Report,
    config: &LibraryConfig,
    lang: Language,
) -> Result<Vec<u8>, csv::Error> {
    let t = &texts(lang).export;
    let section = |name: &str| {
        t.statistics_sections
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.to_owned())
    };
    let other = |name: &str, words: Option<String>| {
        if name == rantevou_domain::statistics::OTHER {
            t.other.clone()
        } else {
            words.unwrap_or_else(|| name.to_owned())
        }
    };
    let outcome = |name: &str| {
        t.outcomes
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.to_owned())
    };
    let mut rows: Vec<[String; 3]> =
        vec![[section("total"), String::new(), report.total.to_string()]];
    for (name, n) in &report.outcomes {
        rows.push([section("outcome"), outcome(name), n.to_string()]);
    }
    if let Some(rate) = report.no_show_rate {
        rows.push([
            section("no_show_rate"),
            String::new(),
            format!("{:.1}%", rate * 100.0),
        ]);
    }
    if let Some(days) = report.lead_days_median {
        rows.push([
            section("lead_days_median"),
            String::new(),
            format!("{days}"),
        ]);
    }
    rows.push([section("moved"), String::new(), report.moved.to_string()]);
    rows.push([
        section("waitlist"),
        String::new(),
        report.waitlist.to_string(),
    ]);
    for m in &report.months {
        rows.push([section("month"), m.month.clone(), m.total.to_string()]);
        for (name, n) in &m.outcomes {
            rows.push([
                section("month"),
                format!("{} · {}", m.month, outcome(name)),
                n.to_string(),
            ]);
        }
    }
    for (id, n) in &report.services {
        let words = config.service(id).map(|s| s.name.get(lang).to_owned());
        rows.push([section("service"), other(id, words), n.to_string()]);
    }
    for (id, n) in &report.providers {
        let words = config.provider(id).map(|p| p.name.get(lang).to_owned());
        rows.push([section("provider"), other(id, words), n.to_string()]);
    }
    for (q, counts) in &report.questions {
        let question = config
            .services
            .iter()
            .flat_map(|s| &s.questions)
            .find(|x| &x.id == q);
        let title = question.map_or_else(|| q.clone(), |x| x.label.get(lang).to_owned());
        for (answer, n) in counts {
            let words = question.map(|x| match answer.as_str() {
                "yes" if x.kind == rantevou_domain::question::QuestionKind::YesNo => t.yes.clone(),
                "no" if x.kind == rantevou_domain::question::QuestionKind::YesNo => t.no.clone(),
                id => x.option_label(id, lang).to_owned(),
            });
            rows.push([title.clone(), other(answer, words), n.to_string()]);
        }
    }
    for (day, n) in &report.weekdays {
        let words = t.weekdays.get(usize::from(*day).saturating_sub(1)).cloned();
        rows.push([
            section("weekday"),
            words.unwrap_or_else(|| day.to_string()),
            n.to_string(),
        ]);
    }
    for (hour, n) in &report.hours {
        rows.push([section("hour"), format!("{hour:02}:00"), n.to_string()]);
    }
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(&mut out);
        w.write_record(t.statistics_columns.iter().map(|h| neutral(h)))?;
        for row in rows {
            w.write_record(row.iter().map(|c| neutral(c)))?;
        }
        w.flush()?;
    }
    Ok(out)
}
