//! How the librarians' own calendars are read, for the console: each calendar the person may
//! see, when it was last read and whether its copy is stale (its reads failing, or none for
//! longer than [`STALE_AFTER`]), so that staff know when the busy times may be out of date.

use super::{Staff, StaffError};
use chrono::{DateTime, Duration, Utc};
use rantevou_domain::staff::Actor;
use rantevou_domain::ProviderId;

/// A calendar not read for this long is stale: three of the scheduler's read rounds (every
/// 10 minutes) missed.
pub const STALE_AFTER: Duration = Duration::minutes(30);

/// One provider's calendar as the console shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarHealth {
    /// Whose calendar.
    pub provider: ProviderId,
    /// `ics` or `caldav`.
    pub kind: &'static str,
    /// The host it is read from (never the address: it may hold a secret).
    pub host: String,
    /// The last read that succeeded (`None`: none yet).
    pub read_at: Option<DateTime<Utc>>,
    /// Since when every read failed.
    pub failing_since: Option<DateTime<Utc>>,
    /// The last failure, in words without the address.
    pub problem: Option<String>,
    /// Whether availability may be using an out-of-date copy (or none).
    pub stale: bool,
}

impl Staff {
    /// The calendars of the providers `by` may see (of `provider` alone when named), in the
    /// configuration's order.
    pub async fn calendars(
        &self,
        by: &Actor,
        provider: Option<&str>,
    ) -> Result<Vec<CalendarHealth>, StaffError> {
        let now = self.ctx.now();
        let mut out = Vec::new();
        for p in &self.ctx.config.providers {
            let Some(calendar) = &p.calendar else {
                continue;
            };
            if !by.may_see(&p.id) || provider.is_some_and(|id| id != p.id.as_str()) {
                continue;
            }
            let status = self.store.calendar_status(&p.id).await?;
            let (read_at, failing_since, problem) = match status {
                Some(s) => (s.read_at, s.failing_since, s.problem),
                None => (None, None, None),
            };
            let stale = failing_since.is_some() || read_at.map_or(true, |t| now - t > STALE_AFTER);
            out.push(CalendarHealth {
                provider: p.id.clone(),
                kind: calendar.kind(),
                host: calendar.host().to_owned(),
                read_at,
                failing_since,
                problem,
                stale,
            });
        }
        Ok(out)
    }
}
