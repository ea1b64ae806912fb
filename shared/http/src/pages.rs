//! The HTML pages the cancel and confirm links show, rendered by minijinja with auto-escaping (every
//! value a patron typed is escaped), in the appointment's language.

use crate::respond;
use crate::ApiError;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};
use minijinja::{context, Environment};
use rantevou_app::details::Details;
use rantevou_app::texts::{duration_words, fill, texts};
use rantevou_app::{CancelError, CancelState, Cancelled, ConfirmError, ConfirmState, Confirmed};
use rantevou_domain::appointment::{Appointment, NotConfirmable};
use rantevou_domain::patron::FieldCode;
use rantevou_domain::{Language, LibraryConfig};
use std::sync::OnceLock;

/// Which page to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// Details, reason field and the cancel button.
    CancelForm,
    /// The same, for an appointment that changed since the page the patron sent was read.
    Changed,
    /// Just cancelled.
    Cancelled,
    /// It was cancelled before.
    AlreadyCancelled,
    /// Past the cutoff.
    TooLate,
    /// Started and not over: the call's link, when known.
    InProgress,
    /// Over: nothing to do but book again.
    Finished,
    /// Details and the confirm button (a held booking).
    ConfirmForm,
    /// Just confirmed: booked.
    Confirmed,
    /// It was confirmed before.
    AlreadyConfirmed,
    /// A hold that ran out before it was confirmed.
    Lapsed,
    /// Unknown id or wrong token.
    NotFound,
}

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // `.html` templates are auto-escaped by minijinja's default callback.
        if let Err(e) = env.add_template("page.html", include_str!("../templates/page.html")) {
            tracing::error!(error = %e, "page template does not parse");
        }
        env
    })
}

/// The page's heading and message, from the catalogue.
fn heading_and_message(
    page: Page,
    lang: Language,
    config: &LibraryConfig,
) -> (&'static str, Option<String>) {
    let t = &texts(lang).page;
    match page {
        Page::CancelForm => (&t.manage_heading, Some(t.manage_message.clone())),
        Page::Changed => (&t.changed_heading, Some(t.changed_message.clone())),
        Page::Cancelled => (&t.cancelled_heading, Some(t.cancelled_message.clone())),
        Page::AlreadyCancelled => (&t.already_heading, None),
        Page::TooLate => (
            &t.too_late_heading,
            Some(fill(
                &fill(
                    &t.too_late_message,
                    "cutoff",
                    duration_words(config.policy.cancel_cutoff_minutes, lang),
                ),
                "email",
                &config.library.email,
            )),
        ),
        Page::InProgress => (&t.in_progress_heading, Some(t.in_progress_message.clone())),
        Page::Finished => (&t.finished_heading, Some(t.finished_message.clone())),
        Page::ConfirmForm => (&t.confirm_heading, Some(t.confirm_message.clone())),
        Page::Confirmed => (&t.confirmed_heading, Some(t.confirmed_message.clone())),
        Page::AlreadyConfirmed => (&t.already_confirmed_heading, None),
        Page::Lapsed => (&t.lapsed_heading, Some(t.lapsed_message.clone())),
        Page::NotFound => (&t.not_found_heading, Some(t.not_found_message.clone())),
    }
}

/// What a page shows.
pub struct PageInput<'a> {
    /// Which page.
    pub page: Page,
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
    /// The cancel was sent without ticking "yes, cancel": say so at the box.
    pub confirm_error: Option<String>,
}

impl<'a> PageInput<'a> {
    /// `page` about `appointment`, in its language, with nothing typed and no error.
    pub fn about(page: Page, appointment: &'a Appointment, token: &'a str) -> Self {
        PageInput {
            page,
            appointment: Some(appointment),
            language: appointment.patron.language,
            token,
            reason: "",
            error: None,
            confirm_error: None,
        }
    }

    /// The same page in `chosen`, when the patron chose a language on it (its switch), else
    /// as it was.
    pub fn in_language(self, chosen: Option<Language>) -> Self {
        PageInput {
            language: chosen.unwrap_or(self.language),
            ..self
        }
    }

    /// The page for a link that names no appointment, in `language`.
    pub fn not_found(language: Language) -> Self {
        PageInput {
            page: Page::NotFound,
            appointment: None,
            language,
            token: "",
            reason: "",
            error: None,
            confirm_error: None,
        }
    }
}

impl From<CancelState> for Page {
    fn from(state: CancelState) -> Self {
        match state {
            CancelState::Cancellable => Page::CancelForm,
            CancelState::AlreadyCancelled => Page::AlreadyCancelled,
            CancelState::TooLate => Page::TooLate,
            CancelState::InProgress => Page::InProgress,
            CancelState::Finished => Page::Finished,
            CancelState::Lapsed => Page::Lapsed,
        }
    }
}

impl From<ConfirmState> for Page {
    fn from(state: ConfirmState) -> Self {
        match state {
            ConfirmState::Confirmable => Page::ConfirmForm,
            ConfirmState::AlreadyConfirmed => Page::AlreadyConfirmed,
            ConfirmState::Lapsed => Page::Lapsed,
            ConfirmState::Cancelled => Page::AlreadyCancelled,
        }
    }
}

/// The page for a cancel link as looked up: its form, "already cancelled" or "too late", or
/// "not valid". With `retry` (the reason as typed and what is wrong with it) the form comes
/// back with the text kept and the problem next to the field (422).
/// Why a cancel form comes back to the patron, with what they typed.
#[derive(Debug, Clone, Copy)]
pub enum Retry<'a> {
    /// The reason cannot be taken (`FieldCode` says why).
    Reason(&'a str, FieldCode),
    /// "Yes, cancel" was not ticked.
    Unconfirmed(&'a str),
}

pub fn looked(
    config: &LibraryConfig,
    looked: Result<(Appointment, CancelState), CancelError>,
    token: &str,
    (language, chosen): (Language, Option<Language>),
    retry: Option<Retry<'_>>,
) -> Result<Response<Body>, ApiError> {
    let (a, state) = match looked {
        Ok(found) => found,
        Err(CancelError::NotFound) => return Ok(not_found(config, language)),
        Err(e) => return Err(e.into()),
    };
    Ok(match retry {
        None => page_response(
            config,
            StatusCode::OK,
            PageInput::about(state.into(), &a, token).in_language(chosen),
        ),
        Some(Retry::Reason(reason, code)) => {
            let shown = chosen.unwrap_or(a.patron.language);
            let error = texts(shown).field_message("reason", code).to_owned();
            let input = PageInput {
                reason,
                error: Some(error),
                ..PageInput::about(Page::CancelForm, &a, token).in_language(chosen)
            };
            page_response(config, StatusCode::UNPROCESSABLE_ENTITY, input)
        }
        Some(Retry::Unconfirmed(reason)) => {
            let shown = chosen.unwrap_or(a.patron.language);
            let error = texts(shown).page.confirm_required.clone();
            let input = PageInput {
                reason,
                confirm_error: Some(error),
                ..PageInput::about(Page::CancelForm, &a, token).in_language(chosen)
            };
            page_response(config, StatusCode::UNPROCESSABLE_ENTITY, input)
        }
    })
}

/// The page after the form's cancel: done, done before, too late (409) or not valid.
pub fn cancelled(
    config: &LibraryConfig,
    outcome: Result<Cancelled, CancelError>,
    token: &str,
    (language, chosen): (Language, Option<Language>),
) -> Result<Response<Body>, ApiError> {
    let (status, page, a) = match &outcome {
        Ok(Cancelled::Now(a)) => (StatusCode::OK, Page::Cancelled, a),
        Ok(Cancelled::Before(a)) => (StatusCode::OK, Page::AlreadyCancelled, a),
        Err(CancelError::TooLate { appointment, .. }) => {
            (StatusCode::CONFLICT, Page::TooLate, &**appointment)
        }
        // A stale page: the appointment as it is now, with its form (the token to send it).
        Err(CancelError::Changed { appointment }) => {
            let input = PageInput::about(Page::Changed, appointment, token).in_language(chosen);
            return Ok(page_response(config, StatusCode::CONFLICT, input));
        }
        Err(CancelError::NotFound) => return Ok(not_found(config, language)),
        Err(e) => return Err(e.clone().into()),
    };
    Ok(page_response(
        config,
        status,
        PageInput::about(page, a, "").in_language(chosen),
    ))
}

/// The page for a confirm link as looked up: its button, "already confirmed", "expired",
/// "already cancelled", or "not valid".
pub fn confirm_looked(
    config: &LibraryConfig,
    looked: Result<(Appointment, ConfirmState), ConfirmError>,
    token: &str,
    language: Language,
) -> Result<Response<Body>, ApiError> {
    match looked {
        Ok((a, state)) => Ok(page_response(
            config,
            StatusCode::OK,
            PageInput::about(state.into(), &a, token),
        )),
        Err(ConfirmError::NotFound) => Ok(not_found(config, language)),
        Err(e) => Err(e.into()),
    }
}

/// The page after the form's confirm: booked, booked before, expired (410), cancelled (409) or
/// not valid.
pub fn confirmed(
    config: &LibraryConfig,
    outcome: Result<Confirmed, ConfirmError>,
    language: Language,
) -> Result<Response<Body>, ApiError> {
    let (page, a) = match &outcome {
        Ok(Confirmed::Now(a)) => (Page::Confirmed, a),
        Ok(Confirmed::Before(a)) => (Page::AlreadyConfirmed, a),
        Err(ConfirmError::NotConfirmable {
            appointment,
            reason,
        }) => (
            match reason {
                NotConfirmable::Lapsed => Page::Lapsed,
                NotConfirmable::Cancelled => Page::AlreadyCancelled,
            },
            &**appointment,
        ),
        Err(ConfirmError::NotFound) => return Ok(not_found(config, language)),
        Err(e) => return Err(e.clone().into()),
    };
    let status = match &outcome {
        Ok(_) => StatusCode::OK,
        Err(e) => ApiError::from(e.clone()).parts().0,
    };
    Ok(page_response(config, status, PageInput::about(page, a, "")))
}

/// The page for a link that names no appointment (404), in `language`.
pub fn not_found(config: &LibraryConfig, language: Language) -> Response<Body> {
    page_response(
        config,
        StatusCode::NOT_FOUND,
        PageInput::not_found(language),
    )
}

/// A page as an HTML response with `status` (404 for [`Page::NotFound`]).
pub fn page_response(
    config: &LibraryConfig,
    status: StatusCode,
    input: PageInput<'_>,
) -> Response<Body> {
    let status = match input.page {
        Page::NotFound => StatusCode::NOT_FOUND,
        _ => status,
    };
    respond::html(status, render_page(config, input))
}

/// Renders a page. A hold's pages show no more than its request to confirm did (the service
/// and the time): the address it went to is not verified until it is confirmed.
pub fn render_page(config: &LibraryConfig, input: PageInput<'_>) -> String {
    let lang = input.language;
    let (heading, message) = heading_and_message(input.page, lang, config);
    let (state, verb) = match input.page {
        Page::CancelForm | Page::Changed => ("cancel_form", "cancel"),
        Page::ConfirmForm => ("confirm_form", "confirm"),
        _ => ("done", ""),
    };
    let action = input
        .appointment
        .map(|a| format!("/api/appointments/{}/{verb}", a.id))
        .unwrap_or_default();
    let unverified = input.appointment.is_some_and(|a| a.hold_until().is_some());
    // The manage page of a booked appointment offers to move it (the site's calendar, run by
    // `/js/manage.js` from what the section says).
    let movable = input
        .appointment
        .filter(|a| matches!(input.page, Page::CancelForm | Page::Changed) && a.is_booked())
        .map(|a| {
            context! {
                id => a.id.to_string(),
                version => a.version,
                service => a.service.as_str(),
                provider => a.provider.as_str(),
                start => crate::view::instant(a.start, config.library.timezone),
            }
        });
    let rendered = environment().get_template("page.html").and_then(|t| {
        t.render(context! {
            lang => lang.code(),
            library => config.library.name.get(lang),
            // The booking site on this page's own origin (the site and the API share it, on
            // CloudFront as under `rantevou serve`), in the page's language.
            site => format!("/?lang={}", lang.code()),
            // The same page in the other language (the manage link with `lang`).
            switch => input
                .appointment
                .filter(|_| {
                    !input.token.is_empty() && matches!(input.page, Page::CancelForm | Page::Changed)
                })
                .map(|a| {
                let other = match lang {
                    Language::El => Language::En,
                    Language::En => Language::El,
                };
                let query: String = form_urlencoded::Serializer::new(String::new())
                    .append_pair("token", input.token)
                    .append_pair("lang", other.code())
                    .finish();
                context! {
                    url => format!("/api/appointments/{}/manage?{query}", a.id),
                    lang => other.code(),
                    label => match other {
                        Language::El => "Ελληνικά",
                        Language::En => "English",
                    },
                }
            }),
            heading,
            message,
            state,
            l => &texts(lang).details,
            t => &texts(lang).page,
            appointment => input.appointment.map(|a| Details::of(a, config, lang)),
            unverified,
            movable,
            // The call's link once staff sent it (or the scheduler made it), until it is over.
            meeting => input
                .appointment
                .filter(|a| {
                    a.is_booked()
                        && matches!(
                            input.page,
                            Page::CancelForm | Page::Changed | Page::TooLate | Page::InProgress
                        )
                })
                .and_then(|a| a.meeting.url.as_deref()),
            token => input.token,
            version => input.appointment.map(|a| a.version),
            reason => input.reason,
            error => input.error,
            confirm_error => input.confirm_error,
            action,
        })
    });
    rendered.unwrap_or_else(|e| {
        tracing::error!(error = %e, "page failed to render");
        "<!doctype html><title>Error</title><p>Something went wrong.</p>".to_owned()
    })
}
