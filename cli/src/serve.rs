//! `rantevou serve`: the site, the API (through the same `handle()` functions the Lambdas
//! run), SQLite under the data folder, mail as `.eml` files in `DATA/outbox` listed at
//! `/outbox`, and the mail retry every minute. Ctrl-C stops it after in-flight requests.

use crate::config_cmd;
use crate::functions::Functions;
use crate::limits::RateLimits;
use crate::outbox_pages;
use axum::body::{to_bytes, Body as AxumBody};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use lambda_http::Body;
use rantevou_app::{Links, MailRetry};
use rantevou_http::{respond, ApiError};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

struct App {
    functions: Functions,
    limits: Option<RateLimits>,
    outbox: PathBuf,
    site: PathBuf,
}

/// Where `rantevou serve` listens and what it serves.
pub struct Options {
    /// Address to listen on.
    pub addr: SocketAddr,
    /// Folder for the database and the outbox.
    pub data: PathBuf,
    /// The library's configuration file.
    pub config: PathBuf,
    /// Folder of the static booking site.
    pub site: PathBuf,
    /// Per-client rate limits on the API (off for load tests).
    pub rate_limits: bool,
}

/// Runs the local service until Ctrl-C.
pub async fn run(options: Options) -> Result<(), String> {
    let (_, config) = config_cmd::load(&options.config)?;
    let listener = tokio::net::TcpListener::bind(options.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", options.addr))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    // Site and API share this origin: no CORS.
    let links = Links::same_origin(&format!("http://{bound}")).map_err(|e| e.to_string())?;
    let wiring = rantevou_wiring::local::wiring(
        config,
        &options.data,
        links,
        rantevou_wiring::clock::system(),
    )
    .map_err(|e| e.to_string())?;
    let retry = wiring.mail_retry().map_err(|e| e.to_string())?;
    tokio::spawn(retry_every_minute(retry));
    let app = Arc::new(App {
        functions: Functions::new(&wiring).map_err(|e| e.to_string())?,
        limits: options.rate_limits.then(RateLimits::new),
        outbox: options.data.join("outbox"),
        site: options.site,
    });
    if app.limits.is_some() {
        tokio::spawn(forget_quiet_clients(Arc::clone(&app)));
    }
    let router = axum::Router::new()
        .fallback(dispatch)
        .with_state(app)
        .into_make_service_with_connect_info::<SocketAddr>();
    say(&format!(
        "rantevou is serving at http://{bound}/  (mail: http://{bound}/outbox, data: {})",
        options.data.display()
    ));
    if !options.rate_limits {
        say("Rate limits are off (--no-rate-limit).");
    }
    say("Press Ctrl-C to stop.");
    axum::serve(listener, router)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
            say("stopping…");
        })
        .await
        .map_err(|e| e.to_string())?;
    say("stopped; everything booked is in the data folder.");
    Ok(())
}

/// The retry path, as the scheduled Lambda runs it in AWS.
async fn retry_every_minute(retry: MailRetry) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        if let Err(e) = retry.retry_pending(send_pending_mail::BATCH).await {
            tracing::warn!(error = %e, "pending mail not delivered");
        }
    }
}

/// Lets the rate limits forget the clients that have been quiet, every minute.
async fn forget_quiet_clients(app: Arc<App>) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        if let Some(limits) = &app.limits {
            limits.forget_quiet();
        }
    }
}

/// A line for the person running the server; a closed terminal is no reason to fail.
fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout(), "{line}");
}

async fn dispatch(
    State(app): State<Arc<App>>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    let path = req.uri().path().to_owned();
    if path == "/outbox" || path == "/outbox/" {
        return page(outbox_pages::list(app.outbox.clone()).await);
    }
    if let Some(file) = path.strip_prefix("/outbox/") {
        let raw = req.uri().query() == Some("raw=1");
        return match outbox_pages::message(app.outbox.clone(), file, raw).await {
            Some(outbox_pages::Message::Page(html)) => page(html),
            Some(outbox_pages::Message::Raw(bytes)) => {
                ([(header::CONTENT_TYPE, "message/rfc822")], bytes).into_response()
            }
            None => StatusCode::NOT_FOUND.into_response(),
        };
    }
    if path.starts_with("/api/") {
        if let Some(Err(wait)) = app
            .limits
            .as_ref()
            .map(|l| l.check(client.ip(), req.method().as_str()))
        {
            let retry_after_secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            return to_axum(ApiError::TooManyRequests { retry_after_secs }.to_response());
        }
        return api(&app.functions, req).await;
    }
    static_file(&app.site, &path).await
}

/// Hands the request to the function that serves its route, as API Gateway would.
async fn api(functions: &Functions, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    // Bodies over the functions' 16 KiB limit are refused by them; read a little more to know.
    let body = match to_bytes(body, rantevou_http::body::MAX_BODY_BYTES + 1).await {
        Ok(b) if b.is_empty() => Body::Empty,
        Ok(b) => match String::from_utf8(b.to_vec()) {
            Ok(text) => Body::Text(text),
            Err(e) => Body::Binary(e.into_bytes()),
        },
        Err(_) => return to_axum(ApiError::PayloadTooLarge.to_response()),
    };
    let request = lambda_http::http::Request::from_parts(parts, body);
    to_axum(functions.route(request).await)
}

/// A function's answer as axum's: the one conversion between the two.
fn to_axum(response: lambda_http::Response<Body>) -> Response {
    let (parts, body) = response.into_parts();
    let bytes: Vec<u8> = match body {
        Body::Text(t) => t.into_bytes(),
        Body::Binary(b) => b,
        _ => Vec::new(),
    };
    Response::from_parts(parts, AxumBody::from(bytes))
}

fn page(html: String) -> Response {
    to_axum(respond::html(StatusCode::OK, html))
}

/// A file of the static site; `/` is `index.html`. Paths cannot leave the site folder.
async fn static_file(site: &Path, path: &str) -> Response {
    let relative = path.trim_start_matches('/');
    let relative = if relative.is_empty() || relative.ends_with('/') {
        format!("{relative}index.html")
    } else {
        relative.to_owned()
    };
    if relative
        .split('/')
        .any(|part| part.is_empty() || part == ".." || part.starts_with('.'))
    {
        return StatusCode::NOT_FOUND.into_response();
    }
    let file = site.join(&relative);
    match tokio::fs::read(&file).await {
        Ok(bytes) => {
            let content_type = match file.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("css") => "text/css; charset=utf-8",
                Some("js" | "mjs") => "text/javascript; charset=utf-8",
                Some("json") => "application/json; charset=utf-8",
                Some("svg") => "image/svg+xml",
                Some("png") => "image/png",
                Some("ico") => "image/x-icon",
                _ => "application/octet-stream",
            };
            let mut response = (StatusCode::OK, bytes).into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            response.headers_mut().insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            response
        }
        Err(_) if relative == "index.html" => page(placeholder()),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Shown at `/` when the site folder has no `index.html` (started outside the project folder).
fn placeholder() -> String {
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>rantevou</title></head><body><main>\
     <h1>rantevou is running, but the booking site was not found</h1><p>Start it from the project folder, \
     or pass <code>--site</code> with the path of the <code>site/</code> folder. The API answers under \
     <a href=\"/api/services\">/api/services</a>; mail goes to <a href=\"/outbox\">/outbox</a>.</p></main></body></html>"
        .to_owned()
}
