//! Confirming a held booking (`policy.hold_minutes`): the page behind the mail's link (which
//! changes nothing: mail scanners open links), and the confirmation itself, idempotent, with
//! the normal confirmation mail after the write.

use crate::context::Context;
use crate::fetch::{find, FetchError};
use crate::mail::MailDelivery;
use rantevou_domain::appointment::{Appointment, ConfirmDecision, MailKind, NotConfirmable};
use rantevou_domain::ports::{Appointments, Confirmations, StoreError};
use rantevou_domain::{AppointmentId, ManageKeys};
use std::sync::Arc;

/// Confirms held appointments and sends their confirmations.
#[derive(Clone)]
pub struct Confirming {
    ctx: Context,
    appointments: Arc<dyn Appointments>,
    confirmations: Arc<dyn Confirmations>,
    mail: MailDelivery,
    keys: Arc<ManageKeys>,
}

/// Where a held appointment stands for its confirm page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmState {
    /// Held and still confirmable: show the button.
    Confirmable,
    /// Confirmed before.
    AlreadyConfirmed,
    /// The hold ran out before it was confirmed.
    Lapsed,
    /// Cancelled.
    Cancelled,
}

/// A confirmation done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmed {
    /// Booked now: the confirmation went out (or is pending).
    Now(Appointment),
    /// It was confirmed before; nothing happened again.
    Before(Appointment),
}

impl Confirmed {
    /// The booked appointment.
    pub fn appointment(&self) -> &Appointment {
        match self {
            Confirmed::Now(a) | Confirmed::Before(a) => a,
        }
    }
}

/// Why a hold was not confirmed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfirmError {
    /// Unknown id, expired, or a wrong token.
    #[error("not found")]
    NotFound,
    /// The hold ran out (or was cancelled) before it was confirmed.
    #[error("the hold is no longer confirmable: {reason}")]
    NotConfirmable {
        /// The appointment, as it stands.
        appointment: Box<Appointment>,
        /// Lapsed or cancelled.
        reason: NotConfirmable,
    },
    /// The store failed; nothing changed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<FetchError> for ConfirmError {
    fn from(e: FetchError) -> Self {
        match e {
            FetchError::NotFound => ConfirmError::NotFound,
            FetchError::Store(e) => ConfirmError::Store(e),
        }
    }
}

impl Confirming {
    /// Confirming in `confirmations` what `appointments` holds; the confirmation through `mail`
    /// with the manage link `keys` derive.
    pub fn new(
        ctx: Context,
        appointments: Arc<dyn Appointments>,
        confirmations: Arc<dyn Confirmations>,
        mail: MailDelivery,
        keys: Arc<ManageKeys>,
    ) -> Self {
        Confirming {
            ctx,
            appointments,
            confirmations,
            mail,
            keys,
        }
    }

    /// The shared context.
    pub fn context(&self) -> &Context {
        &self.ctx
    }

    /// The appointment behind a confirm link and what its page should offer. Changes nothing.
    #[tracing::instrument(skip(self, token), fields(appointment = %id))]
    pub async fn look(
        &self,
        id: AppointmentId,
        token: &str,
    ) -> Result<(Appointment, ConfirmState), ConfirmError> {
        let a = find(&*self.appointments, id, token, &self.ctx).await?;
        let state = match a.may_confirm(self.ctx.now()) {
            Ok(ConfirmDecision::Confirm) => ConfirmState::Confirmable,
            Ok(ConfirmDecision::AlreadyConfirmed) => ConfirmState::AlreadyConfirmed,
            Err(NotConfirmable::Lapsed) => ConfirmState::Lapsed,
            Err(NotConfirmable::Cancelled) => ConfirmState::Cancelled,
        };
        Ok((a, state))
    }

    /// Books held appointment `id` if `token` is its token and the hold has not run out, then
    /// sends the confirmation with the manage link. Confirming twice answers like the first
    /// time and sends nothing again.
    #[tracing::instrument(skip(self, token), fields(appointment = %id))]
    pub async fn confirm(&self, id: AppointmentId, token: &str) -> Result<Confirmed, ConfirmError> {
        let held = find(&*self.appointments, id, token, &self.ctx).await?;
        let now = self.ctx.now();
        let refused = |appointment: Appointment, reason| ConfirmError::NotConfirmable {
            appointment: Box::new(appointment),
            reason,
        };
        match held.may_confirm(now) {
            Err(reason) => Err(refused(held, reason)),
            Ok(ConfirmDecision::AlreadyConfirmed) => Ok(Confirmed::Before(held)),
            Ok(ConfirmDecision::Confirm) => match self.confirmations.confirm(&held, now).await {
                Ok(booked) => {
                    tracing::info!("confirmed");
                    let manage_url = self
                        .keys
                        .token_of(&booked.id, &booked.token_hash)
                        .map(|t| self.ctx.links.manage_url(&booked.id, &t));
                    // A failed send leaves the confirmation pending; the booking stands. A
                    // retired key leaves it to the retry, which derives a fresh link.
                    if let Some(url) = &manage_url {
                        self.mail
                            .deliver(&booked, MailKind::Confirmation, Some(url))
                            .await;
                    }
                    Ok(Confirmed::Now(booked))
                }
                // Someone else took its time after the hold ran out.
                Err(StoreError::SlotTaken) => Err(refused(held, NotConfirmable::Lapsed)),
                // Changed meanwhile (confirmed or cancelled by a concurrent request, or lapsed).
                Err(StoreError::NotBooked) => {
                    let current = self
                        .appointments
                        .get(id, now)
                        .await?
                        .ok_or(ConfirmError::NotFound)?;
                    match current.may_confirm(now) {
                        Ok(ConfirmDecision::AlreadyConfirmed) => Ok(Confirmed::Before(current)),
                        Err(reason) => Err(refused(current, reason)),
                        // Still held as read: the store saw it differently; safe to retry.
                        Ok(ConfirmDecision::Confirm) => Err(StoreError::Conflict.into()),
                    }
                }
                Err(e) => Err(e.into()),
            },
        }
    }
}
