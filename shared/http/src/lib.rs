//! The HTTP glue every function shares, and nothing else: request reading, JSON and form
//! bodies, problem+json errors (mapped to statuses in one place, [`problem`]), the answers'
//! shapes ([`view`]), security and CORS headers, the cancel pages, and the route table.
//! The use cases are `rantevou-app`'s; building them is the wiring's.

pub mod body;
pub mod export;
pub mod input;
pub mod pages;
pub mod problem;
pub mod request;
pub mod respond;
pub mod routes;
pub mod staff;
pub mod view;

pub use problem::ApiError;
pub use routes::Function;

use lambda_http::http::header;
use lambda_http::{Body, Request, Response};
use rantevou_app::Context;
use std::future::Future;
use std::time::Instant;
use tracing::Instrument;

/// Runs one request through `logic`: answers CORS preflights, turns errors into problem+json,
/// adds the common headers (CORS for the site's origin in `ctx`), and logs the request id,
/// function, status and latency (no personal data). Every function's `handle` is this around
/// its own parse → call → answer.
pub async fn serve<F, Fut>(
    req: Request,
    ctx: &Context,
    function: Function,
    logic: F,
) -> Response<Body>
where
    F: FnOnce(Request) -> Fut,
    Fut: Future<Output = Result<Response<Body>, ApiError>>,
{
    let started = Instant::now();
    let request_id = request::request_id(&req);
    let method = req.method().to_string();
    let origin = req.headers().get(header::ORIGIN).cloned();
    let span = tracing::info_span!("request", request_id = %request_id, function = function.name(), method = %method);
    let response = match respond::preflight(&req) {
        Some(r) => r,
        None => logic(req)
            .instrument(span.clone())
            .await
            .unwrap_or_else(|e| e.to_response()),
    };
    let response = respond::finish(origin.as_ref(), response, ctx.links.site_origin());
    span.in_scope(|| {
        tracing::info!(
            status = response.status().as_u16(),
            latency_ms = started.elapsed().as_secs_f64() * 1000.0,
            "handled"
        )
    });
    response
}

/// The answer of a function that has no library configuration (or no keys to make links
/// with): 503 `not-configured` to every request, logged as an error with `why` (staff must
/// push one, or the stack give the keys), never the built-in sample.
pub fn not_configured(req: &Request, function: Function, why: &str) -> Response<Body> {
    tracing::error!(
        request_id = %request::request_id(req),
        function = function.name(),
        why,
        "not configured"
    );
    let response = ApiError::NotConfigured.to_response();
    respond::finish(None, response, None)
}
