//! The retry path: the scheduler's run over the queue of due mail, each appointment claimed
//! before its messages are sent (see the module above).

use super::{MailDelivery, Sent, LEASE};
use crate::fresh::update_fresh;
use rantevou_domain::appointment::{Appointment, MailKind};
use rantevou_domain::feedback::{Suppression, SUPPRESSED};
use rantevou_domain::ports::Metric;
use rantevou_domain::ports::{MailQueue, StoreError, Suppressions};
use rantevou_domain::ManageKeys;
use std::collections::HashSet;
use std::sync::Arc;
/// What a retry run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Delivery {
    /// Messages sent now.
    pub sent: usize,
    /// Messages that failed and are due again later.
    pub failed: usize,
    /// Messages given up now (out of the queue, marked failed, the library told).
    pub given_up: usize,
    /// Waiting addresses told a time freed on their day.
    pub waitlist_told: usize,
    /// Ended appointments counted for the statistics (anonymous outcome records written).
    pub counted: usize,
    /// Librarians' calendars read and kept now.
    pub calendars_read: usize,
    /// Librarians' calendars whose read failed now (the last good copy kept).
    pub calendars_failed: usize,
}

/// Due appointments read from the queue at a time.
const PAGE: usize = 100;

/// The retry path: sends what is due (the scheduled function, and `rantevou serve` every
/// minute).
#[derive(Clone)]
pub struct MailRetry {
    pub(crate) delivery: MailDelivery,
    queue: Arc<dyn MailQueue>,
    keys: Arc<ManageKeys>,
    waitlist: Option<crate::waitlist::Waitlisting>,
    pub(crate) suppressions: Option<Arc<dyn Suppressions>>,
    counting: Option<crate::statistics::Counting>,
    #[cfg(feature = "calendars")]
    calendars: Option<crate::calendars::CalendarSync>,
}

impl MailRetry {
    /// Retries `queue`'s due mail through `delivery`; confirmations carry the link `keys`
    /// re-derive.
    pub fn new(delivery: MailDelivery, queue: Arc<dyn MailQueue>, keys: Arc<ManageKeys>) -> Self {
        MailRetry {
            delivery,
            queue,
            keys,
            waitlist: None,
            suppressions: None,
            counting: None,
            #[cfg(feature = "calendars")]
            calendars: None,
        }
    }

    /// The same scheduler, minding the addresses that bounced or complained (see
    /// [`rantevou_domain::feedback`]): it sends them only what they may still get, and records
    /// what the mail service says of the messages ([`MailRetry::record_feedback`]).
    pub fn with_suppressions(mut self, suppressions: Arc<dyn Suppressions>) -> Self {
        self.suppressions = Some(suppressions);
        self
    }

    /// The same scheduler, also counting ended appointments for the statistics.
    pub fn with_counting(mut self, counting: crate::statistics::Counting) -> Self {
        self.counting = Some(counting);
        self
    }

    /// The same scheduler, also reading the librarians' calendars (see [`crate::calendars`]).
    #[cfg(feature = "calendars")]
    pub fn with_calendars(mut self, calendars: crate::calendars::CalendarSync) -> Self {
        self.calendars = Some(calendars);
        self
    }

    /// The same scheduler, also telling the waiting list when a time frees.
    pub fn with_waitlist(mut self, waitlist: crate::waitlist::Waitlisting) -> Self {
        self.waitlist = Some(waitlist);
        self
    }

    /// Sends every message due now (pending or timed), the longest due first, page by page,
    /// up to `most` appointments in one run (the rest wait for the next). Each appointment is
    /// claimed first (see [`LEASE`]); one another run claimed is left to it. A confirmation
    /// sent late carries the same manage link as the booking's answer: it is derived again
    /// from the appointment under the key that made it. Only if that key was retired meanwhile
    /// does a fresh token replace the stored one (on condition it is still the old one and the
    /// confirmation still unsent, so two runs cannot both send it).
    #[tracing::instrument(skip(self))]
    pub async fn retry_pending(&self, most: usize) -> Result<Delivery, StoreError> {
        let now = self.delivery.ctx.now();
        let mut report = Delivery::default();
        let mut seen = HashSet::new();
        while seen.len() < most {
            // Each handled appointment leaves the due part of the queue (claimed, sent, put off
            // or given up); one that stays (another run holds it) is not read twice.
            let page = self
                .queue
                .due_mail(now, PAGE.min(most - seen.len()))
                .await?;
            let fresh: Vec<Appointment> = page.into_iter().filter(|a| seen.insert(a.id)).collect();
            if fresh.is_empty() {
                break;
            }
            for a in fresh {
                self.send_due(a, &mut report).await?;
            }
        }
        if let Some(waitlist) = &self.waitlist {
            report.waitlist_told = waitlist.notify_freed().await?;
        }
        // The count never holds up the mail: a failure is said, and the next run goes on.
        if let Some(counting) = &self.counting {
            match counting.count_ended(crate::statistics::DAYS_PER_RUN).await {
                Ok(counted) => report.counted = counted.recorded,
                Err(e) => tracing::error!(error = %e, "ended appointments not counted"),
            }
        }
        // Nor do the calendars: a failure is said, the last good copies stay.
        #[cfg(feature = "calendars")]
        if let Some(calendars) = &self.calendars {
            match calendars.read_due().await {
                Ok(read) => {
                    report.calendars_read = read.read;
                    report.calendars_failed = read.failed;
                }
                Err(e) => tracing::error!(error = %e, "calendars not read"),
            }
        }
        self.delivery.ctx.count(Metric::SchedulerRuns);
        tracing::info!(
            sent = report.sent,
            failed = report.failed,
            given_up = report.given_up,
            waitlist_told = report.waitlist_told,
            counted = report.counted,
            calendars_read = report.calendars_read,
            calendars_failed = report.calendars_failed,
            "due mail delivered"
        );
        Ok(report)
    }

    /// What is known of the address `a`'s mail goes to now (one read), when this scheduler
    /// minds suppressions. Its key is the address's own (after staff corrected an address,
    /// the appointment's patron key stays the old one's).
    async fn suppression_of(&self, a: &Appointment) -> Result<Option<Suppression>, StoreError> {
        match &self.suppressions {
            Some(s) => s.suppression(&self.address_key(a)).await,
            None => Ok(None),
        }
    }

    /// The key of the address `a`'s mail goes to now.
    pub(crate) fn address_key(&self, a: &Appointment) -> String {
        crate::bot_check::patron_key(&self.keys, &a.patron.customer.email)
    }

    /// Claims `a` and sends its messages due now in order; after a failure the rest wait with
    /// it.
    async fn send_due(&self, a: Appointment, report: &mut Delivery) -> Result<(), StoreError> {
        let log = &self.delivery.log;
        let now = self.delivery.ctx.now();
        let mut claimed = a.clone();
        // A cancelled appointment or a lapsed hold gets no link mail or reminder.
        claimed.drop_stale_timed(now);
        let copy_owed = claimed.staff_copy_due().is_some_and(|t| t <= now);
        if claimed.mail_due_at(now).is_empty() && !copy_owed {
            // Nothing due after all (e.g. timed mail of a hold, due when the hold ends).
            claimed.reschedule(now);
            if claimed != a {
                match log.update(&a, &claimed).await {
                    Ok(_) | Err(StoreError::Changed) => {}
                    Err(e) => return Err(e),
                }
            }
            return Ok(());
        }
        claimed.delivery.due = Some(now + LEASE);
        let mut a = match log.update(&a, &claimed).await {
            Ok(stored) => stored,
            // Another run claimed it, or it changed: the next run reads it again.
            Err(StoreError::Changed) => return Ok(()),
            Err(e) => return Err(e),
        };
        if copy_owed {
            a = self.delivery.send_owed_copy(&a).await;
        }
        let suppression = self.suppression_of(&a).await?;
        for kind in a.mail_due_at(now) {
            let stale = match kind {
                // Cancelled before its confirmation went out: the cancellation says it all.
                MailKind::Confirmation => !a.is_booked(),
                // Confirmed, cancelled or lapsed meanwhile: the request has no use any more.
                MailKind::ConfirmRequest => a.hold_until().is_none() || a.is_lapsed(now),
                // Cancelled after a move: the cancellation says it all.
                MailKind::Moved | MailKind::Imported => !a.is_booked(),
                // A link set meanwhile, or cancelled: nothing is missing any more.
                MailKind::LinkMissing => !a.is_booked() || a.meeting.url.is_some(),
                // Marked a no-show since, or cancelled: no thanks.
                MailKind::FollowUp => !a.is_booked() || !a.attendance.is_some_and(|at| at.attended),
                MailKind::Cancellation | MailKind::Link | MailKind::Reminder => false,
            };
            if stale {
                a = self.delivery.record_sent(&a, kind, now).await;
                continue;
            }
            match suppression.as_ref().filter(|s| s.stops(kind)) {
                Some(Suppression::Bounced { at, .. }) => {
                    // Known not to work: given up at once, the provider's mailbox told.
                    let since = at.format("%Y-%m-%d");
                    let reason = format!("{SUPPRESSED}: the address bounced on {since}");
                    self.delivery.failed(&a, kind, Some(reason)).await;
                    report.given_up += 1;
                    return Ok(());
                }
                Some(Suppression::Complained { .. }) => {
                    // No more reminders for an address whose owner complained.
                    a = update_fresh(&**log, a.clone(), now, |r| r.after_complaint(now))
                        .await?
                        .unwrap_or(a);
                    continue;
                }
                None => {}
            }
            let link = match self.link_of(&a, kind).await? {
                Some(link) => link,
                // Another run took it.
                None => return Ok(()),
            };
            let (sent, stored) = self.delivery.send(&a, kind, link.as_deref()).await;
            a = stored;
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

    /// The link a message of `kind` carries: the confirm link of a request to confirm, the
    /// manage link otherwise (none on a cancellation). `None` when the token had to be renewed
    /// and another run did it first.
    async fn link_of(
        &self,
        a: &Appointment,
        kind: MailKind,
    ) -> Result<Option<Option<String>>, StoreError> {
        let links = &self.delivery.ctx.links;
        let token = match kind {
            // The thank-you links the library's site and survey, not the appointment.
            MailKind::Cancellation | MailKind::FollowUp => return Ok(Some(None)),
            // The provider's alert links the console, where the link is sent from.
            MailKind::LinkMissing => return Ok(Some(Some(links.console_url(&a.id)))),
            // A retired key: a reminder or the link mail goes without the manage link rather
            // than change the patron's token.
            MailKind::Link | MailKind::Reminder | MailKind::Moved | MailKind::Imported => {
                return Ok(Some(
                    self.keys
                        .token_of(&a.id, &a.token_hash)
                        .map(|t| links.manage_url(&a.id, &t)),
                ))
            }
            MailKind::Confirmation | MailKind::ConfirmRequest => {
                match self.keys.token_of(&a.id, &a.token_hash) {
                    Some(token) => token,
                    None => {
                        let token = self.keys.token(&a.id);
                        match self
                            .queue
                            .replace_token(a.id, a.token_hash, token.hash())
                            .await
                        {
                            Ok(()) => token,
                            Err(StoreError::NotBooked) => return Ok(None),
                            Err(e) => return Err(e),
                        }
                    }
                }
            }
        };
        Ok(Some(Some(match kind {
            MailKind::ConfirmRequest => links.confirm_url(&a.id, &token),
            _ => links.manage_url(&a.id, &token),
        })))
    }
}
