//! `GET|POST /api/appointments/{id}/confirm`: where the link of a held booking's mail lands
//! (`policy.hold_minutes`).
//!
//! `GET` only shows a page (mail scanners open links): the service, the time and a button. The
//! button's form `POST`s the token and gets an HTML page back; a JSON `POST` gets JSON.
//! Confirming is idempotent; a hold that ran out is 410 `hold-expired`.

use lambda_http::{Body, Request, Response};
use rantevou_app::{ConfirmError, Confirming};
use rantevou_domain::Language;
use rantevou_http::body::{self, LinkRequest};
use rantevou_http::input::ConfirmBody;
use rantevou_http::{pages, request, respond, serve, ApiError, Function};

/// Serves `GET` and `POST /api/appointments/{id}/confirm`.
pub async fn handle(req: Request, confirming: &Confirming) -> Response<Body> {
    let c = confirming;
    serve(
        req,
        c.context(),
        Function::ConfirmAppointment,
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
fn language(req: &Request, c: &Confirming) -> Language {
    request::language(req, c.context().config.library.default_language())
}

async fn show(req: &Request, c: &Confirming) -> Result<Response<Body>, ApiError> {
    let token = request::query(req, "token").unwrap_or_default();
    let looked = match request::appointment_id(req) {
        Some(id) => c.look(id, &token).await,
        None => Err(ConfirmError::NotFound),
    };
    pages::confirm_looked(&c.context().config, looked, &token, language(req, c))
}

async fn from_form(req: &Request, c: &Confirming) -> Result<Response<Body>, ApiError> {
    let form = body::form(req)?;
    let config = &c.context().config;
    let Some(id) = request::appointment_id(req) else {
        return Ok(pages::not_found(config, language(req, c)));
    };
    let outcome = c.confirm(id, form.get("token")).await;
    pages::confirmed(config, outcome, language(req, c))
}

async fn from_json(req: &Request, c: &Confirming) -> Result<Response<Body>, ApiError> {
    let body: ConfirmBody = body::json(req)?;
    let id = request::appointment_id(req).ok_or(ApiError::NotFound)?;
    let done = c.confirm(id, &body.token).await?;
    let tz = c.context().config.library.timezone;
    Ok(respond::appointment(done.appointment(), tz))
}
