//! Successful responses, and the headers every response gets.

use crate::view::AppointmentView;
use chrono_tz::Tz;
use lambda_http::http::{header, HeaderValue, Method, StatusCode};
use lambda_http::{Body, Request, Response};
use rantevou_app::Booked;
use serde::Serialize;

/// Content Security Policy of every HTML page: nothing but our own styles and forms.
pub const CSP: &str = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// A JSON response.
pub fn json<T: Serialize>(status: StatusCode, value: &T) -> Response<Body> {
    match serde_json::to_string(value) {
        Ok(body) => Response::builder()
            .status(status)
            .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
            .header(header::CACHE_CONTROL, "no-store")
            .body(Body::Text(body))
            .unwrap_or_else(|_| Response::new(Body::Empty)),
        Err(_) => crate::problem::ApiError::Internal.to_response(),
    }
}

/// 202 with an empty JSON object: accepted, and nothing more to say.
pub fn accepted() -> Response<Body> {
    json(StatusCode::ACCEPTED, &serde_json::Map::new())
}

/// `200` with the patron's view of `a`, times in `tz`.
pub fn appointment(a: &rantevou_domain::appointment::Appointment, tz: Tz) -> Response<Body> {
    json(StatusCode::OK, &AppointmentView::of(a, tz))
}

/// `200` with `csv` as a file to save as `filename`, never cached.
pub fn csv(csv: Vec<u8>, filename: &str) -> Response<Body> {
    download(csv, "text/csv; charset=utf-8", filename)
}

/// A file to download: `bytes` of `content_type` saved as `filename`, never cached.
pub fn download(bytes: Vec<u8>, content_type: &str, filename: &str) -> Response<Body> {
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CACHE_CONTROL, "no-store")
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        )
        .body(Body::Binary(bytes))
        .unwrap_or_else(|_| Response::new(Body::Empty))
}

/// `200 {}`: done, nothing to show.
pub fn done() -> Response<Body> {
    json(StatusCode::OK, &serde_json::Map::new())
}

/// The answer to a booking: 201 with the manage link, or 200 `Idempotent-Replayed: true`
/// with the first appointment and its same link, each with its `Location`.
pub fn booked(booked: Booked, tz: Tz) -> Response<Body> {
    let (status, appointment, manage_url, replayed) = match booked {
        Booked::New {
            appointment,
            manage_url,
        } => (StatusCode::CREATED, appointment, manage_url, false),
        Booked::Replayed {
            appointment,
            manage_url,
        } => (StatusCode::OK, appointment, manage_url, true),
    };
    let mut view = AppointmentView::of(&appointment, tz);
    view.manage_url = Some(manage_url);
    let mut response = json(status, &view);
    let headers = response.headers_mut();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/appointments/{}", appointment.id)) {
        headers.insert(header::LOCATION, location);
    }
    if replayed {
        headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    response
}

/// An HTML page, with the strict headers pages carry (the cancel link has a token in its URL).
pub fn html(status: StatusCode, page: String) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .header(header::CACHE_CONTROL, "no-store")
        .header(header::CONTENT_SECURITY_POLICY, CSP)
        .header(header::REFERRER_POLICY, "no-referrer")
        .header(header::X_FRAME_OPTIONS, "DENY")
        .body(Body::Text(page))
        .unwrap_or_else(|_| Response::new(Body::Empty))
}

/// Adds the headers every response gets: no sniffing, no referrer (URLs may hold a token),
/// and CORS for the booking site's origin when the request (its `Origin`) comes from it.
pub fn finish(
    origin: Option<&HeaderValue>,
    mut response: Response<Body>,
    allowed_origin: Option<&str>,
) -> Response<Body> {
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    let origin = origin.and_then(|o| o.to_str().ok());
    if let (Some(origin), Some(allowed)) = (origin, allowed_origin) {
        if origin == allowed {
            if let Ok(value) = HeaderValue::from_str(origin) {
                headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
                headers.insert(header::VARY, HeaderValue::from_static("Origin"));
                headers.insert(
                    header::ACCESS_CONTROL_ALLOW_HEADERS,
                    HeaderValue::from_static("content-type, idempotency-key"),
                );
                headers.insert(
                    header::ACCESS_CONTROL_ALLOW_METHODS,
                    HeaderValue::from_static("GET, POST, OPTIONS"),
                );
                headers.insert(
                    header::ACCESS_CONTROL_MAX_AGE,
                    HeaderValue::from_static("600"),
                );
            }
        }
    }
    response
}

/// The answer to a CORS preflight (`OPTIONS`): headers only; [`finish`] adds them.
pub fn preflight(req: &Request) -> Option<Response<Body>> {
    (req.method() == Method::OPTIONS).then(|| {
        Response::builder()
            .status(StatusCode::NO_CONTENT)
            .body(Body::Empty)
            .unwrap_or_else(|_| Response::new(Body::Empty))
    })
}
