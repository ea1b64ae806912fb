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
use crate::fresh::{record_fresh, update_fresh};
use crate::messages::{messages_with, undelivered};
use chrono::{DateTime, Duration, Utc};
use rantevou_domain::appointment::{Appointment, DeliveryOutcome, MailKind, StaffCopy};
use rantevou_domain::feedback::{Suppression, SUPPRESSED};
use rantevou_domain::ports::Metric;
use rantevou_domain::ports::{
    MailError, MailLog, MailQueue, Mailer, OutgoingMail, StoreError, Suppressions,
};
use rantevou_domain::ManageKeys;
use std::collections::HashSet;
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
        }
    }

    /// The same scheduler, minding the addresses that bounced or complained (see
    /// [`rantevou_domain::feedback`]): it sends them only what they may still get, and records
    /// what the mail service says of the messages ([`MailRetry::record_feedback`]).
    pub fn with_suppressions(mut self, suppressions: Arc<dyn Suppressions>) -> Self {
        self.suppressions = Some(suppressions);
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
        self.delivery.ctx.count(Metric::SchedulerRuns);
        tracing::info!(
            sent = report.sent,
            failed = report.failed,
            given_up = report.given_up,
            waitlist_told = report.waitlist_told,
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
                MailKind::Moved => !a.is_booked(),
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
            MailKind::Link | MailKind::Reminder | MailKind::Moved => {
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
