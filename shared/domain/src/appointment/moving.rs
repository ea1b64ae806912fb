//! Moving a booked appointment to another time: allowed until the cancellation cutoff of the
//! time it has; the new time is one the rules offer (checked by the caller, which gives its
//! [`OfferedSlot`]). The store then swaps the locks in one conditioned write.

use super::{reminders_for, Appointment, Delivery, MailKind};
use crate::availability::OfferedSlot;
use crate::policy::Policy;
use chrono::{DateTime, Utc};

/// Why an appointment cannot be moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotMovable {
    /// Cancelled, or a hold not confirmed yet.
    #[error("it is not booked")]
    NotBooked,
    /// Its time is past the cancellation cutoff (or has started): too late to give it up.
    #[error("appointments can be moved until {cutoff_minutes} minutes before they start")]
    TooLate {
        /// The policy's cutoff.
        cutoff_minutes: u32,
    },
}

impl Appointment {
    /// Whether the patron may move it at `now`: booked, and its time still before the
    /// cancellation cutoff (giving a time up is a cancellation of it).
    pub fn may_move(&self, policy: &Policy, now: DateTime<Utc>) -> Result<(), NotMovable> {
        if !self.is_booked() {
            return Err(NotMovable::NotBooked);
        }
        if now >= self.start - policy.cancel_cutoff() {
            return Err(NotMovable::TooLate {
                cutoff_minutes: policy.cancel_cutoff_minutes,
            });
        }
        Ok(())
    }

    /// The appointment moved at `now` to `slot` (a time the rules offer, of its own provider):
    /// its time, locks and retention follow the new start; so do the link mail (when a link is
    /// known) and the reminders; attendance is forgotten. The "moved" mail is due at once with
    /// the time the patron last knew, unless the confirmation has not gone yet (it will carry
    /// the new time).
    pub fn moved(mut self, slot: OfferedSlot<'_>, policy: &Policy, now: DateTime<Utc>) -> Self {
        let from = self.start;
        self.provider = slot.provider.id.clone();
        self.start = slot.start;
        self.end = slot.start + slot.service.duration();
        self.locks = slot.locks;
        self.expires_at = self.end + policy.retention();
        self.moves += 1;
        self.attendance = None;
        // The link mail (or, without a link yet, the alert that it is missing) follows the
        // new time.
        self.meeting.due = Some((self.start - policy.send_link_before()).max(now));
        self.reminders = reminders_for(policy, self.start, now);
        let untold =
            self.mail_pending(MailKind::Confirmation) || self.mail_pending(MailKind::Moved);
        if !untold {
            self.moved_from = Some(from);
            self.pending_mail.push(MailKind::Moved);
        }
        if self.delivery.failure.is_none() {
            self.delivery = Delivery::due_at(now);
        }
        self
    }
}
