//! The HTML pages the cancel link shows, rendered by minijinja with auto-escaping (every
//! value a patron typed is escaped), in the appointment's language.

use crate::respond;
use crate::ApiError;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};
use minijinja::{context, Environment};
use rantevou_app::details::Details;
use rantevou_app::texts::{fill, texts};
use rantevou_app::{CancelError, CancelState, Cancelled};
use rantevou_domain::appointment::Appointment;
use rantevou_domain::patron::FieldCode;
use rantevou_domain::{Language, LibraryConfig};
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

/// The page's heading and message, from the catalogue.
fn heading_and_message(
    page: CancelPage,
    lang: Language,
    cutoff: u32,
) -> (&'static str, Option<String>) {
    let t = &texts(lang).page;
    match page {
        CancelPage::Form => (&t.form_heading, Some(t.form_message.clone())),
        CancelPage::Cancelled => (&t.cancelled_heading, Some(t.cancelled_message.clone())),
        CancelPage::AlreadyCancelled => (&t.already_heading, None),
        CancelPage::TooLate => (
            &t.too_late_heading,
            Some(fill(&t.too_late_message, "cutoff", cutoff)),
        ),
        CancelPage::NotFound => (&t.not_found_heading, Some(t.not_found_message.clone())),
    }
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

impl<'a> CancelPageInput<'a> {
    /// `page` about `appointment`, in its language, with nothing typed and no error.
    pub fn about(page: CancelPage, appointment: &'a Appointment, token: &'a str) -> Self {
        CancelPageInput {
            page,
            appointment: Some(appointment),
            language: appointment.patron.language,
            token,
            reason: "",
            error: None,
        }
    }

    /// The page for a link that names no appointment, in `language`.
    pub fn not_found(language: Language) -> Self {
        CancelPageInput {
            page: CancelPage::NotFound,
            appointment: None,
            language,
            token: "",
            reason: "",
            error: None,
        }
    }
}

impl From<CancelState> for CancelPage {
    fn from(state: CancelState) -> Self {
        match state {
            CancelState::Cancellable => CancelPage::Form,
            CancelState::AlreadyCancelled => CancelPage::AlreadyCancelled,
            CancelState::TooLate => CancelPage::TooLate,
        }
    }
}

/// The page for a cancel link as looked up: its form, "already cancelled" or "too late", or
/// "not valid". With `retry` (the reason as typed and what is wrong with it) the form comes
/// back with the text kept and the problem next to the field (422).
pub fn looked(
    config: &LibraryConfig,
    looked: Result<(Appointment, CancelState), CancelError>,
    token: &str,
    language: Language,
    retry: Option<(&str, FieldCode)>,
) -> Result<Response<Body>, ApiError> {
    let (a, state) = match looked {
        Ok(found) => found,
        Err(CancelError::NotFound) => return Ok(not_found(config, language)),
        Err(e) => return Err(e.into()),
    };
    Ok(match retry {
        None => cancel_response(
            config,
            StatusCode::OK,
            CancelPageInput::about(state.into(), &a, token),
        ),
        Some((reason, code)) => {
            let error = texts(a.patron.language)
                .field_message("reason", code)
                .to_owned();
            let input = CancelPageInput {
                reason,
                error: Some(error),
                ..CancelPageInput::about(CancelPage::Form, &a, token)
            };
            cancel_response(config, StatusCode::UNPROCESSABLE_ENTITY, input)
        }
    })
}

/// The page after the form's cancel: done, done before, too late (409) or not valid.
pub fn cancelled(
    config: &LibraryConfig,
    outcome: Result<Cancelled, CancelError>,
    language: Language,
) -> Result<Response<Body>, ApiError> {
    let (status, page, a) = match &outcome {
        Ok(Cancelled::Now(a)) => (StatusCode::OK, CancelPage::Cancelled, a),
        Ok(Cancelled::Before(a)) => (StatusCode::OK, CancelPage::AlreadyCancelled, a),
        Err(CancelError::TooLate { appointment, .. }) => {
            (StatusCode::CONFLICT, CancelPage::TooLate, &**appointment)
        }
        Err(CancelError::NotFound) => return Ok(not_found(config, language)),
        Err(e) => return Err(e.clone().into()),
    };
    Ok(cancel_response(
        config,
        status,
        CancelPageInput::about(page, a, ""),
    ))
}

/// The page for a link that names no appointment (404), in `language`.
pub fn not_found(config: &LibraryConfig, language: Language) -> Response<Body> {
    cancel_response(
        config,
        StatusCode::NOT_FOUND,
        CancelPageInput::not_found(language),
    )
}

/// A cancel page as an HTML response with `status` (404 for [`CancelPage::NotFound`]).
pub fn cancel_response(
    config: &LibraryConfig,
    status: StatusCode,
    input: CancelPageInput<'_>,
) -> Response<Body> {
    let status = match input.page {
        CancelPage::NotFound => StatusCode::NOT_FOUND,
        _ => status,
    };
    respond::html(status, cancel_page(config, input))
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
            l => &texts(lang).details,
            t => &texts(lang).page,
            appointment => input.appointment.map(|a| Details::of(a, config, lang)),
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
