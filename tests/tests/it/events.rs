//! Every handler on its `events/` fixtures, in-process on a SQLite store with the clock fixed
//! at the fixtures' time: each fixture gives the answer its name promises.

use rantevou_tests::{
    deps, deps_of, fixture_now, html_text, invoke, json, seed_event_appointment, text, EVENT_TOKEN,
};

fn status(r: &lambda_http::Response<lambda_http::Body>) -> u16 {
    r.status().as_u16()
}

fn fields(body: &serde_json::Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["field"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn header<'a>(r: &'a lambda_http::Response<lambda_http::Body>, name: &str) -> &'a str {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn list_availability_fixtures() {
    let (deps, _dir) = deps();
    seed_event_appointment(&deps).await;

    let r = invoke("list-availability.services", &deps).await;
    assert_eq!(status(&r), 200);
    let body = json(&r);
    assert_eq!(body["services"][0]["id"], "mylibrarylive");
    assert_eq!(body["services"][0]["duration_minutes"], 20);
    assert_eq!(
        body["providers"][0]["name"]["en"],
        "Department of Scientific Information & Documentation"
    );
    assert_eq!(body["library"]["timezone"], "Europe/Athens");
    assert_eq!(body["policy"]["min_notice_minutes"], 120);
    assert_eq!(
        body["policy"]["required_fields"],
        serde_json::json!(["name", "email", "phone", "notes"]),
        "the site marks and checks what the configuration requires"
    );

    let r = invoke("list-availability.availability", &deps).await;
    assert_eq!(status(&r), 200);
    let body = json(&r);
    let days = body["days"].as_array().unwrap();
    assert_eq!(days.len(), 7, "every date of the range appears");
    assert_eq!(days[0]["date"], "2026-12-01");
    let slots = days[0]["slots"].as_array().unwrap();
    assert_eq!(slots.len(), 17, "18 starts minus the seeded 10:00");
    assert_eq!(slots[0]["start"], "2026-12-01T09:00:00+02:00");
    assert_eq!(slots[0]["end"], "2026-12-01T09:20:00+02:00");
    assert_eq!(slots[0]["providers"][0], "sip");
    assert!(slots
        .iter()
        .all(|s| s["start"] != "2026-12-01T10:00:00+02:00"));
    assert_eq!(
        days[4]["slots"].as_array().unwrap().len(),
        0,
        "Saturday 5 December"
    );

    let r = invoke("list-availability.availability-any-provider", &deps).await;
    assert_eq!(status(&r), 200);

    let r = invoke("list-availability.bad-range", &deps).await;
    assert_eq!(status(&r), 400);
    assert_eq!(
        header(&r, "content-type"),
        "application/problem+json; charset=utf-8"
    );
    assert_eq!(json(&r)["type"], "/problems/bad-request");
    assert_eq!(fields(&json(&r)), ["to"]);

    let r = invoke("list-availability.bad-date", &deps).await;
    assert_eq!(status(&r), 400);
    assert_eq!(fields(&json(&r)), ["from"]);

    let r = invoke("list-availability.unknown-service", &deps).await;
    assert_eq!(status(&r), 404);
    assert_eq!(json(&r)["type"], "/problems/not-found");
}

#[tokio::test]
async fn create_appointment_fixtures() {
    let (deps, _dir) = deps();

    let r = invoke("create-appointment.created", &deps).await;
    assert_eq!(status(&r), 201, "{}", text(&r));
    let body = json(&r);
    assert_eq!(body["status"], "booked");
    assert_eq!(body["start"], "2026-12-01T09:00:00+02:00");
    assert_eq!(body["customer"]["name"], "Κατερίνα Παπαδοπούλου");
    let manage = body["manage_url"].as_str().unwrap();
    let id = body["id"].as_str().unwrap();
    assert!(manage.starts_with(&format!(
        "https://mylibrarylive.lib.uom.gr/api/appointments/{id}/manage?token="
    )));
    assert_eq!(header(&r, "location"), format!("/api/appointments/{id}"));
    assert!(body.get("token_hash").is_none());

    // The same fixture again carries the same Idempotency-Key: the same appointment, no new one.
    let again = invoke("create-appointment.created", &deps).await;
    assert_eq!(status(&again), 200);
    assert_eq!(json(&again)["id"], id);
    assert_eq!(header(&again, "idempotent-replayed"), "true");
    assert_eq!(
        json(&again)["manage_url"],
        manage,
        "the replay shows the same manage link"
    );

    let r = invoke("create-appointment.slot-taken", &deps).await;
    assert_eq!(status(&r), 409);
    assert_eq!(json(&r)["type"], "/problems/slot-taken");

    let r = invoke("create-appointment.malformed-json", &deps).await;
    assert_eq!(status(&r), 400);
    assert_eq!(json(&r)["errors"][0]["code"], "malformed");

    let r = invoke("create-appointment.missing-consent", &deps).await;
    assert_eq!(status(&r), 422);
    assert_eq!(json(&r)["type"], "/problems/validation");
    assert_eq!(fields(&json(&r)), ["accept_terms", "accept_privacy"]);
    assert!(
        json(&r)["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Όρους"),
        "Greek, the patron's language"
    );

    let r = invoke("create-appointment.invalid-fields", &deps).await;
    assert_eq!(status(&r), 422);
    assert_eq!(
        fields(&json(&r)),
        ["customer.name", "customer.email", "customer.phone"]
    );

    let r = invoke("create-appointment.unknown-field", &deps).await;
    assert_eq!(status(&r), 400);
    assert_eq!(json(&r)["errors"][0]["code"], "unknown_field");
    assert!(json(&r)["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("coupon"));

    let r = invoke("create-appointment.not-offered", &deps).await;
    assert_eq!(status(&r), 422);
    assert_eq!(json(&r)["errors"][0]["field"], "start");
    assert_eq!(json(&r)["errors"][0]["code"], "not_offered");
}

#[tokio::test]
async fn get_appointment_fixtures() {
    let (deps, _dir) = deps();
    let seeded = seed_event_appointment(&deps).await;

    let r = invoke("get-appointment.found", &deps).await;
    assert_eq!(status(&r), 200);
    let body = json(&r);
    assert_eq!(body["id"], seeded.id.to_string());
    assert_eq!(body["start"], "2026-12-01T10:00:00+02:00");
    assert_eq!(body["customer"]["email"], "m.ioannou@example.org");
    assert!(body["cancelled_at"].is_null());
    assert!(!text(&r).contains(EVENT_TOKEN));

    let wrong = invoke("get-appointment.wrong-token", &deps).await;
    let unknown = invoke("get-appointment.unknown-id", &deps).await;
    assert_eq!((status(&wrong), status(&unknown)), (404, 404));
    assert_eq!(
        text(&wrong),
        text(&unknown),
        "a wrong token and an unknown id look the same"
    );

    let r = invoke("get-appointment.missing-token", &deps).await;
    assert_eq!(status(&r), 400);
    assert_eq!(fields(&json(&r)), ["token"]);
}

#[tokio::test]
async fn cancel_page_changes_nothing() {
    let (deps, _dir) = deps();
    seed_event_appointment(&deps).await;
    for _ in 0..2 {
        let r = invoke("cancel-appointment.page", &deps).await;
        assert_eq!(status(&r), 200);
        let html = html_text(&r);
        assert!(html.contains("<html lang=\"el\">"));
        assert!(html.contains("Μαρία Ιωάννου"));
        assert!(html.contains("Τρίτη 1 Δεκεμβρίου 2026, 10:00"), "{html}");
        assert!(html.contains("name=\"reason\""));
        assert!(html.contains("Ακύρωση ραντεβού"));
        assert!(header(&r, "content-security-policy").contains("default-src 'none'"));
        assert_eq!(header(&r, "referrer-policy"), "no-referrer");
        assert_eq!(header(&r, "x-frame-options"), "DENY");
    }
    let r = invoke("get-appointment.found", &deps).await;
    assert_eq!(
        json(&r)["status"],
        "booked",
        "showing the page cancelled nothing"
    );

    let r = invoke("cancel-appointment.page-wrong-token", &deps).await;
    assert_eq!(status(&r), 404);
    assert!(text(&r).contains("Ο σύνδεσμος δεν είναι έγκυρος"));
    assert!(!text(&r).contains("Μαρία"));
}

#[tokio::test]
async fn cancel_by_form_then_again() {
    let (deps, _dir) = deps();
    seed_event_appointment(&deps).await;
    let r = invoke("cancel-appointment.form", &deps).await;
    assert_eq!(status(&r), 200, "{}", text(&r));
    assert!(text(&r).contains("Το ραντεβού ακυρώθηκε"));
    assert!(
        text(&r).contains("αλλαγή ημερομηνίας"),
        "the reason is shown back"
    );

    let r = invoke("get-appointment.found", &deps).await;
    assert_eq!(json(&r)["status"], "cancelled");
    assert_eq!(json(&r)["cancel_reason"], "αλλαγή ημερομηνίας");

    // The slot is free again.
    let r = invoke("list-availability.availability", &deps).await;
    let slots = json(&r)["days"][0]["slots"].as_array().unwrap().len();
    assert_eq!(slots, 18);

    // Cancelling again is harmless, by form or JSON.
    let r = invoke("cancel-appointment.form", &deps).await;
    assert_eq!(status(&r), 200);
    assert!(text(&r).contains("έχει ήδη ακυρωθεί"));
    let r = invoke("cancel-appointment.json", &deps).await;
    assert_eq!(status(&r), 200);
    assert_eq!(
        json(&r)["cancel_reason"],
        "αλλαγή ημερομηνίας",
        "the first cancellation stands"
    );
    let r = invoke("cancel-appointment.page", &deps).await;
    assert!(text(&r).contains("έχει ήδη ακυρωθεί"));
    assert!(!text(&r).contains("name=\"reason\""));
}

#[tokio::test]
async fn cancel_by_json_and_its_refusals() {
    let (deps, _dir) = deps();
    seed_event_appointment(&deps).await;

    let r = invoke("cancel-appointment.wrong-token", &deps).await;
    assert_eq!(status(&r), 404);
    let r = invoke("cancel-appointment.reason-too-long", &deps).await;
    assert_eq!(status(&r), 422);
    assert_eq!(fields(&json(&r)), ["reason"]);
    assert_eq!(
        json(&invoke("get-appointment.found", &deps).await)["status"],
        "booked"
    );

    let r = invoke("cancel-appointment.json", &deps).await;
    assert_eq!(status(&r), 200);
    assert_eq!(json(&r)["status"], "cancelled");
    assert_eq!(json(&r)["cancel_reason"], "change of appointment date");
}

#[tokio::test]
async fn too_late_to_cancel() {
    let (deps, _dir) = deps();
    seed_event_appointment(&deps).await;
    // 09:30 Athens on the day: 30 minutes before the 10:00 appointment, cutoff is 60.
    let deps =
        deps.at(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 12, 1, 7, 30, 0).unwrap());
    let r = invoke("cancel-appointment.page", &deps).await;
    assert_eq!(status(&r), 200);
    assert!(text(&r).contains("Δεν είναι δυνατή η ακύρωση"));
    assert!(
        text(&r).contains("έως 1 ώρα πριν") && text(&r).contains("library@uom.edu.gr"),
        "the rule, and whom to tell: {}",
        text(&r)
    );
    assert!(
        text(&r).contains("(ώρα Ελλάδας)"),
        "the zone after the time"
    );
    assert!(!text(&r).contains("name=\"reason\""));
    let r = invoke("cancel-appointment.json", &deps).await;
    assert_eq!(status(&r), 409);
    assert_eq!(json(&r)["type"], "/problems/too-late");
    let r = invoke("cancel-appointment.form", &deps).await;
    assert_eq!(status(&r), 409);
    assert_eq!(
        json(&invoke("get-appointment.found", &deps).await)["status"],
        "booked"
    );
}

#[tokio::test]
async fn cors_answers_the_site_origin_only() {
    let (deps, _dir) = deps();
    let mut req = rantevou_tests::event("list-availability.services");
    req.headers_mut().insert(
        "origin",
        "https://mylibrarylive.lib.uom.gr".parse().unwrap(),
    );
    let r = rantevou_tests::call("list-availability", req, &deps).await;
    assert_eq!(
        header(&r, "access-control-allow-origin"),
        "https://mylibrarylive.lib.uom.gr"
    );
    let mut req = rantevou_tests::event("list-availability.services");
    req.headers_mut()
        .insert("origin", "https://evil.example".parse().unwrap());
    let r = rantevou_tests::call("list-availability", req, &deps).await;
    assert_eq!(header(&r, "access-control-allow-origin"), "");
}

/// The sample library holding bookings 30 minutes until confirmed.
fn holding() -> (rantevou_tests::Deps, tempfile::TempDir) {
    let mut config = rantevou_tests::config();
    config.policy.hold_minutes = 30;
    deps_of(config)
}

#[tokio::test]
async fn confirm_page_shows_only_the_time_and_the_form_books_it_once() {
    let (deps, _dir) = holding();
    seed_event_appointment(&deps).await;
    let r = invoke("get-appointment.found", &deps).await;
    assert_eq!(json(&r)["status"], "held");
    assert_eq!(json(&r)["hold_expires_at"], "2026-11-28T12:30:00+02:00");
    for _ in 0..2 {
        let r = invoke("confirm-appointment.page", &deps).await;
        assert_eq!(status(&r), 200);
        let html = html_text(&r);
        assert!(html.contains("Τρίτη 1 Δεκεμβρίου 2026, 10:00"), "{html}");
        assert!(html.contains("Επιβεβαίωση ραντεβού"), "the button");
        assert!(
            !html.contains("Μαρία") && !html.contains("Scopus"),
            "nothing typed into the form is shown before the address is verified"
        );
        assert!(header(&r, "content-security-policy").contains("default-src 'none'"));
    }
    assert_eq!(
        json(&invoke("get-appointment.found", &deps).await)["status"],
        "held",
        "showing the page confirmed nothing"
    );
    let r = invoke("confirm-appointment.page-wrong-token", &deps).await;
    assert_eq!(status(&r), 404);
    let r = invoke("confirm-appointment.wrong-token", &deps).await;
    assert_eq!(status(&r), 404);

    let r = invoke("confirm-appointment.form", &deps).await;
    assert_eq!(status(&r), 200, "{}", text(&r));
    assert!(text(&r).contains("Το ραντεβού σας κλείστηκε επιτυχώς!"));
    assert_eq!(
        json(&invoke("get-appointment.found", &deps).await)["status"],
        "booked"
    );
    let r = invoke("confirm-appointment.json", &deps).await;
    assert_eq!(status(&r), 200);
    assert_eq!(json(&r)["status"], "booked");
    let r = invoke("confirm-appointment.page", &deps).await;
    assert!(text(&r).contains("έχει ήδη επιβεβαιωθεί"));
    assert!(!text(&r).contains("<form"));
}

#[tokio::test]
async fn a_hold_not_confirmed_in_time_is_gone_and_its_time_free() {
    let (deps, _dir) = holding();
    seed_event_appointment(&deps).await;
    let r = invoke("list-availability.availability", &deps).await;
    assert_eq!(json(&r)["days"][0]["slots"].as_array().unwrap().len(), 17);
    let later = deps.at(fixture_now() + chrono::Duration::minutes(30));
    let r = invoke("list-availability.availability", &later).await;
    assert_eq!(
        json(&r)["days"][0]["slots"].as_array().unwrap().len(),
        18,
        "free again the moment the hold ends, with no sweep"
    );
    let r = invoke("confirm-appointment.page", &later).await;
    assert!(text(&r).contains("Το αίτημα έληξε"));
    let r = invoke("confirm-appointment.json", &later).await;
    assert_eq!(status(&r), 410);
    assert_eq!(json(&r)["type"], "/problems/hold-expired");
    let r = invoke("confirm-appointment.form", &later).await;
    assert_eq!(status(&r), 410);
    assert!(text(&r).contains("Το αίτημα έληξε"));
    let r = invoke("cancel-appointment.json", &later).await;
    assert_eq!(status(&r), 410, "nothing left to cancel");
}

#[tokio::test]
async fn staff_api_fixtures_signed_in_signed_out_and_outside_the_group() {
    let (deps, _dir) = deps();
    seed_event_appointment(&deps).await;

    // Without claims (no authorizer ran): 401, with the Bearer challenge; outside the staff
    // group or without the group claim: 403. Neither answer says anything about appointments.
    let r = invoke("staff-api.agenda-signed-out", &deps).await;
    assert_eq!(status(&r), 401);
    assert_eq!(json(&r)["type"], "/problems/unauthorized");
    assert!(header(&r, "www-authenticate").starts_with("Bearer"));
    for name in ["staff-api.agenda-not-staff", "staff-api.agenda-no-group"] {
        let r = invoke(name, &deps).await;
        assert_eq!(status(&r), 403, "{name}");
        assert_eq!(json(&r)["type"], "/problems/forbidden");
        assert!(!text(&r).contains("Μαρία"), "{name}");
    }

    let r = invoke("staff-api.agenda", &deps).await;
    assert_eq!(status(&r), 200, "{}", text(&r));
    let body = json(&r);
    assert_eq!(body["appointments"].as_array().unwrap().len(), 1);
    let a = &body["appointments"][0];
    assert_eq!(a["customer"]["name"], "Μαρία Ιωάννου");
    assert_eq!(a["notes"], "Χρήση του Scopus");
    assert_eq!(a["start"], "2026-12-01T10:00:00+02:00");
    assert_eq!(a["meeting"]["sent"], false);
    assert_eq!(header(&r, "cache-control"), "no-store");

    let r = invoke("staff-api.meeting", &deps).await;
    assert_eq!(status(&r), 200, "{}", text(&r));
    let body = json(&r);
    assert_eq!(body["meeting"]["url"], "https://uom.zoom.us/j/123456789");
    assert_eq!(body["meeting"]["sent"], true);
    assert_eq!(body["mail"]["sent"][0]["kind"], "link");
    assert_eq!(body["audit"][0]["who"], "librarian@uom.edu.gr");
    assert_eq!(body["audit"][0]["action"], "meeting-link");

    let r = invoke("staff-api.cancel", &deps).await;
    assert_eq!(status(&r), 200, "{}", text(&r));
    let body = json(&r);
    assert_eq!(body["status"], "cancelled");
    assert_eq!(body["cancel_reason"], "Η βιβλιοθηκονόμος ασθενεί");
    let actions: Vec<&str> = body["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["meeting-link", "cancel"]);
    let r = invoke("staff-api.cancel", &deps).await;
    assert_eq!(status(&r), 409, "cancelled before");

    let r = invoke("staff-api.appointment", &deps).await;
    assert_eq!(status(&r), 200);
    assert_eq!(json(&r)["audit"].as_array().unwrap().len(), 2);

    // An afternoon closed: 13:00–17:00 of Thursday 3 December leaves its morning offered.
    let before = json(&invoke("list-availability.availability", &deps).await)["days"][2]["slots"]
        .as_array()
        .unwrap()
        .len();
    let r = invoke("staff-api.closure-afternoon", &deps).await;
    assert_eq!(status(&r), 201, "{}", text(&r));
    assert_eq!(json(&r)["closure"]["hours"]["from"], "13:00:00");
    let days = json(&invoke("list-availability.availability", &deps).await)["days"].clone();
    let slots = days[2]["slots"].as_array().unwrap();
    assert!(slots.len() < before && !slots.is_empty());
    for s in slots {
        let start = s["start"].as_str().unwrap();
        let end = s["end"].as_str().unwrap();
        assert!(
            end <= "2026-12-03T13:00:00+02:00" || start >= "2026-12-03T17:00:00+02:00",
            "{start} is in the closed afternoon"
        );
    }
    let r = invoke("staff-api.closure-bad-hours", &deps).await;
    assert_eq!(status(&r), 422);
    assert_eq!(json(&r)["errors"][0]["field"], "to_time");
    assert_eq!(
        json(&r)["errors"][0]["code"],
        "not_after",
        "a code the console says in words"
    );
    // The closure is on the library's record, by the signed-in librarian.
    let r = invoke("staff-api.library-audit", &deps).await;
    assert_eq!(status(&r), 200);
    let entries = json(&r)["entries"].clone();
    assert_eq!(entries.as_array().unwrap().len(), 1);
    assert_eq!(entries[0]["action"], "closure-add");
    assert_eq!(entries[0]["who"], "librarian@uom.edu.gr");
}
