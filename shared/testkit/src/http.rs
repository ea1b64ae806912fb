//! One HTTP client for the tests that talk to a running server (ureq, the same crate the
//! load driver uses): every status is an answer, not an error.

use std::time::Duration;

/// An answer: status, headers (lower-case names) and body.
pub type Answer = (u16, Vec<(String, String)>, String);

/// A client with keep-alive connections.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(600)))
        .max_redirects(0)
        .build()
        .into()
}

/// One request on a fresh client: `method url` with `headers` and `body`.
pub fn http(method: &str, url: &str, headers: &[(&str, &str)], body: &str) -> Answer {
    send(&agent(), method, url, headers, body)
}

/// One request on `agent`.
pub fn send(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Answer {
    let mut request = ureq::http::Request::builder().method(method).uri(url);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    // A GET with a body is not HTTP; an empty body is no body.
    let sent = if body.is_empty() {
        agent.run(request.body(()).expect("a valid request"))
    } else {
        agent.run(request.body(body.to_owned()).expect("a valid request"))
    };
    let mut response = sent.unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_ascii_lowercase(),
                v.to_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let body = response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_string()
        .unwrap_or_default();
    (status, headers, body)
}
