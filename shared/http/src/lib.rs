//! The HTTP glue every function shares: request reading, JSON and form bodies, problem+json
//! errors (mapped to statuses in one place, [`problem::ApiError::to_response`]), security and
//! CORS headers, the cancel pages, JSON logging, and the dependencies a function is built with.

pub mod body;
pub mod deps;
pub mod logging;
pub mod mail;
pub mod pages;
pub mod problem;
pub mod request;
pub mod respond;
pub mod routes;
pub mod view;

pub use deps::Deps;
pub use problem::ApiError;

use lambda_http::http::header;
use lambda_http::{Body, Request, Response};
use std::future::Future;
use std::time::Instant;
use tracing::Instrument;

/// Runs one request through `route`: answers CORS preflights, turns errors into problem+json,
/// adds the common headers, and logs the request id, route, status and latency (no personal
/// data). Every function's `handle` is this around its own logic.
pub async fn serve<F, Fut>(
    req: Request,
    deps: &Deps,
    route: &'static str,
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
    let span = tracing::info_span!("request", request_id = %request_id, route, method = %method);
    let response = match respond::preflight(&req) {
        Some(r) => r,
        None => logic(req)
            .instrument(span.clone())
            .await
            .unwrap_or_else(|e| e.to_response()),
    };
    let mut probe = Request::default();
    if let Some(origin) = origin {
        probe.headers_mut().insert(header::ORIGIN, origin);
    }
    let response = respond::finish(&probe, response, deps.allowed_origin.as_deref());
    span.in_scope(|| {
        tracing::info!(
            status = response.status().as_u16(),
            latency_ms = started.elapsed().as_secs_f64() * 1000.0,
            "handled"
        )
    });
    response
}

/// Runs an HTTP Lambda: JSON logs, the dependencies built once from the environment (kept for
/// the life of the process, as Lambda keeps it), then every event through `handle`. Each
/// function's `main` is this one call.
pub async fn run_lambda<F, Fut>(handle: F) -> Result<(), lambda_http::Error>
where
    F: Fn(Request, &'static Deps) -> Fut,
    Fut: Future<Output = Response<Body>> + Send,
{
    logging::init();
    let deps: &'static Deps = Box::leak(Box::new(Deps::from_env().await?));
    lambda_http::run(lambda_http::service_fn(move |req| {
        let answer = handle(req, deps);
        async move { Ok::<_, std::convert::Infallible>(answer.await) }
    }))
    .await
}
