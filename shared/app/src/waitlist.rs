//! The waiting list: join a day (the address, the language, the privacy consent and the bot
//! check, as a booking asks them), confirm the join from the mail that asks (nothing more is
//! sent to an address whose owner did not), leave it with the same mail's link, and
//! be told once when a time frees on that day. The telling is the scheduler's (every minute,
//! with the mail): it compares each waited day's free times with those free when the patron
//! joined, so a time freed by anything (a cancel, a move away, a hold that lapsed, a closure
//! removed) is noticed, and the first to book it gets it.

use crate::bot_check;
use crate::context::Context;
use crate::free_slots::{FreeSlots, FreeSlotsError};
use crate::messages::{waitlist_mail, WaitLinks};
use chrono::{DateTime, Days, NaiveDate, Utc};
use rand::rngs::OsRng;
use rantevou_domain::availability::scheduled_starts;
use rantevou_domain::mail_cap::{MailCap, Unasked};
use rantevou_domain::patron::{FieldCode, FieldErrors};
use rantevou_domain::ports::Metric;
use rantevou_domain::ports::{JoinLimits, Mailer, Resends, StoreError, Waitlist};
use rantevou_domain::waitlist::{end_of_day, WaitEntry, WAITLIST_PER_ADDRESS};
use rantevou_domain::{AppointmentId, ManageKeys};
use std::collections::HashMap;
use std::sync::Arc;

/// Entries read per scheduler run.
const PAGE: usize = 500;

/// Joins, leaves and tells the waiting list.
#[derive(Clone)]
pub struct Waitlisting {
    ctx: Context,
    store: Arc<dyn Waitlist>,
    challenges: Arc<dyn Resends>,
    free: FreeSlots,
    mailer: Arc<dyn Mailer>,
    keys: Arc<ManageKeys>,
}

/// A request to wait for a day, as sent.
#[derive(Debug, Clone, Default)]
pub struct WaitRequest {
    /// The service's id.
    pub service: Option<String>,
    /// The day, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Where to write.
    pub email: Option<String>,
    /// `el` or `en`.
    pub language: Option<String>,
    /// The privacy notice accepted.
    pub accept_privacy: Option<bool>,
    /// The bot check's solution, when the library asks for one.
    pub challenge: Option<String>,
}

/// What a join did (the API answers the same for both).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joined {
    /// Waiting now; the mail with the leave link went (or failed, logged).
    Now,
    /// The address already waited for that day: nothing new.
    Before,
}

/// Why the waiting list refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WaitlistError {
    /// Fields at fault, all of them.
    #[error("{0}")]
    Invalid(FieldErrors),
    /// No such service.
    #[error("unknown service")]
    UnknownService,
    /// The address waits for as many days as allowed already.
    #[error("the address waits for {max} days already")]
    TooMany {
        /// The cap.
        max: u32,
    },
    /// As many addresses as allowed wait for that day already.
    #[error("{max} addresses wait for that day already")]
    DayFull {
        /// The cap (`policy.waitlist_per_day`).
        max: u32,
    },
    /// Unknown entry, its day over, or a wrong token.
    #[error("not found")]
    NotFound,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<FreeSlotsError> for WaitlistError {
    fn from(e: FreeSlotsError) -> Self {
        match e {
            FreeSlotsError::Store(e) => WaitlistError::Store(e),
            _ => WaitlistError::UnknownService,
        }
    }
}

impl Waitlisting {
    /// The waiting list in `store`, the bot check's challenges used in `challenges`, free
    /// times from `free`, mail through `mailer`, leave links under `keys`.
    pub fn new(
        ctx: Context,
        store: Arc<dyn Waitlist>,
        challenges: Arc<dyn Resends>,
        free: FreeSlots,
        mailer: Arc<dyn Mailer>,
        keys: Arc<ManageKeys>,
    ) -> Self {
        Waitlisting {
            ctx,
            store,
            challenges,
            free,
            mailer,
            keys,
        }
    }

    /// The shared context.
    pub fn context(&self) -> &Context {
        &self.ctx
    }

    /// The day of `raw`, if the service is given on it, between today and the horizon.
    fn day(&self, service: &str, raw: Option<&str>, errors: &mut FieldErrors) -> Option<NaiveDate> {
        let config = &self.ctx.config;
        let Some(raw) = raw.filter(|r| !r.is_empty()) else {
            errors.push("date", FieldCode::Required);
            return None;
        };
        let Ok(date) = raw.parse::<NaiveDate>() else {
            errors.push("date", FieldCode::Invalid);
            return None;
        };
        let today = self
            .ctx
            .now()
            .with_timezone(&config.library.timezone)
            .date_naive();
        let last = today + Days::new(u64::from(config.policy.horizon_days));
        let code = if date < today {
            Some(FieldCode::TooSoon)
        } else if date > last {
            Some(FieldCode::BeyondHorizon)
        } else {
            let offered = config.service(service).is_some_and(|s| {
                s.providers
                    .iter()
                    .filter_map(|p| config.provider(p.as_str()))
                    .any(|p| !scheduled_starts(config, s, p, date).is_empty())
            });
            (!offered).then_some(FieldCode::NotOffered)
        };
        match code {
            Some(code) => {
                errors.push("date", code);
                None
            }
            None => Some(date),
        }
    }

    /// Puts the address on the list for the day; the mail that says so carries the link that
    /// leaves it. Joining a day twice changes nothing and mails nothing.
    #[tracing::instrument(skip_all)]
    pub async fn join(&self, request: WaitRequest) -> Result<Joined, WaitlistError> {
        let config = &self.ctx.config;
        let mut errors = FieldErrors::default();
        let service = match request.service.as_deref().filter(|s| !s.is_empty()) {
            Some(id) => config
                .service(id)
                .ok_or(WaitlistError::UnknownService)?
                .id
                .clone(),
            None => {
                errors.push("service", FieldCode::Required);
                return Err(WaitlistError::Invalid(errors));
            }
        };
        let date = self.day(service.as_str(), request.date.as_deref(), &mut errors);
        let email = bot_check::email_field(request.email.as_deref(), &mut errors);
        let language =
            bot_check::language_field(&self.ctx, request.language.as_deref(), &mut errors);
        if request.accept_privacy != Some(true) {
            errors.push("accept_privacy", FieldCode::MustAccept);
        }
        let solved = bot_check::verify(
            &self.ctx,
            &self.keys,
            &*self.challenges,
            request.challenge.as_deref(),
            &mut errors,
        )
        .await;
        let (Some(date), Some(email), Some(language), true) =
            (date, email, language, errors.is_empty())
        else {
            return Err(WaitlistError::Invalid(errors));
        };
        bot_check::use_solved(&*self.challenges, solved.as_ref())
            .await?
            .map_err(WaitlistError::Invalid)?;
        let now = self.ctx.now();
        let patron_key = bot_check::patron_key(&self.keys, &email);
        if let Some(code) = bot_check::refused_address(&*self.challenges, &patron_key).await? {
            let mut errors = FieldErrors::default();
            errors.push("email", code);
            return Err(WaitlistError::Invalid(errors));
        }
        let id = AppointmentId::generate(now, &mut OsRng);
        let token = self.keys.token(&id);
        let entry = WaitEntry {
            id,
            service: service.clone(),
            date,
            patron_key,
            email,
            language,
            token_hash: token.hash(),
            created_at: now,
            expires_at: end_of_day(date, config.library.timezone),
            privacy_url: config.library.privacy_url.get(language).to_owned(),
            known_free: self.free.free_starts_on(service.as_str(), date).await?,
            confirmed_at: None,
            notified_at: None,
        };
        let cap = MailCap::of(
            config.policy.mail_per_address_per_day,
            config.library.timezone,
            &entry.patron_key,
            Unasked::WaitlistJoin,
            now,
        );
        let limits = JoinLimits {
            per_address: WAITLIST_PER_ADDRESS,
            per_day: config.policy.waitlist_per_day,
            mail_cap: cap.as_ref(),
        };
        match self.store.join_waitlist(&entry, &limits).await {
            Ok(true) => {}
            Ok(false) => return Ok(Joined::Before),
            Err(StoreError::PatronLimit) => {
                return Err(WaitlistError::TooMany {
                    max: WAITLIST_PER_ADDRESS,
                })
            }
            Err(StoreError::SlotTaken) => {
                return Err(WaitlistError::DayFull {
                    max: config.policy.waitlist_per_day,
                })
            }
            Err(StoreError::MailCapped) => {
                self.ctx.count(Metric::MailCapped);
                let mut errors = FieldErrors::default();
                errors.push("email", FieldCode::TooManyMails);
                return Err(WaitlistError::Invalid(errors));
            }
            Err(e) => return Err(e.into()),
        }
        tracing::info!(service = %entry.service, date = %entry.date, "asked to confirm a wait");
        let lang = language.code();
        let confirm = self
            .ctx
            .links
            .confirm_wait_url(&entry.id, &token, entry.date, lang);
        let leave = self
            .ctx
            .links
            .leave_url(&entry.id, &token, entry.date, lang);
        let links = WaitLinks {
            book: None,
            confirm: Some(&confirm),
            leave: Some(&leave),
        };
        self.send(&entry, links, now).await;
        Ok(Joined::Now)
    }

    /// Confirms the join `id` from its mail, if `token` is its token: from then on a freed time
    /// is told. Confirming twice is the same as once.
    #[tracing::instrument(skip(self, token))]
    pub async fn confirm(&self, id: AppointmentId, token: &str) -> Result<(), WaitlistError> {
        let entry = self
            .store
            .wait_entry(id, self.ctx.now())
            .await?
            .filter(|e| !token.is_empty() && e.token_hash.verify(token))
            .ok_or(WaitlistError::NotFound)?;
        if entry.confirmed_at.is_none() {
            self.store
                .confirm_wait(entry.id, &entry.token_hash, self.ctx.now())
                .await?;
            tracing::info!(service = %entry.service, date = %entry.date, "waiting");
        }
        Ok(())
    }

    /// Takes the entry `id` off the list, if `token` is its leave token.
    #[tracing::instrument(skip(self, token))]
    pub async fn leave(&self, id: AppointmentId, token: &str) -> Result<(), WaitlistError> {
        let entry = self
            .store
            .wait_entry(id, self.ctx.now())
            .await?
            .filter(|e| !token.is_empty() && e.token_hash.verify(token))
            .ok_or(WaitlistError::NotFound)?;
        self.store.leave_waitlist(&entry).await?;
        tracing::info!("left the waiting list");
        Ok(())
    }

    /// Tells every waiting address whose day has a time free now that was not free when it
    /// joined, once each, the first to join first. Returns how many were told.
    #[tracing::instrument(skip(self))]
    pub async fn notify_freed(&self) -> Result<usize, StoreError> {
        let now = self.ctx.now();
        let waiting = self.store.waiting(now, PAGE).await?;
        let mut free: HashMap<(String, NaiveDate), Vec<DateTime<Utc>>> = HashMap::new();
        let mut told = 0;
        for entry in waiting {
            let day = (entry.service.to_string(), entry.date);
            if !free.contains_key(&day) {
                let starts = match self.free.free_starts_on(&day.0, day.1).await {
                    Ok(starts) => starts,
                    Err(FreeSlotsError::Store(e)) => return Err(e),
                    // The library no longer offers the service: nothing will free.
                    Err(_) => Vec::new(),
                };
                free.insert(day.clone(), starts);
            }
            let freed = free.get(&day).is_some_and(|f| entry.freed_among(f));
            if !freed || !self.store.mark_notified(&entry, Some(now)).await? {
                continue;
            }
            let book =
                self.ctx
                    .links
                    .day_url(entry.service.as_str(), entry.date, entry.language.code());
            let links = WaitLinks {
                book: Some(&book),
                ..WaitLinks::default()
            };
            if self.send(&entry, links, now).await {
                told += 1;
            } else {
                // Untold again: the next run tries.
                self.store.mark_notified(&entry, None).await?;
            }
        }
        if told > 0 {
            tracing::info!(told, "waiting list told");
            self.ctx.metrics.count(Metric::WaitlistNotices, told as u64);
        }
        Ok(told)
    }

    /// Sends a waiting-list mail; `false` when it could not be rendered or sent (logged).
    async fn send(&self, entry: &WaitEntry, links: WaitLinks<'_>, now: DateTime<Utc>) -> bool {
        let mail = match waitlist_mail(entry, &self.ctx.config, links, now) {
            Ok(mail) => mail,
            Err(e) => {
                tracing::error!(error = %e, "waiting-list mail not rendered");
                return false;
            }
        };
        match self.mailer.send(&mail).await {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(error = %e, "waiting-list mail not sent");
                false
            }
        }
    }
}
