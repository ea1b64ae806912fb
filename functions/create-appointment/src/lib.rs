//! `POST /api/appointments`: book a slot.
//!
//! Every field at fault is reported at once (422); a slot someone else holds is 409
//! `slot-taken`; an `Idempotency-Key` makes a retry return the first appointment; provider
//! `"any"` tries the free providers in the service's order until one booking succeeds.

use chrono::{DateTime, Utc};
use lambda_http::http::{header, HeaderValue, Method, StatusCode};
use lambda_http::{Body, Request, Response};
use rand::rngs::OsRng;
use rantevou_domain::appointment::{Appointment, BookingRequest, MailKind};
use rantevou_domain::availability::check_slot;
use rantevou_domain::patron::{parse_patron_input, PatronInput};
use rantevou_domain::ports::{Created, IdempotencyKey, StoreError};
use rantevou_domain::Language;
use rantevou_http::problem::{slot_problem, FieldProblem};
use rantevou_http::view::AppointmentView;
use rantevou_http::{body, request, respond, ApiError, Deps};
use serde::Deserialize;

/// The request body. Every field is optional here so that a missing one is reported with the
/// others (422) rather than as a malformed body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    service: Option<String>,
    provider: Option<String>,
    start: Option<String>,
    customer: Option<CustomerBody>,
    notes: Option<String>,
    language: Option<String>,
    accept_terms: Option<bool>,
    accept_privacy: Option<bool>,
}

/// The patron's details in the body.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerBody {
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
}

/// Serves `POST /api/appointments`.
pub async fn handle(req: Request, deps: &Deps) -> Response<Body> {
    rantevou_http::serve(req, deps, "create-appointment", |req| async move {
        if req.method() != Method::POST {
            return Err(ApiError::MethodNotAllowed);
        }
        create(&req, deps).await
    })
    .await
}

fn idempotency_key(req: &Request) -> Result<Option<IdempotencyKey>, ApiError> {
    match req.headers().get("idempotency-key") {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .ok()
            .and_then(IdempotencyKey::parse)
            .map(Some)
            .ok_or_else(|| {
                ApiError::bad_param(
                    "Idempotency-Key",
                    "invalid",
                    "use 1-128 visible ASCII characters, e.g. a UUID",
                )
            }),
    }
}

async fn create(req: &Request, deps: &Deps) -> Result<Response<Body>, ApiError> {
    let config = &deps.config;
    let key = idempotency_key(req)?;
    let body: CreateBody = body::json(req)?;
    let customer = body.customer.unwrap_or_default();
    let input = PatronInput {
        name: customer.name,
        email: customer.email,
        phone: customer.phone,
        notes: body.notes,
        language: body.language,
        accept_terms: body.accept_terms,
        accept_privacy: body.accept_privacy,
    };
    // Messages in the patron's language if it is valid, else by Accept-Language.
    let language = input
        .language
        .as_deref()
        .and_then(|l| l.parse::<Language>().ok())
        .unwrap_or_else(|| request::language(req, config.library.default_language()));

    let mut problems = Vec::new();
    let patron = parse_patron_input(
        &input,
        config.policy.required,
        config.library.default_language(),
    )
    .map_err(|errors| problems.extend(FieldProblem::from_domain(&errors, language)))
    .ok();
    let start = match body.start.as_deref().map(DateTime::parse_from_rfc3339) {
        Some(Ok(t)) => Some(t.with_timezone(&Utc)),
        Some(Err(_)) => {
            problems.push(FieldProblem::new(
                "start",
                "invalid",
                start_message(language),
            ));
            None
        }
        None => {
            problems.push(FieldProblem::new(
                "start",
                "required",
                start_message(language),
            ));
            None
        }
    };
    let Some(service_id) = body.service else {
        problems.insert(
            0,
            FieldProblem::new(
                "service",
                "required",
                "name the service, e.g. mylibrarylive",
            ),
        );
        return Err(ApiError::Validation(problems));
    };
    let service = config.service(&service_id).ok_or(ApiError::NotFound)?;
    let candidates = match body.provider.as_deref() {
        None | Some("any") => service
            .providers
            .iter()
            .filter_map(|p| config.provider(p.as_str()))
            .collect::<Vec<_>>(),
        Some(id) => {
            let provider = config
                .provider(id)
                .filter(|p| service.is_offered_by(&p.id))
                .ok_or(ApiError::NotFound)?;
            vec![provider]
        }
    };
    let now = deps.now();
    // The start must be offered by at least one candidate (bookings aside).
    let mut offered = Vec::new();
    if let Some(start) = start {
        let mut first_error = None;
        for provider in &candidates {
            match check_slot(config, service, provider, start, now) {
                Ok(_) => offered.push(*provider),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        if offered.is_empty() {
            if let Some(e) = first_error {
                problems.push(slot_problem(&e, language));
            }
        }
    }
    let (Some(patron), Some(start), true) = (patron, start, problems.is_empty()) else {
        return Err(ApiError::Validation(problems));
    };

    for provider in offered {
        let request = BookingRequest {
            service,
            provider,
            start,
            patron: patron.clone(),
        };
        let (appointment, token) = Appointment::book(request, &config.policy, now, &mut OsRng);
        match deps.store.create(&appointment, key.as_ref()).await {
            Ok(Created::New(stored)) => {
                tracing::info!(appointment = %stored.id, provider = %stored.provider, "booked");
                let url = deps.manage_url(&stored.id, &token);
                // A failed send leaves the confirmation pending; the booking stands.
                rantevou_http::mail::deliver(deps, &stored, MailKind::Confirmation, Some(&url))
                    .await;
                let mut view = AppointmentView::of(&stored, config.library.timezone);
                view.manage_url = Some(Some(url));
                return Ok(located(StatusCode::CREATED, &view, &stored));
            }
            Ok(Created::Replayed(first)) => {
                tracing::info!(appointment = %first.id, "idempotent replay");
                // The token was shown once, in the first answer and the confirmation mail.
                let mut view = AppointmentView::of(&first, config.library.timezone);
                view.manage_url = Some(None);
                let mut response = located(StatusCode::OK, &view, &first);
                response
                    .headers_mut()
                    .insert("idempotent-replayed", HeaderValue::from_static("true"));
                return Ok(response);
            }
            // With "any", someone took this provider's time: try the next one.
            Err(StoreError::SlotTaken) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::SlotTaken)
}

fn located(status: StatusCode, view: &AppointmentView, a: &Appointment) -> Response<Body> {
    let mut response = respond::json(status, view);
    if let Ok(location) = HeaderValue::from_str(&format!("/api/appointments/{}", a.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

fn start_message(language: Language) -> &'static str {
    match language {
        Language::El => "Επιλέξτε ημερομηνία και ώρα ραντεβού.",
        Language::En => "Please choose a date and time (RFC 3339, e.g. 2026-12-01T09:00:00+02:00).",
    }
}
