//! Cancelling: the cancel page's question (may this appointment be cancelled now?) and the
//! cancellation itself, idempotent, with the cancellation mail after the write.

use crate::context::Context;
use crate::fetch::{find, FetchError};
use crate::mail::MailDelivery;
use rantevou_domain::appointment::{Appointment, CancelDecision, MailKind, Status};
use rantevou_domain::patron::FreeText;
use rantevou_domain::ports::Metric;
use rantevou_domain::ports::{Appointments, Cancellations, StoreError};
use rantevou_domain::AppointmentId;
use std::sync::Arc;

/// Cancels appointments and sends the cancellation mail.
#[derive(Clone)]
pub struct Cancelling {
    ctx: Context,
    appointments: Arc<dyn Appointments>,
    cancellations: Arc<dyn Cancellations>,
    mail: MailDelivery,
}

/// Where an appointment stands for its cancel page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelState {
    /// Booked and still cancellable: show the form.
    Cancellable,
    /// Already cancelled.
    AlreadyCancelled,
    /// Past the cutoff, not started yet.
    TooLate,
    /// Started, not over: the call is on (its link, when known, is on the page).
    InProgress,
    /// Over.
    Finished,
    /// A hold that ran out before it was confirmed: nothing to cancel.
    Lapsed,
}

/// A cancellation done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cancelled {
    /// Cancelled now: the slot is free and the cancellation mail went out (or is pending).
    Now(Appointment),
    /// It was cancelled before; nothing happened again.
    Before(Appointment),
}

impl Cancelled {
    /// The cancelled appointment.
    pub fn appointment(&self) -> &Appointment {
        match self {
            Cancelled::Now(a) | Cancelled::Before(a) => a,
        }
    }
}

/// Why an appointment was not cancelled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CancelError {
    /// Unknown id, expired, or a wrong token.
    #[error("not found")]
    NotFound,
    /// Past the cancellation cutoff.
    #[error("too late to cancel")]
    TooLate {
        /// The appointment, as it stands.
        appointment: Box<Appointment>,
        /// The policy's cutoff in minutes.
        cutoff_minutes: u32,
    },
    /// The appointment changed (moved, its link set) since the page that asks to cancel it
    /// was read: the patron sees it as it is now before cancelling it.
    #[error("the appointment changed since it was read")]
    Changed {
        /// The appointment, as it stands.
        appointment: Box<Appointment>,
    },
    /// A hold that ran out before it was confirmed: nothing holds its time any more.
    #[error("the hold has lapsed")]
    Lapsed {
        /// The appointment, as it stands.
        appointment: Box<Appointment>,
    },
    /// The store failed; nothing changed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<FetchError> for CancelError {
    fn from(e: FetchError) -> Self {
        match e {
            FetchError::NotFound => CancelError::NotFound,
            FetchError::Store(e) => CancelError::Store(e),
        }
    }
}

impl Cancelling {
    /// Cancelling in `cancellations` what `appointments` holds, mail through `mail`.
    pub fn new(
        ctx: Context,
        appointments: Arc<dyn Appointments>,
        cancellations: Arc<dyn Cancellations>,
        mail: MailDelivery,
    ) -> Self {
        Cancelling {
            ctx,
            appointments,
            cancellations,
            mail,
        }
    }

    /// The shared context.
    pub fn context(&self) -> &Context {
        &self.ctx
    }

    /// The appointment behind a cancel link and what its page should offer. Changes nothing.
    #[tracing::instrument(skip(self, token), fields(appointment = %id))]
    pub async fn look(
        &self,
        id: AppointmentId,
        token: &str,
    ) -> Result<(Appointment, CancelState), CancelError> {
        let a = find(&*self.appointments, id, token, &self.ctx).await?;
        let state = match a.may_cancel(&self.ctx.config.policy, self.ctx.now()) {
            Ok(CancelDecision::Cancel) => CancelState::Cancellable,
            Ok(CancelDecision::AlreadyCancelled) => CancelState::AlreadyCancelled,
            Ok(CancelDecision::Lapsed) => CancelState::Lapsed,
            Err(_) if self.ctx.now() >= a.end => CancelState::Finished,
            Err(_) if self.ctx.now() >= a.start => CancelState::InProgress,
            Err(_) => CancelState::TooLate,
        };
        Ok((a, state))
    }

    /// Cancels appointment `id` for `reason` if `token` is its token and the cutoff allows,
    /// and, given the `version` the patron's page read, only if it is still that version (a
    /// stale page is told the appointment changed, and shown it). Cancelling twice answers like
    /// the first time and sends nothing again.
    #[tracing::instrument(skip(self, token, reason), fields(appointment = %id))]
    pub async fn cancel(
        &self,
        id: AppointmentId,
        token: &str,
        reason: FreeText,
        version: Option<u32>,
    ) -> Result<Cancelled, CancelError> {
        let appointment = find(&*self.appointments, id, token, &self.ctx).await?;
        let now = self.ctx.now();
        if version.is_some_and(|v| v != appointment.version) && appointment.is_booked() {
            return Err(CancelError::Changed {
                appointment: Box::new(appointment),
            });
        }
        match appointment.may_cancel(&self.ctx.config.policy, now) {
            Err(too_late) => Err(CancelError::TooLate {
                appointment: Box::new(appointment),
                cutoff_minutes: too_late.cutoff_minutes,
            }),
            Ok(CancelDecision::AlreadyCancelled) => Ok(Cancelled::Before(appointment)),
            Ok(CancelDecision::Lapsed) => Err(CancelError::Lapsed {
                appointment: Box::new(appointment),
            }),
            Ok(CancelDecision::Cancel) => {
                match self.cancellations.cancel(&appointment, now, &reason).await {
                    Ok(cancelled) => {
                        tracing::info!("cancelled");
                        self.ctx.count(Metric::Cancellations);
                        // A failed send leaves the cancellation pending; it stands. (A hold
                        // never confirmed gets no mail.)
                        if cancelled.mail_pending(MailKind::Cancellation) {
                            self.mail
                                .deliver(&cancelled, MailKind::Cancellation, None)
                                .await;
                        }
                        Ok(Cancelled::Now(cancelled))
                    }
                    // Cancelled by a concurrent request meanwhile: answer as that one did.
                    Err(StoreError::NotBooked) => {
                        match self.appointments.get(appointment.id, now).await? {
                            Some(current) if matches!(current.status, Status::Cancelled { .. }) => {
                                Ok(Cancelled::Before(current))
                            }
                            _ => Err(CancelError::NotFound),
                        }
                    }
                    Err(e) => Err(e.into()),
                }
            }
        }
    }
}
