//! `GET /api/services` and `GET /api/availability`: what can be booked, and when.

use chrono::NaiveDate;
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
                return Err(ApiError::MethodNotAllowed);
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

fn date_param(req: &Request, name: &str) -> Result<Option<NaiveDate>, ApiError> {
    query(req, name)
        .map(|v| {
            NaiveDate::parse_from_str(&v, "%Y-%m-%d").map_err(|_| {
                ApiError::bad_param(
                    name,
                    "invalid",
                    format!("{v:?} is not a date as YYYY-MM-DD"),
                )
            })
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
