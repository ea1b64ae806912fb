//! Delivering every message of an appointment, at once or on time, and the one scheduler that
//! sends what is due.
//!
//! The store records pending mail in the same write as the booking or the cancellation, so a
//! failed (or interrupted) send is never lost; timed mail (the video-call link, reminders) is
//! recorded with the booking as instants. One sparse index of "next mail due" holds every
//! appointment with something to send now or later. A send marks the message sent once the
//! patron's message went (a conditioned update on the appointment's version, merged again when
//! another write came between); the provider's copy is best effort (logged when it fails) so
//! that a retry never mails the patron twice. A failed send is tried again later, 1, 2, 4 …
//! minutes apart; one the mail service refuses for good, or one that keeps failing, is given
//! up: it leaves the queue (so it can never hold up the mail behind it), is marked failed with
//! the reason, logged as `mail given up` (a metric and an alarm count those in AWS), and the
//! provider's mailbox is told, so that a librarian can reach the patron another way.
//!
//! The scheduler first claims an appointment (its next due moved [`LEASE`] ahead, on condition
//! of the version it read), so two overlapping runs never both send; a crash between a send
//! and its record leaves the claim to lapse, and the next run sends that one message again.

use crate::context::Context;
use crate::fresh::record_fresh;
use crate::messages::{messages_with, undelivered};
use chrono::{DateTime, Duration, Utc};
use rantevou_domain::appointment::{Appointment, DeliveryOutcome, MailKind, StaffCopy};
use rantevou_domain::ports::Metric;
use rantevou_domain::ports::{MailError, MailLog, Mailer, OutgoingMail};
use std::sync::Arc;

/// How long a scheduler run's claim on an appointment lasts: a run that crashed between a send
/// and its record is taken over after this.
pub const LEASE: Duration = Duration::minutes(5);

/// Sends one appointment's mail and records how it went.
#[derive(Clone)]
pub struct MailDelivery {
    pub(crate) ctx: Context,
    pub(crate) mailer: Arc<dyn Mailer>,
    pub(crate) log: Arc<dyn MailLog>,
}

/// How one delivery went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// The patron's message went.
    Yes,
    /// It failed and is due again later.
    PutOff,
    /// It failed for good: out of the queue, marked failed, staff told.
    GaveUp,
}

impl MailDelivery {
    /// Delivery through `mailer`, recorded in `log`.
    pub fn new(ctx: Context, mailer: Arc<dyn Mailer>, log: Arc<dyn MailLog>) -> Self {
        MailDelivery { ctx, mailer, log }
    }

    /// Sends `kind` for `a` (with `link`: the manage link of a confirmation, the confirm link of
    /// a request to confirm) and records how it went. Never fails the caller: a failure is
    /// recorded for the retry path.
    pub async fn deliver(&self, a: &Appointment, kind: MailKind, link: Option<&str>) -> Sent {
        self.send(a, kind, link).await.0
    }

    /// [`MailDelivery::deliver`], returning the appointment as stored after the delivery was
    /// recorded (its version raised), so that an answer carries the version a next change
    /// must name; `a` when nothing could be recorded.
    pub async fn deliver_recorded(
        &self,
        a: &Appointment,
        kind: MailKind,
        link: Option<&str>,
    ) -> Appointment {
        self.send(a, kind, link).await.1
    }

    /// [`MailDelivery::deliver`], also returning the appointment as last stored (`a` when the
    /// record failed).
    #[tracing::instrument(skip_all, fields(appointment = %a.id, kind = ?kind))]
    async fn send(
        &self,
        a: &Appointment,
        kind: MailKind,
        link: Option<&str>,
    ) -> (Sent, Appointment) {
        let now = self.ctx.now();
        let console = self.ctx.links.console_url(&a.id);
        let mails = match messages_with(kind, a, &self.ctx.config, link, Some(&console), now) {
            Ok(m) => m,
            Err(e) => {
                tracing::error!(error = %e, "mail not rendered");
                return self.failed(a, kind, None).await;
            }
        };
        let mut mails = mails.into_iter();
        let Some(patron) = mails.next() else {
            return self.failed(a, kind, None).await;
        };
        // The copy of a booking goes when the booking is made, whether the patron's
        // confirmation does or waits for a retry; once (again only if it moved meanwhile,
        // when the patron's confirmation tells the new time).
        let booking = kind == MailKind::Confirmation
            && (a.staff_copy.told_at.is_none() || a.moved_from.is_some());
        if let Err(e) = self.mailer.send(&patron).await {
            tracing::warn!(error = %e, "mail not sent");
            self.ctx.count(Metric::MailFailed);
            // Told only if the copy went; else it is tried again with the patron's retry.
            let told = booking && self.send_copies(mails).await;
            let permanent = matches!(e, MailError::Rejected(_)).then(|| e.to_string());
            return self.failed_told(a, kind, permanent, told).await;
        }
        // Moves and a cancellation reach the provider's mailbox once an hour, folded (see
        // `StaffCopy`).
        let folds = matches!(kind, MailKind::Moved | MailKind::Cancellation);
        let copied = match kind {
            _ if folds => a.staff_copy_now(now),
            MailKind::Confirmation => booking,
            _ => true,
        };
        if copied {
            self.send_copies(mails).await;
        }
        self.ctx.count(Metric::MailSent);
        // The copy of a booking starts the hour too: a move or cancel right after it is folded.
        let staff = (folds || booking).then_some(copied);
        (Sent::Yes, self.record(a, kind, staff, now).await)
    }

    /// Sends the provider's copies, best effort (logged when one fails); whether all went.
    async fn send_copies(&self, copies: impl IntoIterator<Item = OutgoingMail>) -> bool {
        let mut all = true;
        for copy in copies {
            if let Err(e) = self.mailer.send(&copy).await {
                tracing::warn!(error = %e, "provider's copy not sent");
                all = false;
            }
        }
        all
    }

    /// Sends the provider's mailbox the copy folded since the last one (see
    /// [`Appointment::staff_copy_due`]): that the appointment was cancelled, or where it went
    /// from the time the mailbox last knew (none when it was moved back there).
    pub(crate) async fn send_owed_copy(&self, a: &Appointment) -> Appointment {
        let now = self.ctx.now();
        let Some(knew) = a.staff_copy.owed_from else {
            return a.clone();
        };
        let copy = if a.is_cancelled() {
            let mut told = a.clone();
            told.moved_from = None;
            Some((MailKind::Cancellation, told))
        } else if a.is_booked() && a.start != knew {
            let mut told = a.clone();
            told.moved_from = Some(knew);
            Some((MailKind::Moved, told))
        } else {
            None
        };
        if let Some((kind, told)) = copy {
            let console = self.ctx.links.console_url(&told.id);
            match messages_with(kind, &told, &self.ctx.config, None, Some(&console), now) {
                Ok(mails) => {
                    self.send_copies(mails.into_iter().skip(1)).await;
                }
                Err(e) => tracing::error!(error = %e, "provider's copy not rendered"),
            }
        }
        match record_fresh(&*self.log, a.clone(), now, |read| {
            read.after_staff_copy(true, now)
        })
        .await
        {
            Ok(Some(stored)) => stored,
            Ok(None) => a.clone(),
            Err(e) => {
                tracing::error!(error = %e, "provider's copy sent but not recorded");
                a.clone()
            }
        }
    }

    /// Records that `kind` went at `now`: on the appointment as read, or, when another write
    /// came between, on it as read again (a few times). Sent but not recorded: the next run
    /// may send it once more, which is better than losing it.
    pub(crate) async fn record_sent(
        &self,
        a: &Appointment,
        kind: MailKind,
        now: DateTime<Utc>,
    ) -> Appointment {
        self.record(a, kind, None, now).await
    }

    /// [`MailDelivery::record_sent`], with the provider's copy of a move sent (`Some(true)`)
    /// or folded (`Some(false)`).
    async fn record(
        &self,
        a: &Appointment,
        kind: MailKind,
        staff: Option<bool>,
        now: DateTime<Utc>,
    ) -> Appointment {
        match record_fresh(&*self.log, a.clone(), now, |read| {
            let next = read.after_sent(kind, a, now);
            match staff {
                Some(copied) => next.after_staff_copy(copied, now),
                None => next,
            }
        })
        .await
        {
            Ok(Some(stored)) => stored,
            // Gone (past its retention): nothing left to send.
            Ok(None) => a.clone(),
            Err(e) => {
                tracing::error!(error = %e, "mail sent but not recorded");
                a.clone()
            }
        }
    }

    /// Records a failed attempt (put off, or given up when `permanent` says why or too many
    /// failed), and tells the provider's mailbox when it is given up. When another write came
    /// between, that one stands and the next run tries again.
    pub(crate) async fn failed(
        &self,
        a: &Appointment,
        kind: MailKind,
        permanent: Option<String>,
    ) -> (Sent, Appointment) {
        self.failed_told(a, kind, permanent, false).await
    }

    /// [`MailDelivery::failed`], with the provider's copy of the booking sent now
    /// (`told_staff`) recorded as well.
    async fn failed_told(
        &self,
        a: &Appointment,
        kind: MailKind,
        permanent: Option<String>,
        told_staff: bool,
    ) -> (Sent, Appointment) {
        let now = self.ctx.now();
        let outcome = a.delivery.after_failure(now, permanent.as_deref());
        let mut next = a.clone().after_failure(&outcome);
        if told_staff {
            next.staff_copy = StaffCopy {
                told_at: Some(now),
                owed_from: None,
            };
        }
        let stored = match self.log.update(a, &next).await {
            Ok(stored) => stored,
            Err(e) => {
                tracing::warn!(error = %e, "a failed send not recorded; the retry will try again");
                return (Sent::PutOff, a.clone());
            }
        };
        let DeliveryOutcome::GiveUp(reason) = outcome else {
            return (Sent::PutOff, stored);
        };
        tracing::error!(reason = %reason, attempts = next.delivery.attempts, "mail given up");
        if kind == MailKind::ConfirmRequest {
            // An unverified address that does not work: nobody to tell, the hold just lapses.
            return (Sent::GaveUp, stored);
        }
        match undelivered(kind, a, &self.ctx.config, &reason, now) {
            Ok(Some(notice)) => {
                if let Err(e) = self.mailer.send(&notice).await {
                    tracing::error!(error = %e, "the library was not told of the undelivered mail");
                }
            }
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "undelivered notice not rendered"),
        }
        (Sent::GaveUp, stored)
    }
}

mod retry;
pub use retry::{Delivery, MailRetry};
