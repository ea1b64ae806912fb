//! What every use case shares: the library's configuration, the clock, and the public links.

use crate::bot_check::WorkGauge;
use chrono::{DateTime, Utc};
use rantevou_domain::ports::{Clock, Metric, Metrics, NoMetrics};
use rantevou_domain::{AppointmentId, LibraryConfig, ManageToken};
use std::sync::Arc;
use url::Url;

/// The shared part of every use case, built once by the wiring.
#[derive(Clone)]
pub struct Context {
    /// The library's validated configuration.
    pub config: Arc<LibraryConfig>,
    /// Now: the only clock the use cases read.
    pub clock: Arc<dyn Clock>,
    /// Where patrons reach the service.
    pub links: Links,
    /// Where what happened is counted (nowhere unless the wiring says).
    pub metrics: Arc<dyn Metrics>,
    /// The bot check's work now (shared by every use case of the process).
    pub work: Arc<WorkGauge>,
}

impl Context {
    /// A context of `config`, `clock` and `links`, counting nothing.
    pub fn new(config: Arc<LibraryConfig>, clock: Arc<dyn Clock>, links: Links) -> Self {
        Context {
            config,
            clock,
            links,
            metrics: Arc::new(NoMetrics),
            work: Arc::new(WorkGauge::default()),
        }
    }

    /// The same context, counting into `metrics`.
    pub fn with_metrics(mut self, metrics: Arc<dyn Metrics>) -> Self {
        self.metrics = metrics;
        self
    }

    /// One more of `metric`.
    pub fn count(&self, metric: Metric) {
        self.metrics.count(metric, 1);
    }

    /// Now, by the context's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

/// The public addresses of the service: the base of the manage links, and the booking site's
/// origin (which the HTTP layer allows by CORS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Links {
    public_url: Url,
    site_origin: Option<String>,
}

/// A public address that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what}: {value:?} is not an http(s) URL")]
pub struct LinksError {
    /// Which address.
    pub what: &'static str,
    /// As given.
    pub value: String,
}

fn http_url(what: &'static str, value: &str) -> Result<Url, LinksError> {
    match Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => Ok(url),
        _ => Err(LinksError {
            what,
            value: value.to_owned(),
        }),
    }
}

impl Links {
    /// Links with manage links under `public_url` and CORS for `site_origin` (an origin or a
    /// URL of the site; `None`: same origin only).
    pub fn new(public_url: &str, site_origin: Option<&str>) -> Result<Links, LinksError> {
        let public_url = http_url("public URL", public_url)?;
        let site_origin = site_origin
            .map(|s| http_url("site origin", s).map(|u| u.origin().ascii_serialization()))
            .transpose()?;
        Ok(Links {
            public_url,
            site_origin,
        })
    }

    /// The defaults for `config`: both from its `site_url`, each replaced when given.
    pub fn for_library(
        config: &LibraryConfig,
        public_url: Option<&str>,
        site_origin: Option<&str>,
    ) -> Result<Links, LinksError> {
        let site = config.library.site_url.as_str();
        Links::new(
            public_url.unwrap_or(site),
            Some(site_origin.unwrap_or(site)),
        )
    }

    /// Same as [`Links::new`] with no CORS origin: the site and the API share one origin.
    pub fn same_origin(public_url: &str) -> Result<Links, LinksError> {
        Links::new(public_url, None)
    }

    /// The booking site's origin, allowed by CORS.
    pub fn site_origin(&self) -> Option<&str> {
        self.site_origin.as_deref()
    }

    /// The base of the links in answers and mail.
    pub fn public_url(&self) -> &Url {
        &self.public_url
    }

    /// The manage link of an appointment (change the time, cancel):
    /// `<public>/api/appointments/<id>/manage?token=…`.
    pub fn manage_url(&self, id: &AppointmentId, token: &ManageToken) -> String {
        self.appointment_link(id, "manage", token)
    }

    /// The staff console's page of an appointment: `<public>/staff/#appointment/<id>` (staff
    /// sign in there; the link carries nothing secret).
    pub fn console_url(&self, id: &AppointmentId) -> String {
        let mut url = self.site_root();
        let path = format!("{}staff/", url.path());
        url.set_path(&path);
        url.set_fragment(Some(&format!("appointment/{id}")));
        url.into()
    }

    /// The link that confirms a held appointment:
    /// `<public>/api/appointments/<id>/confirm?token=…`.
    pub fn confirm_url(&self, id: &AppointmentId, token: &ManageToken) -> String {
        self.appointment_link(id, "confirm", token)
    }

    /// The booking site opened on `date` for `service` in `lang`, from the waiting list's mail:
    /// `<public>/?service=…&date=…&lang=…&from=waitlist` (the site is served from the public
    /// origin; a booking made from it says so, for the statistics).
    pub fn day_url(&self, service: &str, date: chrono::NaiveDate, lang: &str) -> String {
        let mut url = self.site_root();
        url.query_pairs_mut()
            .append_pair("service", service)
            .append_pair("date", &date.to_string())
            .append_pair("lang", lang)
            .append_pair("from", "waitlist");
        url.into()
    }

    /// The booking site's page that leaves the waiting list of `date`:
    /// `<public>/?leave=<id>&date=…&lang=…` with the token in the fragment (never sent to a
    /// server, so never in a log); the page names the day.
    pub fn leave_url(
        &self,
        id: &AppointmentId,
        token: &ManageToken,
        date: chrono::NaiveDate,
        lang: &str,
    ) -> String {
        self.wait_page("leave", id, token, date, lang)
    }

    /// The booking site's page that confirms a join to the waiting list of `date`:
    /// `<public>/?wait=<id>&date=…&lang=…` with the token in the fragment (as
    /// [`Links::leave_url`]).
    pub fn confirm_wait_url(
        &self,
        id: &AppointmentId,
        token: &ManageToken,
        date: chrono::NaiveDate,
        lang: &str,
    ) -> String {
        self.wait_page("wait", id, token, date, lang)
    }

    /// A waiting-list page of the site: `<public>/?<action>=<id>&date=…&lang=…#token=…`.
    fn wait_page(
        &self,
        action: &str,
        id: &AppointmentId,
        token: &ManageToken,
        date: chrono::NaiveDate,
        lang: &str,
    ) -> String {
        let mut url = self.site_root();
        url.query_pairs_mut()
            .append_pair(action, &id.to_string())
            .append_pair("date", &date.to_string())
            .append_pair("lang", lang);
        url.set_fragment(Some(&format!("token={}", token.expose())));
        url.into()
    }

    fn site_root(&self) -> Url {
        let mut url = self.public_url.clone();
        url.set_query(None);
        url.set_fragment(None);
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        url
    }

    fn appointment_link(&self, id: &AppointmentId, action: &str, token: &ManageToken) -> String {
        // A token is hex, a dot and URL-safe base64: it needs no escaping.
        let mut url = self.public_url.clone();
        url.set_query(None);
        url.set_fragment(None);
        if let Ok(mut path) = url.path_segments_mut() {
            let id = id.to_string();
            path.pop_if_empty()
                .extend(["api", "appointments", id.as_str(), action]);
        }
        url.query_pairs_mut().append_pair("token", token.expose());
        url.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manage_links_sit_under_the_public_url_whatever_its_shape() {
        let id: AppointmentId = "019ace00-0000-7000-8000-000000000001".parse().unwrap();
        let token =
            rantevou_domain::ManageKeys::one(rantevou_domain::ManageKey::new([1; 32])).token(&id);
        for (base, expected) in [
            (
                "https://book.example.org",
                "https://book.example.org/api/appointments/",
            ),
            (
                "https://book.example.org/",
                "https://book.example.org/api/appointments/",
            ),
            (
                "http://127.0.0.1:8080",
                "http://127.0.0.1:8080/api/appointments/",
            ),
            (
                "https://lib.example.org/booking/",
                "https://lib.example.org/booking/api/appointments/",
            ),
        ] {
            let url = Links::same_origin(base).unwrap().manage_url(&id, &token);
            assert_eq!(
                url,
                format!("{expected}{id}/manage?token={}", token.expose()),
                "{base}"
            );
        }
    }

    #[test]
    fn origins_come_from_the_url_parser() {
        let links = Links::new(
            "https://a.example.org",
            Some("https://Site.Example.org:443/x?y"),
        )
        .unwrap();
        assert_eq!(links.site_origin(), Some("https://site.example.org"));
        let links = Links::new("https://a.example.org", Some("http://localhost:5173/")).unwrap();
        assert_eq!(links.site_origin(), Some("http://localhost:5173"));
        assert!(Links::new("ftp://a.example.org", None).is_err());
        assert!(Links::new("https://a.example.org", Some("not a url")).is_err());
    }
}
