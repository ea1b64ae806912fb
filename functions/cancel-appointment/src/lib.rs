//! `GET|POST /api/appointments/{id}/cancel`: where the email's cancel link lands.
//!
//! `GET` only shows a page (mail scanners open links): the details, a reason field and a
//! button. The button's form `POST`s the token and reason and gets an HTML page back; a JSON
//! `POST` gets JSON. Cancelling is idempotent; past the cutoff the answer is 409 `too-late`.

use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use rantevou_app::{CancelError, Cancelling};
use rantevou_domain::patron::FreeText;
use rantevou_domain::Language;
use rantevou_http::body::{self, LinkRequest};
use rantevou_http::input::CancelBody;
use rantevou_http::problem::FieldProblem;
use rantevou_http::view::AppointmentView;
use rantevou_http::{pages, request, respond, serve, ApiError, Function};

/// Serves `GET` and `POST /api/appointments/{id}/cancel`.
pub async fn handle(req: Request, cancelling: &Cancelling) -> Response<Body> {
    let c = cancelling;
    serve(
        req,
        c.context(),
        Function::CancelAppointment,
        |req| async move {
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

async fn show(req: &Request, c: &Cancelling) -> Result<Response<Body>, ApiError> {
    let token = request::query(req, "token").unwrap_or_default();
    let looked = match request::appointment_id(req) {
        Some(id) => c.look(id, &token).await,
        None => Err(CancelError::NotFound),
    };
    pages::looked(&c.context().config, looked, &token, language(req, c), None)
}

async fn from_form(req: &Request, c: &Cancelling) -> Result<Response<Body>, ApiError> {
    let form = body::form(req)?;
    let (token, reason) = (form.get("token"), form.get("reason"));
    let config = &c.context().config;
    let Some(id) = request::appointment_id(req) else {
        return Ok(pages::not_found(config, language(req, c)));
    };
    match FreeText::parse(reason) {
        Ok(parsed) => pages::cancelled(config, c.cancel(id, token, parsed).await, language(req, c)),
        Err(code) => {
            let looked = c.look(id, token).await;
            pages::looked(
                config,
                looked,
                token,
                language(req, c),
                Some((reason, code)),
            )
        }
    }
}

async fn from_json(req: &Request, c: &Cancelling) -> Result<Response<Body>, ApiError> {
    let body: CancelBody = body::json(req)?;
    let reason = FreeText::parse(&body.reason).map_err(|code| {
        ApiError::Validation(vec![FieldProblem::of("reason", code, language(req, c))])
    })?;
    let id = request::appointment_id(req).ok_or(ApiError::NotFound)?;
    let done = c.cancel(id, &body.token, reason).await?;
    let tz = c.context().config.library.timezone;
    Ok(respond::json(
        StatusCode::OK,
        &AppointmentView::of(done.appointment(), tz),
    ))
}
