//! Mailing a patron the links of their upcoming appointments again (a lost confirmation).
//!
//! The answer never tells whether the address has bookings: a well-formed request is accepted
//! the same way whatever follows. The mail goes only to the address typed, only when it has
//! upcoming booked appointments, at most once per [`RESEND_INTERVAL_MINUTES`] per address (so
//! the endpoint cannot be turned into a flood of anyone's inbox) and within the address's
//! daily allowance of unasked mail ([`rantevou_domain::mail_cap`]), and carries only each
//! appointment's service, time and manage link. An address that bounced, or whose owner
//! complained of our mail, is refused with a message that says so.

use crate::bot_check;
use crate::context::Context;
use crate::messages::links_again;
use chrono::Duration;
use rantevou_domain::mail_cap::{MailCap, Unasked};
use rantevou_domain::patron::FieldErrors;
use rantevou_domain::ports::{Mailer, Metric, Resends, StoreError};
use rantevou_domain::ManageKeys;
use std::sync::Arc;

/// How long after a resend the same address is not mailed again.
pub const RESEND_INTERVAL_MINUTES: i64 = 10;

/// Mails patrons their links again.
#[derive(Clone)]
pub struct Resending {
    ctx: Context,
    store: Arc<dyn Resends>,
    mailer: Arc<dyn Mailer>,
    keys: Arc<ManageKeys>,
}

/// A resend as asked, unparsed.
#[derive(Debug, Clone, Default)]
pub struct ResendRequest {
    /// The patron's email address.
    pub email: Option<String>,
    /// `el` or `en`; default: the library's first language.
    pub language: Option<String>,
    /// The bot check's solution, when the library asks for one.
    pub challenge: Option<String>,
}

/// What a resend did, for the logs and the tests (the API answers the same for each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resent {
    /// The links went out.
    Mailed(usize),
    /// Nothing upcoming under that address: nothing sent.
    NothingUpcoming,
    /// The address was mailed a moment ago: nothing sent now.
    TooSoon,
    /// The address had its day's allowance of unasked mail: nothing sent.
    Capped,
    /// The mail service failed (logged); nothing recorded.
    NotSent,
}

/// Why a resend was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResendError {
    /// Fields at fault, all of them.
    #[error("{0}")]
    Invalid(FieldErrors),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Resending {
    /// Resending from `store`'s patron index, through `mailer`, links under `keys`.
    pub fn new(
        ctx: Context,
        store: Arc<dyn Resends>,
        mailer: Arc<dyn Mailer>,
        keys: Arc<ManageKeys>,
    ) -> Self {
        Resending {
            ctx,
            store,
            mailer,
            keys,
        }
    }

    /// The shared context.
    pub fn context(&self) -> &Context {
        &self.ctx
    }

    /// Mails the links of `request.email`'s upcoming appointments, if any and if not mailed a
    /// moment ago.
    #[tracing::instrument(skip_all)]
    pub async fn resend(&self, request: ResendRequest) -> Result<Resent, ResendError> {
        let mut errors = FieldErrors::default();
        let email = bot_check::email_field(request.email.as_deref(), &mut errors);
        let language =
            bot_check::language_field(&self.ctx, request.language.as_deref(), &mut errors);
        let solved = bot_check::verify(
            &self.ctx,
            &self.keys,
            &*self.store,
            request.challenge.as_deref(),
            &mut errors,
        )
        .await;
        let (Some(email), Some(language), true) = (email, language, errors.is_empty()) else {
            return Err(ResendError::Invalid(errors));
        };
        bot_check::use_solved(&*self.store, solved.as_ref())
            .await?
            .map_err(ResendError::Invalid)?;
        let now = self.ctx.now();
        let patron = bot_check::patron_key(&self.keys, &email);
        if let Some(code) = bot_check::refused_address(&*self.store, &patron).await? {
            let mut errors = FieldErrors::default();
            errors.push("email", code);
            return Err(ResendError::Invalid(errors));
        }
        let upcoming: Vec<_> = self
            .store
            .upcoming_of(&patron, now)
            .await?
            .into_iter()
            .filter(|a| a.is_booked() && a.patron.customer.email.normalized() == email.normalized())
            .filter_map(|a| {
                let token = self.keys.token_of(&a.id, &a.token_hash)?;
                let url = self.ctx.links.manage_url(&a.id, &token);
                Some((a, url))
            })
            .collect();
        // To the address as it was booked with (the same mailbox as typed, normalised).
        let Some(to) = upcoming
            .first()
            .map(|(a, _)| a.patron.customer.email.clone())
        else {
            tracing::info!("resend: nothing upcoming");
            return Ok(Resent::NothingUpcoming);
        };
        let until = now + Duration::minutes(RESEND_INTERVAL_MINUTES);
        if !self.store.resend_allowed(&patron, until, now).await? {
            tracing::info!("resend: too soon after the last one");
            return Ok(Resent::TooSoon);
        }
        let config = &self.ctx.config;
        let cap = MailCap::of(
            config.policy.mail_per_address_per_day,
            config.library.timezone,
            &patron,
            Unasked::Resend,
            now,
        );
        if let Some(cap) = &cap {
            match self.store.take_mail_places(cap).await {
                Ok(()) => {}
                Err(StoreError::MailCapped) => {
                    tracing::info!("resend: the address had its mail for today");
                    self.ctx.count(Metric::MailCapped);
                    return Ok(Resent::Capped);
                }
                Err(e) => return Err(e.into()),
            }
        }
        let mail = match links_again(&upcoming, &to, &self.ctx.config, language, now) {
            Ok(mail) => mail,
            Err(e) => {
                tracing::error!(error = %e, "resend mail not rendered");
                return Ok(Resent::NotSent);
            }
        };
        match self.mailer.send(&mail).await {
            Ok(()) => {
                tracing::info!(appointments = upcoming.len(), "links mailed again");
                Ok(Resent::Mailed(upcoming.len()))
            }
            Err(e) => {
                tracing::warn!(error = %e, "resend mail not sent");
                Ok(Resent::NotSent)
            }
        }
    }
}
