//! The HTML pages the cancel link shows, rendered by minijinja with auto-escaping (every
//! value a patron typed is escaped), in the appointment's language.

use minijinja::{context, Environment};
use rantevou_domain::appointment::Appointment;
use rantevou_domain::{Language, LibraryConfig};
use rantevou_mail::message::details;
use std::sync::OnceLock;

/// Which page to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelPage {
    /// Details, reason field and the button.
    Form,
    /// Just cancelled.
    Cancelled,
    /// It was cancelled before.
    AlreadyCancelled,
    /// Past the cutoff.
    TooLate,
    /// Unknown id or wrong token.
    NotFound,
}

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // `.html` templates are auto-escaped by minijinja's default callback.
        if let Err(e) = env.add_template("cancel.html", include_str!("../templates/cancel.html")) {
            tracing::error!(error = %e, "cancel template does not parse");
        }
        env
    })
}

/// Labels of the page per language.
fn texts(lang: Language) -> serde_json::Value {
    rantevou_mail::message::with_labels(
        rantevou_mail::message::detail_labels(lang),
        match lang {
            Language::El => serde_json::json!({
                "reason_label": "Αιτία ακύρωσης (προαιρετικά)",
                "button": "Ακύρωση ραντεβού", "book_again": "Κλείστε νέο ραντεβού",
            }),
            Language::En => serde_json::json!({
                "reason_label": "Reason for cancelling (optional)",
                "button": "Cancel appointment", "book_again": "Book a new appointment",
            }),
        },
    )
}

fn heading_and_message(page: CancelPage, lang: Language, cutoff: u32) -> (String, Option<String>) {
    let el = lang == Language::El;
    let (h, m): (&str, Option<String>) = match page {
        CancelPage::Form => (
            if el { "Ακύρωση ραντεβού" } else { "Cancel your appointment" },
            Some(if el { "Θέλετε να ακυρώσετε το παρακάτω ραντεβού; Πατήστε «Ακύρωση ραντεβού» για επιβεβαίωση." } else { "Do you want to cancel the appointment below? Press “Cancel appointment” to confirm." }.into()),
        ),
        CancelPage::Cancelled => (
            if el { "Το ραντεβού ακυρώθηκε" } else { "Your appointment was cancelled" },
            Some(if el { "Το ραντεβού αφαιρέθηκε από το πρόγραμμα της Βιβλιοθήκης. Θα λάβετε email ακύρωσης." } else { "It was removed from the Library's schedule. A cancellation email is on its way." }.into()),
        ),
        CancelPage::AlreadyCancelled => (
            if el { "Το ραντεβού έχει ήδη ακυρωθεί" } else { "This appointment is already cancelled" },
            None,
        ),
        CancelPage::TooLate => (
            if el { "Δεν είναι δυνατή η ακύρωση" } else { "This appointment can no longer be cancelled" },
            Some(if el {
                format!("Τα ραντεβού ακυρώνονται έως {cutoff} λεπτά πριν από την έναρξή τους. Αν δεν μπορείτε να συμμετάσχετε, ενημερώστε τη Βιβλιοθήκη.")
            } else {
                format!("Appointments can be cancelled until {cutoff} minutes before they start. If you cannot attend, please let the Library know.")
            }),
        ),
        CancelPage::NotFound => (
            if el { "Ο σύνδεσμος δεν είναι έγκυρος" } else { "This link is not valid" },
            Some(if el { "Ελέγξτε ότι ανοίξατε ολόκληρο τον σύνδεσμο από το email επιβεβαίωσης." } else { "Check that you opened the whole link from your confirmation email." }.into()),
        ),
    };
    (h.to_owned(), m)
}

/// What a cancel page shows.
pub struct CancelPageInput<'a> {
    /// Which page.
    pub page: CancelPage,
    /// The appointment, when known (not for `NotFound`).
    pub appointment: Option<&'a Appointment>,
    /// The page's language.
    pub language: Language,
    /// The token, for the form's hidden field.
    pub token: &'a str,
    /// The reason typed so far (shown again after an error).
    pub reason: &'a str,
    /// An error about the reason, if any.
    pub error: Option<String>,
}

/// Renders a cancel page.
pub fn cancel_page(config: &LibraryConfig, input: CancelPageInput<'_>) -> String {
    let lang = input.language;
    let (heading, message) =
        heading_and_message(input.page, lang, config.policy.cancel_cutoff_minutes);
    let action = input
        .appointment
        .map(|a| format!("/api/appointments/{}/cancel", a.id))
        .unwrap_or_default();
    let state = match input.page {
        CancelPage::Form => "form",
        CancelPage::Cancelled => "cancelled",
        CancelPage::AlreadyCancelled => "already",
        CancelPage::TooLate => "too_late",
        CancelPage::NotFound => "not_found",
    };
    let rendered = environment().get_template("cancel.html").and_then(|t| {
        t.render(context! {
            lang => lang.code(),
            library => config.library.name.get(lang),
            site => &config.library.site_url,
            heading,
            message,
            state,
            t => texts(lang),
            appointment => input.appointment.map(|a| details(a, config, lang)),
            token => input.token,
            reason => input.reason,
            error => input.error,
            action,
        })
    });
    rendered.unwrap_or_else(|e| {
        tracing::error!(error = %e, "cancel page failed to render");
        "<!doctype html><title>Error</title><p>Something went wrong.</p>".to_owned()
    })
}
