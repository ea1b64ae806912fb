//! Every error an API operation can end in, and the one mapping from errors to HTTP:
//! RFC 9457 `application/problem+json` with a stable `type`, a `title`, the `status`, and
//! per-field `errors` where fields are at fault. Each use case's error enum becomes an
//! [`ApiError`] here and nowhere else.

use lambda_http::http::{header, StatusCode};
use lambda_http::{Body, Response};
use rantevou_app::texts;
use rantevou_domain::patron::{FieldCode, FieldErrors};
use rantevou_domain::Language;
use serde::Serialize;

/// A field (or query parameter, or header) at fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    /// The field as the API names it (`customer.email`, `from`, `Idempotency-Key`).
    pub field: String,
    /// A stable code: `required`, `invalid`, `too_long`, `must_accept`, `unknown_field`, …
    pub code: String,
    /// What is wrong, in the request's language.
    pub message: String,
}

impl FieldProblem {
    /// A field problem.
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        FieldProblem {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }

    /// One field error, with the catalogue's message in `language`.
    pub fn of(field: &str, code: FieldCode, language: Language) -> FieldProblem {
        FieldProblem::new(
            field,
            code.to_string(),
            texts(language).field_message(field, code),
        )
    }

    /// Every field error, with messages in `language`.
    pub fn all(errors: &FieldErrors, language: Language) -> Vec<FieldProblem> {
        errors
            .0
            .iter()
            .map(|e| FieldProblem::of(&e.field, e.code, language))
            .collect()
    }
}

/// Why a request failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// Malformed request: bad JSON, a bad query parameter or header.
    #[error("bad request: {detail}")]
    BadRequest {
        /// What is wrong, for the developer.
        detail: String,
        /// The parameters at fault, if known.
        errors: Vec<FieldProblem>,
    },
    /// Fields that parse but are not acceptable; all of them at once.
    #[error("validation failed")]
    Validation(Vec<FieldProblem>),
    /// Unknown id, wrong token, unknown service or provider: all look the same.
    #[error("not found")]
    NotFound,
    /// Someone else holds part of the requested time.
    #[error("slot taken")]
    SlotTaken,
    /// Past the cancellation cutoff.
    #[error("too late to cancel")]
    TooLate {
        /// The policy's cutoff, in minutes.
        cutoff_minutes: u32,
    },
    /// The appointment changed since the client read it (its version), or is no longer booked.
    #[error("changed")]
    Changed,
    /// A held booking that was not confirmed in time: its time was freed.
    #[error("hold expired")]
    HoldExpired,
    /// A held booking that was cancelled before it was confirmed.
    #[error("cancelled")]
    Cancelled,
    /// No sign-in: a staff route without a token (or the local key).
    #[error("unauthorized")]
    Unauthorized,
    /// Signed in, but not allowed: not in the staff group, or outside the providers they see.
    #[error("forbidden: {detail}")]
    Forbidden {
        /// What is not allowed.
        detail: String,
    },
    /// The action does not apply to the appointment as it is now (staff actions).
    #[error("conflict: {detail}")]
    Conflict {
        /// Why, in words staff can act on.
        detail: String,
    },
    /// The idempotency key was used for another request.
    #[error("idempotency key reused")]
    IdempotencyKeyReused,
    /// The appointment was moved as often as the library allows.
    #[error("moved too often")]
    TooManyMoves {
        /// `policy.max_moves`.
        max: u32,
    },
    /// The patron's address had as much unasked mail today as the library sends one address.
    #[error("too many mails")]
    TooManyMails,
    /// The body did not arrive in time (the local server's limit).
    #[error("request timeout")]
    RequestTimeout,
    /// Body over 16 KiB.
    #[error("payload too large")]
    PayloadTooLarge,
    /// Not JSON (or a form, where forms are accepted).
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// A method the route does not serve; `allow` lists those it does (the `Allow` header).
    #[error("method not allowed")]
    MethodNotAllowed {
        /// E.g. `GET, HEAD, POST`.
        allow: String,
    },
    /// Too many requests from this client (the local server's limits), or the store asks us to
    /// slow down; try again after this many seconds.
    #[error("too many requests")]
    TooManyRequests {
        /// Seconds until a retry is welcome (`Retry-After`).
        retry_after_secs: u64,
    },
    /// The store failed; details are logged, not sent.
    #[error("service unavailable")]
    Unavailable,
    /// No library configuration was pushed: the function serves nothing until there is one.
    #[error("not configured")]
    NotConfigured,
    /// A bug or corrupt data; details are logged, not sent.
    #[error("internal error")]
    Internal,
}

impl ApiError {
    /// A bad request about one named parameter.
    pub fn bad_param(field: &str, code: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError::BadRequest {
            detail: format!("{field}: {message}"),
            errors: vec![FieldProblem::new(field, code, message)],
        }
    }

    /// 405 for a request to `path` with a method its route does not serve.
    pub fn method_not_allowed(path: &str) -> Self {
        ApiError::MethodNotAllowed {
            allow: crate::routes::allowed(path).unwrap_or_default(),
        }
    }

    /// Status, stable type slug and title.
    pub fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            ApiError::BadRequest { .. } => (
                StatusCode::BAD_REQUEST,
                "bad-request",
                "The request is malformed",
            ),
            ApiError::Validation(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                "Some fields need attention",
            ),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not-found", "Not found"),
            ApiError::SlotTaken => (
                StatusCode::CONFLICT,
                "slot-taken",
                "That time has just been booked by someone else",
            ),
            ApiError::TooLate { .. } => (
                StatusCode::CONFLICT,
                "too-late",
                "It is too late to change or cancel this appointment",
            ),
            ApiError::Changed => (
                StatusCode::CONFLICT,
                "changed",
                "The appointment changed since it was read; read it again",
            ),
            ApiError::HoldExpired => (
                StatusCode::GONE,
                "hold-expired",
                "The booking was not confirmed in time and its time was freed; book again",
            ),
            ApiError::Cancelled => (
                StatusCode::CONFLICT,
                "cancelled",
                "This appointment was cancelled",
            ),
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Sign in to the staff console first",
            ),
            ApiError::Forbidden { .. } => (
                StatusCode::FORBIDDEN,
                "forbidden",
                "Your account may not do this",
            ),
            ApiError::Conflict { .. } => (
                StatusCode::CONFLICT,
                "conflict",
                "Not possible for this appointment as it is now",
            ),
            ApiError::TooManyMoves { .. } => (
                StatusCode::CONFLICT,
                "too-many-moves",
                "This appointment was moved as often as allowed",
            ),
            ApiError::TooManyMails => (
                StatusCode::TOO_MANY_REQUESTS,
                "too-many-mails",
                "This address has had as many messages today as we send to one address",
            ),
            ApiError::IdempotencyKeyReused => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency-key-reused",
                "The Idempotency-Key was used for a different request",
            ),
            ApiError::RequestTimeout => (
                StatusCode::REQUEST_TIMEOUT,
                "request-timeout",
                "The request's body did not arrive in time",
            ),
            ApiError::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload-too-large",
                "The request body is larger than 16 KiB",
            ),
            ApiError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Send application/json",
            ),
            ApiError::MethodNotAllowed { .. } => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "Method not allowed",
            ),
            ApiError::TooManyRequests { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "too-many-requests",
                "Too many requests; try again shortly",
            ),
            ApiError::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "The service is briefly unavailable; try again",
            ),
            ApiError::NotConfigured => (
                StatusCode::SERVICE_UNAVAILABLE,
                "not-configured",
                "The service has not been configured yet",
            ),
            ApiError::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Something went wrong on our side",
            ),
        }
    }

    /// The problem+json document.
    pub fn to_problem(&self) -> serde_json::Value {
        let (status, slug, title) = self.parts();
        let mut doc = serde_json::json!({
            "type": problem_type(slug),
            "title": title,
            "status": status.as_u16(),
        });
        match self {
            ApiError::BadRequest { detail, errors } => {
                doc["detail"] = detail.clone().into();
                if !errors.is_empty() {
                    doc["errors"] = serde_json::to_value(errors).unwrap_or_default();
                }
            }
            ApiError::Validation(errors) => {
                doc["errors"] = serde_json::to_value(errors).unwrap_or_default()
            }
            ApiError::Forbidden { detail } | ApiError::Conflict { detail } => {
                doc["detail"] = detail.clone().into();
            }
            ApiError::TooManyMoves { max } => {
                doc["detail"] = format!("An appointment can be moved {max} times; cancel it and book another time instead.").into();
            }
            ApiError::TooLate { cutoff_minutes } => {
                doc["detail"] = format!("Appointments can be moved or cancelled until {cutoff_minutes} minutes before they start.").into();
            }
            _ => {}
        }
        doc
    }

    /// The HTTP response: the one place errors become statuses.
    pub fn to_response(&self) -> Response<Body> {
        let (status, _, _) = self.parts();
        let body = self.to_problem().to_string();
        let mut builder = Response::builder().status(status).header(
            header::CONTENT_TYPE,
            "application/problem+json; charset=utf-8",
        );
        match self {
            ApiError::TooManyRequests { retry_after_secs } => {
                builder = builder.header(header::RETRY_AFTER, retry_after_secs.max(&1).to_string());
            }
            // The allowance is a day's: an hour is as good a guess as any.
            ApiError::TooManyMails => builder = builder.header(header::RETRY_AFTER, "3600"),
            ApiError::Unavailable => builder = builder.header(header::RETRY_AFTER, "1"),
            ApiError::MethodNotAllowed { allow } => {
                builder = builder.header(header::ALLOW, allow.as_str());
            }
            ApiError::Unauthorized => {
                builder = builder.header(header::WWW_AUTHENTICATE, "Bearer realm=\"staff\"");
            }
            _ => {}
        }
        builder
            .body(Body::Text(body))
            .unwrap_or_else(|_| Response::new(Body::Empty))
    }
}

/// The stable `type` URI of a problem: a path under `/problems/` of the API's own origin
/// (a relative reference, as RFC 9457 allows), so it is the same on every deployment.
pub fn problem_type(slug: &str) -> String {
    format!("/problems/{slug}")
}

mod from;
