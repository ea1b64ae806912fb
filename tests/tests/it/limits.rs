//! The abuse limits as a patron meets them through the API: one email holds at most
//! `policy.max_active_per_patron` upcoming appointments (the sample: 2), whatever its case or
//! `+tag`; a cancellation gives a place back. And the resend of links answers the same
//! whatever the address.

use lambda_http::http::Request;
use lambda_http::Body;
use rantevou_tests::{call, challenge, deps, json, outbox, text};

fn booking(start: &str, email: &str, challenge: String) -> Request<Body> {
    let body = serde_json::json!({
        "service": "mylibrarylive", "start": start,
        "customer": {"name": "Katerina", "email": email, "phone": "6900000000"},
        "answers": {"status": "ug", "school": "information-sciences"},
        "notes": "topic", "language": "en", "accept_terms": true, "accept_privacy": true,
        "challenge": challenge
    });
    Request::builder()
        .method("POST")
        .uri("/api/appointments")
        .header("content-type", "application/json")
        .body(Body::Text(body.to_string()))
        .unwrap()
}

#[tokio::test]
async fn one_email_holds_at_most_two_upcoming_appointments() {
    let (deps, _dir) = deps();
    let book = |start: &str, email: &str| {
        let (start, email, deps) = (start.to_owned(), email.to_owned(), deps.clone());
        async move {
            let req = booking(&start, &email, challenge(&deps).await);
            call("create-appointment", req, &deps).await
        }
    };
    let first = book("2026-12-01T09:00:00+02:00", "k.papa@example.org").await;
    assert_eq!(first.status().as_u16(), 201);
    let second = book("2026-12-01T09:20:00+02:00", "K.Papa+2@Example.ORG").await;
    assert_eq!(second.status().as_u16(), 201, "{}", json(&second));

    let third = book("2026-12-01T09:40:00+02:00", "k.papa+other@example.org").await;
    assert_eq!(third.status().as_u16(), 422);
    let problem = json(&third);
    assert_eq!(problem["type"], "/problems/validation");
    assert_eq!(problem["errors"][0]["field"], "customer.email");
    assert_eq!(problem["errors"][0]["code"], "too_many_active");
    let message = problem["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("already has 2 upcoming appointments"),
        "{message}"
    );

    let someone_else = book("2026-12-01T09:40:00+02:00", "m.ioannou@example.org").await;
    assert_eq!(someone_else.status().as_u16(), 201);

    // Cancelling one gives its place back.
    let manage = json(&first)["manage_url"].as_str().unwrap().to_owned();
    let (path, token) = manage.split_once("?token=").unwrap();
    let path = &path[path.find("/api/").unwrap()..];
    let cancel = Request::builder()
        .method("POST")
        .uri(path)
        .header("content-type", "application/json")
        .body(Body::Text(serde_json::json!({"token": token}).to_string()))
        .unwrap();
    assert_eq!(
        call("cancel-appointment", cancel, &deps)
            .await
            .status()
            .as_u16(),
        200
    );
    let again = book("2026-12-01T10:00:00+02:00", "k.papa@example.org").await;
    assert_eq!(again.status().as_u16(), 201, "{}", json(&again));
}

fn resend(email: &str, challenge: String) -> Request<Body> {
    let body = serde_json::json!({"email": email, "language": "en", "challenge": challenge});
    Request::builder()
        .method("POST")
        .uri("/api/appointments/resend")
        .header("content-type", "application/json")
        .body(Body::Text(body.to_string()))
        .unwrap()
}

#[tokio::test]
async fn a_resend_answers_the_same_whether_or_not_the_address_has_bookings() {
    let (deps, dir) = deps();
    let booked = booking(
        "2026-12-01T09:00:00+02:00",
        "k.papa@example.org",
        challenge(&deps).await,
    );
    assert_eq!(
        call("create-appointment", booked, &deps)
            .await
            .status()
            .as_u16(),
        201
    );
    let mails = outbox(dir.path()).len();
    let mut answers = Vec::new();
    for email in ["k.papa@example.org", "nobody@example.org"] {
        let r = call(
            "create-appointment",
            resend(email, challenge(&deps).await),
            &deps,
        )
        .await;
        let headers: Vec<_> = r.headers().keys().map(ToString::to_string).collect();
        answers.push((r.status().as_u16(), headers, text(&r)));
    }
    assert_eq!(answers[0], answers[1], "nothing tells the two apart");
    assert_eq!(answers[0].0, 202);
    assert_eq!(answers[0].2, "{}");
    let sent = outbox(dir.path());
    assert_eq!(
        sent.len(),
        mails + 1,
        "mail only to the address with a booking"
    );
    let last = String::from_utf8_lossy(sent.last().unwrap()).to_string();
    assert!(last.contains("To: <k.papa@example.org>"), "{last}");
    assert!(last.contains("/manage?token="));

    // A used challenge and a malformed address are refused like a booking's.
    let used = challenge(&deps).await;
    let r = call(
        "create-appointment",
        resend("a@example.org", used.clone()),
        &deps,
    )
    .await;
    assert_eq!(r.status().as_u16(), 202);
    let r = call("create-appointment", resend("a@example.org", used), &deps).await;
    assert_eq!(r.status().as_u16(), 422);
    assert_eq!(json(&r)["errors"][0]["field"], "challenge");
    let r = call(
        "create-appointment",
        resend("a@[127.0.0.1]", challenge(&deps).await),
        &deps,
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    assert_eq!(json(&r)["errors"][0]["field"], "email");
}
