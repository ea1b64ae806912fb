//! Provider "any": a booking goes to the first free provider, and when the first one's time
//! is taken (even between reading availability and booking), to the next.

use lambda_http::http::Request;
use lambda_http::Body;
use rantevou_domain::LibraryConfig;
use rantevou_tests::Deps;

fn two_providers() -> (Deps, tempfile::TempDir) {
    let source = rantevou_testkit::SAMPLE_TOML
        .replace("providers = [\"sip\"]", "providers = [\"sip\", \"ref\"]")
        .replace(
            "[closures]",
            "[[providers]]\nid = \"ref\"\nname = { el = \"Τμήμα Δανεισμού\", en = \"Lending Department\" }\nemail = \"ref@lib.uom.gr\"\n[providers.working_plan]\ntuesday = { start = \"09:00\", end = \"15:00\" }\n\n[closures]",
        );
    rantevou_tests::deps_of(LibraryConfig::from_toml_str(&source).unwrap())
}

fn booking(name: &str, provider: &str, challenge: String) -> Request<Body> {
    let body = serde_json::json!({
        "service": "mylibrarylive", "provider": provider, "start": "2026-12-01T09:00:00+02:00",
        "customer": {"name": name, "email": format!("{}@example.org", name.to_lowercase()), "phone": "6900000000"},
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
async fn any_provider_falls_through_to_the_next_free_one() {
    let (deps, _dir) = two_providers();
    let availability = Request::builder()
        .uri("/api/availability?service=mylibrarylive&from=2026-12-01&to=2026-12-01")
        .body(Body::Empty)
        .unwrap();
    let r = rantevou_tests::call("list-availability", availability, &deps).await;
    assert_eq!(
        rantevou_tests::json(&r)["days"][0]["slots"][0]["providers"],
        serde_json::json!(["sip", "ref"])
    );

    // Someone books sip directly; "any" then gets ref; a third patron finds the time full.
    let first = rantevou_tests::call(
        "create-appointment",
        booking("First", "sip", rantevou_tests::challenge(&deps).await),
        &deps,
    )
    .await;
    assert_eq!(first.status().as_u16(), 201);
    let second = rantevou_tests::call(
        "create-appointment",
        booking("Second", "any", rantevou_tests::challenge(&deps).await),
        &deps,
    )
    .await;
    assert_eq!(
        second.status().as_u16(),
        201,
        "{}",
        rantevou_tests::text(&second)
    );
    assert_eq!(rantevou_tests::json(&second)["provider"], "ref");
    let third = rantevou_tests::call(
        "create-appointment",
        booking("Third", "any", rantevou_tests::challenge(&deps).await),
        &deps,
    )
    .await;
    assert_eq!(third.status().as_u16(), 409);
    assert_eq!(rantevou_tests::json(&third)["type"], "/problems/slot-taken");
    // Providers that don't offer the service, or don't exist, are 404.
    let unknown = rantevou_tests::call(
        "create-appointment",
        booking("Fourth", "nobody", rantevou_tests::challenge(&deps).await),
        &deps,
    )
    .await;
    assert_eq!(unknown.status().as_u16(), 404);
}
