//! Delivering the confirmation and cancellation, and the retry path for what could not be sent.
//!
//! The store records pending mail in the same write as the booking or the cancellation, so a
//! failed (or interrupted) send is never lost. A send marks the mail sent once the patron's
//! message went; the provider's copy is best effort (logged when it fails) so that a retry
//! never mails the patron twice.

use crate::context::Context;
use crate::messages::messages;
use rantevou_domain::appointment::{Appointment, MailKind};
use rantevou_domain::ports::{MailLog, MailQueue, Mailer, StoreError};
use rantevou_domain::ManageKeys;
use std::sync::Arc;

/// Sends one appointment's mail and records it sent.
#[derive(Clone)]
pub struct MailDelivery {
    ctx: Context,
    mailer: Arc<dyn Mailer>,
    log: Arc<dyn MailLog>,
}

impl MailDelivery {
    /// Delivery through `mailer`, recorded in `log`.
    pub fn new(ctx: Context, mailer: Arc<dyn Mailer>, log: Arc<dyn MailLog>) -> Self {
        MailDelivery { ctx, mailer, log }
    }

    /// Sends `kind` for `a` (with the manage link, for a confirmation) and records it sent.
    /// Returns whether the patron's message went. Never fails the caller: a failure leaves the
    /// mail pending for [`MailRetry::retry_pending`].
    #[tracing::instrument(skip_all, fields(appointment = %a.id, kind = ?kind))]
    pub async fn deliver(&self, a: &Appointment, kind: MailKind, manage_url: Option<&str>) -> bool {
        let mails = match messages(kind, a, &self.ctx.config, manage_url, self.ctx.now()) {
            Ok(m) => m,
            Err(e) => {
                tracing::error!(error = %e, "mail not rendered; left pending");
                return false;
            }
        };
        let mut mails = mails.into_iter();
        let Some(patron) = mails.next() else {
            return false;
        };
        if let Err(e) = self.mailer.send(&patron).await {
            tracing::warn!(error = %e, "mail not sent; left pending for the retry");
            return false;
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
        true
    }
}

/// What a retry run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Delivery {
    /// Messages sent now.
    pub sent: usize,
    /// Messages still pending (to try again next run).
    pub failed: usize,
}

/// The retry path: sends what is still pending (the scheduled function, and `rantevou serve`
/// every minute).
#[derive(Clone)]
pub struct MailRetry {
    delivery: MailDelivery,
    queue: Arc<dyn MailQueue>,
    keys: Arc<ManageKeys>,
}

impl MailRetry {
    /// Retries `queue`'s pending mail through `delivery`; confirmations carry the link `keys`
    /// re-derive.
    pub fn new(delivery: MailDelivery, queue: Arc<dyn MailQueue>, keys: Arc<ManageKeys>) -> Self {
        MailRetry {
            delivery,
            queue,
            keys,
        }
    }

    /// Sends every pending message (up to `limit` appointments). A confirmation sent late
    /// carries the same manage link as the booking's answer: it is derived again from the
    /// appointment under the key that made it. Only if that key was retired meanwhile does a
    /// fresh token replace the stored one (on condition it is still the old one and the
    /// confirmation still unsent, so two runs cannot both send it).
    #[tracing::instrument(skip(self))]
    pub async fn retry_pending(&self, limit: usize) -> Result<Delivery, StoreError> {
        let mut report = Delivery::default();
        for a in self.queue.pending_mail(limit).await? {
            for kind in a.pending_mail.clone() {
                let ok = match kind {
                    // Cancelled before its confirmation went out: the cancellation says it all.
                    MailKind::Confirmation if !a.is_booked() => {
                        self.delivery.log.mail_sent(a.id, kind).await?;
                        continue;
                    }
                    MailKind::Confirmation => {
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
                                    Err(StoreError::NotBooked) => continue,
                                    Err(e) => return Err(e),
                                }
                            }
                        };
                        let url = self.delivery.ctx.links.manage_url(&a.id, &token);
                        self.delivery.deliver(&a, kind, Some(&url)).await
                    }
                    MailKind::Cancellation => self.delivery.deliver(&a, kind, None).await,
                };
                if ok {
                    report.sent += 1;
                } else {
                    report.failed += 1;
                }
            }
        }
        tracing::info!(
            sent = report.sent,
            failed = report.failed,
            "pending mail delivered"
        );
        Ok(report)
    }
}
