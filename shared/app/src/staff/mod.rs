//! What librarians do (the `rantevou` staff commands and the staff console, one implementation):
//! the agenda, an appointment with its audit record, cancelling as staff (no cutoff), setting
//! the video-call link (which mails it), marking attendance, closures kept in the store, the
//! export of a range, a patron's data exported or erased, and failed mail tried again.
//!
//! Every operation is done by an [`Actor`]: what they may see is checked here (a provider
//! outside their list is [`StaffError::Forbidden`]), and every change is written to the audit
//! record (who, what, when) after it succeeded.

use crate::context::Context;
use crate::mail::MailDelivery;
use chrono::{DateTime, Days, NaiveDate, Utc};
use rantevou_domain::appointment::{Appointment, Canceller, MailKind, Status};
use rantevou_domain::closure::StaffClosure;
use rantevou_domain::patron::FreeText;
use rantevou_domain::ports::Metric;
use rantevou_domain::ports::{StaffStore, StoreError};
use rantevou_domain::staff::{Actor, AuditEntry, LIBRARY_SUBJECT};
use rantevou_domain::{AppointmentId, ManageKeys, ProviderId};
use std::sync::Arc;

pub use calendars::{CalendarHealth, STALE_AFTER};

/// The longest range an agenda or an export may cover, in days.
pub const MAX_RANGE_DAYS: u64 = 366;

/// The staff operations, over every port they need.
#[derive(Clone)]
pub struct Staff {
    ctx: Context,
    store: Arc<dyn StaffStore>,
    mail: MailDelivery,
    keys: Arc<ManageKeys>,
}

/// Why a staff operation was refused; each message says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StaffError {
    /// No appointment with that id (or past its retention).
    #[error("no appointment {0}")]
    NotFound(String),
    /// Cancelled before.
    #[error("appointment {0} is already cancelled")]
    AlreadyCancelled(String),
    /// Its time has passed, or it is an unconfirmed hold.
    #[error("appointment {id} {why}")]
    NotUpcoming {
        /// The appointment.
        id: String,
        /// Started, or held.
        why: &'static str,
    },
    /// A bad argument: which, and what is wrong.
    #[error("{field}: {message}")]
    Invalid {
        /// The argument.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// No provider with that id.
    #[error("no provider {0:?}")]
    NoProvider(String),
    /// No closure with that id.
    #[error("no closure {0} (see `rantevou closure list`)")]
    NoClosure(String),
    /// A closure of the same days (and hours) is there already.
    #[error("closure {id} ({name}) already closes these days")]
    DuplicateClosure {
        /// The closure there.
        id: String,
        /// Its name.
        name: String,
    },
    /// Outside what the person may reach (another provider, or a library-wide operation
    /// for staff limited to some providers).
    #[error("not allowed: {0}")]
    Forbidden(&'static str),
    /// The action does not apply to the appointment as it is now.
    #[error("appointment {id}: {why}")]
    NotApplicable {
        /// The appointment.
        id: String,
        /// Why, in words staff can act on.
        why: String,
    },
    /// The store failed.
    #[error("the store failed: {0}")]
    Store(#[from] StoreError),
}

/// A reason staff give (for a cancel, an erase): what a patron's reason may be.
fn staff_reason(raw: &str) -> Result<FreeText, StaffError> {
    FreeText::parse(raw)
        .map_err(|_| invalid("reason", "at most 1000 characters, no control characters"))
}

fn invalid(field: &'static str, message: impl Into<String>) -> StaffError {
    StaffError::Invalid {
        field,
        message: message.into(),
    }
}

/// A closure added, the appointments on its days it cancelled (only when asked to), and
/// those still there.
#[derive(Debug, Clone)]
pub struct ClosureAdded {
    /// The closure.
    pub closure: StaffClosure,
    /// Booked (or held) appointments on its days, still there.
    pub affected: Vec<Appointment>,
    /// Those it cancelled, each patron mailed.
    pub cancelled: Vec<Appointment>,
}

/// What erasing a patron did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Erased {
    /// Upcoming appointments cancelled (the patron mailed).
    pub cancelled: usize,
    /// Appointments whose personal data was replaced.
    pub anonymised: usize,
    /// Cancelled now but the cancellation mail is still to go: anonymised by a later erase.
    pub waiting_for_mail: usize,
}

/// The name an erased patron's appointments keep.
pub const ERASED_NAME: &str = "(erased)";
/// The address an erased patron's appointments keep (a reserved domain: never delivered).
pub const ERASED_EMAIL: &str = "erased@erased.invalid";

impl Staff {
    /// Staff operations over `store`, mailing through `mail`; `keys` make the links in mail and
    /// the patron key of an address.
    pub fn new(
        ctx: Context,
        store: Arc<dyn StaffStore>,
        mail: MailDelivery,
        keys: Arc<ManageKeys>,
    ) -> Self {
        Staff {
            ctx,
            store,
            mail,
            keys,
        }
    }

    /// The shared context.
    pub fn context(&self) -> &Context {
        &self.ctx
    }

    /// The appointments starting on `from`–`to` (the library's calendar, inclusive) of
    /// `provider` (all providers `by` may see when `None`), in start order, whatever their
    /// status.
    pub async fn agenda(
        &self,
        by: &Actor,
        from: NaiveDate,
        to: NaiveDate,
        provider: Option<&str>,
    ) -> Result<Vec<Appointment>, StaffError> {
        if to < from {
            return Err(invalid("to", format!("{to} is before from {from}")));
        }
        if (to - from).num_days() as u64 >= MAX_RANGE_DAYS {
            return Err(invalid(
                "to",
                format!("at most {MAX_RANGE_DAYS} days at a time"),
            ));
        }
        let config = &self.ctx.config;
        let providers: Vec<ProviderId> = match provider {
            Some(id) => vec![config
                .provider(id)
                .map(|p| p.id.clone())
                .ok_or_else(|| StaffError::NoProvider(id.to_owned()))?],
            None => config
                .providers
                .iter()
                .filter(|p| by.may_see(&p.id))
                .map(|p| p.id.clone())
                .collect(),
        };
        if providers.iter().any(|p| !by.may_see(p)) {
            return Err(StaffError::Forbidden("that provider's appointments"));
        }
        let (start, end) = (self.midnight(from), self.midnight(to + Days::new(1)));
        let now = self.ctx.now();
        let mut all = Vec::new();
        for p in &providers {
            all.extend(self.store.agenda(p, start, end).await?);
        }
        all.retain(|a| !a.is_expired(now));
        all.sort_by_key(|a| (a.start, a.id));
        Ok(all)
    }

    /// Midnight starting `date` in the library's zone, as an instant.
    fn midnight(&self, date: NaiveDate) -> DateTime<Utc> {
        let tz = self.ctx.config.library.timezone;
        date.and_time(chrono::NaiveTime::MIN)
            .and_local_timezone(tz)
            .earliest()
            .map_or_else(
                || date.and_time(chrono::NaiveTime::MIN).and_utc(),
                |t| t.with_timezone(&Utc),
            )
    }

    /// Appointment `id`, when `by` may see it.
    async fn find(&self, by: &Actor, id: &str) -> Result<Appointment, StaffError> {
        // Not an id at all: no such appointment, as for the public API.
        let parsed: AppointmentId = id
            .parse()
            .map_err(|_| StaffError::NotFound(id.to_owned()))?;
        let a = self
            .store
            .get(parsed, self.ctx.now())
            .await?
            .ok_or_else(|| StaffError::NotFound(id.to_owned()))?;
        if by.may_see(&a.provider) {
            Ok(a)
        } else {
            Err(StaffError::Forbidden("that provider's appointments"))
        }
    }

    /// The patron's manage link of `a`, for the mail (`None` when its key was retired).
    fn manage_link(&self, a: &Appointment) -> Option<String> {
        self.keys
            .token_of(&a.id, &a.token_hash)
            .map(|t| self.ctx.links.manage_url(&a.id, &t))
    }

    /// Writes what `by` did to the audit record (after it succeeded). A failed write is logged
    /// and does not undo what was done.
    async fn audit(&self, by: &Actor, action: &str, subject: Subject<'_>, detail: String) {
        let now = self.ctx.now();
        let (subject, keep_until) = match subject {
            Subject::Appointment(a) => (a.id.to_string(), a.expires_at),
            Subject::Library => (
                LIBRARY_SUBJECT.to_owned(),
                now + self.ctx.config.policy.retention(),
            ),
        };
        let entry = AuditEntry {
            at: now,
            who: by.who.clone(),
            action: action.to_owned(),
            subject,
            detail,
        };
        if let Err(e) = self.store.record_audit(&entry, keep_until).await {
            tracing::error!(action, error = %e, "audit record not written");
        }
    }

    /// Cancels appointment `id` as staff, whatever the cutoff (not once started), for
    /// `reason`, and mails the patron (a failed send stays pending for the scheduler).
    pub async fn cancel(
        &self,
        by: &Actor,
        id: &str,
        reason: &str,
    ) -> Result<Appointment, StaffError> {
        let reason = staff_reason(reason)?;
        let a = self.find(by, id).await?;
        self.cancel_audited(by, a, &reason).await
    }

    /// Cancels `a` as staff for `reason` (the patron mailed) and writes it to the audit record.
    async fn cancel_audited(
        &self,
        by: &Actor,
        a: Appointment,
        reason: &FreeText,
    ) -> Result<Appointment, StaffError> {
        let cancelled = self.cancel_found(a, reason).await?;
        self.audit(
            by,
            "cancel",
            Subject::Appointment(&cancelled),
            reason.to_string(),
        )
        .await;
        Ok(cancelled)
    }

    async fn cancel_found(
        &self,
        a: Appointment,
        reason: &FreeText,
    ) -> Result<Appointment, StaffError> {
        let now = self.ctx.now();
        if matches!(a.status, Status::Cancelled { .. }) {
            return Err(StaffError::AlreadyCancelled(a.id.to_string()));
        }
        if a.start <= now {
            return Err(StaffError::NotUpcoming {
                id: a.id.to_string(),
                why: "has started",
            });
        }
        let cancelled = match self
            .store
            .cancel_by(&a, now, reason, Canceller::Staff)
            .await
        {
            Ok(c) => {
                self.ctx.count(Metric::Cancellations);
                c
            }
            Err(StoreError::NotBooked) => {
                return Err(StaffError::AlreadyCancelled(a.id.to_string()))
            }
            Err(e) => return Err(e.into()),
        };
        tracing::info!(appointment = %cancelled.id, "cancelled by staff");
        if cancelled.mail_pending(MailKind::Cancellation) {
            self.mail
                .deliver(&cancelled, MailKind::Cancellation, None)
                .await;
        }
        Ok(self
            .store
            .get(cancelled.id, now)
            .await?
            .unwrap_or(cancelled))
    }

    /// Sets (or changes) appointment `id`'s video-call link to `url` and mails it to the patron
    /// now, with an `.ics` of a higher `SEQUENCE`.
    pub async fn send_link(
        &self,
        by: &Actor,
        id: &str,
        url: &str,
    ) -> Result<Appointment, StaffError> {
        let url = meeting_url(url)?;
        let now = self.ctx.now();
        for _ in 0..3 {
            let a = self.find(by, id).await?;
            match a.status {
                Status::Cancelled { .. } => {
                    return Err(StaffError::AlreadyCancelled(a.id.to_string()))
                }
                Status::Held { .. } => {
                    return Err(StaffError::NotUpcoming {
                        id: a.id.to_string(),
                        why: "is not confirmed yet",
                    })
                }
                Status::Booked if a.end <= now => {
                    return Err(StaffError::NotUpcoming {
                        id: a.id.to_string(),
                        why: "is over",
                    })
                }
                Status::Booked => {}
            }
            let next = a.clone().with_link(url.clone(), now);
            let stored = match self.store.update(&a, &next).await {
                Ok(stored) => stored,
                Err(StoreError::Changed) => continue,
                Err(e) => return Err(e.into()),
            };
            tracing::info!(appointment = %stored.id, "meeting link set by staff");
            let manage = self.manage_link(&stored);
            self.mail
                .deliver(&stored, MailKind::Link, manage.as_deref())
                .await;
            self.audit(
                by,
                "meeting-link",
                Subject::Appointment(&stored),
                url.clone(),
            )
            .await;
            return Ok(self.store.get(stored.id, now).await?.unwrap_or(stored));
        }
        Err(StoreError::Conflict.into())
    }
}

/// A meeting link staff give: an absolute http(s) URL with a host, one line.
fn meeting_url(raw: &str) -> Result<String, StaffError> {
    let raw = raw.trim();
    match url::Url::parse(raw) {
        Ok(u)
            if matches!(u.scheme(), "http" | "https")
                && u.has_host()
                && !raw.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
            Ok(u.into())
        }
        _ => Err(invalid(
            "url",
            format!("{raw:?} is not an http(s) link, e.g. https://meet.jit.si/room"),
        )),
    }
}

/// What an audit entry is about.
enum Subject<'a> {
    Appointment(&'a Appointment),
    Library,
}

mod calendars;
mod closures;
mod console;
mod patrons;
