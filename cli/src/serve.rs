//! `rantevou serve`: the site, the API (through the same `handle()` functions the Lambdas
//! run), SQLite under the data folder, mail as `.eml` files in `DATA/outbox` listed at
//! `/outbox`, and the mail retry every minute. Ctrl-C stops it after in-flight requests.

use crate::{config_cmd, outbox_pages};
use axum::body::{to_bytes, Body as AxumBody};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use lambda_http::Body;
use rantevou_http::routes::function_for;
use rantevou_http::{respond, ApiError, Deps};
use rantevou_mail::{OutboxMailer, Sender};
use rantevou_store::SqliteStore;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

struct App {
    deps: Deps,
    outbox: PathBuf,
    site: PathBuf,
}

pub async fn run(
    addr: SocketAddr,
    data: PathBuf,
    config: PathBuf,
    site: PathBuf,
) -> Result<(), String> {
    let (_, config) = config_cmd::load(&config)?;
    std::fs::create_dir_all(&data).map_err(|e| format!("cannot create {}: {e}", data.display()))?;
    let store = SqliteStore::open(data.join("rantevou.sqlite3")).map_err(|e| e.to_string())?;
    let outbox = data.join("outbox");
    let library = &config.library;
    let sender = Sender {
        name: library.name.get(library.default_language()).to_owned(),
        address: library.email.clone(),
    };
    let mailer = OutboxMailer::new(&outbox, sender);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    let mut deps = Deps::new(config, Arc::new(store), Arc::new(mailer));
    deps.public_url = format!("http://{bound}");
    deps.allowed_origin = None;
    let app = Arc::new(App { deps, outbox, site });

    // The retry path, as the scheduled Lambda runs it in AWS.
    let retry = Arc::clone(&app);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            if let Err(e) = rantevou_http::mail::deliver_pending(&retry.deps, 100).await {
                tracing::warn!(error = %e, "pending mail not delivered");
            }
        }
    });

    let router = axum::Router::new().fallback(dispatch).with_state(app);
    say(&format!(
        "rantevou is serving at http://{bound}/  (mail: http://{bound}/outbox, data: {})",
        data.display()
    ));
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

/// A line for the person running the server; a closed terminal is no reason to fail.
fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout(), "{line}");
}

async fn dispatch(State(app): State<Arc<App>>, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    if path == "/outbox" || path == "/outbox/" {
        return html(outbox_pages::list(&app.outbox).await);
    }
    if let Some(file) = path.strip_prefix("/outbox/") {
        if !outbox_pages::safe_name(file) {
            return StatusCode::NOT_FOUND.into_response();
        }
        if req.uri().query() == Some("raw=1") {
            return match tokio::fs::read(app.outbox.join(file)).await {
                Ok(bytes) => ([(header::CONTENT_TYPE, "message/rfc822")], bytes).into_response(),
                Err(_) => StatusCode::NOT_FOUND.into_response(),
            };
        }
        return match outbox_pages::show(&app.outbox, file) {
            Some(page) => html(page),
            None => StatusCode::NOT_FOUND.into_response(),
        };
    }
    if path.starts_with("/api/") {
        return api(&app.deps, req).await;
    }
    static_file(&app.site, &path).await
}

/// Hands the request to the function that serves its route, as API Gateway would.
async fn api(deps: &Deps, req: Request) -> Response {
    let Some(function) = function_for(req.method().as_str(), req.uri().path()) else {
        return convert(ApiError::NotFound.to_response()).await;
    };
    let (parts, body) = req.into_parts();
    // Bodies over the functions' 16 KiB limit are refused by them; read a little more to know.
    let body = match to_bytes(body, rantevou_http::body::MAX_BODY_BYTES + 1).await {
        Ok(b) if b.is_empty() => Body::Empty,
        Ok(b) => match String::from_utf8(b.to_vec()) {
            Ok(text) => Body::Text(text),
            Err(e) => Body::Binary(e.into_bytes()),
        },
        Err(_) => return convert(ApiError::PayloadTooLarge.to_response()).await,
    };
    let request = lambda_http::http::Request::from_parts(parts, body);
    let response = match function {
        "list-availability" => list_availability::handle(request, deps).await,
        "create-appointment" => create_appointment::handle(request, deps).await,
        "get-appointment" => get_appointment::handle(request, deps).await,
        "cancel-appointment" => cancel_appointment::handle(request, deps).await,
        _ => ApiError::NotFound.to_response(),
    };
    convert(response).await
}

async fn convert(response: lambda_http::Response<Body>) -> Response {
    let (parts, body) = response.into_parts();
    let bytes: Vec<u8> = match body {
        Body::Empty => Vec::new(),
        Body::Text(t) => t.into_bytes(),
        Body::Binary(b) => b,
        _ => Vec::new(),
    };
    Response::from_parts(parts, AxumBody::from(bytes))
}

fn html(page: String) -> Response {
    convert_sync(respond::html(StatusCode::OK, page))
}

fn convert_sync(response: lambda_http::Response<Body>) -> Response {
    let (parts, body) = response.into_parts();
    let bytes = match body {
        Body::Text(t) => t.into_bytes(),
        Body::Binary(b) => b,
        _ => Vec::new(),
    };
    Response::from_parts(parts, AxumBody::from(bytes))
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
        Err(_) if relative == "index.html" => html(placeholder()),
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
