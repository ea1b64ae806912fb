//! `/api/staff/...`: the staff console's API, over the same staff operations as the
//! `rantevou` staff commands. Every request is signed in: on AWS, API Gateway's JWT authorizer
//! checked the Cognito token and passes its claims; under `rantevou serve`, the printed key
//! stands for them. Without claims the answer is 401, outside the `staff` group 403.

mod input;

use input::*;
use lambda_http::http::{Method, StatusCode};
use lambda_http::{Body, Request, Response};
use rantevou_app::Staff;
use rantevou_domain::staff::Actor;
use rantevou_http::export::{export_csv, export_xlsx, statistics_csv};
use rantevou_http::request::query;
use rantevou_http::staff::{
    actor, agenda_json, closure_json, closures_json, erased_json, patron_json, AuditView, MeView,
    StaffAppointmentView,
};
use rantevou_http::{body, request, respond, serve, ApiError, Function};

/// The XLSX media type.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Serves every `/api/staff/...` route.
pub async fn handle(req: Request, staff: &Staff) -> Response<Body> {
    serve(req, staff.context(), Function::StaffApi, |req| async move {
        let by = actor(&req, &staff.context().config.staff)?;
        route(&req, staff, &by).await
    })
    .await
}

/// Longest agenda a request may ask for, in days (a month and a week: a month view).
const MAX_AGENDA_DAYS: u64 = 42;

async fn route(req: &Request, staff: &Staff, by: &Actor) -> Result<Response<Body>, ApiError> {
    let path = request::path(req);
    let rest = path.strip_prefix("/api/staff/").unwrap_or("");
    let parts: Vec<&str> = rest.split('/').collect();
    let method = req.method();
    let tz = staff.context().config.library.timezone;
    let view = |a: &rantevou_domain::Appointment| StaffAppointmentView::of(a, None, tz);
    match (method, parts.as_slice()) {
        (&Method::GET, ["me"]) => ok(&MeView::of(by)),
        (&Method::GET, ["agenda"]) => {
            let (from, to) = range(req, staff, MAX_AGENDA_DAYS)?;
            let provider = request::query(req, "provider").filter(|p| !p.is_empty() && p != "all");
            let list = staff.agenda(by, from, to, provider.as_deref()).await?;
            let calendars = staff.calendars(by, provider.as_deref()).await?;
            let now = staff.context().now();
            ok(&agenda_json((from, to), now, &list, &calendars, tz))
        }
        (&Method::GET, ["appointments", id]) => {
            let (a, audit) = staff.appointment(by, id).await?;
            ok(&StaffAppointmentView::of(&a, Some(&audit), tz))
        }
        (&Method::POST, ["appointments", id, action]) => {
            let a = match *action {
                "cancel" => {
                    let b: ReasonBody = body::json(req)?;
                    staff.cancel(by, id, &b.reason).await?
                }
                "meeting" => {
                    let b: MeetingBody = body::json(req)?;
                    staff.send_link(by, id, &b.url).await?
                }
                "attendance" => {
                    let b: AttendanceBody = body::json(req)?;
                    staff.set_attendance(by, id, b.attended).await?
                }
                _ => return Err(ApiError::NotFound),
            };
            audited(staff, a).await
        }
        (&Method::GET, ["audit"]) => ok(&serde_json::json!({
            "entries": AuditView::all(&staff.library_audit(by).await?, tz),
        })),
        (&Method::GET, ["closures"]) => ok(&closures_json(
            &staff.closures().await?,
            &staff.configured_closures(),
        )),
        (&Method::POST, ["closures"]) => {
            let b: ClosureBody = body::json(req)?;
            let (from, to, hours) = b.days()?;
            let (added, status) = if b.preview {
                let added = staff.preview_closure(by, from, to, hours, &b.name).await?;
                (added, StatusCode::OK)
            } else {
                let reason = b.cancel_reason.as_deref();
                let added = staff
                    .add_closure(by, from, to, hours, &b.name, reason)
                    .await?;
                (added, StatusCode::CREATED)
            };
            Ok(respond::json(status, &closure_json(&added, !b.preview, tz)))
        }
        (&Method::DELETE, ["closures", id]) => {
            staff.remove_closure(by, id).await?;
            Ok(respond::json(
                StatusCode::OK,
                &serde_json::json!({ "removed": id }),
            ))
        }
        (&Method::GET, ["statistics"]) => {
            let (from, to) = (query(req, "from"), query(req, "to"));
            let report = staff.statistics(by, from.as_deref(), to.as_deref()).await?;
            match query(req, "format").as_deref() {
                None | Some("json") => ok(&report),
                Some("csv") => {
                    let config = &staff.context().config;
                    let lang = config.library.default_language();
                    let csv =
                        statistics_csv(&report, config, lang).map_err(|_| ApiError::Internal)?;
                    Ok(respond::csv(
                        csv,
                        &format!("statistics-{}-{}.csv", report.from, report.to),
                    ))
                }
                Some(_) => Err(ApiError::bad_param(
                    "format",
                    "invalid",
                    "json (the default) or csv",
                )),
            }
        }
        (&Method::GET, ["export"]) => {
            let (from, to) = range(req, staff, rantevou_app::staff::MAX_RANGE_DAYS)?;
            let list = staff.export(by, from, to).await?;
            let lang = staff.context().config.library.default_language();
            match query(req, "format").as_deref() {
                None | Some("csv") => {
                    let csv = export_csv(&list, &staff.context().config, lang)
                        .map_err(|_| ApiError::Internal)?;
                    Ok(respond::csv(csv, &format!("appointments-{from}-{to}.csv")))
                }
                Some("xlsx") => {
                    let xlsx = export_xlsx(&list, &staff.context().config, lang)
                        .map_err(|_| ApiError::Internal)?;
                    Ok(respond::download(
                        xlsx,
                        XLSX,
                        &format!("appointments-{from}-{to}.xlsx"),
                    ))
                }
                Some(_) => Err(ApiError::bad_param("format", "invalid", "csv or xlsx")),
            }
        }
        (&Method::POST, ["patrons", "export"]) => {
            let b: EmailBody = body::json(req)?;
            let list = staff.patron_export(by, &b.email).await?;
            ok(&patron_json(&b.email, &list, staff.context().now(), tz))
        }
        (&Method::POST, ["patrons", "erase"]) => {
            let b: EraseBody = body::json(req)?;
            ok(&erased_json(
                &staff.erase_patron(by, &b.email, &b.reason).await?,
            ))
        }
        (&Method::GET, ["mail", "failed"]) => {
            let list = staff.failed_mail(by).await?;
            ok(&serde_json::json!({
                "appointments": list.iter().map(view).collect::<Vec<_>>(),
            }))
        }
        (&Method::POST, ["mail", id, "retry"]) => {
            let b: RetryBody = body::json(req)?;
            audited(staff, staff.retry_mail(by, id, b.email.as_deref()).await?).await
        }
        _ if rantevou_http::routes::allowed(&path).is_some() => {
            Err(ApiError::method_not_allowed(&path))
        }
        _ => Err(ApiError::NotFound),
    }
}

/// 200 with `a` as staff see it after an action, with its audit record.
async fn audited(
    staff: &Staff,
    a: rantevou_domain::Appointment,
) -> Result<Response<Body>, ApiError> {
    let tz = staff.context().config.library.timezone;
    let (a, audit) = staff.with_audit(a).await?;
    ok(&StaffAppointmentView::of(&a, Some(&audit), tz))
}

/// 200 with `value` as JSON.
fn ok<T: serde::Serialize>(value: &T) -> Result<Response<Body>, ApiError> {
    Ok(respond::json(StatusCode::OK, value))
}
