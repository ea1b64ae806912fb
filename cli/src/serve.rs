//! `rantevou serve`: the site, the API (through the same `handle()` functions the Lambdas
//! run), SQLite under the data folder, mail as `.eml` files in `DATA/outbox` listed at
//! `/outbox` (behind the key printed at start), and the mail retry every minute. Only the
//! host names it serves are answered; connections are bounded and timed out (`listen`).
//! Ctrl-C stops it after in-flight requests.

use crate::config_cmd;
use crate::functions::Functions;
use crate::guard::{Access, Hosts, StaffKey};
use crate::limits::RateLimits;
use crate::outbox_pages;
use axum::body::{to_bytes, Body as AxumBody};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
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
    hosts: Hosts,
    key: StaffKey,
}

/// Longest wait for a request's body once its head arrived.
const BODY_TIMEOUT: Duration = Duration::from_secs(10);

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
    /// Time between the scheduler's runs (a minute, as in AWS; shorter in tests).
    pub scheduler_every: Duration,
    /// The address patrons reach the server at, for the links in mail (default: the bound
    /// address); its host is served too. Required when listening on all interfaces.
    pub public_url: Option<String>,
}

/// Runs the local service until Ctrl-C.
pub async fn run(options: Options) -> Result<(), String> {
    let (_, config) = config_cmd::load(&options.config)?;
    let listener = tokio::net::TcpListener::bind(options.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", options.addr))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    let base = match &options.public_url {
        Some(url) => url.trim_end_matches('/').to_owned(),
        None if bound.ip().is_unspecified() => {
            return Err(format!(
                "listening on all interfaces ({bound}): pass --public-url with the address \
                 patrons reach this machine at (the links in mail use it)"
            ))
        }
        None => format!("http://{bound}"),
    };
    // Site and API share this origin: no CORS.
    let links = Links::same_origin(&base).map_err(|e| e.to_string())?;
    let hosts = Hosts::new(bound, links.public_url().host_str());
    let key = StaffKey::generate();
    let wiring = rantevou_wiring::local::wiring(
        config,
        &options.data,
        links,
        rantevou_wiring::clock::system(),
    )
    .map_err(|e| e.to_string())?;
    let retry = wiring.mail_retry().map_err(|e| e.to_string())?;
    let purge = Purge {
        store: Arc::clone(wiring.store()),
        ctx: wiring.context().clone(),
        outbox: options.data.join("outbox"),
    };
    let app = Arc::new(App {
        functions: Functions::new(&wiring).map_err(|e| e.to_string())?,
        limits: options.rate_limits.then(RateLimits::new),
        outbox: options.data.join("outbox"),
        site: options.site,
        hosts,
        key: key.clone(),
    });
    if app.limits.is_some() {
        tokio::spawn(forget_quiet_clients(Arc::clone(&app)));
    }
    let router = axum::Router::new().fallback(dispatch).with_state(app);
    say(&format!(
        "rantevou is serving at {base}/  (mail: {base}/outbox?key={}, data: {})",
        key.expose(),
        options.data.display()
    ));
    if !bound.ip().is_loopback() {
        say(&format!(
            "WARNING: listening on {bound}, reachable from the network: the booking site and the \
             API answer anyone who can reach it (as {base}); the outbox, which holds every \
             patron's details and links, only with the key above."
        ));
    }
    say(&format!(
        "Staff console: {base}/staff/#key={}  (the key signs you in; keep it to yourself)",
        key.expose()
    ));
    if !options.rate_limits {
        say("Rate limits are off (--no-rate-limit).");
    }
    say("Press Ctrl-C to stop.");
    // Started after the banner, so its log lines never come before the addresses.
    tokio::spawn(run_scheduler(retry, purge, options.scheduler_every));
    crate::listen::serve(listener, router, options.rate_limits, async {
        let _ = tokio::signal::ctrl_c().await;
        say("stopping…");
    })
    .await
    .map_err(|e| e.to_string())?;
    say("stopped; everything booked is in the data folder.");
    Ok(())
}

/// What DynamoDB's TTL does in AWS, done here by the scheduler: the data folder forgets what is
/// past its date (appointments past their retention, waiting-list entries past their day), and
/// the outbox its messages once no appointment they can be about is kept.
struct Purge {
    store: Arc<rantevou_store::SqliteStore>,
    ctx: rantevou_app::Context,
    outbox: std::path::PathBuf,
}

impl Purge {
    async fn run(&self) {
        let now = self.ctx.now();
        if let Err(e) = self.store.purge_expired(now).await {
            tracing::warn!(error = %e, "expired data not purged");
        }
        // A message is about an appointment at most the horizon after it was written, kept
        // for the retention after that.
        let policy = &self.ctx.config.policy;
        let kept = chrono::Duration::days(i64::from(policy.horizon_days)) + policy.retention();
        match rantevou_mail::prune_outbox(&self.outbox, now - kept).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(messages = n, "outbox pruned"),
            Err(e) => tracing::warn!(error = %e, "outbox not pruned"),
        }
    }
}

/// The one scheduler, as the scheduled Lambda runs it in AWS (every minute): due mail, then the
/// waiting list's notices; then what is past its date is deleted.
async fn run_scheduler(retry: MailRetry, purge: Purge, every: Duration) {
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        if let Err(e) = retry.retry_pending(send_pending_mail::BATCH).await {
            tracing::warn!(error = %e, "pending mail not delivered");
        }
        purge.run().await;
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
    mut req: Request,
) -> Response {
    if !app.hosts.allows(req.headers()) {
        // Another name pointed at this machine (DNS rebinding): not ours to answer.
        return (
            StatusCode::MISDIRECTED_REQUEST,
            "This server does not serve that host name.\n",
        )
            .into_response();
    }
    // HEAD is GET without the body (the connection leaves the body out).
    if req.method() == Method::HEAD {
        *req.method_mut() = Method::GET;
    }
    let path = req.uri().path().to_owned();
    if path == "/outbox" || path.starts_with("/outbox/") {
        return outbox(&app, &path, req).await;
    }
    if path.starts_with("/api/") {
        // Signed in with the printed key: the staff function sees the claims API Gateway's
        // authorizer would pass for a member of the staff group, and the person who holds the
        // key is not counted against the per-client limits (a wrong key is).
        let signed_in =
            rantevou_http::routes::is_staff(&path) && app.key.is_bearer_of(req.headers());
        if let Some(Err(wait)) = app
            .limits
            .as_ref()
            .filter(|_| !signed_in)
            .map(|l| l.check(client.ip(), req.method().as_str()))
        {
            let retry_after_secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            // Logged without the address (personal data) or the path's ids and tokens: the
            // route and the method say what was being flooded.
            let route = rantevou_http::routes::function_for(req.method().as_str(), &path)
                .map_or("unrouted", |f| f.name());
            tracing::warn!(method = %req.method(), function = route, retry_after_secs, "rate limited (429)");
            return to_axum(ApiError::TooManyRequests { retry_after_secs }.to_response());
        }
        let claims = signed_in.then(|| rantevou_http::staff::local_claims(LOCAL_STAFF));
        return api(&app.functions, req, claims).await;
    }
    // The site is files: read, never written.
    if req.method() != Method::GET {
        let mut refused = (
            StatusCode::METHOD_NOT_ALLOWED,
            "The site's pages are only read (GET, HEAD).\n",
        )
            .into_response();
        refused
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return refused;
    }
    static_file(&app.site, &path, req.headers()).await
}

/// Who the audit record names for what is done with the printed key.
pub const LOCAL_STAFF: &str = "staff@localhost";

/// Hands the request to the function that serves its route, as API Gateway would (with the
/// claims of a verified sign-in, when there is one).
async fn api(
    functions: &Functions,
    req: Request,
    claims: Option<std::collections::HashMap<String, String>>,
) -> Response {
    let (parts, body) = req.into_parts();
    // Bodies over the functions' 16 KiB limit are refused by them; read a little more to know.
    let read = to_bytes(body, rantevou_http::body::MAX_BODY_BYTES + 1);
    let body = match tokio::time::timeout(BODY_TIMEOUT, read).await {
        Ok(Ok(b)) if b.is_empty() => Body::Empty,
        Ok(Ok(b)) => match String::from_utf8(b.to_vec()) {
            Ok(text) => Body::Text(text),
            Err(e) => Body::Binary(e.into_bytes()),
        },
        Ok(Err(_)) => return to_axum(ApiError::PayloadTooLarge.to_response()),
        Err(_) => return to_axum(ApiError::RequestTimeout.to_response()),
    };
    let request = lambda_http::http::Request::from_parts(parts, body);
    let request = match claims {
        Some(claims) => rantevou_http::staff::with_claims(request, claims),
        None => request,
    };
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

/// `/outbox` and its messages, for whoever holds the printed key (a link with it sets a
/// cookie, so the pages' own links work); 401 without.
async fn outbox(app: &App, path: &str, req: Request) -> Response {
    let access = app.key.carried_by(req.uri().query(), req.headers());
    if access == Access::Refused {
        let mut refused = to_axum(respond::html(
            StatusCode::UNAUTHORIZED,
            outbox_pages::needs_key(),
        ));
        refused.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Key realm=\"outbox\""),
        );
        return refused;
    }
    let query = req.uri().query().unwrap_or("");
    let param = |name: &str| {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
    };
    let mut response = match path.strip_prefix("/outbox/").filter(|f| !f.is_empty()) {
        None => {
            let page_no = param("page").and_then(|p| p.parse().ok()).unwrap_or(0);
            page(outbox_pages::list(app.outbox.clone(), page_no).await)
        }
        Some(file) => {
            let raw = param("raw") == Some("1");
            match outbox_pages::message(app.outbox.clone(), file, raw).await {
                Some(outbox_pages::Message::Page(html)) => page(html),
                Some(outbox_pages::Message::Raw(bytes)) => {
                    ([(header::CONTENT_TYPE, "message/rfc822")], bytes).into_response()
                }
                None => StatusCode::NOT_FOUND.into_response(),
            }
        }
    };
    if access == Access::ByLink {
        response
            .headers_mut()
            .insert(header::SET_COOKIE, app.key.cookie());
    }
    response
}

/// How long a browser may keep a site file, as `infra/publish_site.py` uploads it to S3 (and so
/// as CloudFront passes it on): pages and JSON revalidated every time, the rest an hour.
pub fn cache_control(name: &str) -> &'static str {
    if name.ends_with(".html") || name.ends_with(".json") {
        "no-cache"
    } else {
        "public, max-age=3600"
    }
}

/// Whether the client takes gzip (`Accept-Encoding`, a `q=0` refusing it).
fn accepts_gzip(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or("");
            let refused = parts.any(|p| p.replace(' ', "") == "q=0" || p == "q=0.0");
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

/// `bytes` gzipped, when that is worth it (text of 1 KiB or more) and works.
fn gzipped(bytes: &[u8], content_type: &str) -> Option<Vec<u8>> {
    use std::io::Write;
    let text = content_type.starts_with("text/")
        || content_type.starts_with("application/json")
        || content_type.starts_with("image/svg");
    if !text || bytes.len() < 1024 {
        return None;
    }
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).ok()?;
    encoder.finish().ok()
}

/// A file of the static site; `/` is `index.html`. Paths cannot leave the site folder. Sent
/// with its cache lifetime and a strong `ETag` (a matching `If-None-Match` is 304), gzipped
/// when the client takes it, as CloudFront serves the deployed site.
async fn static_file(site: &Path, path: &str, request: &axum::http::HeaderMap) -> Response {
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
            let etag = {
                use sha2::Digest;
                let digest = sha2::Sha256::digest(&bytes);
                let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
                format!("\"{hex}\"")
            };
            let unchanged = request
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| {
                    v.split(',')
                        .any(|tag| tag.trim() == etag || tag.trim() == "*")
                });
            let compressed = if unchanged || !accepts_gzip(request) {
                None
            } else {
                gzipped(&bytes, content_type)
            };
            let gzip = compressed.is_some();
            let mut response = match (unchanged, compressed) {
                (true, _) => StatusCode::NOT_MODIFIED.into_response(),
                (false, Some(body)) => (StatusCode::OK, body).into_response(),
                (false, None) => (StatusCode::OK, bytes).into_response(),
            };
            let headers = response.headers_mut();
            if gzip {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            }
            headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static(cache_control(&relative)),
            );
            if let Ok(value) = HeaderValue::from_str(&etag) {
                headers.insert(header::ETAG, value);
            }
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            headers.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
            headers.insert(
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            );
            if content_type.starts_with("text/html") {
                // What the page's own <meta> says, and what a <meta> cannot: no framing.
                headers.insert(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(SITE_CSP),
                );
                headers.insert(
                    header::HeaderName::from_static("permissions-policy"),
                    HeaderValue::from_static(PERMISSIONS_POLICY),
                );
            }
            response
        }
        Err(_) if relative == "index.html" => page(placeholder()),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The booking site's Content-Security-Policy, sent as a header on its pages: the page's own
/// `<meta>` policy, with `frame-ancestors 'none'` (which only a header can carry). CloudFront's
/// response-headers policy in `template.yaml` says the same (a test checks).
pub const SITE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    connect-src 'self'; img-src 'self'; worker-src 'self'; form-action 'self'; base-uri 'none'; \
    frame-ancestors 'none'";

/// The powerful features the booking site never uses, switched off (`Permissions-Policy`).
pub const PERMISSIONS_POLICY: &str =
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()";

/// Shown at `/` when the site folder has no `index.html` (started outside the project folder).
fn placeholder() -> String {
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>rantevou</title></head><body><main>\
     <h1>rantevou is running, but the booking site was not found</h1><p>Start it from the project folder, \
     or pass <code>--site</code> with the path of the <code>site/</code> folder. The API answers under \
     <a href=\"/api/services\">/api/services</a>; mail goes to <a href=\"/outbox\">/outbox</a>.</p></main></body></html>"
        .to_owned()
}
