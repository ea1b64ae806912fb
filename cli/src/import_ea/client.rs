//! Reading Easy!Appointments' REST API (v1, as 1.6.0 answers it): every collection a page at
//! a time, with an admin's Basic credentials or the API token. Each failure is one sentence:
//! unreachable, refused credentials, no API there, or answers of another shape.

use super::model::Ea;
use base64::Engine;
use serde::de::DeserializeOwned;
use std::time::Duration;

/// How the importer signs in.
#[derive(Debug, Clone)]
pub enum Auth {
    /// An admin's user name and password (HTTP Basic).
    Basic {
        /// User name.
        user: String,
        /// Password.
        password: String,
    },
    /// The `api_token` setting (HTTP Bearer).
    Token(String),
}

/// Rows asked for per page (EA's default is 20).
const PAGE: usize = 500;
/// Pages read of one collection at most (a million rows).
const PAGES_MAX: usize = 2000;
/// The largest answer read (one page).
const ANSWER_MAX: u64 = 64 * 1024 * 1024;

/// A client of one EA installation.
pub struct Client {
    base: String,
    auth: String,
    agent: ureq::Agent,
}

impl Client {
    /// A client of the EA at `url` (its base URL, as in the browser: `https://host/path`).
    pub fn new(url: &str, auth: &Auth) -> Result<Client, String> {
        let parsed =
            url::Url::parse(url).map_err(|e| format!("--url {url:?} is not a URL ({e})"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(format!("--url {url:?}: use an http:// or https:// address"));
        }
        let auth = match auth {
            Auth::Basic { user, password } => format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
            ),
            Auth::Token(token) => format!("Bearer {token}"),
        };
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        Ok(Client {
            base: url.trim_end_matches('/').to_owned(),
            auth,
            agent,
        })
    }

    /// The base URL, without a trailing slash.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// `GET /index.php/api/v1/<path>`: the body of a 200, else why not.
    fn get(&self, path: &str) -> Result<String, String> {
        let url = format!("{}/index.php/api/v1/{path}", self.base);
        let mut response = self
            .agent
            .get(&url)
            .header("Authorization", &self.auth)
            .header("Accept", "application/json")
            .call()
            .map_err(|e| {
                format!(
                    "cannot reach Easy!Appointments at {}: {e} (is it running, and is --url \
                     its address?)",
                    self.base
                )
            })?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(ANSWER_MAX)
            .read_to_string()
            .map_err(|e| format!("{url}: the answer could not be read: {e}"))?;
        match status {
            200 => Ok(body),
            401 | 403 => Err(format!(
                "Easy!Appointments at {} refused the credentials (HTTP {status}): give an \
                 admin's --user and --password, or --token with its API token (provider \
                 accounts cannot use its API)",
                self.base
            )),
            404 => Err(format!(
                "{url} answered 404: no Easy!Appointments REST API v1 there (is --url the \
                 installation's base address, and is it version 1.5 or later?)"
            )),
            429 => Err(format!(
                "Easy!Appointments at {} limits the requests (HTTP 429); wait two minutes and \
                 run the command again",
                self.base
            )),
            other => Err(format!("{url} answered HTTP {other}")),
        }
    }

    /// Every row of the collection `name`, page by page.
    fn all<T: DeserializeOwned>(&self, name: &str) -> Result<Vec<T>, String> {
        let mut rows = Vec::new();
        for page in 1..=PAGES_MAX {
            let body = self.get(&format!("{name}?length={PAGE}&page={page}&sort=%2Bid"))?;
            let mut chunk: Vec<T> = shaped(name, &body)?;
            let last = chunk.len() < PAGE;
            rows.append(&mut chunk);
            if last {
                return Ok(rows);
            }
        }
        Err(format!("{name}: more than {} rows", PAGE * PAGES_MAX))
    }

    /// Everything an import reads.
    pub fn read(&self) -> Result<Ea, String> {
        Ok(Ea {
            settings: self.all("settings")?,
            categories: self.all("service_categories")?,
            services: self.all("services")?,
            providers: self.all("providers")?,
            customers: self.all("customers")?,
            appointments: self.all("appointments")?,
            unavailabilities: self.all("unavailabilities")?,
            blocked_periods: self.all("blocked_periods")?,
        })
    }
}

/// `body` read as `T`, or a sentence saying this EA answers otherwise than 1.6.
fn shaped<T: DeserializeOwned>(name: &str, body: &str) -> Result<T, String> {
    let mut deserializer = serde_json::Deserializer::from_str(body);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        format!(
            "Easy!Appointments answers /api/v1/{name} in a shape this importer does not know \
             (at {}: {}); it reads version 1.6.0's API",
            e.path(),
            e.inner()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_of_another_shape_name_the_field_at_fault() {
        let e = shaped::<Vec<crate::import_ea::model::Service>>(
            "services",
            r#"[{"id": "1", "name": "x"}]"#,
        )
        .unwrap_err();
        assert!(
            e.contains("/api/v1/services in a shape this importer does not know"),
            "{e}"
        );
        assert!(e.contains("[0].id"), "the field named: {e}");
        assert!(e.contains("1.6.0"), "{e}");
        let fine = shaped::<Vec<crate::import_ea::model::Category>>(
            "service_categories",
            r#"[{"id": 1, "name": "x", "new": true}]"#,
        );
        assert_eq!(
            fine.unwrap().len(),
            1,
            "fields EA adds later are left alone"
        );
    }

    #[test]
    fn an_unreachable_installation_or_a_bad_address_is_one_sentence() {
        let auth = Auth::Token("t".into());
        assert!(Client::new("ftp://host", &auth)
            .err()
            .unwrap()
            .contains("http:// or https://"));
        assert!(Client::new("not a url", &auth)
            .err()
            .unwrap()
            .contains("is not a URL"));
        // Port 1 on the loopback: nothing listens there.
        let client = Client::new("http://127.0.0.1:1/", &auth).unwrap();
        let e = client.read().err().unwrap();
        assert!(
            e.starts_with("cannot reach Easy!Appointments at http://127.0.0.1:1:"),
            "{e}"
        );
    }
}
