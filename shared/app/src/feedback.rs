//! What the mail service says of a message after it went, recorded by the scheduler (the
//! function that owns the mail queue): a permanent bounce fails the appointment's mail with a
//! reason a librarian reads, suppresses the address and tells the provider's mailbox; a
//! complaint stops the reminders to the address; a transient bounce or a delay is noted. See
//! [`rantevou_domain::feedback`] for the rules.

use crate::fresh::update_fresh;
use crate::mail::MailRetry;
use crate::messages::undelivered;
use crate::texts::{fill, texts};
use chrono::Duration;
use rantevou_domain::appointment::MailKind;
use rantevou_domain::feedback::{Feedback, MailFeedback, Suppression};
use rantevou_domain::ports::Metric;
use rantevou_domain::ports::{Audience, StoreError};

/// How long an address that bounced or complained is remembered.
pub const SUPPRESSION_KEPT_DAYS: i64 = 365;

/// What one event led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Recorded {
    /// The address does not exist: the appointment's mail failed, the address suppressed.
    Bounced,
    /// The patron complained: no more reminders to the address.
    Complained,
    /// A delay or a transient bounce: noted only.
    Noted,
    /// About the provider's own mailbox: logged for the library to fix.
    StaffMailbox,
    /// The appointment is gone (past its retention): nothing to record.
    Unknown,
}

impl MailRetry {
    /// Records `event` (see the module's rules); an event told twice changes nothing more.
    #[tracing::instrument(skip_all, fields(appointment = %event.appointment))]
    pub async fn record_feedback(&self, event: &MailFeedback) -> Result<Recorded, StoreError> {
        let ctx = &self.delivery.ctx;
        let log = &self.delivery.log;
        let now = ctx.now();
        let what = match &event.feedback {
            Feedback::Bounced { .. } => "bounced",
            Feedback::Complained => "complained",
            Feedback::Delayed { .. } => "delayed",
        };
        if event.audience == Audience::Staff {
            // The library's own mailbox: nothing a patron did; the library must fix it.
            tracing::error!(feedback = what, "mail to the provider's mailbox {what}");
            return Ok(Recorded::StaffMailbox);
        }
        let Some(a) = log.get(event.appointment, now).await? else {
            tracing::warn!(
                feedback = what,
                "mail feedback about an appointment no longer kept"
            );
            return Ok(Recorded::Unknown);
        };
        let kept = now + Duration::days(SUPPRESSION_KEPT_DAYS);
        match &event.feedback {
            Feedback::Delayed { .. } => {
                tracing::info!(kind = ?event.kind, "mail delayed or bounced for now");
                Ok(Recorded::Noted)
            }
            Feedback::Complained => {
                if let Some(s) = &self.suppressions {
                    let complained = Suppression::Complained { at: event.at };
                    s.suppress(&self.address_key(&a), &complained, kept).await?;
                }
                update_fresh(&**log, a, now, |r| r.after_complaint(now)).await?;
                tracing::warn!(kind = ?event.kind, "the patron complained of a mail");
                ctx.count(Metric::MailComplained);
                Ok(Recorded::Complained)
            }
            Feedback::Bounced { diagnostic } => {
                if let Some(s) = &self.suppressions {
                    let bounced = Suppression::Bounced {
                        at: event.at,
                        reason: diagnostic.clone(),
                    };
                    s.suppress(&self.address_key(&a), &bounced, kept).await?;
                }
                ctx.count(Metric::MailBounced);
                if a.bounced() {
                    // Told before (the mail service delivers events at least once).
                    return Ok(Recorded::Bounced);
                }
                let Some(stored) = update_fresh(&**log, a, now, |r| {
                    r.after_bounce(event.kind, diagnostic, now)
                })
                .await?
                else {
                    return Ok(Recorded::Unknown);
                };
                tracing::error!(
                    reason = "bounced",
                    attempts = stored.delivery.attempts,
                    "mail given up"
                );
                // The provider's mailbox is told, as for any mail given up.
                let config = &ctx.config;
                let lang = config.library.default_language();
                let reason = fill(
                    &texts(lang).mail.undelivered_bounced,
                    "diagnostic",
                    diagnostic,
                );
                let kind = event.kind.unwrap_or(MailKind::Confirmation);
                match undelivered(kind, &stored, config, &reason, now) {
                    Ok(Some(notice)) => {
                        if let Err(e) = self.delivery.mailer.send(&notice).await {
                            tracing::error!(error = %e, "the library was not told of the bounce");
                        }
                    }
                    Ok(None) => {}
                    Err(e) => tracing::error!(error = %e, "undelivered notice not rendered"),
                }
                Ok(Recorded::Bounced)
            }
        }
    }
}
