//! What `openapi.yaml` promises at the edges of the contract, in process: 405 with `Allow` for
//! a method a route does not serve (404 for a path none serves), error details that name
//! fields and JSON types but never the server's internal types, and one `Idempotency-Key`.

use lambda_http::http::header;
use lambda_http::{Body, Request};
use rantevou_tests::{deps, seed_event_appointment, EVENT_ID};

fn request(method: &str, uri: &str, headers: &[(&str, &str)], body: &str) -> Request {
    let mut b = lambda_http::http::Request::builder()
        .method(method)
        .uri(uri);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(if body.is_empty() {
        Body::Empty
    } else {
        Body::Text(body.to_owned())
    })
    .unwrap()
}

fn problem(r: &lambda_http::Response<Body>) -> serde_json::Value {
    match r.body() {
        Body::Text(t) => serde_json::from_str(t).unwrap(),
        other => panic!("not a text body: {other:?}"),
    }
}

#[tokio::test]
async fn a_method_a_route_does_not_serve_is_405_with_allow_and_an_unknown_path_404() {
    let (deps, _dir) = deps();
    seed_event_appointment(&deps).await;
    let cases = [
        ("TRACE", "/api/services".to_owned(), "GET, HEAD"),
        ("DELETE", "/api/appointments".to_owned(), "POST"),
        ("PUT", format!("/api/appointments/{EVENT_ID}"), "GET, HEAD"),
        ("GET", "/api/appointments/resend".to_owned(), "POST"),
        (
            "PATCH",
            format!("/api/appointments/{EVENT_ID}/cancel"),
            "GET, HEAD, POST",
        ),
    ];
    for (method, path, allow) in cases {
        let r = deps.functions.route(request(method, &path, &[], "")).await;
        assert_eq!(r.status(), 405, "{method} {path}");
        assert_eq!(r.headers()[header::ALLOW], allow, "{method} {path}");
        assert_eq!(problem(&r)["type"], "/problems/method-not-allowed");
    }
    // A path no route serves is 404 whatever the method.
    for method in ["GET", "TRACE"] {
        let r = deps
            .functions
            .route(request(method, "/api/nothing-here", &[], ""))
            .await;
        assert_eq!(r.status(), 404, "{method}");
    }
}

#[tokio::test]
async fn error_details_name_fields_and_json_types_never_internal_ones() {
    let (deps, _dir) = deps();
    let json = [("content-type", "application/json")];
    let cases = [
        ("[]", "body", "expected an object"),
        ("{\"customer\": 7}", "customer", "expected an object"),
        (
            "{\"accept_terms\": \"yes\"}",
            "accept_terms",
            "expected a boolean",
        ),
    ];
    for (body, field, says) in cases {
        let r = deps
            .functions
            .route(request("POST", "/api/appointments", &json, body))
            .await;
        assert_eq!(r.status(), 400, "{body}");
        let p = problem(&r);
        let text = p.to_string();
        assert_eq!(p["errors"][0]["field"], field, "{text}");
        assert!(
            p["errors"][0]["message"].as_str().unwrap().contains(says),
            "{text}"
        );
        for internal in ["struct", "Body", "Customer", "enum"] {
            assert!(!text.contains(internal), "{internal} in {text}");
        }
    }
}

#[tokio::test]
async fn a_repeated_or_comma_joined_idempotency_key_is_refused() {
    let (deps, _dir) = deps();
    // Sent twice; and as API Gateway passes a repeat on, joined with a comma.
    let cases: [(&[&str], &str); 2] = [(&["one", "two"], "repeated"), (&["one,two"], "invalid")];
    for (keys, code) in cases {
        let mut headers = vec![("content-type", "application/json")];
        headers.extend(keys.iter().map(|k| ("idempotency-key", *k)));
        let r = deps
            .functions
            .route(request("POST", "/api/appointments", &headers, "{}"))
            .await;
        assert_eq!(r.status(), 400, "{keys:?}");
        assert_eq!(problem(&r)["errors"][0]["field"], "Idempotency-Key");
        assert_eq!(problem(&r)["errors"][0]["code"], code, "{keys:?}");
    }
}

#[tokio::test]
async fn dates_are_yyyy_mm_dd_in_a_sane_range_of_years() {
    let (deps, _dir) = deps();
    for (param, value) in [
        ("from", "-2026-01-01"),
        ("from", "+262142-12-31"),
        ("to", "12026-01-01"),
        ("from", "1999-12-31"),
        ("to", "3000-01-01"),
        ("from", "2026-1-5"),
    ] {
        let uri = format!("/api/availability?service=mylibrarylive&{param}={value}");
        let r = deps.functions.route(request("GET", &uri, &[], "")).await;
        assert_eq!(r.status(), 400, "{param}={value}");
        assert_eq!(problem(&r)["errors"][0]["field"], param, "{param}={value}");
    }
    let uri = "/api/availability?service=mylibrarylive&from=2999-12-30&to=2999-12-31";
    let r = deps.functions.route(request("GET", uri, &[], "")).await;
    assert_eq!(r.status(), 200);
    let days = problem(&r)["days"].as_array().unwrap().len();
    assert_eq!(days, 2, "every date of the range appears");
}
