//! Delivering the request to confirm, the confirmation and the cancellation, and the retry path
//! for what could not be sent.
//!
//! The store records pending mail in the same write as the booking or the cancellation, so a
//! failed (or interrupted) send is never lost. A send marks the mail sent once the patron's
//! message went; the provider's copy is best effort (logged when it fails) so that a retry
//! never mails the patron twice. A failed send is tried again later, 1, 2, 4 … minutes apart;
//! one the mail service refuses for good, or one that keeps failing, is given up: it leaves the
//! queue (so it can never hold up the mail behind it), is marked failed with the reason, logged
//! as `mail given up` (a metric and an alarm count those in AWS), and the provider's mailbox is
//! told, so that a librarian can reach the patron another way.

use crate::context::Context;
use crate::messages::{messages, undelivered};
use rantevou_domain::appointment::{Appointment, DeliveryOutcome, MailKind};
use rantevou_domain::ports::{MailError, MailLog, MailQueue, Mailer, StoreError};
use rantevou_domain::ManageKeys;
use std::collections::HashSet;
use std::sync::Arc;

/// Sends one appointment's mail and records how it went.
#[derive(Clone)]
pub struct MailDelivery {
    ctx: Context,
    mailer: Arc<dyn Mailer>,
    log: Arc<dyn MailLog>,
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
    #[tracing::instrument(skip_all, fields(appointment = %a.id, kind = ?kind))]
    pub async fn deliver(&self, a: &Appointment, kind: MailKind, link: Option<&str>) -> Sent {
        let now = self.ctx.now();
        let mails = match messages(kind, a, &self.ctx.config, link, now) {
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
        if let Err(e) = self.mailer.send(&patron).await {
            tracing::warn!(error = %e, "mail not sent");
            let permanent = matches!(e, MailError::Rejected(_)).then(|| e.to_string());
            return self.failed(a, kind, permanent).await;
        }
        for copy in mails {
            if let Err(e) = self.mailer.send(&copy).await {
                tracing::warn!(error = %e, "provider's copy not sent");
            }
        }
        if let Err(e) = self.log.mail_sent(a.id, kind).await {
            // Sent but not recorded: the retry may send it once more; better than losing it.
            tracing::error!(error = %e, "mail sent but not recorded");
        }
        Sent::Yes
    }

    /// Records a failed attempt (put off, or given up when `permanent` says why or too many
    /// failed), and tells the provider's mailbox when it is given up.
    async fn failed(&self, a: &Appointment, kind: MailKind, permanent: Option<String>) -> Sent {
        let now = self.ctx.now();
        let outcome = a.delivery.after_failure(now, permanent.as_deref());
        if let Err(e) = self.log.mail_failed(a, &outcome).await {
            tracing::error!(error = %e, "a failed send not recorded; the retry will try again");
            return Sent::PutOff;
        }
        let DeliveryOutcome::GiveUp(reason) = outcome else {
            return Sent::PutOff;
        };
        tracing::error!(reason = %reason, attempts = a.delivery.attempts + 1, "mail given up");
        if kind == MailKind::ConfirmRequest {
            // An unverified address that does not work: nobody to tell, the hold just lapses.
            return Sent::GaveUp;
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
        Sent::GaveUp
    }
}

/// What a retry run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Delivery {
    /// Messages sent now.
    pub sent: usize,
    /// Messages that failed and are due again later.
    pub failed: usize,
    /// Messages given up now (out of the queue, marked failed, the library told).
    pub given_up: usize,
}

/// Due appointments read from the queue at a time.
const PAGE: usize = 100;

/// The retry path: sends what is due (the scheduled function, and `rantevou serve` every
/// minute).
#[derive(Clone)]
pub struct MailRetry {
    delivery: MailDelivery,
    queue: Arc<dyn MailQueue>,
    keys: Arc<ManageKeys>,
}

impl MailRetry {
    /// Retries `queue`'s due mail through `delivery`; confirmations carry the link `keys`
    /// re-derive.
    pub fn new(delivery: MailDelivery, queue: Arc<dyn MailQueue>, keys: Arc<ManageKeys>) -> Self {
        MailRetry {
            delivery,
            queue,
            keys,
        }
    }

    /// Sends every message due now, the longest due first, page by page, up to `most`
    /// appointments in one run (the rest wait for the next). A confirmation sent late carries
    /// the same manage link as the booking's answer: it is derived again from the appointment
    /// under the key that made it. Only if that key was retired meanwhile does a fresh token
    /// replace the stored one (on condition it is still the old one and the confirmation still
    /// unsent, so two runs cannot both send it).
    #[tracing::instrument(skip(self))]
    pub async fn retry_pending(&self, most: usize) -> Result<Delivery, StoreError> {
        let now = self.delivery.ctx.now();
        let mut report = Delivery::default();
        let mut seen = HashSet::new();
        while seen.len() < most {
            // Each handled appointment leaves the due part of the queue (sent, put off or given
            // up); one that stays (another run holds it) is not read twice.
            let page = self
                .queue
                .due_mail(now, PAGE.min(most - seen.len()))
                .await?;
            let fresh: Vec<Appointment> = page.into_iter().filter(|a| seen.insert(a.id)).collect();
            if fresh.is_empty() {
                break;
            }
            for a in fresh {
                self.send_due(&a, &mut report).await?;
            }
        }
        tracing::info!(
            sent = report.sent,
            failed = report.failed,
            given_up = report.given_up,
            "due mail delivered"
        );
        Ok(report)
    }

    /// Sends `a`'s pending messages in order; after a failure the rest wait with it.
    async fn send_due(&self, a: &Appointment, report: &mut Delivery) -> Result<(), StoreError> {
        for kind in a.pending_mail.clone() {
            let now = self.delivery.ctx.now();
            let stale = match kind {
                // Cancelled before its confirmation went out: the cancellation says it all.
                MailKind::Confirmation => !a.is_booked(),
                // Confirmed, cancelled or lapsed meanwhile: the request has no use any more.
                MailKind::ConfirmRequest => a.hold_until().is_none() || a.is_lapsed(now),
                MailKind::Cancellation => false,
            };
            if stale {
                self.delivery.log.mail_sent(a.id, kind).await?;
                continue;
            }
            let link = match kind {
                MailKind::Cancellation => None,
                MailKind::Confirmation | MailKind::ConfirmRequest => {
                    let token = match self.keys.token_of(&a.id, &a.token_hash) {
                        Some(token) => token,
                        None => {
                            let token = self.keys.token(&a.id);
                            match self
                                .queue
                                .replace_token(a.id, a.token_hash, token.hash())
                                .await
                            {
                                Ok(()) => token,
                                // Another run took it.
                                Err(StoreError::NotBooked) => return Ok(()),
                                Err(e) => return Err(e),
                            }
                        }
                    };
                    let links = &self.delivery.ctx.links;
                    Some(match kind {
                        MailKind::ConfirmRequest => links.confirm_url(&a.id, &token),
                        _ => links.manage_url(&a.id, &token),
                    })
                }
            };
            let sent = self.delivery.deliver(a, kind, link.as_deref()).await;
            match sent {
                Sent::Yes => report.sent += 1,
                Sent::PutOff => {
                    report.failed += 1;
                    return Ok(());
                }
                Sent::GaveUp => {
                    report.given_up += 1;
                    return Ok(());
                }
            }
        }
        Ok(())
    }
}
