//! What the mail service says about a message after it went (SES's event publishing): a
//! permanent bounce (the address does not exist or refuses mail for good), a complaint (the
//! patron marked it as spam), a rejection, or a transient bounce or delay; and what rantevou
//! then remembers of the address (a [`Suppression`]) and does to the appointment.
//!
//! - A permanent bounce (or a rejection) marks the appointment's mail failed with a reason a
//!   librarian can read ([`BOUNCED`]), stops its other mail, and suppresses the address: no
//!   more mail goes there, and a booking with it is refused, until staff correct the address
//!   (the retry to a corrected address of the failed-mail list).
//! - A complaint suppresses the address for what the patron did not ask for: reminders and the
//!   waiting list's notices. The answers to the patron's own actions (a confirmation, a
//!   cancellation, a move) and the video-call link still go.
//! - A transient bounce or a delay is noted (the logs, a metric), and nothing is changed.

use crate::appointment::{Appointment, MailKind};
use crate::ids::AppointmentId;
use crate::ports::Audience;
use chrono::{DateTime, Utc};

/// The failure reason a permanent bounce leaves on an appointment's mail (then the mail
/// server's words): the staff console says "the address does not exist" for it.
pub const BOUNCED: &str = "bounced";
/// The failure reason of a message refused for an address already known not to work.
pub const SUPPRESSED: &str = "suppressed";

/// What happened to one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Feedback {
    /// The receiving server refused it for good (or SES refused to send it): `diagnostic` is
    /// the server's status and words ("5.1.1 smtp; 550 5.1.1 user unknown").
    Bounced {
        /// What the server said.
        diagnostic: String,
    },
    /// The recipient marked it as spam.
    Complained,
    /// A bounce that may pass (a full mailbox), or a delay: noted, nothing done.
    Delayed {
        /// What the server said.
        diagnostic: String,
    },
}

/// One event about a message rantevou sent, as the mail service tagged it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailFeedback {
    /// The appointment the message was about.
    pub appointment: AppointmentId,
    /// Which message.
    pub kind: Option<MailKind>,
    /// To the patron or to the provider's mailbox.
    pub audience: Audience,
    /// What happened.
    pub feedback: Feedback,
    /// When the mail service saw it.
    pub at: DateTime<Utc>,
}

/// What rantevou remembers of an address that does not want, or cannot take, mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Suppression {
    /// Mail to it bounced for good (`reason`: the server's words): nothing more is sent.
    Bounced {
        /// Since when.
        at: DateTime<Utc>,
        /// The server's words.
        reason: String,
    },
    /// Its owner complained: only what they ask for is sent.
    Complained {
        /// Since when.
        at: DateTime<Utc>,
    },
}

impl Suppression {
    /// Whether a message of `kind` must not go to the address.
    pub fn stops(&self, kind: MailKind) -> bool {
        match self {
            // The alert that a link is missing goes to the library, not to the address.
            _ if kind == MailKind::LinkMissing => false,
            Suppression::Bounced { .. } => true,
            // A complaint stops what the patron did not ask for: reminders, the thank-you.
            Suppression::Complained { .. } => {
                matches!(kind, MailKind::Reminder | MailKind::FollowUp)
            }
        }
    }

    /// Whether the address bounced.
    pub fn bounced(&self) -> bool {
        matches!(self, Suppression::Bounced { .. })
    }

    /// The stronger of two: a bounce outweighs a complaint.
    pub fn merge(self, other: Suppression) -> Suppression {
        match (&self, &other) {
            (Suppression::Complained { .. }, Suppression::Bounced { .. }) => other,
            _ => self,
        }
    }
}

impl Appointment {
    /// The appointment after its message `kind` to the patron bounced for good at `now`:
    /// given up with the reason `bounced: <the server's words>`, out of the queue, so nothing
    /// more goes to the address from it. The message that bounced is owed again, and what was
    /// still to send (pending, the link mail, reminders) is kept, for a retry to a corrected
    /// address.
    pub fn after_bounce(
        mut self,
        kind: Option<MailKind>,
        diagnostic: &str,
        now: DateTime<Utc>,
    ) -> Appointment {
        match kind {
            Some(MailKind::Link) => {
                self.meeting.due.get_or_insert(now);
            }
            // The provider's own mail, or a courtesy: nothing owed to the patron.
            Some(MailKind::Reminder | MailKind::LinkMissing | MailKind::FollowUp) | None => {}
            Some(kind) => {
                if !self.pending_mail.contains(&kind) {
                    self.pending_mail.push(kind);
                }
            }
        }
        self.after_failure(&crate::appointment::DeliveryOutcome::GiveUp(format!(
            "{BOUNCED}: {diagnostic}"
        )))
    }

    /// The appointment after its patron complained at `now`: no reminders and no thank-you any
    /// more (the rest is what the patron asked for).
    pub fn after_complaint(mut self, now: DateTime<Utc>) -> Appointment {
        self.reminders.clear();
        self.follow_up_due = None;
        self.reschedule(now);
        self
    }

    /// Whether its mail failed because the address does not exist (a permanent bounce, or
    /// an address known to bounce).
    pub fn bounced(&self) -> bool {
        self.delivery
            .failure
            .as_deref()
            .is_some_and(|f| f.starts_with(BOUNCED) || f.starts_with(SUPPRESSED))
    }
}
