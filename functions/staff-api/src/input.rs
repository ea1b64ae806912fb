//! What the staff API reads from a request: the query's range of dates, and the JSON bodies
//! (unknown fields refused), with their checks that name the field at fault.

use chrono::{Days, NaiveDate, NaiveTime};
use lambda_http::Request;
use rantevou_app::Staff;
use rantevou_domain::closure::ClosedHours;
use rantevou_http::{request, ApiError};
use serde::Deserialize;

/// `from` and `to` (inclusive) of the query; `from` defaults to today, `to` to `from`.
pub(crate) fn range(
    req: &Request,
    staff: &Staff,
    max_days: u64,
) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let tz = staff.context().config.library.timezone;
    let today = staff.context().now().with_timezone(&tz).date_naive();
    let from = match request::query(req, "from") {
        Some(f) => date("from", &f)?,
        None => today,
    };
    let to = match request::query(req, "to") {
        Some(t) => date("to", &t)?,
        None => from,
    };
    if to < from {
        return Err(ApiError::bad_param(
            "to",
            "invalid",
            "must not be before from",
        ));
    }
    if to > from + Days::new(max_days.saturating_sub(1)) {
        return Err(ApiError::bad_param(
            "to",
            "too_long",
            format!("at most {max_days} days at a time"),
        ));
    }
    Ok((from, to))
}

pub(crate) fn date(field: &str, value: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| {
        ApiError::bad_param(
            field,
            "invalid",
            format!("{value:?} is not a date as YYYY-MM-DD"),
        )
    })
}

fn time(field: &str, value: &str) -> Result<NaiveTime, ApiError> {
    NaiveTime::parse_from_str(value, "%H:%M").map_err(|_| {
        ApiError::Validation(vec![rantevou_http::problem::FieldProblem::new(
            field,
            "invalid",
            format!("{value:?} is not a time as HH:MM"),
        )])
    })
}

impl ClosureBody {
    /// Its first and last day and its hours, each checked.
    pub(crate) fn days(&self) -> Result<(NaiveDate, NaiveDate, Option<ClosedHours>), ApiError> {
        let from = date("from", &self.from)?;
        let to = match &self.to {
            Some(t) => date("to", t)?,
            None => from,
        };
        Ok((from, to, hours(self)?))
    }
}

/// The hours of a closure: both times or neither; a range on one day only.
fn hours(b: &ClosureBody) -> Result<Option<ClosedHours>, ApiError> {
    // Each refusal its own code: the console says it in its language, next to the field.
    let field = |f: &str, code: &str, m: &str| {
        ApiError::Validation(vec![rantevou_http::problem::FieldProblem::new(f, code, m)])
    };
    match (b.from_time.as_deref(), b.to_time.as_deref()) {
        (None, None) => Ok(None),
        (Some(f), Some(t)) => {
            if b.to.as_deref().is_some_and(|to| to != b.from) {
                return Err(field(
                    "to",
                    "one_day",
                    "a closure of some hours is on one day: leave to out",
                ));
            }
            ClosedHours::new(time("from_time", f)?, time("to_time", t)?)
                .map(Some)
                .ok_or_else(|| field("to_time", "not_after", "must be after from_time"))
        }
        (None, Some(_)) => Err(field(
            "from_time",
            "both_or_neither",
            "give both times, or neither",
        )),
        (Some(_), None) => Err(field(
            "to_time",
            "both_or_neither",
            "give both times, or neither",
        )),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReasonBody {
    #[serde(default)]
    pub(crate) reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MeetingBody {
    pub(crate) url: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AttendanceBody {
    pub(crate) attended: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ClosureBody {
    pub(crate) name: String,
    pub(crate) from: String,
    #[serde(default)]
    pub(crate) to: Option<String>,
    #[serde(default)]
    pub(crate) from_time: Option<String>,
    #[serde(default)]
    pub(crate) to_time: Option<String>,
    #[serde(default)]
    pub(crate) preview: bool,
    /// Cancel the appointments already there, each patron mailed this.
    #[serde(default)]
    pub(crate) cancel_reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EmailBody {
    pub(crate) email: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EraseBody {
    pub(crate) email: String,
    #[serde(default)]
    pub(crate) reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RetryBody {
    #[serde(default)]
    pub(crate) email: Option<String>,
}
