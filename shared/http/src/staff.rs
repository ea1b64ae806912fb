//! The staff side of the HTTP glue: who is signed in (the same JWT claims shape on AWS, where
//! API Gateway's authorizer checked the token, and under `rantevou serve`, which puts the
//! claims of its printed key there), and what the staff API answers: an appointment with its
//! mail history and audit record, the agenda, the export as CSV, a patron's data.

use crate::view::{instant, AppointmentView};
use crate::ApiError;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use lambda_http::aws_lambda_events::apigw::{
    ApiGatewayRequestAuthorizer, ApiGatewayRequestAuthorizerJwtDescription,
    ApiGatewayV2httpRequestContext,
};
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};
use rantevou_app::{ClosureAdded, Erased};
use rantevou_domain::appointment::{Appointment, MailKind, Status};
use rantevou_domain::closure::{ClosedPeriod, ClosureSource, StaffClosure};
use rantevou_domain::staff::{Actor, AuditEntry, StaffAccess, STAFF_GROUP};
use serde::Serialize;
use std::collections::HashMap;

/// The claim naming the groups (Cognito's).
pub const GROUPS_CLAIM: &str = "cognito:groups";

/// The claims of the token API Gateway's JWT authorizer verified (`None`: no authorizer ran,
/// or it passed no claims).
pub fn claims(req: &Request) -> Option<&HashMap<String, String>> {
    match req.request_context_ref()? {
        RequestContext::ApiGatewayV2(ctx) => ctx
            .authorizer
            .as_ref()?
            .jwt
            .as_ref()
            .map(|jwt| &jwt.claims)
            .filter(|c| !c.is_empty()),
        _ => None,
    }
}

/// The groups of a claim as API Gateway passes it: an array claim becomes `[a b]` (Go's
/// notation); a JSON array and a comma-separated list are read too.
pub fn groups_of(claim: &str) -> Vec<String> {
    let claim = claim.trim();
    if let Ok(list) = serde_json::from_str::<Vec<String>>(claim) {
        return list;
    }
    claim
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|g| !g.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The person a staff request comes from: 401 without claims (or without a subject), 403
/// outside the `staff` group; limited to the providers `access` lists for them.
pub fn actor(req: &Request, access: &StaffAccess) -> Result<Actor, ApiError> {
    let claims = claims(req).ok_or(ApiError::Unauthorized)?;
    let sub = claims
        .get("sub")
        .filter(|s| !s.is_empty())
        .ok_or(ApiError::Unauthorized)?;
    let groups = claims
        .get(GROUPS_CLAIM)
        .map_or_else(Vec::new, |g| groups_of(g));
    if !groups.iter().any(|g| g == STAFF_GROUP) {
        return Err(ApiError::Forbidden {
            detail: format!("the account is not in the {STAFF_GROUP:?} group"),
        });
    }
    let email = claims.get("email").filter(|e| !e.is_empty());
    Ok(Actor {
        who: email.unwrap_or(sub).clone(),
        providers: access.providers_for(email.map(String::as_str), &groups),
    })
}

/// `req` as API Gateway passes it after its JWT authorizer accepted a token with `claims`:
/// how `rantevou serve` (and the tests) present the local key's sign-in to the staff function.
pub fn with_claims(mut req: Request, claims: HashMap<String, String>) -> Request {
    let mut jwt = ApiGatewayRequestAuthorizerJwtDescription::default();
    jwt.claims = claims;
    let mut authorizer = ApiGatewayRequestAuthorizer::default();
    authorizer.jwt = Some(jwt);
    let mut ctx = ApiGatewayV2httpRequestContext::default();
    ctx.authorizer = Some(authorizer);
    req.extensions_mut()
        .insert(RequestContext::ApiGatewayV2(ctx));
    req
}

/// The claims of the local staff key: a member of the staff group named `who`.
pub fn local_claims(who: &str) -> HashMap<String, String> {
    HashMap::from([
        ("sub".to_owned(), format!("local:{who}")),
        ("email".to_owned(), who.to_owned()),
        (GROUPS_CLAIM.to_owned(), format!("[{STAFF_GROUP}]")),
    ])
}

/// `GET /api/staff/me`: who is signed in, and what they see.
#[derive(Serialize)]
pub struct MeView {
    /// The name the audit record gives them.
    pub who: String,
    /// The providers they see (`null`: every provider).
    pub providers: Option<Vec<String>>,
}

impl MeView {
    /// The view of `actor`.
    pub fn of(actor: &Actor) -> Self {
        MeView {
            who: actor.who.clone(),
            providers: actor
                .providers
                .as_ref()
                .map(|l| l.iter().map(ToString::to_string).collect()),
        }
    }
}

/// An appointment as staff see it: the patron's view and what only staff need.
#[derive(Serialize)]
pub struct StaffAppointmentView {
    /// What the patron sees.
    #[serde(flatten)]
    pub appointment: AppointmentView,
    /// The video-call link: `url`, `sent` (true once mailed), `due` (when it will go).
    pub meeting: MeetingView,
    /// `{"attended": bool, "at": …}` once marked.
    pub attendance: Option<AttendanceView>,
    /// The consent given at booking.
    pub consent: Option<ConsentView>,
    /// The mail: sent, pending, failed.
    pub mail: MailView,
    /// Who did what to it (only on the appointment's own answer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audit: Option<Vec<AuditView>>,
}

/// The video-call link.
#[derive(Serialize)]
pub struct MeetingView {
    url: Option<String>,
    sent: bool,
    due: Option<String>,
}

/// Attendance.
#[derive(Serialize)]
pub struct AttendanceView {
    attended: bool,
    at: String,
}

/// The consent record.
#[derive(Serialize)]
pub struct ConsentView {
    terms_url: String,
    privacy_url: String,
    at: String,
    /// Where it was given when not on the booking page ("Easy!Appointments").
    #[serde(skip_serializing_if = "Option::is_none")]
    given_in: Option<String>,
}

/// An appointment's mail.
#[derive(Serialize)]
pub struct MailView {
    /// Messages sent, oldest first: `{"kind", "at"}`.
    sent: Vec<SentView>,
    /// Messages still to send at once (kinds).
    pending: Vec<&'static str>,
    /// Reminders still to come.
    reminders_due: Vec<String>,
    /// When the thank-you after the consultation goes (`null`: none to come).
    follow_up_due: Option<String>,
    /// Why delivery was given up (`null`: it was not).
    failure: Option<String>,
    /// What kind of failure, for the console's words: `bounced` (the address does not exist:
    /// a permanent bounce, or an address known to bounce), `failed` (refused, or failing for
    /// hours); `null` when none.
    failure_kind: Option<&'static str>,
    /// Failed attempts of what is pending.
    attempts: u32,
}

#[derive(Serialize)]
struct SentView {
    kind: &'static str,
    at: String,
}

/// An audit entry.
#[derive(Serialize)]
pub struct AuditView {
    at: String,
    who: String,
    action: String,
    detail: String,
}

impl AuditView {
    /// The view of `entries`, times in `tz`.
    pub fn all(entries: &[AuditEntry], tz: Tz) -> Vec<AuditView> {
        entries
            .iter()
            .map(|e| AuditView {
                at: instant(e.at, tz),
                who: e.who.clone(),
                action: e.action.clone(),
                detail: e.detail.clone(),
            })
            .collect()
    }
}

impl StaffAppointmentView {
    /// The view of `a` (with `audit` when given), times in `tz`.
    pub fn of(a: &Appointment, audit: Option<&[AuditEntry]>, tz: Tz) -> Self {
        let at = |t: DateTime<Utc>| instant(t, tz);
        StaffAppointmentView {
            appointment: AppointmentView::of(a, tz),
            meeting: MeetingView {
                url: a.meeting.url.clone(),
                sent: a.meeting.url.is_some() && a.meeting.due.is_none() && link_went(a),
                due: a.meeting.due.map(at),
            },
            attendance: a.attendance.map(|m| AttendanceView {
                attended: m.attended,
                at: at(m.at),
            }),
            consent: a.consent.as_ref().map(|c| ConsentView {
                terms_url: c.terms_url.clone(),
                privacy_url: c.privacy_url.clone(),
                at: at(c.at),
                given_in: c.given_in.clone(),
            }),
            mail: MailView {
                sent: a
                    .mail_log
                    .iter()
                    .map(|m| SentView {
                        kind: m.kind.name(),
                        at: at(m.at),
                    })
                    .collect(),
                pending: a.pending_mail.iter().map(|k| k.name()).collect(),
                reminders_due: a.reminders.iter().map(|t| at(*t)).collect(),
                follow_up_due: a.follow_up_due.map(at),
                failure: a.delivery.failure.clone(),
                failure_kind: a.delivery.failure.as_ref().map(|why| {
                    if a.bounced() {
                        "bounced"
                    } else if why.starts_with(rantevou_domain::appointment::GAVE_UP_RETRYING) {
                        // The console says how many attempts, in its language.
                        "retries"
                    } else {
                        "failed"
                    }
                }),
                attempts: a.delivery.attempts,
            },
            audit: audit.map(|entries| AuditView::all(entries, tz)),
        }
    }
}

/// Whether a link mail went (the log says so; appointments stored before the log existed are
/// taken at their word: a link with nothing due).
fn link_went(a: &Appointment) -> bool {
    a.mail_log.is_empty() || a.mail_log.iter().any(|m| m.kind == MailKind::Link)
}

/// Status as the export and the agenda say it.
pub fn status_word(a: &Appointment) -> &'static str {
    match a.status {
        Status::Held { .. } => "held",
        Status::Booked => "booked",
        Status::Cancelled { .. } => "cancelled",
    }
}

/// Where an appointment's mail stands, in the export's words.
pub(crate) fn mail_state_words(a: &Appointment, t: &rantevou_app::texts::ExportTexts) -> String {
    match (&a.delivery.failure, a.pending_mail.is_empty()) {
        (Some(reason), _) => rantevou_app::texts::fill(&t.mail_failed, "reason", reason),
        (None, false) => t.mail_pending.clone(),
        (None, true) => t.mail_ok.clone(),
    }
}

/// `failed: reason`, `pending`, or `ok`.
pub fn mail_state(a: &Appointment) -> String {
    match (&a.delivery.failure, a.pending_mail.is_empty()) {
        (Some(reason), _) => format!("mail FAILED: {reason}"),
        (None, false) => "mail pending".into(),
        (None, true) => "mail ok".into(),
    }
}

/// `GET agenda`: the range, the zone, the server's now, the appointments, and how the
/// librarians' own calendars are read.
pub fn agenda_json(
    (from, to): (NaiveDate, NaiveDate),
    now: DateTime<Utc>,
    list: &[Appointment],
    calendars: &[rantevou_app::CalendarHealth],
    tz: Tz,
) -> serde_json::Value {
    let calendars: Vec<_> = calendars
        .iter()
        .map(|c| {
            serde_json::json!({
                "provider": c.provider.as_str(),
                "kind": c.kind,
                "host": c.host,
                "read_at": c.read_at.map(|t| instant(t, tz)),
                "failing_since": c.failing_since.map(|t| instant(t, tz)),
                "problem": c.problem,
                "stale": c.stale,
            })
        })
        .collect();
    serde_json::json!({
        "from": from.to_string(),
        "to": to.to_string(),
        "timezone": tz.name(),
        "now": instant(now, tz),
        "appointments": list.iter().map(|a| StaffAppointmentView::of(a, None, tz)).collect::<Vec<_>>(),
        "calendars": calendars,
    })
}

/// `POST closures`: the closure (without an id in a preview: nothing was stored to remove),
/// whether it was `stored`, the appointments on its days still there, and those it cancelled.
pub fn closure_json(added: &ClosureAdded, stored: bool, tz: Tz) -> serde_json::Value {
    let mut closure = serde_json::json!(added.closure);
    if !stored {
        if let Some(fields) = closure.as_object_mut() {
            fields.remove("id");
        }
    }
    let views = |list: &[Appointment]| {
        list.iter()
            .map(|a| StaffAppointmentView::of(a, None, tz))
            .collect::<Vec<_>>()
    };
    serde_json::json!({
        "closure": closure,
        "stored": stored,
        "affected": views(&added.affected),
        "cancelled": views(&added.cancelled),
    })
}

/// `GET closures`: those staff added (removable), and those of the configuration from today
/// for a year (`configured`, each with its `source`).
pub fn closures_json(
    added: &[StaffClosure],
    configured: &[(ClosureSource, ClosedPeriod)],
) -> serde_json::Value {
    let configured: Vec<ConfiguredView<'_>> = configured
        .iter()
        .map(|(source, p)| ConfiguredView {
            name: &p.name,
            from: p.from,
            to: p.to,
            hours: p.hours,
            source: *source,
        })
        .collect();
    serde_json::json!({ "closures": added, "configured": configured })
}

/// A closure of the configuration, as `GET closures` lists it.
#[derive(Serialize)]
struct ConfiguredView<'a> {
    name: &'a str,
    from: NaiveDate,
    to: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    hours: Option<rantevou_domain::closure::ClosedHours>,
    source: ClosureSource,
}

/// `POST patrons/erase`: what erasing did.
pub fn erased_json(report: &Erased) -> serde_json::Value {
    serde_json::json!({
        "cancelled": report.cancelled,
        "anonymised": report.anonymised,
        "waiting_for_mail": report.waiting_for_mail,
    })
}

/// Everything stored about a patron's appointments, for their request to see it.
pub fn patron_json(
    email: &str,
    list: &[Appointment],
    now: DateTime<Utc>,
    tz: Tz,
) -> serde_json::Value {
    let one = |a: &Appointment| {
        let (cancelled_at, reason) = match &a.status {
            Status::Cancelled { at, reason, .. } => (Some(instant(*at, tz)), Some(reason.as_str())),
            _ => (None, None),
        };
        serde_json::json!({
            "id": a.id.to_string(),
            "service": a.service.to_string(),
            "provider": a.provider.to_string(),
            "start": instant(a.start, tz),
            "end": instant(a.end, tz),
            "status": status_word(a),
            "name": a.patron.customer.name.to_string(),
            "email": a.patron.customer.email.to_string(),
            "phone": a.patron.customer.phone.as_ref().map(ToString::to_string),
            "topic": a.patron.notes.to_string(),
            "answers": a.answers,
            "language": a.patron.language.code(),
            "booked_at": instant(a.created_at, tz),
            "cancelled_at": cancelled_at,
            "cancel_reason": reason,
            "meeting_link": a.meeting.url,
            "consent": a.consent.as_ref().map(|c| serde_json::json!({
                "terms_url": c.terms_url,
                "privacy_url": c.privacy_url,
                "accepted_at": instant(c.at, tz),
                "given_in": c.given_in,
            })),
            "kept_until": instant(a.expires_at, tz),
        })
    };
    serde_json::json!({
        "email": email,
        "exported_at": instant(now, tz),
        "appointments": list.iter().map(one).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_read_in_every_shape_api_gateway_and_cognito_use() {
        assert_eq!(groups_of("[staff]"), vec!["staff"]);
        assert_eq!(groups_of("[admins staff]"), vec!["admins", "staff"]);
        assert_eq!(groups_of(r#"["staff","x"]"#), vec!["staff", "x"]);
        assert_eq!(groups_of("staff, x"), vec!["staff", "x"]);
        assert!(groups_of("[]").is_empty());
        assert_eq!(groups_of("staffers"), vec!["staffers"]);
    }

    fn request(claims: Option<HashMap<String, String>>) -> Request {
        let req = Request::default();
        match claims {
            Some(c) => with_claims(req, c),
            None => req,
        }
    }

    #[test]
    fn no_claims_is_401_other_groups_403_staff_pass() {
        let access = StaffAccess::default();
        assert_eq!(actor(&request(None), &access), Err(ApiError::Unauthorized));
        let mut other = local_claims("a@uom.edu.gr");
        other.insert(GROUPS_CLAIM.into(), "[students]".into());
        assert!(matches!(
            actor(&request(Some(other)), &access),
            Err(ApiError::Forbidden { .. })
        ));
        let mut none = local_claims("a@uom.edu.gr");
        none.remove(GROUPS_CLAIM);
        assert!(matches!(
            actor(&request(Some(none)), &access),
            Err(ApiError::Forbidden { .. })
        ));
        let ok = actor(&request(Some(local_claims("a@uom.edu.gr"))), &access).unwrap();
        assert_eq!(ok.who, "a@uom.edu.gr");
        assert!(ok.is_unrestricted());
    }
}
