//! The service's questions through the API: `GET /api/services` serves them, every answer at
//! fault is 422 under `answers.<id>` with its message in the patron's language and nothing is
//! stored, and a booking's answers come back with the appointment.

use lambda_http::http::Request;
use lambda_http::Body;
use rantevou_tests::{call, challenge, deps, json};

fn booking(answers: serde_json::Value, language: &str, challenge: String) -> Request<Body> {
    let body = serde_json::json!({
        "service": "mylibrarylive", "start": "2026-12-01T09:00:00+02:00",
        "customer": {"name": "Katerina", "email": "k@example.org", "phone": "6900000000"},
        "answers": answers,
        "notes": "topic", "language": language, "accept_terms": true, "accept_privacy": true,
        "challenge": challenge
    });
    Request::builder()
        .method("POST")
        .uri("/api/appointments")
        .header("content-type", "application/json")
        .body(Body::Text(body.to_string()))
        .unwrap()
}

fn get(uri: &str) -> Request<Body> {
    Request::builder().uri(uri).body(Body::Empty).unwrap()
}

#[tokio::test]
async fn the_catalogue_serves_the_questions_with_their_options_in_both_languages() {
    let (deps, _dir) = deps();
    let services = json(&call("list-availability", get("/api/services"), &deps).await);
    let questions = &services["services"][0]["questions"];
    let ids: Vec<_> = questions
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["status", "school", "tried"]);
    assert_eq!(questions[0]["kind"], "choice");
    assert_eq!(questions[0]["required"], true);
    assert_eq!(questions[0]["label"]["en"], "You are");
    assert_eq!(
        questions[0]["options"][2]["label"]["el"],
        "Υποψήφιος/α διδάκτορας"
    );
    assert_eq!(questions[2]["kind"], "text");
    assert!(
        questions[2].get("options").is_none(),
        "a text question has no options"
    );
    assert_eq!(services["policy"]["limits"]["answer_text_max"], 300);
}

#[tokio::test]
async fn each_answer_at_fault_is_named_and_nothing_is_stored() {
    let (deps, _dir) = deps();
    let cases = [
        (
            serde_json::json!({}),
            vec![
                ("answers.status", "required"),
                ("answers.school", "required"),
            ],
        ),
        (
            serde_json::json!({"status": "professor", "school": ["none"], "tried": "x".repeat(301), "colour": "red"}),
            vec![
                ("answers.status", "invalid"),
                ("answers.school", "invalid"),
                ("answers.tried", "too_long"),
                ("answers.colour", "unknown_field"),
            ],
        ),
        (
            serde_json::json!({"status": 3, "school": "none", "tried": null}),
            vec![("answers.status", "invalid")],
        ),
    ];
    for (answers, expected) in cases {
        let req = booking(answers.clone(), "en", challenge(&deps).await);
        let r = call("create-appointment", req, &deps).await;
        assert_eq!(r.status().as_u16(), 422, "{answers}");
        let problem = json(&r);
        let got: Vec<(String, String)> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["field"].as_str().unwrap().to_owned(),
                    e["code"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(f, c)| ((*f).to_owned(), (*c).to_owned()))
            .collect();
        assert_eq!(got, expected, "{answers}");
    }
    // In Greek, the messages too.
    let req = booking(
        serde_json::json!({"school": "none"}),
        "el",
        challenge(&deps).await,
    );
    let problem = json(&call("create-appointment", req, &deps).await);
    assert_eq!(problem["errors"][0]["field"], "answers.status");
    assert_eq!(
        problem["errors"][0]["message"],
        "Απαντήστε σε αυτή την ερώτηση."
    );

    // Nothing was stored: the time is still free, and books with good answers.
    let answers =
        serde_json::json!({"status": "pg", "school": "none", "tried": "  the catalogue  "});
    let req = booking(answers, "en", challenge(&deps).await);
    let r = call("create-appointment", req, &deps).await;
    assert_eq!(r.status().as_u16(), 201, "{}", json(&r));
    let booked = json(&r);
    assert_eq!(
        booked["answers"],
        serde_json::json!({"status": "pg", "school": "none", "tried": "the catalogue"}),
        "stored as checked: the text trimmed"
    );
    let manage = booked["manage_url"].as_str().unwrap();
    let token = manage.split_once("token=").unwrap().1;
    let uri = format!(
        "/api/appointments/{}?token={token}",
        booked["id"].as_str().unwrap()
    );
    let fetched = json(&call("get-appointment", get(&uri), &deps).await);
    assert_eq!(fetched["answers"], booked["answers"]);
}

#[tokio::test]
async fn a_booking_from_the_waiting_list_says_so_and_nothing_else_is_a_source() {
    let (deps, _dir) = deps();
    let body = |source: &str, challenge: String| {
        let mut body = serde_json::json!({
            "service": "mylibrarylive", "start": "2026-12-01T09:00:00+02:00",
            "customer": {"name": "Katerina", "email": "k@example.org", "phone": "6900000000"},
            "answers": {"status": "ug", "school": "none"},
            "notes": "topic", "language": "en", "accept_terms": true, "accept_privacy": true,
            "challenge": challenge
        });
        body["source"] = source.into();
        Request::builder()
            .method("POST")
            .uri("/api/appointments")
            .header("content-type", "application/json")
            .body(Body::Text(body.to_string()))
            .unwrap()
    };
    let r = call(
        "create-appointment",
        body("newsletter", challenge(&deps).await),
        &deps,
    )
    .await;
    assert_eq!(r.status().as_u16(), 400, "{}", json(&r));
    let r = call(
        "create-appointment",
        body("waitlist", challenge(&deps).await),
        &deps,
    )
    .await;
    assert_eq!(r.status().as_u16(), 201, "{}", json(&r));
    let id: rantevou_domain::AppointmentId = json(&r)["id"].as_str().unwrap().parse().unwrap();
    use rantevou_domain::ports::Appointments;
    let stored = deps
        .store()
        .get(id, rantevou_testkit::fixture_now())
        .await
        .unwrap()
        .unwrap();
    assert!(stored.from_waitlist);
}
