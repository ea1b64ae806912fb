//! `GET /api/services` and `GET /api/availability`: what can be booked, and when.

use chrono::{Days, NaiveDate};
use lambda_http::http::{header, Method, StatusCode};
use lambda_http::{Body, Request, Response};
use rantevou_domain::availability::{availability, lock_partitions};
use rantevou_domain::{AvailabilityQuery, BookedLocks, Localized, ProviderChoice, ProviderId};
use rantevou_http::request::{path, query};
use rantevou_http::view::instant;
use rantevou_http::{respond, ApiError, Deps};
use serde::Serialize;

/// Days shown when the request names no end date.
const DEFAULT_RANGE_DAYS: u64 = 31;

/// Serves both routes.
pub async fn handle(req: Request, deps: &Deps) -> Response<Body> {
    rantevou_http::serve(req, deps, "list-availability", |req| async move {
        if req.method() != Method::GET {
            return Err(ApiError::MethodNotAllowed);
        }
        match path(&req).as_str() {
            "/api/services" => Ok(services(deps)),
            "/api/availability" => free_slots(&req, deps).await,
            _ => Err(ApiError::NotFound),
        }
    })
    .await
}

#[derive(Serialize)]
struct LibraryView<'a> {
    name: &'a Localized,
    timezone: &'a str,
    languages: Vec<&'static str>,
    email: &'a str,
    terms_url: &'a str,
    privacy_url: &'a str,
}

#[derive(Serialize)]
struct ServiceView<'a> {
    id: &'a str,
    name: &'a Localized,
    description: &'a Localized,
    duration_minutes: u32,
    providers: Vec<&'a str>,
}

#[derive(Serialize)]
struct ProviderView<'a> {
    id: &'a str,
    name: &'a Localized,
}

#[derive(Serialize)]
struct PolicyView {
    min_notice_minutes: u32,
    horizon_days: u32,
    cancel_cutoff_minutes: u32,
    /// The booking form's fields a patron must fill in (the site marks and checks them).
    required_fields: Vec<&'static str>,
}

#[derive(Serialize)]
struct ServicesView<'a> {
    library: LibraryView<'a>,
    services: Vec<ServiceView<'a>>,
    providers: Vec<ProviderView<'a>>,
    policy: PolicyView,
}

fn services(deps: &Deps) -> Response<Body> {
    let c = &deps.config;
    let view = ServicesView {
        library: LibraryView {
            name: &c.library.name,
            timezone: c.library.timezone.name(),
            languages: c.library.languages.iter().map(|l| l.code()).collect(),
            email: &c.library.email,
            terms_url: &c.library.terms_url,
            privacy_url: &c.library.privacy_url,
        },
        services: c
            .services
            .iter()
            .map(|s| ServiceView {
                id: s.id.as_str(),
                name: &s.name,
                description: &s.description,
                duration_minutes: s.duration_minutes,
                providers: s.providers.iter().map(ProviderId::as_str).collect(),
            })
            .collect(),
        providers: c
            .providers
            .iter()
            .map(|p| ProviderView {
                id: p.id.as_str(),
                name: &p.name,
            })
            .collect(),
        policy: PolicyView {
            min_notice_minutes: c.policy.min_notice_minutes,
            horizon_days: c.policy.horizon_days,
            cancel_cutoff_minutes: c.policy.cancel_cutoff_minutes,
            required_fields: c.policy.required.names(),
        },
    };
    let mut response = respond::json(StatusCode::OK, &view);
    // The catalogue changes only when staff push a new configuration.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("public, max-age=300"),
    );
    response
}

#[derive(Serialize)]
struct SlotView {
    start: String,
    end: String,
    providers: Vec<String>,
}

#[derive(Serialize)]
struct DayView {
    date: String,
    slots: Vec<SlotView>,
}

#[derive(Serialize)]
struct AvailabilityView<'a> {
    service: &'a str,
    timezone: &'a str,
    days: Vec<DayView>,
}

fn date_param(req: &Request, name: &str) -> Result<Option<NaiveDate>, ApiError> {
    match query(req, name) {
        None => Ok(None),
        Some(v) => NaiveDate::parse_from_str(&v, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                ApiError::bad_param(
                    name,
                    "invalid",
                    format!("{v:?} is not a date as YYYY-MM-DD"),
                )
            }),
    }
}

async fn free_slots(req: &Request, deps: &Deps) -> Result<Response<Body>, ApiError> {
    let config = &deps.config;
    let service = query(req, "service").ok_or_else(|| {
        ApiError::bad_param(
            "service",
            "required",
            "name the service, e.g. service=mylibrarylive",
        )
    })?;
    let provider = match query(req, "provider").as_deref() {
        None | Some("") | Some("any") => ProviderChoice::Any,
        Some(id) => ProviderChoice::One(ProviderId::parse(id).ok_or(ApiError::NotFound)?),
    };
    let now = deps.now();
    let today = now.with_timezone(&config.library.timezone).date_naive();
    let from = date_param(req, "from")?.unwrap_or(today);
    let to = match date_param(req, "to")? {
        Some(to) => to,
        None => from
            .checked_add_days(Days::new(DEFAULT_RANGE_DAYS - 1))
            .unwrap_or(from),
    };
    let query = AvailabilityQuery {
        service,
        provider,
        from,
        to,
        now,
    };
    let mut booked = BookedLocks::new();
    for (provider, month) in lock_partitions(config, &query)? {
        booked.extend(deps.store.locks(&provider, month).await?);
    }
    let tz = config.library.timezone;
    let days = availability(config, &query, &booked)?;
    let view = AvailabilityView {
        service: &query.service,
        timezone: tz.name(),
        days: days
            .into_iter()
            .map(|d| DayView {
                date: d.date.to_string(),
                slots: d
                    .slots
                    .into_iter()
                    .map(|s| SlotView {
                        start: instant(s.start.with_timezone(&chrono::Utc), tz),
                        end: instant(s.end.with_timezone(&chrono::Utc), tz),
                        providers: s.providers.iter().map(ToString::to_string).collect(),
                    })
                    .collect(),
            })
            .collect(),
    };
    Ok(respond::json(StatusCode::OK, &view))
}
