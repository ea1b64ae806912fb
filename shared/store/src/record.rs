//! The stored shape of an appointment, shared by both adapters: flat, text and numbers only,
//! read back through the domain's parsers so that a malformed item is an error, not a panic.

use chrono::{DateTime, Utc};
use rantevou_domain::appointment::{
    Appointment, Attendance, Canceller, Consent, Delivery, MailKind, MeetingLink, PatronPlace,
    SentMail, StaffCopy, Status,
};
use rantevou_domain::feedback::Suppression;
use rantevou_domain::ids::{AppointmentId, ProviderId, ServiceId};
use rantevou_domain::patron::{
    Customer, FreeText, PatronDetails, PatronEmail, PatronName, PhoneNumber,
};
use rantevou_domain::ports::StoreError;
use rantevou_domain::question::{Answer, Answers};
use rantevou_domain::{Language, SlotLock, TokenHash};
use serde::{Deserialize, Serialize};

pub use crate::keys::{
    due_by, due_key, key_digest, place_free_before, place_value, request_fingerprint,
};

/// An appointment as both stores keep it (DynamoDB attributes, SQLite JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppointmentRecord {
    pub id: String,
    pub service: String,
    pub provider: String,
    /// RFC 3339, UTC.
    pub start: String,
    pub end: String,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub notes: String,
    /// The answers to the service's questions, by question id (absent: none).
    #[serde(default, skip_serializing_if = "Answers::is_empty")]
    pub answers: Answers,
    /// Booked from the waiting list's mail.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub from_waitlist: bool,
    /// The key of its anonymous outcome record, once written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome_key: Option<String>,
    pub language: String,
    /// The patron's own zone (IANA name), when the booking said one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patron_zone: Option<String>,
    pub created_at: String,
    /// `held`, `booked` or `cancelled`.
    pub status: String,
    /// When a hold lapses (RFC 3339, UTC), while held.
    #[serde(default)]
    pub held_until: Option<String>,
    pub cancelled_at: Option<String>,
    pub cancel_reason: Option<String>,
    /// `patron` or `staff`, once cancelled (absent: the patron, as before it was recorded).
    #[serde(default)]
    pub cancelled_by: Option<String>,
    /// Hex SHA-256 of the manage token.
    pub token_hash: String,
    /// Starts of the lock units held (RFC 3339, UTC).
    pub locks: Vec<String>,
    /// Unix seconds; DynamoDB's TTL attribute.
    pub expires_at: i64,
    /// The request to confirm a hold is still to send.
    #[serde(default)]
    pub confirm_request_pending: bool,
    /// The confirmation mail is still to send.
    #[serde(default)]
    pub confirmation_pending: bool,
    /// The cancellation mail is still to send.
    #[serde(default)]
    pub cancellation_pending: bool,
    /// The patron's key (a keyed digest of the normalised email, no address).
    #[serde(default)]
    pub patron_key: Option<String>,
    /// Which of the patron's places it holds.
    #[serde(default)]
    pub patron_place: Option<u32>,
    /// Failed delivery attempts of the pending mail.
    #[serde(default)]
    pub mail_attempts: u32,
    /// When the pending mail is next due (Unix seconds).
    #[serde(default)]
    pub mail_due: Option<i64>,
    /// Why its mail was given up.
    #[serde(default)]
    pub mail_failure: Option<String>,
    /// The video-call link, once known.
    #[serde(default)]
    pub meeting_url: Option<String>,
    /// How many times the link was set (the `.ics` `SEQUENCE` of the link mail).
    #[serde(default)]
    pub link_version: u32,
    /// When the link mail is due (Unix seconds), until sent.
    #[serde(default)]
    pub link_due: Option<i64>,
    /// When the reminders not yet sent are due (Unix seconds), the earliest first.
    #[serde(default)]
    pub reminders_due: Vec<i64>,
    /// The terms accepted at booking.
    #[serde(default)]
    pub terms_url: Option<String>,
    /// The privacy notice accepted at booking.
    #[serde(default)]
    pub privacy_url: Option<String>,
    /// When they were accepted (RFC 3339, UTC).
    #[serde(default)]
    pub consented_at: Option<String>,
    /// Where, when not on the booking page (an import from Easy!Appointments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_given_in: Option<String>,
    /// Raised by every write.
    #[serde(default)]
    pub version: u32,
    /// Whether the patron came, as staff marked it.
    #[serde(default)]
    pub attended: Option<bool>,
    /// When staff marked it (RFC 3339, UTC).
    #[serde(default)]
    pub attendance_at: Option<String>,
    /// The mail sent: `<kind>@<Unix seconds>`, oldest first.
    #[serde(default)]
    pub mail_log: Vec<String>,
    /// The "moved" mail is still to send.
    #[serde(default)]
    pub moved_pending: bool,
    /// The time it was moved from (RFC 3339, UTC).
    #[serde(default)]
    pub moved_from: Option<String>,
    /// How many times it was moved.
    #[serde(default)]
    pub moves: u32,
    /// When the provider's mailbox was last sent a copy of a move (RFC 3339, UTC).
    #[serde(default)]
    pub staff_told_at: Option<String>,
    /// The start the provider's mailbox last knew, while a folded copy is owed.
    #[serde(default)]
    pub staff_owed_from: Option<String>,
    /// When the thank-you after the consultation is due (Unix seconds), until sent.
    #[serde(default)]
    pub follow_up_due: Option<i64>,
}

impl AppointmentRecord {
    /// Whether any mail is still to send at once.
    pub fn mail_pending(&self) -> bool {
        self.confirm_request_pending
            || self.confirmation_pending
            || self.cancellation_pending
            || self.moved_pending
    }

    /// Whether it is in the mail queue (the sparse "next mail due" index): something to send
    /// now or later (a folded copy of moves owed to the provider's mailbox too), not given up.
    pub fn in_mail_queue(&self) -> bool {
        let timed = self.link_due.is_some()
            || !self.reminders_due.is_empty()
            || self.staff_owed_from.is_some()
            || self.follow_up_due.is_some();
        (self.mail_pending() || timed) && self.mail_failure.is_none() && self.mail_due.is_some()
    }
}

/// Refuses an update that would move what only the conditioned writes may move: the id, the
/// status (an anonymised cancellation's reason may be emptied), the token, the time, the
/// locks, the patron's place.
pub fn check_update(read: &Appointment, next: &Appointment) -> Result<(), StoreError> {
    let same = read.id == next.id
        && std::mem::discriminant(&read.status) == std::mem::discriminant(&next.status)
        && read.hold_until() == next.hold_until()
        && read.token_hash == next.token_hash
        && read.locks == next.locks
        // An anonymised appointment (started or cancelled: its place is free) drops the patron's key.
        && (read.patron_place == next.patron_place || next.patron_place.is_none())
        && read.start == next.start;
    if same {
        Ok(())
    } else {
        Err(StoreError::Corrupt(
            "an update may not change the status, the token, the time or the locks".into(),
        ))
    }
}

/// Status text of a held appointment.
pub const HELD: &str = "held";
/// Status text of a booked appointment.
pub const BOOKED: &str = "booked";
/// Status text of a cancelled appointment.
pub const CANCELLED: &str = "cancelled";

/// An instant as the stores write it: RFC 3339 in UTC, whole seconds, so that text order is
/// time order (lock sort keys rely on it).
pub fn instant_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn parse_instant(field: &str, s: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| corrupt(field))
}

fn unix(field: &str, t: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp(t, 0).ok_or_else(|| corrupt(field))
}

fn corrupt(field: &str) -> StoreError {
    StoreError::Corrupt(format!("appointment field {field}"))
}

impl From<&Appointment> for AppointmentRecord {
    fn from(a: &Appointment) -> Self {
        let (status, cancelled_at, cancel_reason, cancelled_by) = match &a.status {
            Status::Held { .. } => (HELD, None, None, None),
            Status::Booked => (BOOKED, None, None, None),
            Status::Cancelled { at, reason, by } => (
                CANCELLED,
                Some(instant_text(*at)),
                Some(reason.as_str().to_owned()),
                Some(by.name().to_owned()),
            ),
        };
        AppointmentRecord {
            id: a.id.to_string(),
            service: a.service.to_string(),
            provider: a.provider.to_string(),
            start: instant_text(a.start),
            end: instant_text(a.end),
            name: a.patron.customer.name.to_string(),
            email: a.patron.customer.email.to_string(),
            phone: a.patron.customer.phone.as_ref().map(ToString::to_string),
            notes: a.patron.notes.to_string(),
            answers: a.answers.clone(),
            from_waitlist: a.from_waitlist,
            outcome_key: a.outcome_key.clone(),
            language: a.patron.language.code().to_owned(),
            patron_zone: a.patron.zone.map(|z| z.name().to_owned()),
            created_at: instant_text(a.created_at),
            status: status.to_owned(),
            held_until: a.hold_until().map(instant_text),
            cancelled_at,
            cancel_reason,
            cancelled_by,
            token_hash: a.token_hash.to_hex(),
            locks: a.locks.iter().map(|l| instant_text(l.start)).collect(),
            expires_at: a.expires_at.timestamp(),
            confirm_request_pending: a.mail_pending(MailKind::ConfirmRequest),
            confirmation_pending: a.mail_pending(MailKind::Confirmation),
            cancellation_pending: a.mail_pending(MailKind::Cancellation),
            patron_key: a
                .patron_key
                .clone()
                .or_else(|| a.patron_place.as_ref().map(|p| p.key.clone())),
            patron_place: a.patron_place.as_ref().map(|p| p.index),
            mail_attempts: a.delivery.attempts,
            mail_due: a.delivery.due.map(|t| t.timestamp()),
            mail_failure: a.delivery.failure.clone(),
            meeting_url: a.meeting.url.clone(),
            link_version: a.meeting.version,
            link_due: a.meeting.due.map(|t| t.timestamp()),
            reminders_due: a.reminders.iter().map(DateTime::timestamp).collect(),
            terms_url: a.consent.as_ref().map(|c| c.terms_url.clone()),
            privacy_url: a.consent.as_ref().map(|c| c.privacy_url.clone()),
            consented_at: a.consent.as_ref().map(|c| instant_text(c.at)),
            consent_given_in: a.consent.as_ref().and_then(|c| c.given_in.clone()),
            version: a.version,
            attended: a.attendance.map(|m| m.attended),
            attendance_at: a.attendance.map(|m| instant_text(m.at)),
            mail_log: a
                .mail_log
                .iter()
                .map(|m| format!("{}@{}", m.kind.name(), m.at.timestamp()))
                .collect(),
            moved_pending: a.mail_pending(MailKind::Moved),
            moved_from: a.moved_from.map(instant_text),
            moves: a.moves,
            staff_told_at: a.staff_copy.told_at.map(instant_text),
            staff_owed_from: a.staff_copy.owed_from.map(instant_text),
            follow_up_due: a.follow_up_due.map(|t| t.timestamp()),
        }
    }
}

impl TryFrom<AppointmentRecord> for Appointment {
    type Error = StoreError;

    fn try_from(r: AppointmentRecord) -> Result<Self, StoreError> {
        let provider = ProviderId::parse(&r.provider).ok_or_else(|| corrupt("provider"))?;
        let status = match (r.status.as_str(), &r.cancelled_at, &r.cancel_reason) {
            (HELD, _, _) => Status::Held {
                until: parse_instant(
                    "held_until",
                    r.held_until
                        .as_deref()
                        .ok_or_else(|| corrupt("held_until"))?,
                )?,
            },
            (BOOKED, _, _) => Status::Booked,
            (CANCELLED, Some(at), reason) => Status::Cancelled {
                at: parse_instant("cancelled_at", at)?,
                reason: FreeText::parse(reason.as_deref().unwrap_or(""))
                    .map_err(|_| corrupt("cancel_reason"))?,
                by: match r.cancelled_by.as_deref() {
                    None => Canceller::Patron,
                    Some(name) => Canceller::parse(name).ok_or_else(|| corrupt("cancelled_by"))?,
                },
            },
            _ => return Err(corrupt("status")),
        };
        let locks = r
            .locks
            .iter()
            .map(|s| {
                Ok(SlotLock {
                    provider: provider.clone(),
                    start: parse_instant("locks", s)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Appointment {
            id: r.id.parse::<AppointmentId>().map_err(|_| corrupt("id"))?,
            service: ServiceId::parse(&r.service).ok_or_else(|| corrupt("service"))?,
            provider,
            start: parse_instant("start", &r.start)?,
            end: parse_instant("end", &r.end)?,
            patron: PatronDetails {
                customer: Customer {
                    name: PatronName::parse(&r.name).map_err(|_| corrupt("name"))?,
                    email: PatronEmail::parse(&r.email).map_err(|_| corrupt("email"))?,
                    phone: match &r.phone {
                        Some(p) => Some(PhoneNumber::parse(p).map_err(|_| corrupt("phone"))?),
                        None => None,
                    },
                },
                notes: FreeText::parse(&r.notes).map_err(|_| corrupt("notes"))?,
                language: r
                    .language
                    .parse::<Language>()
                    .map_err(|_| corrupt("language"))?,
                zone: match &r.patron_zone {
                    Some(z) => Some(
                        z.parse::<chrono_tz::Tz>()
                            .map_err(|_| corrupt("patron_zone"))?,
                    ),
                    None => None,
                },
            },
            answers: checked_answers(r.answers)?,
            from_waitlist: r.from_waitlist,
            outcome_key: match r.outcome_key {
                Some(k) if k.len() == 32 && k.bytes().all(|b| b.is_ascii_hexdigit()) => Some(k),
                Some(_) => return Err(corrupt("outcome_key")),
                None => None,
            },
            created_at: parse_instant("created_at", &r.created_at)?,
            status,
            token_hash: TokenHash::from_hex(&r.token_hash).ok_or_else(|| corrupt("token_hash"))?,
            locks,
            expires_at: DateTime::from_timestamp(r.expires_at, 0)
                .ok_or_else(|| corrupt("expires_at"))?,
            pending_mail: [
                (r.confirm_request_pending, MailKind::ConfirmRequest),
                (r.confirmation_pending, MailKind::Confirmation),
                (r.cancellation_pending, MailKind::Cancellation),
                (r.moved_pending, MailKind::Moved),
            ]
            .into_iter()
            .filter_map(|(pending, kind)| pending.then_some(kind))
            .collect(),
            patron_key: r.patron_key.clone(),
            patron_place: match (r.patron_key, r.patron_place) {
                (Some(key), Some(index)) => Some(PatronPlace { key, index }),
                _ => None,
            },
            delivery: Delivery {
                attempts: r.mail_attempts,
                due: r.mail_due.map(|t| unix("mail_due", t)).transpose()?,
                failure: r.mail_failure,
            },
            meeting: MeetingLink {
                url: r.meeting_url,
                version: r.link_version,
                due: r.link_due.map(|t| unix("link_due", t)).transpose()?,
            },
            reminders: r
                .reminders_due
                .iter()
                .map(|t| unix("reminders_due", *t))
                .collect::<Result<_, _>>()?,
            consent: match (r.terms_url, r.privacy_url, r.consented_at) {
                (Some(terms_url), Some(privacy_url), Some(at)) => Some(Consent {
                    terms_url,
                    privacy_url,
                    at: parse_instant("consented_at", &at)?,
                    given_in: r.consent_given_in,
                }),
                _ => None,
            },
            version: r.version,
            attendance: match (r.attended, r.attendance_at) {
                (Some(attended), Some(at)) => Some(Attendance {
                    attended,
                    at: parse_instant("attendance_at", &at)?,
                }),
                _ => None,
            },
            mail_log: r
                .mail_log
                .iter()
                .map(|entry| {
                    let (kind, at) = entry.split_once('@').ok_or_else(|| corrupt("mail_log"))?;
                    Ok(SentMail {
                        kind: MailKind::named(kind).ok_or_else(|| corrupt("mail_log"))?,
                        at: unix("mail_log", at.parse().map_err(|_| corrupt("mail_log"))?)?,
                    })
                })
                .collect::<Result<_, StoreError>>()?,
            moved_from: r
                .moved_from
                .as_deref()
                .map(|t| parse_instant("moved_from", t))
                .transpose()?,
            moves: r.moves,
            staff_copy: StaffCopy {
                told_at: r
                    .staff_told_at
                    .as_deref()
                    .map(|t| parse_instant("staff_told_at", t))
                    .transpose()?,
                owed_from: r
                    .staff_owed_from
                    .as_deref()
                    .map(|t| parse_instant("staff_owed_from", t))
                    .transpose()?,
            },
            follow_up_due: r
                .follow_up_due
                .map(|t| unix("follow_up_due", t))
                .transpose()?,
        })
    }
}

/// Stored answers read back: question ids are ids, texts are texts that could have been sent
/// (the configuration that asked them may have changed since, so option ids are not checked).
fn checked_answers(answers: Answers) -> Result<Answers, StoreError> {
    let text_ok = |t: &str| FreeText::parse(t).is_ok_and(|f| f.as_str() == t);
    for (id, answer) in &answers {
        let ok = rantevou_domain::ids::is_valid_id(id)
            && match answer {
                Answer::Flag(_) => true,
                Answer::One(t) => text_ok(t),
                Answer::Many(ids) => ids.iter().all(|t| text_ok(t)),
            };
        if !ok {
            return Err(StoreError::Corrupt("answers".into()));
        }
    }
    Ok(answers)
}

/// A suppression as both stores keep it: its state (`bounced`, `complained`), when (RFC
/// 3339), and a bounce's reason.
pub fn suppression_parts(s: &Suppression) -> (&'static str, String, Option<&str>) {
    match s {
        Suppression::Bounced { at, reason } => ("bounced", instant_text(*at), Some(reason)),
        Suppression::Complained { at } => ("complained", instant_text(*at), None),
    }
}

/// A suppression read back from its parts.
pub fn suppression_from(
    state: &str,
    at: &str,
    reason: Option<&str>,
) -> Result<Suppression, StoreError> {
    let at = parse_instant("suppression", at)?;
    match state {
        "bounced" => Ok(Suppression::Bounced {
            at,
            reason: reason.unwrap_or_default().to_owned(),
        }),
        "complained" => Ok(Suppression::Complained { at }),
        other => Err(StoreError::Corrupt(format!("suppression state {other:?}"))),
    }
}
