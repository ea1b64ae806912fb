//! The appointment and its lifecycle: `booked → cancelled`, or, when the library asks patrons
//! to confirm from the mail (`policy.hold_minutes`), `held → booked → cancelled`, a hold lapsing
//! by itself at its end.

use crate::availability::OfferedSlot;
use crate::ids::{AppointmentId, ProviderId, ServiceId};
use crate::patron::{FreeText, PatronDetails};
use crate::policy::Policy;
use crate::question::Answers;
use crate::slot_lock::SlotLock;
use crate::token::{ManageKeys, ManageToken, TokenHash};
use chrono::{DateTime, Utc};
use rand::{CryptoRng, RngCore};

mod mail;
mod moving;

pub use mail::{
    Delivery, DeliveryOutcome, MailKind, MeetingLink, NothingToRetry, SentMail, GAVE_UP_RETRYING,
    LINK_ALERT_AGAIN_BEFORE, MAIL_LOG_LENGTH, MAX_DELIVERY_ATTEMPTS,
};
pub use moving::NotMovable;

/// Where an appointment is in its life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Holds its slot until the patron confirms from the mail, at most until `until`; then it
    /// lapses by itself (the store treats its locks and place as free from that instant).
    Held {
        /// When the hold lapses.
        until: DateTime<Utc>,
    },
    /// Holds its slot.
    Booked,
    /// Cancelled; its slot is free again.
    Cancelled {
        /// When it was cancelled.
        at: DateTime<Utc>,
        /// Why, as written (may be empty).
        reason: FreeText,
        /// Who cancelled it.
        by: Canceller,
    },
}

/// Who cancelled an appointment: the patron's mail apologises when it was the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Canceller {
    /// The patron, from the appointment's page.
    #[default]
    Patron,
    /// The library's staff, from the console or the command line.
    Staff,
}

impl Canceller {
    /// Its name in stored records: `patron` or `staff`.
    pub fn name(self) -> &'static str {
        match self {
            Canceller::Patron => "patron",
            Canceller::Staff => "staff",
        }
    }

    /// The canceller named `name` (see [`Canceller::name`]).
    pub fn parse(name: &str) -> Option<Canceller> {
        match name {
            "patron" => Some(Canceller::Patron),
            "staff" => Some(Canceller::Staff),
            _ => None,
        }
    }
}

/// What the patron accepted when booking: the library's terms and privacy notice, by URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    /// The terms of use accepted.
    pub terms_url: String,
    /// The privacy notice accepted.
    pub privacy_url: String,
    /// When (the booking's time).
    pub at: DateTime<Utc>,
    /// Where it was given, when not on this service's booking page: `"Easy!Appointments"` for
    /// an appointment brought over from there (`at` is then the time it was booked there).
    pub given_in: Option<String>,
}

/// A booked (or once booked) consultation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appointment {
    /// UUID v7 id.
    pub id: AppointmentId,
    /// The service booked.
    pub service: ServiceId,
    /// The provider holding it.
    pub provider: ProviderId,
    /// Start.
    pub start: DateTime<Utc>,
    /// End (buffer excluded).
    pub end: DateTime<Utc>,
    /// Who booked, the topic and the language.
    pub patron: PatronDetails,
    /// The patron's answers to the service's questions (erased with the patron's details).
    pub answers: Answers,
    /// Whether it was booked from the waiting list's mail (for the statistics).
    pub from_waitlist: bool,
    /// The key of its anonymous outcome record, once one was written (a random key: the
    /// record itself names no appointment, and nothing links the two once this is gone).
    pub outcome_key: Option<String>,
    /// When it was booked.
    pub created_at: DateTime<Utc>,
    /// Held, booked or cancelled.
    pub status: Status,
    /// Hash of the manage token; the token itself is only in the patron's link.
    pub token_hash: TokenHash,
    /// The lock units it holds while booked.
    pub locks: Vec<SlotLock>,
    /// When its personal data is deleted: end + retention.
    pub expires_at: DateTime<Utc>,
    /// Mail not yet sent. Recorded with the booking (and the cancellation) in the same write,
    /// so a failed or interrupted send is never lost: the retry path sends what is listed here.
    pub pending_mail: Vec<MailKind>,
    /// Its patron's key: a keyed digest of the normalised email (no address), by which the
    /// store finds a patron's appointments (the resend of links). Set by the booking.
    pub patron_key: Option<String>,
    /// The place it takes among its patron's active appointments (set by the store when it is
    /// booked under a per-patron limit); a cancellation gives the place back.
    pub patron_place: Option<PatronPlace>,
    /// The delivery of its mail: attempts made, when the next (pending or timed) is due, or
    /// why it was given up.
    pub delivery: Delivery,
    /// The video-call link and its mail.
    pub meeting: MeetingLink,
    /// When the reminders not yet sent are due, the earliest first.
    pub reminders: Vec<DateTime<Utc>>,
    /// The consent given at booking (`None` for appointments stored before it was recorded).
    pub consent: Option<Consent>,
    /// Raised by every write: a conditional update applies only to the version it read.
    pub version: u32,
    /// Whether the patron came, as staff marked it.
    pub attendance: Option<Attendance>,
    /// The mail sent, oldest first (the last [`MAIL_LOG_LENGTH`]).
    pub mail_log: Vec<SentMail>,
    /// The time it was moved from, as the patron last knew it (for the "moved" mail).
    pub moved_from: Option<DateTime<Utc>>,
    /// How many times the patron moved it (part of the `.ics` `SEQUENCE`).
    pub moves: u32,
    /// Where the provider's mailbox stands on its moves (repeated moves are told once an hour).
    pub staff_copy: StaffCopy,
    /// When the thank-you after the consultation is due (set when staff mark it attended and
    /// its service has a `follow_up`; cleared once sent or when marked a no-show).
    pub follow_up_due: Option<DateTime<Utc>>,
}

/// The provider's copies of an appointment's moves and cancellation: one within
/// [`STAFF_COPY_FOLD`] of the last copy is not copied at once; one copy then tells where it
/// went from the time the mailbox last knew (or that it was cancelled), when the hour is up.
/// So the mailbox gets at most one copy per appointment an hour, whatever a patron does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StaffCopy {
    /// When the provider's mailbox was last sent a copy (of the booking, a move or the
    /// cancellation).
    pub told_at: Option<DateTime<Utc>>,
    /// The start the mailbox last knew, while a folded copy is owed (`None`: nothing owed).
    pub owed_from: Option<DateTime<Utc>>,
}

/// How long after a copy of a move to the provider's mailbox the next moves are folded into
/// one copy.
pub const STAFF_COPY_FOLD: chrono::Duration = chrono::Duration::hours(1);

/// Whether the patron came to a booked appointment, as staff marked it once it started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attendance {
    /// Came (`false`: did not show up).
    pub attended: bool,
    /// When staff marked it.
    pub at: DateTime<Utc>,
}

/// Why attendance cannot be marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotMarkable {
    /// It has not started yet.
    #[error("it has not started yet")]
    NotStarted,
    /// It was cancelled, or is an unconfirmed hold.
    #[error("it is not booked")]
    NotBooked,
}

/// A patron's limit, as a booking asks the store to keep it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatronLimit {
    /// The patron's key: a keyed digest of the normalised email (no address in the store).
    pub key: String,
    /// How many active appointments the patron may hold (at least 1).
    pub max: u32,
    /// Until when the store must remember the patron's places (past every appointment the
    /// booking horizon allows); then it may forget them.
    pub keep_until: DateTime<Utc>,
}

/// One of a patron's places: the `index`-th of at most `max`, held by an appointment until it
/// starts (or is cancelled).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatronPlace {
    /// The patron's key.
    pub key: String,
    /// Which place, from 0.
    pub index: u32,
}

/// What a booking needs that the patron chose.
#[derive(Debug, Clone)]
pub struct BookingRequest<'a> {
    /// A start the rules allow, with its locks (see [`crate::availability::check_slot`]).
    pub slot: OfferedSlot<'a>,
    /// The patron's parsed details.
    pub patron: PatronDetails,
    /// The terms and privacy notice the patron accepted.
    pub consent: Consent,
    /// The answers to the service's questions, checked (see [`crate::question::parse_answers`]).
    pub answers: Answers,
    /// Whether the patron came from the waiting list's mail.
    pub from_waitlist: bool,
}

impl Appointment {
    /// A new appointment and the manage token for the patron's link, derived from its id under
    /// the current key (so every later mail can carry the same link). Booked at once, with its
    /// confirmation due; or, when the policy holds bookings, held for `hold_minutes` (never past
    /// its start) with the request to confirm due.
    pub fn book<R: RngCore + CryptoRng>(
        request: BookingRequest<'_>,
        keys: &ManageKeys,
        policy: &Policy,
        now: DateTime<Utc>,
        rng: &mut R,
    ) -> (Appointment, ManageToken) {
        let id = AppointmentId::generate(now, rng);
        let token = keys.token(&id);
        let slot = request.slot;
        let end = slot.start + slot.service.duration();
        let url = slot.provider.meeting.link_for(rng);
        // The link mail's moment, with a link or without one yet (staff send it; until they
        // do, the provider's mailbox is told at that moment that it is missing).
        let meeting = MeetingLink {
            version: u32::from(url.is_some()),
            due: Some((slot.start - policy.send_link_before()).max(now)),
            url,
        };
        let reminders = reminders_for(policy, slot.start, now);
        let (status, mail) = if policy.hold_minutes > 0 {
            let until = (now + policy.hold()).min(slot.start);
            (Status::Held { until }, MailKind::ConfirmRequest)
        } else {
            (Status::Booked, MailKind::Confirmation)
        };
        let appointment = Appointment {
            id,
            service: slot.service.id.clone(),
            provider: slot.provider.id.clone(),
            start: slot.start,
            end,
            patron: request.patron,
            answers: request.answers,
            from_waitlist: request.from_waitlist,
            outcome_key: None,
            created_at: now,
            status,
            token_hash: token.hash(),
            locks: slot.locks,
            expires_at: end + policy.retention(),
            pending_mail: vec![mail],
            patron_key: None,
            patron_place: None,
            delivery: Delivery::due_at(now),
            meeting,
            reminders,
            consent: Some(request.consent),
            version: 0,
            attendance: None,
            mail_log: Vec::new(),
            moved_from: None,
            moves: 0,
            staff_copy: StaffCopy::default(),
            follow_up_due: None,
        };
        (appointment, token)
    }

    /// Whether it is booked (confirmed, not cancelled).
    pub fn is_booked(&self) -> bool {
        self.status == Status::Booked
    }

    /// Whether it was cancelled (by the patron or staff).
    pub fn is_cancelled(&self) -> bool {
        matches!(self.status, Status::Cancelled { .. })
    }

    /// Who cancelled it, once cancelled.
    pub fn canceller(&self) -> Option<Canceller> {
        match self.status {
            Status::Cancelled { by, .. } => Some(by),
            _ => None,
        }
    }

    /// When its hold lapses, while it is held (confirmed or not, at any time).
    pub fn hold_until(&self) -> Option<DateTime<Utc>> {
        match self.status {
            Status::Held { until } => Some(until),
            _ => None,
        }
    }

    /// Whether it is an unconfirmed hold that has lapsed at `now` (its time is free again).
    pub fn is_lapsed(&self, now: DateTime<Utc>) -> bool {
        self.hold_until().is_some_and(|until| now >= until)
    }

    /// Until when it counts among its patron's active appointments: its start, or its hold's
    /// end while held (whichever comes first). The stores keep this instant in the place.
    pub fn active_until(&self) -> DateTime<Utc> {
        self.hold_until()
            .map_or(self.start, |until| until.min(self.start))
    }

    /// Decides whether the patron may confirm the hold at `now`.
    pub fn may_confirm(&self, now: DateTime<Utc>) -> Result<ConfirmDecision, NotConfirmable> {
        match self.status {
            Status::Booked => Ok(ConfirmDecision::AlreadyConfirmed),
            Status::Held { until } if now < until => Ok(ConfirmDecision::Confirm),
            Status::Held { .. } => Err(NotConfirmable::Lapsed),
            Status::Cancelled { .. } => Err(NotConfirmable::Cancelled),
        }
    }

    /// The appointment after its hold is confirmed at `at`: booked, the request to confirm no
    /// longer pending, the confirmation due at once.
    pub fn confirmed(mut self, at: DateTime<Utc>) -> Appointment {
        self.status = Status::Booked;
        self.pending_mail.retain(|k| *k != MailKind::ConfirmRequest);
        if !self.pending_mail.contains(&MailKind::Confirmation) {
            self.pending_mail.push(MailKind::Confirmation);
        }
        self.delivery = Delivery::due_at(at);
        self
    }

    /// Whether the personal data has passed its retention date (the store hides it then, even
    /// before DynamoDB's TTL sweeper deletes it).
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        now >= self.expires_at
    }

    /// Decides whether the patron may cancel at `now`. Cancelling twice is harmless: an
    /// appointment already cancelled answers [`CancelDecision::AlreadyCancelled`].
    pub fn may_cancel(
        &self,
        policy: &Policy,
        now: DateTime<Utc>,
    ) -> Result<CancelDecision, TooLate> {
        match self.status {
            Status::Cancelled { .. } => Ok(CancelDecision::AlreadyCancelled),
            Status::Held { .. } if self.is_lapsed(now) => Ok(CancelDecision::Lapsed),
            _ if now >= self.start - policy.cancel_cutoff() => Err(TooLate {
                cutoff_minutes: policy.cancel_cutoff_minutes,
            }),
            Status::Booked | Status::Held { .. } => Ok(CancelDecision::Cancel),
        }
    }

    /// The appointment after cancellation at `at` for `reason` (its locks are released; the
    /// cancellation mail is due at once; no link mail or reminder any more). A hold never
    /// confirmed gets no cancellation mail (its address was never verified) and its request to
    /// confirm is no longer sent.
    pub fn cancelled(self, at: DateTime<Utc>, reason: FreeText) -> Appointment {
        self.cancelled_by(at, reason, Canceller::Patron)
    }

    /// [`Appointment::cancelled`], by `by`.
    pub fn cancelled_by(
        mut self,
        at: DateTime<Utc>,
        reason: FreeText,
        by: Canceller,
    ) -> Appointment {
        let was_held = self.hold_until().is_some();
        self.status = Status::Cancelled { at, reason, by };
        self.meeting.due = None;
        self.reminders.clear();
        // Cancelled before the request to confirm or the news of a move went: the
        // cancellation says it all.
        self.pending_mail
            .retain(|k| !matches!(k, MailKind::ConfirmRequest | MailKind::Moved));
        if was_held {
            if self.pending_mail.is_empty() {
                self.delivery = Delivery::default();
            }
            return self;
        }
        if !self.pending_mail.contains(&MailKind::Cancellation) {
            self.pending_mail.push(MailKind::Cancellation);
        }
        self.delivery = Delivery::due_at(at);
        self
    }
}

impl Appointment {
    /// The appointment with its attendance marked by staff at `now` (once it started; marking
    /// again changes the mark).
    ///
    /// With `follow_up` (the service's [`FollowUp`](crate::service::FollowUp)), marked attended
    /// it gets the thank-you, due `after` the end (at once when marked later than that), once:
    /// not again after it went, and not at all once marked a no-show.
    pub fn marked(
        mut self,
        attended: bool,
        now: DateTime<Utc>,
        follow_up: Option<&crate::service::FollowUp>,
    ) -> Result<Appointment, NotMarkable> {
        if !self.is_booked() {
            return Err(NotMarkable::NotBooked);
        }
        if now < self.start {
            return Err(NotMarkable::NotStarted);
        }
        self.attendance = Some(Attendance { attended, at: now });
        let sent = self.mail_log.iter().any(|m| m.kind == MailKind::FollowUp);
        let due = match follow_up {
            Some(f) if attended && !sent => Some((self.end + f.after()).max(now)),
            _ => None,
        };
        if due != self.follow_up_due {
            self.follow_up_due = due;
            self.reschedule(now);
        }
        Ok(self)
    }
}

/// When the reminders of an appointment starting at `start` are due, the earliest first: those
/// still ahead at `now`.
pub(crate) fn reminders_for(
    policy: &Policy,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Vec<DateTime<Utc>> {
    let mut reminders: Vec<DateTime<Utc>> = policy
        .reminders_before_minutes
        .iter()
        .map(|m| start - chrono::Duration::minutes(i64::from(*m)))
        .filter(|t| *t > now)
        .collect();
    reminders.sort_unstable();
    reminders
}

/// What cancelling at a given moment would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelDecision {
    /// Go ahead: change the status and free the locks.
    Cancel,
    /// Nothing to do; answer as if it had just been cancelled, and send no second mail.
    AlreadyCancelled,
    /// An unconfirmed hold that lapsed: nothing holds its time any more.
    Lapsed,
}

/// What confirming a hold at a given moment would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmDecision {
    /// Go ahead: book it and send the confirmation.
    Confirm,
    /// Confirmed before: answer as then, and send no second mail.
    AlreadyConfirmed,
}

/// Why a hold cannot be confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotConfirmable {
    /// Its time ran out; the time may be someone else's now.
    #[error("the hold has lapsed")]
    Lapsed,
    /// It was cancelled.
    #[error("the appointment was cancelled")]
    Cancelled,
}

/// Why an appointment cannot be cancelled: past the cancellation cutoff (or started).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("appointments can be cancelled until {cutoff_minutes} minutes before they start")]
pub struct TooLate {
    /// The policy's cutoff.
    pub cutoff_minutes: u32,
}
