//! Sending the confirmation and cancellation, and the retry path for what could not be sent.
//!
//! The store records pending mail in the same write as the booking or the cancellation, so
//! a failed (or interrupted) send is never lost. A send marks the mail sent once the patron's
//! message went; the provider's copy is best effort (logged when it fails) so that a retry
//! never mails the patron twice.

use crate::Deps;
use rand::rngs::OsRng;
use rantevou_domain::appointment::{Appointment, MailKind};
use rantevou_domain::ports::StoreError;
use rantevou_domain::ManageToken;

/// Sends `kind` for `a` (with the manage link, for a confirmation) and records it sent.
/// Returns whether the patron's message went. Never fails the caller: a failure leaves the
/// mail pending for [`deliver_pending`].
pub async fn deliver(
    deps: &Deps,
    a: &Appointment,
    kind: MailKind,
    manage_url: Option<&str>,
) -> bool {
    let mails = match rantevou_mail::messages(kind, a, &deps.config, manage_url) {
        Ok(m) => m,
        Err(e) => {
            tracing::error!(appointment = %a.id, error = %e, "mail not rendered; left pending");
            return false;
        }
    };
    let mut mails = mails.into_iter();
    let Some(patron) = mails.next() else {
        return false;
    };
    if let Err(e) = deps.mailer.send(&patron).await {
        tracing::warn!(appointment = %a.id, kind = ?kind, error = %e, "mail not sent; left pending for the retry");
        return false;
    }
    for copy in mails {
        if let Err(e) = deps.mailer.send(&copy).await {
            tracing::warn!(appointment = %a.id, kind = ?kind, error = %e, "provider's copy not sent");
        }
    }
    if let Err(e) = deps.store.mail_sent(a.id, kind).await {
        // Sent but not recorded: the retry may send it once more; better than losing it.
        tracing::error!(appointment = %a.id, kind = ?kind, error = %e, "mail sent but not recorded");
    }
    true
}

/// What a retry run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Delivery {
    /// Messages sent now.
    pub sent: usize,
    /// Messages still pending (to try again next run).
    pub failed: usize,
}

/// Sends every pending message (up to `limit` appointments). A confirmation sent late carries a
/// fresh manage link: only the token's hash is stored, so a new token replaces the old one
/// (on condition the confirmation is still unsent, so two runs cannot both send it).
pub async fn deliver_pending(deps: &Deps, limit: usize) -> Result<Delivery, StoreError> {
    let mut report = Delivery::default();
    for a in deps.store.pending_mail(limit).await? {
        for kind in a.pending_mail.clone() {
            let ok = match kind {
                // Cancelled before its confirmation went out: the cancellation says it all.
                MailKind::Confirmation if !a.is_booked() => {
                    deps.store.mail_sent(a.id, kind).await?;
                    continue;
                }
                MailKind::Confirmation => {
                    let token = ManageToken::generate(&mut OsRng);
                    match deps
                        .store
                        .replace_token(a.id, a.token_hash, token.hash())
                        .await
                    {
                        Ok(()) => {}
                        // Another run took it.
                        Err(StoreError::NotBooked) => continue,
                        Err(e) => return Err(e),
                    }
                    let url = deps.manage_url(&a.id, &token);
                    deliver(deps, &a, kind, Some(&url)).await
                }
                MailKind::Cancellation => deliver(deps, &a, kind, None).await,
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
