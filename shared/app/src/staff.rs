//! What librarians do (the `rantevou` staff commands, and later the staff console): the agenda,
//! cancelling as staff (no cutoff), setting the video-call link (which mails it), closures kept
//! in the store, the export of a range, and a patron's data exported or erased.

use crate::context::Context;
use crate::mail::{update_fresh, MailDelivery};
use chrono::{DateTime, Days, NaiveDate, Utc};
use rand::rngs::OsRng;
use rantevou_domain::appointment::{Appointment, MailKind, Status};
use rantevou_domain::closure::StaffClosure;
use rantevou_domain::patron::{FreeText, PatronEmail, PatronName};
use rantevou_domain::ports::{StaffStore, StoreError};
use rantevou_domain::{AppointmentId, ManageKeys, ProviderId};
use std::sync::Arc;

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
    /// No closure with that id.
    #[error("no closure {0} (see `rantevou closure list`)")]
    NoClosure(String),
    /// The store failed.
    #[error("the store failed: {0}")]
    Store(#[from] StoreError),
}

fn invalid(field: &'static str, message: impl Into<String>) -> StaffError {
    StaffError::Invalid {
        field,
        message: message.into(),
    }
}

/// A closure added, and the appointments on its days (never cancelled by it: staff decide).
#[derive(Debug, Clone)]
pub struct ClosureAdded {
    /// The closure.
    pub closure: StaffClosure,
    /// Booked (or held) appointments on its days.
    pub affected: Vec<Appointment>,
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
    /// `provider` (all providers when `None`), in start order, whatever their status.
    pub async fn agenda(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        provider: Option<&str>,
    ) -> Result<Vec<Appointment>, StaffError> {
        if to < from {
            return Err(invalid("--to", format!("{to} is before --from {from}")));
        }
        if (to - from).num_days() as u64 >= MAX_RANGE_DAYS {
            return Err(invalid(
                "--to",
                format!("at most {MAX_RANGE_DAYS} days at a time"),
            ));
        }
        let config = &self.ctx.config;
        let providers: Vec<ProviderId> = match provider {
            Some(id) => vec![config
                .provider(id)
                .map(|p| p.id.clone())
                .ok_or_else(|| invalid("--provider", format!("no provider {id:?}")))?],
            None => config.providers.iter().map(|p| p.id.clone()).collect(),
        };
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

    async fn find(&self, id: &str) -> Result<Appointment, StaffError> {
        let parsed: AppointmentId = id
            .parse()
            .map_err(|_| invalid("ID", format!("{id:?} is not an appointment id")))?;
        self.store
            .get(parsed, self.ctx.now())
            .await?
            .ok_or_else(|| StaffError::NotFound(id.to_owned()))
    }

    /// Cancels appointment `id` as staff, whatever the cutoff (not once started), for
    /// `reason`, and mails the patron (a failed send stays pending for the scheduler).
    pub async fn cancel(&self, id: &str, reason: &str) -> Result<Appointment, StaffError> {
        let reason = FreeText::parse(reason)
            .map_err(|_| invalid("--reason", "at most 1000 characters, no control characters"))?;
        let a = self.find(id).await?;
        self.cancel_found(a, &reason).await
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
        let cancelled = match self.store.cancel(&a, now, reason).await {
            Ok(c) => c,
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
    pub async fn send_link(&self, id: &str, url: &str) -> Result<Appointment, StaffError> {
        let url = meeting_url(url)?;
        let now = self.ctx.now();
        for _ in 0..3 {
            let a = self.find(id).await?;
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
            let manage = self
                .keys
                .token_of(&stored.id, &stored.token_hash)
                .map(|t| self.ctx.links.manage_url(&stored.id, &t));
            self.mail
                .deliver(&stored, MailKind::Link, manage.as_deref())
                .await;
            return Ok(self.store.get(stored.id, now).await?.unwrap_or(stored));
        }
        Err(StoreError::Conflict.into())
    }

    /// Closes `from`–`to` (inclusive) for `name`, at once; the appointments already on those
    /// days are returned for staff to handle (never cancelled by it).
    pub async fn add_closure(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        name: &str,
    ) -> Result<ClosureAdded, StaffError> {
        if to < from {
            return Err(invalid("--to", format!("{to} is before --from {from}")));
        }
        let closure = StaffClosure::new(name, from, to, &mut OsRng)
            .ok_or_else(|| invalid("--name", "give a name without control characters"))?;
        self.store.add_closure(&closure).await?;
        tracing::info!(closure = %closure.id, "closure added by staff");
        let affected = if (to - from).num_days() as u64 >= MAX_RANGE_DAYS {
            Vec::new()
        } else {
            self.agenda(from, to, None)
                .await?
                .into_iter()
                .filter(|a| !matches!(a.status, Status::Cancelled { .. }))
                .collect()
        };
        Ok(ClosureAdded { closure, affected })
    }

    /// The closures staff added.
    pub async fn closures(&self) -> Result<Vec<StaffClosure>, StaffError> {
        Ok(self.store.staff_closures().await?)
    }

    /// Removes closure `id`: its days are offered again at once.
    pub async fn remove_closure(&self, id: &str) -> Result<(), StaffError> {
        if self.store.remove_closure(id).await? {
            tracing::info!(closure = %id, "closure removed by staff");
            Ok(())
        } else {
            Err(StaffError::NoClosure(id.to_owned()))
        }
    }

    /// Every appointment stored about `email` (past and future, any status).
    pub async fn patron_appointments(&self, email: &str) -> Result<Vec<Appointment>, StaffError> {
        let email = PatronEmail::parse(email)
            .map_err(|_| invalid("EMAIL", format!("{email:?} is not an email address")))?;
        let key = crate::bot_check::patron_key(&self.keys, &email);
        let mut all = self.store.of_patron(&key).await?;
        all.retain(|a| !a.is_expired(self.ctx.now()));
        Ok(all)
    }

    /// Erases `email`'s personal data: upcoming appointments are cancelled (the patron mailed,
    /// with `reason`), and every appointment whose mail is all sent keeps no name, address,
    /// phone, topic or reason.
    pub async fn erase_patron(&self, email: &str, reason: &str) -> Result<Erased, StaffError> {
        let reason = FreeText::parse(reason)
            .map_err(|_| invalid("--reason", "at most 1000 characters, no control characters"))?;
        let now = self.ctx.now();
        let mut report = Erased::default();
        for a in self.patron_appointments(email).await? {
            let a = if a.start > now && !matches!(a.status, Status::Cancelled { .. }) {
                report.cancelled += 1;
                self.cancel_found(a, &reason).await?
            } else {
                a
            };
            // A confirmation still pending on a cancelled appointment will never go (stale);
            // a cancellation still pending must reach the patron's real address first.
            if a.mail_pending(MailKind::Cancellation) && a.delivery.failure.is_none() {
                report.waiting_for_mail += 1;
                continue;
            }
            self.anonymise(a).await?;
            report.anonymised += 1;
        }
        Ok(report)
    }

    async fn anonymise(&self, a: Appointment) -> Result<(), StaffError> {
        let name = PatronName::parse(ERASED_NAME).map_err(|_| invalid("name", "unparsable"))?;
        let email = PatronEmail::parse(ERASED_EMAIL).map_err(|_| invalid("email", "unparsable"))?;
        let anonymised = |mut next: Appointment| {
            next.patron.customer.name = name.clone();
            next.patron.customer.email = email.clone();
            next.patron.customer.phone = None;
            next.patron.notes = FreeText::default();
            next.patron_key = None;
            // Started or cancelled: its place among the patron's is free already.
            next.patron_place = None;
            next.pending_mail.clear();
            next.meeting.due = None;
            next.reminders.clear();
            next.delivery = Default::default();
            if let Status::Cancelled { reason, .. } = &mut next.status {
                *reason = FreeText::default();
            }
            next
        };
        update_fresh(&*self.store, a, self.ctx.now(), anonymised).await?;
        Ok(())
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
            "--url",
            format!("{raw:?} is not an http(s) link, e.g. https://meet.jit.si/room"),
        )),
    }
}
