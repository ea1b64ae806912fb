//! Moving an appointment to another time, from its manage page: the old time must still be
//! before the cancellation cutoff, the new one a time the rules offer its provider for its
//! service now (notice, horizon, grid, closures), and the appointment unchanged since the page
//! read it (its version). A move carries a fresh bot check (it mails the patron), an
//! appointment is moved at most `policy.max_moves` times, and its "moved" mail takes a place of
//! the address's daily allowance. Then one store write swaps the times (and marks the challenge
//! used and counts the mail), and the "moved" mail goes out.
//! The patron's place moves with it, so the per-patron limit holds as before.

use crate::book::parse_start;
use crate::bot_check;
use crate::context::Context;
use crate::fetch::{find, FetchError};
use crate::mail::MailDelivery;
use rantevou_domain::appointment::{Appointment, MailKind, NotMovable};
use rantevou_domain::availability::check_slot;
use rantevou_domain::mail_cap::{MailCap, Unasked};
use rantevou_domain::patron::{FieldCode, FieldErrors};
use rantevou_domain::ports::Metric;
use rantevou_domain::ports::{Appointments, MoveConditions, Reschedules, StoreError};
use rantevou_domain::{AppointmentId, ManageKeys};
use std::sync::Arc;

/// Moves appointments and sends the "moved" mail.
#[derive(Clone)]
pub struct Rescheduling {
    ctx: Context,
    appointments: Arc<dyn Appointments>,
    store: Arc<dyn Reschedules>,
    mail: MailDelivery,
    keys: Arc<ManageKeys>,
}

/// What a patron asks: move appointment `id` (theirs by `token`), as read at `version`, to
/// `start`.
#[derive(Debug, Clone)]
pub struct MoveRequest {
    /// The appointment.
    pub id: AppointmentId,
    /// Its manage token.
    pub token: String,
    /// The new start, RFC 3339 (`None`: missing).
    pub start: Option<String>,
    /// The version the page read (`None`: missing).
    pub version: Option<u32>,
    /// The bot check's solution, when the library asks for one (a move mails the patron).
    pub challenge: Option<String>,
}

/// Why an appointment was not moved. Nothing changed in each case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RescheduleError {
    /// Unknown id, expired, or a wrong token.
    #[error("not found")]
    NotFound,
    /// The new start or the version is missing or not acceptable.
    #[error("{0}")]
    Invalid(FieldErrors),
    /// Someone holds part of the new time; the old one is kept.
    #[error("the slot is taken")]
    SlotTaken,
    /// The appointment changed since the page read it (or is no longer booked).
    #[error("the appointment changed")]
    Changed,
    /// Its time is past the cancellation cutoff.
    #[error("too late to move")]
    TooLate {
        /// The policy's cutoff in minutes.
        cutoff_minutes: u32,
    },
    /// It was moved as often as the library allows (`policy.max_moves`).
    #[error("moved {max} times already")]
    TooManyMoves {
        /// The limit.
        max: u32,
    },
    /// The patron's address had its day's allowance of unasked mail: the move would mail it
    /// once more.
    #[error("the address had its mail for today")]
    MailCapped,
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<FetchError> for RescheduleError {
    fn from(e: FetchError) -> Self {
        match e {
            FetchError::NotFound => RescheduleError::NotFound,
            FetchError::Store(e) => RescheduleError::Store(e),
        }
    }
}

impl Rescheduling {
    /// Moving what `appointments` holds through `store`; mail through `mail`, with the manage
    /// link `keys` derive.
    pub fn new(
        ctx: Context,
        appointments: Arc<dyn Appointments>,
        store: Arc<dyn Reschedules>,
        mail: MailDelivery,
        keys: Arc<ManageKeys>,
    ) -> Self {
        Rescheduling {
            ctx,
            appointments,
            store,
            mail,
            keys,
        }
    }

    /// The shared context.
    pub fn context(&self) -> &Context {
        &self.ctx
    }

    /// Moves the appointment as `request` asks. A repeat of a move that went through (the same
    /// start, the version it raised) answers with the appointment as it is and sends nothing.
    #[tracing::instrument(skip_all, fields(appointment = %request.id))]
    pub async fn reschedule(&self, request: MoveRequest) -> Result<Appointment, RescheduleError> {
        let a = find(&*self.appointments, request.id, &request.token, &self.ctx).await?;
        let mut errors = FieldErrors::default();
        let start = parse_start(request.start.as_deref(), &mut errors);
        if request.version.is_none() {
            errors.push("version", FieldCode::Required);
        }
        let (Some(start), Some(version)) = (start, request.version) else {
            return Err(RescheduleError::Invalid(errors));
        };
        if a.is_booked() && a.start == start && (a.version == version || a.moves > 0) {
            // Already there: nothing to do (a double submit, or a move to its own time).
            return Ok(a);
        }
        if a.version != version {
            return Err(RescheduleError::Changed);
        }
        let now = self.ctx.now();
        let policy = &self.ctx.config.policy;
        a.may_move(policy, now).map_err(|e| match e {
            NotMovable::NotBooked => RescheduleError::Changed,
            NotMovable::TooLate { cutoff_minutes } => RescheduleError::TooLate { cutoff_minutes },
        })?;
        if a.moves >= policy.max_moves {
            return Err(RescheduleError::TooManyMoves {
                max: policy.max_moves,
            });
        }
        let solved = bot_check::verify(
            &self.ctx,
            &self.keys,
            &*self.store,
            request.challenge.as_deref(),
            &mut errors,
        )
        .await;
        if !errors.is_empty() {
            return Err(RescheduleError::Invalid(errors));
        }
        let closures = self
            .store
            .staff_closures()
            .await
            .map_err(RescheduleError::Store)?;
        let config = &*self.ctx.config.with_staff_closures(&closures);
        let offered = match (
            config.service(a.service.as_str()),
            config.provider(a.provider.as_str()),
        ) {
            (Some(service), Some(provider)) => {
                check_slot(config, service, provider, start, now).map_err(|e| e.code())
            }
            // The library no longer offers it: no time is on offer.
            _ => Err(FieldCode::NotOffered),
        };
        let slot = offered.map_err(|code| {
            let mut errors = FieldErrors::default();
            errors.push("start", code);
            RescheduleError::Invalid(errors)
        })?;
        let moved = a.clone().moved(slot, &config.policy, now);
        // The "moved" mail counts against the address's allowance (none is sent while the
        // confirmation is still on its way: it will tell the new time).
        let cap = a
            .patron_key
            .as_deref()
            .filter(|_| moved.mail_pending(MailKind::Moved));
        let cap = cap.and_then(|key| {
            MailCap::of(
                config.policy.mail_per_address_per_day,
                config.library.timezone,
                key,
                Unasked::Move,
                now,
            )
        });
        let conditions = MoveConditions {
            challenge: solved.as_ref(),
            mail_cap: cap.as_ref(),
            calendar: config
                .provider(a.provider.as_str())
                .is_some_and(|p| p.calendar.is_some()),
        };
        let stored = match self.store.reschedule(&a, &moved, now, &conditions).await {
            Ok(stored) => stored,
            Err(StoreError::SlotTaken) => return Err(RescheduleError::SlotTaken),
            Err(StoreError::Changed) => return Err(RescheduleError::Changed),
            Err(StoreError::ChallengeUsed) => {
                let mut errors = FieldErrors::default();
                errors.push("challenge", FieldCode::Used);
                return Err(RescheduleError::Invalid(errors));
            }
            Err(StoreError::MailCapped) => {
                tracing::info!("move refused: the address had its mail for today");
                self.ctx.count(Metric::MailCapped);
                return Err(RescheduleError::MailCapped);
            }
            Err(e) => return Err(RescheduleError::Store(e)),
        };
        tracing::info!(provider = %stored.provider, "moved");
        self.ctx.count(Metric::Moves);
        let link = self
            .keys
            .token_of(&stored.id, &stored.token_hash)
            .map(|t| self.ctx.links.manage_url(&stored.id, &t));
        // A failed send leaves the mail pending; the move stands. (A confirmation still
        // pending goes with the retry path, and tells the new time.)
        if !stored.mail_pending(MailKind::Moved) {
            return Ok(stored);
        }
        Ok(self
            .mail
            .deliver_recorded(&stored, MailKind::Moved, link.as_deref())
            .await)
    }
}
