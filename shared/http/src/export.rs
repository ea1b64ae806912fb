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
use rantevou_domain::Language;

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

/// The header row and the rows, as text, in `lang`.
pub fn rows(list: &[Appointment], tz: Tz, lang: Language) -> (Vec<String>, Vec<Vec<String>>) {
    let t = &texts(lang).export;
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
            vec![
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
                a.patron.language.code().to_owned(),
                a.meeting.url.clone().unwrap_or_default(),
                yes_no(a.meeting.url.is_some() && a.meeting.due.is_none()),
                mail_state_words(a, t),
                a.attendance.map(|m| yes_no(m.attended)).unwrap_or_default(),
                cancelled_at,
                reason,
            ]
        })
        .collect();
    (t.columns.clone(), rows)
}

/// The export as CSV: UTF-8 with a BOM, `;` between cells, every cell neutral.
pub fn export_csv(list: &[Appointment], tz: Tz, lang: Language) -> Result<Vec<u8>, csv::Error> {
    let (header, rows) = rows(list, tz, lang);
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
    tz: Tz,
    lang: Language,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let (header, rows) = rows(list, tz, lang);
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
