//! The agenda as `rantevou agenda` prints it: a fixed-width table, one appointment a line.

use super::local;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rantevou_domain::appointment::Appointment;
use rantevou_domain::LibraryConfig;
use rantevou_http::staff::{mail_state, status_word};

/// Whether the video-call link went: `sent`, `due HH:MM`, or `none` (staff send it).
fn link_state(a: &Appointment, tz: Tz) -> String {
    match (&a.meeting.url, a.meeting.due) {
        (None, _) => "none".into(),
        (Some(_), None) => "sent".into(),
        (Some(_), Some(due)) => format!("due {}", due.with_timezone(&tz).format("%d/%m %H:%M")),
    }
}

fn cell(text: &str, width: usize) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let count = one_line.chars().count();
    if count > width {
        let cut: String = one_line.chars().take(width.saturating_sub(1)).collect();
        format!("{cut}…")
    } else {
        format!("{one_line}{}", " ".repeat(width - count))
    }
}

/// The agenda as a fixed-width table (widths in characters, so Greek lines up).
pub fn agenda_table(list: &[Appointment], config: &LibraryConfig, now: DateTime<Utc>) -> String {
    let tz = config.library.timezone;
    let several = config.providers.len() > 1;
    let mut out = String::new();
    if list.is_empty() {
        return out;
    }
    let mut header = format!("{}  ", cell("TIME", 16));
    if several {
        header.push_str(&format!("{}  ", cell("PROVIDER", 10)));
    }
    header.push_str(&format!(
        "{}  {}  {}  {}  {}  {}\n",
        cell("PATRON", 24),
        cell("TOPIC", 30),
        cell("STATUS", 9),
        cell("LINK", 13),
        cell("MAIL", 14),
        "ID"
    ));
    out.push_str(&header);
    for a in list {
        let mut row = format!("{}  ", cell(&local(a.start, tz), 16));
        if several {
            row.push_str(&format!("{}  ", cell(a.provider.as_str(), 10)));
        }
        let status = if a.is_booked() && a.end <= now {
            "past"
        } else {
            status_word(a)
        };
        row.push_str(&format!(
            "{}  {}  {}  {}  {}  {}\n",
            cell(a.patron.customer.name.as_str(), 24),
            cell(a.patron.notes.as_str(), 30),
            cell(status, 9),
            cell(&link_state(a, tz), 13),
            cell(&mail_state(a).replace("mail ", ""), 14),
            a.id
        ));
        out.push_str(&row);
    }
    out
}
