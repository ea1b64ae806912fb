//! Times and working days as Easy!Appointments writes them (`HH:MM[:SS]`, `YYYY-MM-DD
//! HH:MM:SS`) and as `library.toml` writes them: minutes past midnight, a day's stretches of work.

use super::model::Range;
use chrono::{DateTime, NaiveDateTime, NaiveTime, Utc};
use chrono_tz::Tz;

/// The weekday names EA and `library.toml` share, Monday first.
pub use rantevou_domain::working_plan::WEEKDAY_NAMES as WEEKDAYS;

/// A day's work in minutes past midnight: the stretches between breaks, in order.
pub type Stretches = Vec<(u32, u32)>;

/// `HH:MM[:SS]` as minutes past midnight.
pub fn minutes(text: &str) -> Option<u32> {
    let t = NaiveTime::parse_from_str(text, "%H:%M:%S")
        .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M"))
        .ok()?;
    use chrono::Timelike;
    Some(t.hour() * 60 + t.minute())
}

/// Minutes past midnight as `HH:MM`.
pub fn hh_mm(m: u32) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// EA's `YYYY-MM-DD HH:MM:SS`.
pub fn naive(text: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").ok()
}

/// A naive EA time in `tz` (the earlier of a repeated hour; `None` in a skipped one).
pub fn instant(tz: Tz, text: &str) -> Option<DateTime<Utc>> {
    naive(text)?
        .and_local_timezone(tz)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// A day's stretches of work (hours less breaks), or why it cannot be read.
pub fn stretches(start: &str, end: &str, breaks: &[Range]) -> Result<Stretches, String> {
    let (Some(from), Some(to)) = (minutes(start), minutes(end)) else {
        return Err(format!("hours {start}–{end} are not times"));
    };
    let mut out = vec![(from, to)];
    for b in breaks {
        let (Some(bs), Some(be)) = (minutes(&b.start), minutes(&b.end)) else {
            return Err(format!("break {}–{} is not a time", b.start, b.end));
        };
        out = subtract(&out, bs, be);
    }
    Ok(out)
}

/// `stretches` less the span `from`–`to`.
pub fn subtract(stretches: &[(u32, u32)], from: u32, to: u32) -> Stretches {
    let mut out = Vec::new();
    for &(s, e) in stretches {
        if to <= s || from >= e {
            out.push((s, e));
            continue;
        }
        if from > s {
            out.push((s, from));
        }
        if to < e {
            out.push((to, e));
        }
    }
    out
}

/// Stretches described as a working day: hours from the first start to the last end, the
/// gaps as breaks ("09:00–15:00, break 12:00–12:30").
pub fn describe(stretches: &[(u32, u32)]) -> String {
    let (Some(first), Some(last)) = (stretches.first(), stretches.last()) else {
        return "off".into();
    };
    let mut text = format!("{}–{}", hh_mm(first.0), hh_mm(last.1));
    let gaps: Vec<String> = stretches
        .windows(2)
        .map(|w| format!("{}–{}", hh_mm(w[0].1), hh_mm(w[1].0)))
        .collect();
    if !gaps.is_empty() {
        text.push_str(&format!(", break {}", gaps.join(", ")));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_taken_out_of_stretches_splits_or_trims_them() {
        let day = vec![(540, 720), (750, 900)];
        assert_eq!(subtract(&day, 540, 640), vec![(640, 720), (750, 900)]);
        assert_eq!(subtract(&day, 600, 800), vec![(540, 600), (800, 900)]);
        assert_eq!(subtract(&day, 0, 1440), Vec::<(u32, u32)>::new());
        assert_eq!(subtract(&day, 900, 960), day, "outside the hours");
        assert_eq!(
            describe(&[(640, 720), (750, 900)]),
            "10:40–15:00, break 12:00–12:30"
        );
        assert_eq!(describe(&[]), "off");
    }
}
