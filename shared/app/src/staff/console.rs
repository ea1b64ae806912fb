//! What the staff console adds to the staff commands: one appointment with its audit record,
//! attendance, the mail that failed for good and its retry, the export of a range, and the
//! anonymous statistics.

use super::{invalid, Staff, StaffError, Subject};
use crate::fresh::update_fresh;
use chrono::{Days, NaiveDate};
use rantevou_domain::appointment::{Appointment, MailKind};
use rantevou_domain::patron::PatronEmail;
use rantevou_domain::staff::{Actor, AuditEntry};
use rantevou_domain::ProviderId;

/// The most months one statistics request covers (ten years).
pub const MAX_STATISTICS_MONTHS: usize = 120;

/// How far back the list of failed mail looks, in days.
pub const FAILED_MAIL_DAYS_BACK: u64 = 30;

impl Staff {
    /// Appointment `id` and its audit record, oldest first.
    pub async fn appointment(
        &self,
        by: &Actor,
        id: &str,
    ) -> Result<(Appointment, Vec<AuditEntry>), StaffError> {
        let a = self.find(by, id).await?;
        self.with_audit(a).await
    }

    /// `a` (just changed by an action staff were allowed) with its audit record: the answer
    /// of an action, without reading the appointment again.
    pub async fn with_audit(
        &self,
        a: Appointment,
    ) -> Result<(Appointment, Vec<AuditEntry>), StaffError> {
        let audit = self.store.audit_of(&a.id.to_string()).await?;
        Ok((a, audit))
    }

    /// What staff did to the whole library (closures, exports, a patron's data), oldest first.
    pub async fn library_audit(&self, by: &Actor) -> Result<Vec<AuditEntry>, StaffError> {
        if !by.is_unrestricted() {
            return Err(StaffError::Forbidden(
                "the library's record is for every department's staff",
            ));
        }
        Ok(self
            .store
            .audit_of(rantevou_domain::staff::LIBRARY_SUBJECT)
            .await?)
    }

    /// Marks whether the patron of appointment `id` came (once it started).
    pub async fn set_attendance(
        &self,
        by: &Actor,
        id: &str,
        attended: bool,
    ) -> Result<Appointment, StaffError> {
        let a = self.find(by, id).await?;
        let now = self.ctx.now();
        let follow_up = self
            .ctx
            .config
            .service(a.service.as_str())
            .and_then(|s| s.follow_up.clone());
        if let Err(e) = a.clone().marked(attended, now, follow_up.as_ref()) {
            return Err(StaffError::NotApplicable {
                id: id.to_owned(),
                why: e.to_string(),
            });
        }
        // A fresh read after another write (a mail recorded) is marked the same way; one
        // cancelled meanwhile is left as it is.
        let stored = update_fresh(&*self.store, a, now, move |fresh| {
            fresh
                .clone()
                .marked(attended, now, follow_up.as_ref())
                .unwrap_or(fresh)
        })
        .await?
        .ok_or_else(|| StaffError::NotFound(id.to_owned()))?;
        // Counted already (a mark more than a week late): its record follows the mark.
        if let Err(e) = self.counting().recount(&stored).await {
            tracing::warn!(error = %e, "a late mark's outcome record not replaced");
        }
        let word = if attended { "attended" } else { "no-show" };
        self.audit(
            by,
            "attendance",
            Subject::Appointment(&stored),
            word.to_owned(),
        )
        .await;
        Ok(stored)
    }

    /// The appointments `by` may see whose mail was given up, from
    /// [`FAILED_MAIL_DAYS_BACK`] days ago to the booking horizon.
    pub async fn failed_mail(&self, by: &Actor) -> Result<Vec<Appointment>, StaffError> {
        let tz = self.ctx.config.library.timezone;
        let today = self.ctx.now().with_timezone(&tz).date_naive();
        let from = today - Days::new(FAILED_MAIL_DAYS_BACK);
        let ahead = u64::from(self.ctx.config.policy.horizon_days)
            .min(super::MAX_RANGE_DAYS - FAILED_MAIL_DAYS_BACK - 1);
        let mut list = self
            .agenda(by, from, today + Days::new(ahead), None)
            .await?;
        list.retain(|a| a.delivery.failure.is_some());
        Ok(list)
    }

    /// Tries the given-up mail of appointment `id` again, to `email` when staff corrected the
    /// address: what is pending goes at once, the timed mail when due.
    pub async fn retry_mail(
        &self,
        by: &Actor,
        id: &str,
        email: Option<&str>,
    ) -> Result<Appointment, StaffError> {
        let email = match email.map(str::trim).filter(|e| !e.is_empty()) {
            Some(raw) => Some(
                PatronEmail::parse(raw)
                    .map_err(|_| invalid("email", format!("{raw:?} is not an email address")))?,
            ),
            None => None,
        };
        let now = self.ctx.now();
        let a = self.find(by, id).await?;
        let next =
            a.clone()
                .retry_failed(email.clone(), now)
                .map_err(|e| StaffError::NotApplicable {
                    id: id.to_owned(),
                    why: e.to_string(),
                })?;
        let stored = self.store.update(&a, &next).await?;
        let manage = self.manage_link(&stored);
        for kind in MailKind::ALL {
            if stored.mail_pending(kind) {
                self.mail.deliver(&stored, kind, manage.as_deref()).await;
            }
        }
        let detail = if email.is_some() {
            "to a corrected address"
        } else {
            "to the same address"
        };
        self.audit(
            by,
            "mail-retry",
            Subject::Appointment(&stored),
            detail.to_owned(),
        )
        .await;
        Ok(self.store.get(stored.id, now).await?.unwrap_or(stored))
    }

    /// The appointments of `from`–`to` that `by` may see, for an export (written to the
    /// audit record).
    /// The anonymous figures of the months `from` to `to` (`YYYY-MM`; by default this year
    /// to this month), of the providers `by` may see.
    pub async fn statistics(
        &self,
        by: &Actor,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<rantevou_domain::statistics::Report, StaffError> {
        use chrono::Datelike;
        let today = self
            .ctx
            .now()
            .with_timezone(&self.ctx.config.library.timezone);
        let this_year = format!("{:04}-01", today.year());
        let this_month = format!("{:04}-{:02}", today.year(), today.month());
        let month = |field: &'static str, raw: Option<&str>, default: &str| {
            let raw = raw.unwrap_or(default);
            let ok = raw.len() == 7
                && chrono::NaiveDate::parse_from_str(&format!("{raw}-01"), "%Y-%m-%d").is_ok();
            ok.then(|| raw.to_owned())
                .ok_or_else(|| invalid(field, format!("{raw:?} is not a month as YYYY-MM")))
        };
        let from = month("from", from, &this_year)?;
        let to = month("to", to, &this_month)?;
        if to < from {
            return Err(invalid("to", format!("{to} is before from {from}")));
        }
        let span = rantevou_domain::statistics::months(&from, &to).len();
        if span > MAX_STATISTICS_MONTHS {
            return Err(invalid(
                "to",
                format!("at most {MAX_STATISTICS_MONTHS} months at a time"),
            ));
        }
        Ok(self
            .counting()
            .report(&from, &to, |p| {
                ProviderId::parse(p).is_some_and(|id| by.may_see(&id))
            })
            .await?)
    }

    /// Counting over this store.
    fn counting(&self) -> crate::statistics::Counting {
        crate::statistics::Counting::new(self.ctx.clone(), self.store.clone())
    }

    pub async fn export(
        &self,
        by: &Actor,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Appointment>, StaffError> {
        let list = self.agenda(by, from, to, None).await?;
        let detail = format!("{from}–{to}: {} appointment(s)", list.len());
        self.audit(by, "export", Subject::Library, detail).await;
        Ok(list)
    }
}
