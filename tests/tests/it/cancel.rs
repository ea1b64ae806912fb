//! A patron's cancel asks once and never acts on a stale page: without "yes, cancel" ticked the
//! form comes back (422), nothing cancelled; a page read before the appointment was moved is
//! answered with the appointment as it is now (409, its form again), and the cancel sent from
//! that page goes through; the JSON cancel with a stale version is 409 `changed`.

use lambda_http::http::{header, Method};
use lambda_http::{Body, Request};
use rantevou_domain::ports::{Bookings, CreateConditions};
use rantevou_tests::{
    call, deps, event_appointment, html_text, invoke, json, seed_event_appointment, EVENT_ID,
    EVENT_TOKEN,
};

fn post(content_type: &str, body: String) -> Request {
    lambda_http::http::Request::builder()
        .method(Method::POST)
        .uri(format!("/api/appointments/{EVENT_ID}/cancel"))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::Text(body))
        .unwrap()
}

fn form(body: &str) -> Request {
    post(
        "application/x-www-form-urlencoded",
        format!("token={EVENT_TOKEN}&{body}"),
    )
}

#[tokio::test]
async fn the_cancel_form_asks_once_and_a_stale_page_sees_the_move() {
    let (deps, _dir) = deps();
    seed_event_appointment(&deps).await;

    let unconfirmed = call("cancel-appointment", form("reason=x&version=0"), &deps).await;
    assert_eq!(unconfirmed.status().as_u16(), 422);
    let page = html_text(&unconfirmed);
    assert!(page.contains("Επιλέξτε το κουτάκι"), "{page}");
    assert!(page.contains(r#"name="confirm""#), "the form again");

    // Moved from another tab: the appointment is at version 1 now.
    let moved = invoke("cancel-appointment.reschedule", &deps).await;
    assert_eq!(moved.status().as_u16(), 200);
    assert_eq!(json(&moved)["version"].as_u64(), Some(1));

    let stale = call(
        "cancel-appointment",
        form("confirm=yes&reason=x&version=0"),
        &deps,
    )
    .await;
    assert_eq!(stale.status().as_u16(), 409);
    let page = html_text(&stale);
    assert!(page.contains("Το ραντεβού άλλαξε"), "{page}");
    assert!(page.contains("10:20"), "the new time is shown: {page}");
    assert!(page.contains(r#"name="version" value="1""#), "{page}");
    let json_stale = call(
        "cancel-appointment",
        post(
            "application/json",
            format!(r#"{{"token":"{EVENT_TOKEN}","reason":"","version":0}}"#),
        ),
        &deps,
    )
    .await;
    assert_eq!(json_stale.status().as_u16(), 409);
    assert_eq!(json(&json_stale)["type"], "/problems/changed");

    // Sent from the page as it is now, it cancels.
    let done = call(
        "cancel-appointment",
        form("confirm=yes&reason=x&version=1"),
        &deps,
    )
    .await;
    assert_eq!(done.status().as_u16(), 200, "{}", html_text(&done));
    assert!(html_text(&done).contains("ακυρώθηκε"));
}

fn get(path_and_query: &str) -> Request {
    lambda_http::http::Request::builder()
        .method(Method::GET)
        .uri(path_and_query)
        .body(Body::Empty)
        .unwrap()
}

#[tokio::test]
async fn the_appointments_page_switches_language_skips_to_its_content_and_books_on_its_origin() {
    let (deps, _dir) = deps();
    seed_event_appointment(&deps).await;
    let manage = format!("/api/appointments/{EVENT_ID}/manage?token={EVENT_TOKEN}");

    // In the patron's language (Greek), with a skip link and a switch to English.
    let greek = html_text(&call("cancel-appointment", get(&manage), &deps).await);
    assert!(greek.contains(r#"<html lang="el">"#));
    assert!(
        greek.contains(r##"<a class="skip" href="#main">Μετάβαση στο περιεχόμενο</a>"##),
        "{greek}"
    );
    let switch = format!(
        r#"href="/api/appointments/{EVENT_ID}/manage?token={EVENT_TOKEN}&lang=en" lang="en" hreflang="en">English</a>"#
    );
    assert!(greek.contains(&switch), "{greek}");
    // "Book again" opens the booking site on the page's own origin, not a configured URL.
    assert!(greek.contains(r#"<a href="/?lang=el">"#), "{greek}");

    // (html_text reads the entities back: the page writes `&amp;`.)
    // Switched: the same page in English, the move box and the cancel form too.
    let english = html_text(
        &call(
            "cancel-appointment",
            get(&format!("{manage}&lang=en")),
            &deps,
        )
        .await,
    );
    assert!(english.contains(r#"<html lang="en">"#), "{english}");
    assert!(english.contains("Skip to content") && english.contains(">Ελληνικά</a>"));
    assert!(
        english.contains(r#"data-lang="en""#),
        "the move box follows"
    );
    assert!(
        english.contains(r#"name="lang" value="en""#),
        "the form keeps it"
    );
    assert!(english.contains(r#"<a href="/?lang=en">"#));

    // A cancel sent from the English page answers in English.
    let done = call(
        "cancel-appointment",
        form("confirm=yes&reason=&version=0&lang=en"),
        &deps,
    )
    .await;
    assert_eq!(done.status().as_u16(), 200);
    let page = html_text(&done);
    assert!(page.contains(r#"<html lang="en">"#), "{page}");
    // An unknown language is ignored: the patron's own.
    let odd = html_text(
        &call(
            "cancel-appointment",
            get(&format!("{manage}&lang=xx")),
            &deps,
        )
        .await,
    );
    assert!(odd.contains(r#"<html lang="el">"#));
}

#[tokio::test]
async fn the_appointments_page_shows_the_call_link_and_names_a_started_or_finished_appointment() {
    let (deps, _dir) = deps();
    let mut a = event_appointment(&deps.wiring.context().config);
    a.meeting.url = Some("https://uom.zoom.us/j/555000111".into());
    deps.store()
        .create(&a, &CreateConditions::default())
        .await
        .unwrap();
    let manage = format!("/api/appointments/{EVENT_ID}/manage?token={EVENT_TOKEN}");
    let at = |rfc3339: &str| {
        deps.at(chrono::DateTime::parse_from_rfc3339(rfc3339)
            .unwrap()
            .to_utc())
    };
    let link = r#"<a id="meeting-link" href="https://uom.zoom.us/j/555000111""#;

    // Before: the link is on the page with the form (the patron who lost the mail finds it).
    let before = html_text(&call("cancel-appointment", get(&manage), &deps).await);
    assert!(before.contains(link), "{before}");
    // Started (10:05): on now, the link to join, no "cannot be cancelled, let us know".
    let on = html_text(
        &call(
            "cancel-appointment",
            get(&manage),
            &at("2026-12-01T10:05:00+02:00"),
        )
        .await,
    );
    assert!(on.contains("Το ραντεβού σας γίνεται τώρα"), "{on}");
    assert!(on.contains(link));
    assert!(!on.contains("Δεν είναι δυνατή η ακύρωση"));
    // Over (10:30): finished, no link, book again.
    let over = html_text(
        &call(
            "cancel-appointment",
            get(&manage),
            &at("2026-12-01T10:30:00+02:00"),
        )
        .await,
    );
    assert!(over.contains("Το ραντεβού ολοκληρώθηκε"), "{over}");
    assert!(!over.contains("meeting-link") && !over.contains("ενημερώστε τη Βιβλιοθήκη"));
    assert!(over.contains("Κλείστε νέο ραντεβού"));
}
