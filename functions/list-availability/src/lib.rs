//! `GET /api/services` and `GET /api/availability`: what can be booked, and when.

use chrono::{Datelike, NaiveDate};
use lambda_http::http::{header, HeaderValue, Method, StatusCode};
use lambda_http::{Body, Request, Response};
use rantevou_app::{FreeSlots, SlotsQuery};
use rantevou_http::request::{path, query};
use rantevou_http::view::{AvailabilityView, ServicesView};
use rantevou_http::{respond, serve, ApiError, Function};

/// Serves both routes.
pub async fn handle(req: Request, slots: &FreeSlots) -> Response<Body> {
    serve(
        req,
        slots.context(),
        Function::ListAvailability,
        |req| async move {
            if req.method() != Method::GET {
                return Err(ApiError::method_not_allowed(&rantevou_http::request::path(
                    &req,
                )));
            }
            match path(&req).as_str() {
                "/api/services" => Ok(services(slots)),
                "/api/availability" => free_slots(&req, slots).await,
                _ => Err(ApiError::NotFound),
            }
        },
    )
    .await
}

fn services(slots: &FreeSlots) -> Response<Body> {
    let mut response = respond::json(StatusCode::OK, &ServicesView::of(&slots.context().config));
    // The catalogue changes only when staff push a new configuration.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    response
}

/// The years a `from` or `to` may name: wide enough for any booking, narrow enough that every
/// date is written YYYY-MM-DD (no sign, four digits).
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2999;

fn date_param(req: &Request, name: &str) -> Result<Option<NaiveDate>, ApiError> {
    query(req, name)
        .map(|v| {
            let invalid = || {
                ApiError::bad_param(
                    name,
                    "invalid",
                    format!(
                        "{v:?} is not a date as YYYY-MM-DD between {} and {}",
                        YEARS.start(),
                        YEARS.end()
                    ),
                )
            };
            // Exactly YYYY-MM-DD: chrono alone would take a sign and more digits.
            let shaped = v.len() == 10 && v.starts_with(|c: char| c.is_ascii_digit());
            let date = NaiveDate::parse_from_str(&v, "%Y-%m-%d")
                .ok()
                .filter(|d| shaped && YEARS.contains(&d.year()))
                .ok_or_else(invalid)?;
            Ok(date)
        })
        .transpose()
}

async fn free_slots(req: &Request, slots: &FreeSlots) -> Result<Response<Body>, ApiError> {
    let service = query(req, "service").ok_or_else(|| {
        ApiError::bad_param(
            "service",
            "required",
            "name the service, e.g. service=mylibrarylive",
        )
    })?;
    let query = SlotsQuery {
        service,
        provider: query(req, "provider"),
        from: date_param(req, "from")?,
        to: date_param(req, "to")?,
    };
    let days = slots.free_slots(&query).await?;
    let tz = slots.context().config.library.timezone;
    Ok(respond::json(
        StatusCode::OK,
        &AvailabilityView::of(&query.service, tz, days),
    ))
}
