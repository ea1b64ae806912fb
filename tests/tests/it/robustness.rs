//! Hostile and broken requests at every handler: malformed, huge, mistyped, odd Unicode,
//! header-less. Every answer is a 4xx (or a 2xx where the request is in fact acceptable),
//! never a panic, never a 5xx.

use lambda_http::http::{header, Method};
use lambda_http::{Body, Request};
use rantevou_tests::{call, deps, seed_event_appointment, EVENT_ID, EVENT_TOKEN};

const FUNCTIONS: [&str; 4] = [
    "list-availability",
    "create-appointment",
    "get-appointment",
    "cancel-appointment",
];

fn bodies() -> Vec<(Option<&'static str>, Vec<u8>)> {
    let json = Some("application/json");
    let form = Some("application/x-www-form-urlencoded");
    let mut out: Vec<(Option<&'static str>, Vec<u8>)> = vec![
        (json, b"".to_vec()),
        (json, b"{".to_vec()),
        (json, b"null".to_vec()),
        (json, b"[]".to_vec()),
        (json, b"\"string\"".to_vec()),
        (json, b"{\"service\": 7, \"start\": [], \"customer\": \"me\"}".to_vec()),
        (json, b"{\"customer\": {\"name\": {\"first\": 1}}}".to_vec()),
        (json, b"{\"accept_terms\": \"yes\", \"accept_privacy\": 1}".to_vec()),
        (json, b"{\"token\": 12}".to_vec()),
        (json, vec![0xff, 0xfe, 0x00, 0x7b]),
        (json, "{\"service\":\"mylibrarylive\",\"start\":\"2026-12-01T09:00:00+02:00\",\"customer\":{\"name\":\"\u{202E}\u{0000}\u{FFFF}𝕏🙂 عربى\",\"email\":\"ü@ü.ü\",\"phone\":\"\u{0660}\u{0661}\u{0662}\u{0663}\u{0664}\u{0665}\u{0666}\"},\"notes\":\"<script>alert(1)</script>\",\"language\":\"el\u{0000}\",\"accept_terms\":true,\"accept_privacy\":true}".as_bytes().to_vec()),
        (json, format!("{{\"notes\": \"{}\"}}", "a".repeat(20 * 1024)).into_bytes()),
        (json, format!("{}{}", "[".repeat(5000), "]".repeat(5000)).into_bytes()),
        (json, b"{\"start\": \"2026-13-45T99:99:99+99:99\", \"service\": \"mylibrarylive\"}".to_vec()),
        (json, b"{\"start\": \"+275760-09-13T00:00:00Z\", \"service\": \"mylibrarylive\"}".to_vec()),
        (None, b"{\"service\": \"mylibrarylive\"}".to_vec()),
        (Some("text/plain"), b"hello".to_vec()),
        (form, b"token=%ZZ&reason=%".to_vec()),
        (form, format!("token={EVENT_TOKEN}&reason={}", "x".repeat(1200)).into_bytes()),
        (form, format!("token={EVENT_TOKEN}&reason=%00%07").into_bytes()),
        (form, vec![0xff; 64]),
    ];
    out.push((json, vec![b' '; 17 * 1024]));
    out
}

fn paths() -> Vec<String> {
    vec![
        "/api/services".into(),
        "/api/availability?service=mylibrarylive&from=2026-02-30&to=2026-03-01".into(),
        "/api/availability?service=mylibrarylive&from=0000-01-01&to=9999-12-31".into(),
        "/api/availability?service=%00&provider=%F0%9F%99%82".into(),
        "/api/availability?service=mylibrarylive&provider=Sip%23LOCK".into(),
        "/api/availability".into(),
        "/api/appointments".into(),
        format!("/api/appointments/{EVENT_ID}"),
        format!("/api/appointments/{EVENT_ID}?token="),
        format!("/api/appointments/{EVENT_ID}?token={}", "A".repeat(5000)),
        "/api/appointments/not-a-uuid?token=x".into(),
        "/api/appointments/67e55044-10b1-426f-9247-bb680e5fe0c8?token=x".into(),
        format!("/api/appointments/{EVENT_ID}/cancel"),
        format!("/api/appointments/{EVENT_ID}/cancel?token=%E2%80%AE"),
        "/api/appointments//cancel".into(),
        "/".into(),
        "/api/appointments/../../etc/passwd".into(),
    ]
}

#[tokio::test]
async fn no_request_makes_a_handler_panic_or_fail_on_our_side() {
    let (deps, _dir) = deps();
    seed_event_appointment(&deps).await;
    let methods = [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::OPTIONS,
        Method::PATCH,
    ];
    let mut count = 0;
    for function in FUNCTIONS {
        for path in paths() {
            for method in &methods {
                let requests: Vec<Request> = if *method == Method::POST || *method == Method::PUT {
                    bodies()
                        .into_iter()
                        .map(|(ct, bytes)| {
                            let mut b = lambda_http::http::Request::builder()
                                .method(method.clone())
                                .uri(path.as_str());
                            if let Some(ct) = ct {
                                b = b.header(header::CONTENT_TYPE, ct);
                            }
                            let body = match String::from_utf8(bytes.clone()) {
                                Ok(t) => Body::Text(t),
                                Err(_) => Body::Binary(bytes),
                            };
                            b.body(body).unwrap()
                        })
                        .collect()
                } else {
                    vec![lambda_http::http::Request::builder()
                        .method(method.clone())
                        .uri(path.as_str())
                        .body(Body::Empty)
                        .unwrap()]
                };
                for req in requests {
                    let response = call(function, req, &deps).await;
                    let status = response.status().as_u16();
                    count += 1;
                    assert!(
                        (200..500).contains(&status),
                        "{function} {method} {path}: {status} {:?}",
                        response.body()
                    );
                }
            }
        }
    }
    assert!(count > 1000, "{count} requests");
}

#[tokio::test]
async fn oversized_bodies_are_413_and_nothing_is_stored() {
    let (deps, _dir) = deps();
    let body = format!("{{\"notes\": \"{}\"}}", "a".repeat(17 * 1024));
    let req = lambda_http::http::Request::builder()
        .method(Method::POST)
        .uri("/api/appointments")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::Text(body))
        .unwrap();
    let r = call("create-appointment", req, &deps).await;
    assert_eq!(r.status().as_u16(), 413);
}

#[tokio::test]
async fn html_in_a_topic_is_escaped_on_the_cancel_page() {
    let (deps, _dir) = deps();
    let req = rantevou_tests::event("create-appointment.created");
    let (parts, body) = req.into_parts();
    let Body::Text(text) = body else {
        panic!("text body")
    };
    let text = text.replace(
        "Αναζήτηση ηλεκτρονικών άρθρων",
        "<script>alert('x')</script><b>bold</b>",
    );
    let req = Request::from_parts(parts, Body::Text(text));
    let r = call("create-appointment", req, &deps).await;
    assert_eq!(r.status().as_u16(), 201);
    let created: serde_json::Value = rantevou_tests::json(&r);
    let manage = created["manage_url"].as_str().unwrap();
    let path = manage.trim_start_matches("https://mylibrarylive.lib.uom.gr");
    let req = lambda_http::http::Request::builder()
        .method(Method::GET)
        .uri(path)
        .body(Body::Empty)
        .unwrap();
    let page = call("cancel-appointment", req, &deps).await;
    let html = rantevou_tests::text(&page);
    assert_eq!(page.status().as_u16(), 200);
    assert!(
        !html.contains("<script>"),
        "markup from the patron is escaped"
    );
    assert!(html.contains("&lt;script&gt;"));
}
