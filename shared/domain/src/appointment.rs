//! The appointment and its lifecycle: `booked → cancelled`, or, when the library asks patrons
//! to confirm from the mail (`policy.hold_minutes`), `held → booked → cancelled`, a hold lapsing
//! by itself at its end.

use crate::availability::OfferedSlot;
use crate::ids::{AppointmentId, ProviderId, ServiceId};
use crate::patron::{FreeText, PatronDetails};
use crate::policy::Policy;
use crate::slot_lock::SlotLock;
use crate::token::{ManageKeys, ManageToken, TokenHash};
use chrono::{DateTime, Utc};
use rand::{CryptoRng, RngCore};

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
    /// Cancelled by the patron; its slot is free again.
    Cancelled {
        /// When it was cancelled.
        at: DateTime<Utc>,
        /// Why, as the patron wrote it (may be empty).
        reason: FreeText,
    },
}

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
}

impl MailKind {
    /// The kinds sent at once after a change (the rest are timed).
    pub const IMMEDIATE: [MailKind; 3] = [
        MailKind::ConfirmRequest,
        MailKind::Confirmation,
        MailKind::Cancellation,
    ];
}

/// The video-call link of an appointment and where its mail stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MeetingLink {
    /// The link, once known (at booking for a fixed room or Jitsi; from staff otherwise).
    pub url: Option<String>,
    /// Raised each time the link is set or changed: the `SEQUENCE` of the `.ics` the link mail
    /// carries (the confirmation's is 0).
    pub version: u32,
    /// When the link mail is due (`None`: sent, or no link yet).
    pub due: Option<DateTime<Utc>>,
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
                DeliveryOutcome::GiveUp(format!("still failing after {attempts} attempts"))
            }
            None => {
                let minutes = (1i64 << (attempts - 1).min(7)).min(120);
                DeliveryOutcome::RetryAt(now + chrono::Duration::minutes(minutes))
            }
        }
    }
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
        let meeting = MeetingLink {
            version: u32::from(url.is_some()),
            due: url
                .is_some()
                .then(|| (slot.start - policy.send_link_before()).max(now)),
            url,
        };
        let mut reminders: Vec<DateTime<Utc>> = policy
            .reminders_before_minutes
            .iter()
            .map(|m| slot.start - chrono::Duration::minutes(i64::from(*m)))
            .filter(|t| *t > now)
            .collect();
        reminders.sort_unstable();
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
        };
        (appointment, token)
    }

    /// Whether it is booked (confirmed, not cancelled).
    pub fn is_booked(&self) -> bool {
        self.status == Status::Booked
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
    pub fn cancelled(mut self, at: DateTime<Utc>, reason: FreeText) -> Appointment {
        let was_held = self.hold_until().is_some();
        self.status = Status::Cancelled { at, reason };
        self.meeting.due = None;
        self.reminders.clear();
        self.pending_mail.retain(|k| *k != MailKind::ConfirmRequest);
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

    /// Whether `kind` is still to be sent.
    pub fn mail_pending(&self, kind: MailKind) -> bool {
        self.pending_mail.contains(&kind)
    }

    /// When its next timed mail (the link, a reminder) is due: never once cancelled; while
    /// held, not before the hold ends (by then it is booked, or lapsed and nothing is sent).
    pub fn timed_due(&self) -> Option<DateTime<Utc>> {
        if matches!(self.status, Status::Cancelled { .. }) {
            return None;
        }
        let next = [self.meeting.due, self.reminders.first().copied()]
            .into_iter()
            .flatten()
            .min()?;
        Some(self.hold_until().map_or(next, |until| next.max(until)))
    }

    /// The messages due at `now`, in the order to send them: the pending ones, then the link
    /// mail, then a reminder. Timed mail is only for a booked appointment; a cancelled one, or
    /// a hold that lapsed, has none (see [`Appointment::drop_stale_timed`]).
    pub fn mail_due_at(&self, now: DateTime<Utc>) -> Vec<MailKind> {
        let mut due = self.pending_mail.clone();
        if self.is_booked() {
            if self.meeting.url.is_some() && self.meeting.due.is_some_and(|t| t <= now) {
                due.push(MailKind::Link);
            }
            if self.reminders.first().is_some_and(|t| *t <= now) {
                due.push(MailKind::Reminder);
            }
        }
        due
    }

    /// Forgets the timed mail of an appointment that will never be met (cancelled, or a hold
    /// that lapsed at `now`); `true` if there was any.
    pub fn drop_stale_timed(&mut self, now: DateTime<Utc>) -> bool {
        let stale = matches!(self.status, Status::Cancelled { .. }) || self.is_lapsed(now);
        let had = self.meeting.due.is_some() || !self.reminders.is_empty();
        if stale && had {
            self.meeting.due = None;
            self.reminders.clear();
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
            _ => self.pending_mail.retain(|k| *k != kind),
        }
        self.reschedule(now);
        self
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
