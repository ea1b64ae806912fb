//! Where every mail's link lands: `GET /api/appointments/{id}/manage` (and the older
//! `/cancel` link, the same page), `POST /api/appointments/{id}/cancel` and
//! `POST /api/appointments/{id}/reschedule`.
//!
//! `GET` only shows a page (mail scanners open links): the details, the calendar to move it
//! (run in the browser by the site's `manage.js`), a reason field and a cancel button. The
//! cancel form `POST`s the token and reason and gets an HTML page back; a JSON `POST` gets
//! JSON. Cancelling is idempotent; past the cutoff the answer is 409 `too-late`. A move is
//! JSON only: 200 with the moved appointment, 409 `slot-taken`, `changed` or `too-late`.

use lambda_http::{Body, Request, Response};
use rantevou_app::{CancelError, Cancelling, Rescheduling};
use rantevou_domain::patron::FreeText;
use rantevou_domain::Language;
use rantevou_http::body::{self, LinkRequest};
use rantevou_http::input::{CancelBody, RescheduleBody};
use rantevou_http::pages::Retry;
use rantevou_http::problem::FieldProblem;
use rantevou_http::{pages, request, respond, serve, ApiError, Function};

/// The use cases behind the manage link.
#[derive(Clone)]
pub struct Managing {
    /// Cancelling.
    pub cancelling: Cancelling,
    /// Moving to another time.
    pub rescheduling: Rescheduling,
}

/// Serves the manage page, the cancel and the move.
pub async fn handle(req: Request, managing: &Managing) -> Response<Body> {
    let c = &managing.cancelling;
    serve(
        req,
        c.context(),
        Function::CancelAppointment,
        |req| async move {
            if req.uri().path().ends_with("/reschedule") {
                return reschedule(&req, &managing.rescheduling).await;
            }
            match body::link_request(&req)? {
                LinkRequest::Show => show(&req, c).await,
                LinkRequest::Form => from_form(&req, c).await,
                LinkRequest::Json => from_json(&req, c).await,
            }
        },
    )
    .await
}

/// The language of a page about no appointment (one about an appointment speaks its own).
fn language(req: &Request, c: &Cancelling) -> Language {
    request::language(req, c.context().config.library.default_language())
}

/// The language the patron chose with the page's switch (`lang`), if a known one.
fn chosen(value: Option<&str>) -> Option<Language> {
    value.and_then(|v| v.parse::<Language>().ok())
}

async fn show(req: &Request, c: &Cancelling) -> Result<Response<Body>, ApiError> {
    let token = request::query(req, "token").unwrap_or_default();
    let looked = match request::appointment_id(req) {
        Some(id) => c.look(id, &token).await,
        None => Err(CancelError::NotFound),
    };
    let shown = (
        language(req, c),
        chosen(request::query(req, "lang").as_deref()),
    );
    pages::looked(&c.context().config, looked, &token, shown, None)
}

async fn from_form(req: &Request, c: &Cancelling) -> Result<Response<Body>, ApiError> {
    let form = body::form(req)?;
    let (token, reason) = (form.get("token"), form.get("reason"));
    // The page's version: a page read before a move is shown the appointment as it is now.
    let version = form.get("version").parse().ok();
    let config = &c.context().config;
    let Some(id) = request::appointment_id(req) else {
        return Ok(pages::not_found(config, language(req, c)));
    };
    let retry = match FreeText::parse(reason) {
        Err(code) => Retry::Reason(reason, code),
        // The patron confirms once, on the form, that they mean it.
        Ok(_) if form.get("confirm") != "yes" => Retry::Unconfirmed(reason),
        Ok(parsed) => {
            let done = c.cancel(id, token, parsed, version).await;
            let shown = (language(req, c), chosen(Some(form.get("lang"))));
            return pages::cancelled(config, done, token, shown);
        }
    };
    let looked = c.look(id, token).await;
    let shown = (language(req, c), chosen(Some(form.get("lang"))));
    pages::looked(config, looked, token, shown, Some(retry))
}

async fn from_json(req: &Request, c: &Cancelling) -> Result<Response<Body>, ApiError> {
    let body: CancelBody = body::json(req)?;
    let reason = FreeText::parse(&body.reason).map_err(|code| {
        ApiError::Validation(vec![FieldProblem::of("reason", code, language(req, c))])
    })?;
    let id = request::appointment_id(req).ok_or(ApiError::NotFound)?;
    let done = c.cancel(id, &body.token, reason, body.version).await?;
    let tz = c.context().config.library.timezone;
    Ok(respond::appointment(done.appointment(), tz))
}

async fn reschedule(req: &Request, r: &Rescheduling) -> Result<Response<Body>, ApiError> {
    let body: RescheduleBody = body::json(req)?;
    let id = request::appointment_id(req).ok_or(ApiError::NotFound)?;
    let config = &r.context().config;
    let language = request::language(req, config.library.default_language());
    let moved = r.reschedule(body.into_request(id)).await;
    let moved = moved.map_err(|e| ApiError::of_move(e, language))?;
    Ok(respond::appointment(&moved, config.library.timezone))
}
