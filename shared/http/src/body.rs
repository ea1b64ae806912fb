//! Request bodies: JSON with a size limit and unknown-field rejection, and HTML forms.

use crate::problem::{ApiError, FieldProblem};
use lambda_http::http::header;
use lambda_http::{Body, Request};
use serde::de::DeserializeOwned;

/// The largest body accepted.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// What kind of body a request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// `application/json`
    Json,
    /// `application/x-www-form-urlencoded`
    Form,
    /// Anything else, or no content type.
    Other,
}

/// What a request to an email link's route asks for: the page (`GET`), or the action from the
/// page's form or as JSON (`POST`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRequest {
    /// `GET`: show the page; change nothing (mail scanners open links).
    Show,
    /// `POST` of the page's form: act, answer a page.
    Form,
    /// `POST` of JSON: act, answer JSON.
    Json,
}

/// The kind of a request to an email link's route: 405 for other methods, 415 for a `POST`
/// that is neither a form nor JSON.
pub fn link_request(req: &Request) -> Result<LinkRequest, ApiError> {
    match (req.method().as_str(), kind(req)) {
        ("GET", _) => Ok(LinkRequest::Show),
        ("POST", BodyKind::Form) => Ok(LinkRequest::Form),
        ("POST", BodyKind::Json) => Ok(LinkRequest::Json),
        ("POST", BodyKind::Other) => Err(ApiError::UnsupportedMediaType),
        _ => Err(ApiError::method_not_allowed(&crate::request::path(req))),
    }
}

/// The body's kind, from its `Content-Type`.
pub fn kind(req: &Request) -> BodyKind {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    match content_type.as_str() {
        "application/json" => BodyKind::Json,
        "application/x-www-form-urlencoded" => BodyKind::Form,
        _ => BodyKind::Other,
    }
}

/// The raw body bytes, refusing more than [`MAX_BODY_BYTES`].
pub fn bytes(req: &Request) -> Result<&[u8], ApiError> {
    let bytes: &[u8] = match req.body() {
        Body::Empty => &[],
        Body::Text(t) => t.as_bytes(),
        Body::Binary(b) => b,
        _ => &[],
    };
    if bytes.len() > MAX_BODY_BYTES {
        return Err(ApiError::PayloadTooLarge);
    }
    Ok(bytes)
}

/// Parses a JSON body into `T` (whose type rejects unknown fields). Errors name the field.
pub fn json<T: DeserializeOwned>(req: &Request) -> Result<T, ApiError> {
    if kind(req) != BodyKind::Json {
        return Err(ApiError::UnsupportedMediaType);
    }
    let bytes = bytes(req)?;
    let deserializer = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = plain(&inner.to_string());
        let code = if message.starts_with("unknown field") {
            "unknown_field"
        } else if inner.is_syntax() || inner.is_eof() {
            "malformed"
        } else {
            "invalid_type"
        };
        let field = if path == "." || path.is_empty() {
            "body".to_owned()
        } else {
            path
        };
        ApiError::BadRequest {
            detail: format!("{field}: {message}"),
            errors: vec![FieldProblem::new(field, code, message)],
        }
    })
}

/// serde's message with the Rust type it names said as JSON says it ("expected struct
/// CreateBody" → "expected an object"): answers never show internal names.
fn plain(message: &str) -> String {
    let Some(at) = message.find("expected ") else {
        return message.to_owned();
    };
    let (head, expected) = message.split_at(at + "expected ".len());
    let (what, tail) = expected
        .split_once(" at line ")
        .map_or((expected, ""), |(w, _)| (w, &expected[w.len()..]));
    let said = match what.split_whitespace().next().unwrap_or("") {
        "struct" | "map" => "an object",
        "enum" => "one of the documented values",
        "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize" => {
            "a whole number"
        }
        "f32" | "f64" => "a number",
        "bool" => "true or false",
        "char" => "a one-character string",
        "unit" => "null",
        "tuple" | "sequence" => "an array",
        _ => return message.to_owned(),
    };
    format!("{head}{said}{tail}")
}

/// An HTML form's fields.
#[derive(Debug, Clone, Default)]
pub struct Form(Vec<(String, String)>);

impl Form {
    /// The first value of `name`, or empty.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// Parses a form body.
pub fn form(req: &Request) -> Result<Form, ApiError> {
    let bytes = bytes(req)?;
    Ok(Form(form_urlencoded::parse(bytes).into_owned().collect()))
}
