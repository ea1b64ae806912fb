//! Reading what a request says: path id, query parameters, language, request id.

use lambda_http::http::header;
use lambda_http::{Request, RequestExt};
use rantevou_domain::{AppointmentId, Language};

/// The `{id}` of `/api/appointments/{id}[/…]`: from API Gateway's path parameters, else from
/// the raw path (for `rantevou serve`, which passes requests straight through).
pub fn appointment_id(req: &Request) -> Option<AppointmentId> {
    if let Some(id) = req.path_parameters_ref().and_then(|p| p.first("id")) {
        return id.parse().ok();
    }
    let path = req.raw_http_path();
    let path = if path.is_empty() {
        req.uri().path()
    } else {
        path
    };
    let rest = path.strip_prefix("/api/appointments/")?;
    rest.split('/').next()?.parse().ok()
}

/// The request's path (as routed).
pub fn path(req: &Request) -> String {
    let raw = req.raw_http_path();
    if raw.is_empty() {
        req.uri().path().to_owned()
    } else {
        raw.to_owned()
    }
}

/// A query parameter's first value.
pub fn query(req: &Request, name: &str) -> Option<String> {
    if let Some(v) = req
        .query_string_parameters_ref()
        .and_then(|q| q.first(name))
    {
        return Some(v.to_owned());
    }
    // Requests built by hand (tests, `rantevou serve`) may carry the query only in the URI.
    req.uri().query().and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    })
}

/// The language the client prefers by `Accept-Language` (`el` unless English comes first).
pub fn language(req: &Request, default: Language) -> Language {
    let Some(accept) = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    else {
        return default;
    };
    for part in accept.split(',') {
        let tag = part
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if tag.starts_with("el") {
            return Language::El;
        }
        if tag.starts_with("en") {
            return Language::En;
        }
    }
    default
}

/// The request id: API Gateway's, else the Lambda invocation's, else `-`.
pub fn request_id(req: &Request) -> String {
    use lambda_http::request::RequestContext;
    match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx.request_id.clone(),
        _ => req.lambda_context_ref().map(|c| c.request_id.clone()),
    }
    .filter(|id| !id.is_empty())
    .unwrap_or_else(|| "-".into())
}
