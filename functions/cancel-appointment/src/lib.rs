//! `GET|POST /api/appointments/{id}/cancel`: where the email's cancel link lands.
//!
//! `GET` only shows a page (mail scanners open links): the details, a reason field and a
//! button. The button's form `POST`s the token and reason and gets an HTML page back; a JSON
//! `POST` gets JSON. Cancelling is idempotent: a second cancel answers like the first and
//! sends nothing again. Past the cutoff the answer is 409 `too-late`.

use lambda_http::http::{Method, StatusCode};
use lambda_http::{Body, Request, Response};
use rantevou_domain::appointment::{Appointment, CancelDecision, MailKind};
use rantevou_domain::patron::FreeText;
use rantevou_domain::ports::StoreError;
use rantevou_domain::Language;
use rantevou_http::body::{self, BodyKind};
use rantevou_http::pages::{cancel_page, CancelPage, CancelPageInput};
use rantevou_http::problem::field_problem;
use rantevou_http::view::AppointmentView;
use rantevou_http::{request, respond, ApiError, Deps};
use serde::Deserialize;

/// The JSON body of a cancel.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CancelBody {
    token: String,
    #[serde(default)]
    reason: String,
}

/// Serves `GET` and `POST /api/appointments/{id}/cancel`.
pub async fn handle(req: Request, deps: &Deps) -> Response<Body> {
    rantevou_http::serve(req, deps, "cancel-appointment", |req| async move {
        match *req.method() {
            Method::GET => show(&req, deps).await,
            Method::POST => match body::kind(&req) {
                BodyKind::Form => cancel_from_form(&req, deps).await,
                BodyKind::Json => cancel_from_json(&req, deps).await,
                BodyKind::Other => Err(ApiError::UnsupportedMediaType),
            },
            _ => Err(ApiError::MethodNotAllowed),
        }
    })
    .await
}

/// The appointment the link names, if the token is its token.
async fn find(req: &Request, deps: &Deps, token: &str) -> Result<Appointment, ApiError> {
    let id = request::appointment_id(req).ok_or(ApiError::NotFound)?;
    if token.is_empty() {
        return Err(ApiError::NotFound);
    }
    deps.store
        .get(id, deps.now())
        .await?
        .filter(|a| a.token_hash.verify(token))
        .ok_or(ApiError::NotFound)
}

fn page(deps: &Deps, status: StatusCode, mut input: CancelPageInput<'_>) -> Response<Body> {
    // The page speaks the appointment's language whenever the appointment is known.
    if let Some(a) = input.appointment {
        input.language = a.patron.language;
    }
    respond::html(status, cancel_page(&deps.config, input))
}

/// A page about `appointment` with nothing typed and no error.
fn about<'a>(
    which: CancelPage,
    appointment: &'a Appointment,
    token: &'a str,
) -> CancelPageInput<'a> {
    CancelPageInput {
        page: which,
        appointment: Some(appointment),
        language: appointment.patron.language,
        token,
        reason: "",
        error: None,
    }
}

fn not_found(deps: &Deps, language: Language) -> Response<Body> {
    let input = CancelPageInput {
        page: CancelPage::NotFound,
        appointment: None,
        language,
        token: "",
        reason: "",
        error: None,
    };
    page(deps, StatusCode::NOT_FOUND, input)
}

async fn show(req: &Request, deps: &Deps) -> Result<Response<Body>, ApiError> {
    let language = request::language(req, deps.config.library.default_language());
    let token = request::query(req, "token").unwrap_or_default();
    let appointment = match find(req, deps, &token).await {
        Ok(a) => a,
        Err(ApiError::NotFound) => return Ok(not_found(deps, language)),
        Err(e) => return Err(e),
    };
    let which = match appointment.may_cancel(&deps.config.policy, deps.now()) {
        Ok(CancelDecision::Cancel) => CancelPage::Form,
        Ok(CancelDecision::AlreadyCancelled) => CancelPage::AlreadyCancelled,
        Err(_) => CancelPage::TooLate,
    };
    Ok(page(
        deps,
        StatusCode::OK,
        about(which, &appointment, &token),
    ))
}

/// What a cancel attempt came to.
enum Outcome {
    /// Cancelled now: the cancellation mail goes out.
    Cancelled(Appointment),
    /// Cancelled before: nothing happens again.
    AlreadyCancelled(Appointment),
}

async fn cancel(
    req: &Request,
    deps: &Deps,
    token: &str,
    reason: FreeText,
) -> Result<Outcome, ApiError> {
    let appointment = find(req, deps, token).await?;
    let now = deps.now();
    match appointment.may_cancel(&deps.config.policy, now)? {
        CancelDecision::AlreadyCancelled => Ok(Outcome::AlreadyCancelled(appointment)),
        CancelDecision::Cancel => match deps.store.cancel(&appointment, now, &reason).await {
            Ok(cancelled) => {
                tracing::info!(appointment = %cancelled.id, "cancelled");
                // A failed send leaves the cancellation pending; the cancellation stands.
                rantevou_http::mail::deliver(deps, &cancelled, MailKind::Cancellation, None).await;
                Ok(Outcome::Cancelled(cancelled))
            }
            // Cancelled by a concurrent request in the meantime: answer as that one did.
            Err(StoreError::NotBooked) => match deps.store.get(appointment.id, now).await? {
                Some(current) if !current.is_booked() => Ok(Outcome::AlreadyCancelled(current)),
                _ => Err(ApiError::NotFound),
            },
            Err(e) => Err(e.into()),
        },
    }
}

async fn cancel_from_json(req: &Request, deps: &Deps) -> Result<Response<Body>, ApiError> {
    let body: CancelBody = body::json(req)?;
    let language = request::language(req, deps.config.library.default_language());
    let reason = FreeText::parse(&body.reason)
        .map_err(|code| ApiError::Validation(vec![field_problem("reason", code, language)]))?;
    let appointment = match cancel(req, deps, &body.token, reason).await? {
        Outcome::Cancelled(a) | Outcome::AlreadyCancelled(a) => a,
    };
    Ok(respond::json(
        StatusCode::OK,
        &AppointmentView::of(&appointment, deps.config.library.timezone),
    ))
}

async fn cancel_from_form(req: &Request, deps: &Deps) -> Result<Response<Body>, ApiError> {
    let fields = body::form(req)?;
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let (token, raw_reason) = (field("token"), field("reason"));
    let language = request::language(req, deps.config.library.default_language());
    let reason = match FreeText::parse(&raw_reason) {
        Ok(r) => r,
        Err(code) => {
            // Show the form again with the text kept and the problem next to the field.
            return match find(req, deps, &token).await {
                Ok(a) => {
                    let message = rantevou_domain::patron::message("reason", code)
                        .get(a.patron.language)
                        .to_owned();
                    let input = CancelPageInput {
                        reason: &raw_reason,
                        error: Some(message),
                        ..about(CancelPage::Form, &a, &token)
                    };
                    Ok(page(deps, StatusCode::UNPROCESSABLE_ENTITY, input))
                }
                Err(_) => Ok(not_found(deps, language)),
            };
        }
    };
    match cancel(req, deps, &token, reason).await {
        Ok(Outcome::Cancelled(a)) => Ok(page(
            deps,
            StatusCode::OK,
            about(CancelPage::Cancelled, &a, ""),
        )),
        Ok(Outcome::AlreadyCancelled(a)) => Ok(page(
            deps,
            StatusCode::OK,
            about(CancelPage::AlreadyCancelled, &a, ""),
        )),
        Err(ApiError::NotFound) => Ok(not_found(deps, language)),
        Err(ApiError::TooLate { .. }) => {
            let a = find(req, deps, &token).await?;
            Ok(page(
                deps,
                StatusCode::CONFLICT,
                about(CancelPage::TooLate, &a, ""),
            ))
        }
        Err(e) => Err(e),
    }
}
