//! An appointment's mail: the kinds of message, where their delivery stands (attempts, the
//! next due moment, a failure), the video-call link, and the timed mail (the link mail,
//! reminders) the one scheduler sends.

use super::{Appointment, StaffCopy, Status, STAFF_COPY_FOLD};
use chrono::{DateTime, Utc};

/// A message the patron (and the provider's mailbox) gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MailKind {
    /// "Confirm your appointment": the date, the time and the confirm link, nothing the patron
    /// typed (the address is not verified yet); to the patron only.
    ConfirmRequest,
    /// "Your appointment has been booked", with the manage link.
    Confirmation,
    /// "Your appointment was cancelled", with the reason.
    Cancellation,
    /// "Your video-call link", `policy.send_link_before_minutes` before the start (or when staff
    /// set or change it), with an updated `.ics`; to the patron only.
    Link,
    /// A reminder at each of `policy.reminders_before_minutes`; to the patron only.
    Reminder,
    /// "Your appointment was moved": the old and the new time, the manage link, an updated
    /// `.ics` (same `UID`, higher `SEQUENCE`); the provider's copy says it was moved.
    Moved,
    /// To the provider's mailbox only: the link mail's moment came and no video-call link was
    /// set (a `manual` meeting), with the console's link to send it; again
    /// [`LINK_ALERT_AGAIN_BEFORE`] before the start if it is still missing.
    LinkMissing,
    /// After an attended consultation whose service has a `follow_up`: a thank-you with the
    /// library's links and its survey, if any; to the patron only.
    FollowUp,
    /// "Your appointment is now managed here": once, to each patron of an appointment brought
    /// over from Easy!Appointments with `rantevou import easyappointments --apply --notify`,
    /// with the manage link and an `.ics`; to the patron only.
    Imported,
}

/// How a delivery given up after its retries begins ("still failing after 10 attempts").
pub const GAVE_UP_RETRYING: &str = "still failing after";

/// How long before the start the provider's mailbox is told a second time that the
/// video-call link is still missing.
pub const LINK_ALERT_AGAIN_BEFORE: chrono::Duration = chrono::Duration::minutes(10);

impl MailKind {
    /// Every kind.
    pub const ALL: [MailKind; 9] = [
        MailKind::ConfirmRequest,
        MailKind::Confirmation,
        MailKind::Cancellation,
        MailKind::Link,
        MailKind::Reminder,
        MailKind::Moved,
        MailKind::LinkMissing,
        MailKind::FollowUp,
        MailKind::Imported,
    ];

    /// Its stable name (stored, and in the staff API).
    pub fn name(self) -> &'static str {
        match self {
            MailKind::ConfirmRequest => "confirm-request",
            MailKind::Confirmation => "confirmation",
            MailKind::Cancellation => "cancellation",
            MailKind::Link => "link",
            MailKind::Reminder => "reminder",
            MailKind::Moved => "moved",
            MailKind::LinkMissing => "link-missing",
            MailKind::FollowUp => "follow-up",
            MailKind::Imported => "imported",
        }
    }

    /// The kind called `name`.
    pub fn named(name: &str) -> Option<MailKind> {
        MailKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// A message that went, for the mail history staff see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentMail {
    /// Which.
    pub kind: MailKind,
    /// When it was handed to the mail service.
    pub at: DateTime<Utc>,
}

/// How many sent messages an appointment remembers (the latest).
pub const MAIL_LOG_LENGTH: usize = 20;

/// Why a mail cannot be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no mail of this appointment failed")]
pub struct NothingToRetry;

/// The video-call link of an appointment and where its mail stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MeetingLink {
    /// The link, once known (at booking for a fixed room or Jitsi; from staff otherwise).
    pub url: Option<String>,
    /// Raised each time the link is set or changed: the `SEQUENCE` of the `.ics` the link mail
    /// carries (the confirmation's is 0).
    pub version: u32,
    /// When the link mail is due (`None`: sent). Without a link yet it is the moment the
    /// provider's mailbox is told the link is missing ([`MailKind::LinkMissing`]).
    pub due: Option<DateTime<Utc>>,
}

/// Where the delivery of an appointment's pending mail stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Delivery {
    /// Failed attempts since the mail became pending.
    pub attempts: u32,
    /// When the next attempt is due (`None`: nothing to send, or given up).
    pub due: Option<DateTime<Utc>>,
    /// Why it was given up: the mail service refused it for good, or it failed too often.
    pub failure: Option<String>,
}

/// What a failed attempt leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// Try again then.
    RetryAt(DateTime<Utc>),
    /// Stop trying: the mail leaves the queue, marked failed with this reason.
    GiveUp(String),
}

/// Attempts after which a mail that keeps failing is given up: the 10th fails about six hours
/// after the first (1, 2, 4 … minutes apart, at most two hours).
pub const MAX_DELIVERY_ATTEMPTS: u32 = 10;

impl Delivery {
    /// Pending from `now`, no attempt yet.
    pub fn due_at(now: DateTime<Utc>) -> Self {
        Delivery {
            attempts: 0,
            due: Some(now),
            failure: None,
        }
    }

    /// What the failure of one more attempt at `now` leads to: retry after 1, 2, 4 … minutes
    /// (at most 2 hours), or give up after [`MAX_DELIVERY_ATTEMPTS`]. A refusal for good
    /// (`permanent`) is given up at once.
    pub fn after_failure(&self, now: DateTime<Utc>, permanent: Option<&str>) -> DeliveryOutcome {
        let attempts = self.attempts + 1;
        match permanent {
            Some(reason) => DeliveryOutcome::GiveUp(reason.to_owned()),
            None if attempts >= MAX_DELIVERY_ATTEMPTS => {
                DeliveryOutcome::GiveUp(format!("{GAVE_UP_RETRYING} {attempts} attempts"))
            }
            None => {
                let minutes = (1i64 << (attempts - 1).min(7)).min(120);
                DeliveryOutcome::RetryAt(now + chrono::Duration::minutes(minutes))
            }
        }
    }
}

impl Appointment {
    /// Whether the provider's copy of a "moved" or "cancelled" mail sent at `now` goes at once:
    /// no copy (of the booking, a move or a cancellation) went in the [`STAFF_COPY_FOLD`]
    /// before.
    pub fn staff_copy_now(&self, now: DateTime<Utc>) -> bool {
        self.staff_copy
            .told_at
            .map_or(true, |t| now < t || now - t >= STAFF_COPY_FOLD)
    }

    /// When the folded copy of moves to the provider's mailbox is owed, if one is.
    pub fn staff_copy_due(&self) -> Option<DateTime<Utc>> {
        self.staff_copy.owed_from?;
        Some(self.staff_copy.told_at? + STAFF_COPY_FOLD)
    }

    /// The appointment after the "moved" (or "cancelled", or the confirmation) mail of `now`
    /// went to the patron: with its copy to the provider's mailbox (`copied`), or that copy
    /// folded into the one owed, which remembers the start the mailbox last knew.
    pub fn after_staff_copy(mut self, copied: bool, now: DateTime<Utc>) -> Appointment {
        if copied {
            self.staff_copy = StaffCopy {
                told_at: Some(now),
                owed_from: None,
            };
        } else {
            let knew = self
                .staff_copy
                .owed_from
                .or(self.moved_from)
                .or(Some(self.start));
            self.staff_copy.owed_from = knew;
        }
        self.reschedule(now);
        self
    }

    /// Whether `kind` is still to be sent.
    pub fn mail_pending(&self, kind: MailKind) -> bool {
        self.pending_mail.contains(&kind)
    }

    /// When its next timed mail (the link, a reminder, a folded copy of moves to the provider)
    /// is due: never once cancelled; while
    /// held, not before the hold ends (by then it is booked, or lapsed and nothing is sent).
    pub fn timed_due(&self) -> Option<DateTime<Utc>> {
        if matches!(self.status, Status::Cancelled { .. }) {
            // Only the provider's folded copy of the cancellation, if owed.
            return self.staff_copy_due();
        }
        let next = [
            // The link mail once there is a link; until then, the alerts that it is missing.
            self.meeting.due.filter(|_| self.meeting.url.is_some()),
            self.link_alert_due(),
            self.reminders.first().copied(),
            self.staff_copy_due(),
            self.follow_up_due,
        ]
        .into_iter()
        .flatten()
        .min()?;
        Some(self.hold_until().map_or(next, |until| next.max(until)))
    }

    /// When the provider's mailbox is next to be told that the video-call link is missing: at
    /// the link mail's moment, then [`LINK_ALERT_AGAIN_BEFORE`] before the start; never once a
    /// link is set, the appointment is not booked, or it has started.
    pub fn link_alert_due(&self) -> Option<DateTime<Utc>> {
        if !self.is_booked() || self.meeting.url.is_some() {
            return None;
        }
        let first = self.meeting.due?;
        let told = self
            .mail_log
            .iter()
            .filter(|m| m.kind == MailKind::LinkMissing)
            .map(|m| m.at)
            .max();
        let again = self.start - LINK_ALERT_AGAIN_BEFORE;
        match told {
            None => Some(first),
            Some(at) if at < again && first < again => Some(again),
            Some(_) => None,
        }
        .filter(|t| *t < self.start)
    }

    /// The messages due at `now`, in the order to send them: the pending ones, then the link
    /// mail (or, without a link, the alert that it is missing), then a reminder. Timed mail is only for a booked appointment; a cancelled one, or
    /// a hold that lapsed, has none (see [`Appointment::drop_stale_timed`]).
    pub fn mail_due_at(&self, now: DateTime<Utc>) -> Vec<MailKind> {
        let mut due = self.pending_mail.clone();
        if self.is_booked() {
            if self.meeting.url.is_some() && self.meeting.due.is_some_and(|t| t <= now) {
                due.push(MailKind::Link);
            }
            if now < self.start && self.link_alert_due().is_some_and(|t| t <= now) {
                due.push(MailKind::LinkMissing);
            }
            if self.reminders.first().is_some_and(|t| *t <= now) {
                due.push(MailKind::Reminder);
            }
            if self.follow_up_due.is_some_and(|t| t <= now) {
                due.push(MailKind::FollowUp);
            }
        }
        due
    }

    /// Forgets the timed mail of an appointment that will never be met (cancelled, or a hold
    /// that lapsed at `now`), and the alert that its link is missing once it has started;
    /// `true` if there was any.
    pub fn drop_stale_timed(&mut self, now: DateTime<Utc>) -> bool {
        let started = self.is_booked() && self.meeting.url.is_none() && now >= self.start;
        if started && self.meeting.due.is_some() {
            self.meeting.due = None;
            self.reschedule(now);
            return true;
        }
        let stale = matches!(self.status, Status::Cancelled { .. }) || self.is_lapsed(now);
        let had = self.meeting.due.is_some()
            || !self.reminders.is_empty()
            || self.follow_up_due.is_some();
        if stale && had {
            self.meeting.due = None;
            self.reminders.clear();
            self.follow_up_due = None;
            self.reschedule(now);
            return true;
        }
        false
    }

    /// The appointment after `kind`, rendered from `sent`, went at `now`: no longer pending (a
    /// reminder: every reminder due by now, so a late run sends one, not several; the link
    /// mail: unless staff changed the link since `sent`), and the next mail's due time set (at
    /// once while messages are pending, else the next timed one).
    pub fn after_sent(
        mut self,
        kind: MailKind,
        sent: &Appointment,
        now: DateTime<Utc>,
    ) -> Appointment {
        match kind {
            MailKind::Link => {
                if self.meeting.version == sent.meeting.version {
                    self.meeting.due = None;
                }
            }
            MailKind::Reminder => self.reminders.retain(|t| *t > now),
            MailKind::FollowUp => self.follow_up_due = None,
            _ => self.pending_mail.retain(|k| *k != kind),
        }
        self.mail_log.push(SentMail { kind, at: now });
        let over = self.mail_log.len().saturating_sub(MAIL_LOG_LENGTH);
        self.mail_log.drain(..over);
        self.reschedule(now);
        self
    }

    /// The appointment with its given-up mail tried again at `now` (to `email` when staff
    /// corrected the address): due at once, attempts counted afresh.
    pub fn retry_failed(
        mut self,
        email: Option<crate::patron::PatronEmail>,
        now: DateTime<Utc>,
    ) -> Result<Appointment, NothingToRetry> {
        if self.delivery.failure.is_none() {
            return Err(NothingToRetry);
        }
        if let Some(email) = email {
            self.patron.customer.email = email;
        }
        self.delivery.failure = None;
        self.reschedule(now);
        if self.delivery.due.is_none() {
            return Err(NothingToRetry);
        }
        self.delivery.due = Some(now);
        Ok(self)
    }

    /// The appointment after one more failed attempt led to `outcome`: due again then, or
    /// given up (out of the queue, marked failed with the reason).
    pub fn after_failure(mut self, outcome: &DeliveryOutcome) -> Appointment {
        self.delivery.attempts += 1;
        match outcome {
            DeliveryOutcome::RetryAt(due) => self.delivery.due = Some(*due),
            DeliveryOutcome::GiveUp(reason) => {
                self.delivery.due = None;
                self.delivery.failure = Some(reason.clone());
            }
        }
        self
    }

    /// After a successful send (or a change by staff) at `now`: no failed attempt counts, and
    /// the next look is at once while messages are pending, else at the next timed mail.
    /// A delivery given up stays given up (the address does not work).
    pub fn reschedule(&mut self, now: DateTime<Utc>) {
        if self.delivery.failure.is_some() {
            return;
        }
        self.delivery.attempts = 0;
        self.delivery.due = if self.pending_mail.is_empty() {
            self.timed_due()
        } else {
            Some(now)
        };
    }

    /// The appointment with its video-call link set (or changed) by staff at `now`: the link
    /// mail due at once, with a higher `SEQUENCE`.
    pub fn with_link(mut self, url: String, now: DateTime<Utc>) -> Appointment {
        self.meeting.url = Some(url);
        self.meeting.version += 1;
        self.meeting.due = Some(now);
        self.delivery.due = self.delivery.due.map_or(Some(now), |d| Some(d.min(now)));
        if self.delivery.failure.is_none() {
            self.delivery.attempts = 0;
        }
        self
    }
}
