//! The scheduler's calendar client: HTTPS (rustls, the system's roots, the same crypto the AWS
//! SDK uses) or plain HTTP to a loopback address, from the configured host only, bounded in
//! time and size: a published calendar's GET, a CalDAV collection's `calendar-query` REPORT
//! (with HTTP Basic credentials from a named secret). Errors name neither the address (it may
//! be a secret) nor the credentials nor anything the calendar holds.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper::{header, Method, Request, StatusCode};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use rantevou_domain::ports::{CalendarFetch, CalendarFetchError};
use rantevou_domain::provider::Calendar;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The largest calendar read: a year of a busy librarian's events is well under 1 MB.
pub const BODY_MAX: usize = 5 * 1024 * 1024;
/// The most one read may take, redirects and body included.
pub const TIMEOUT: Duration = Duration::from_secs(20);
/// Redirects followed, each to the same host.
const REDIRECTS_MAX: usize = 3;

type Https = hyper_rustls::HttpsConnector<HttpConnector>;

/// Fetches published calendars and CalDAV collections.
pub struct HttpCalendars {
    /// The client, or why there is none (every read then fails saying so, and the console
    /// shows the calendars stale: the mail goes on).
    client: Result<Client<Https, Full<Bytes>>, String>,
    /// Where a CalDAV calendar's credentials are read from.
    secrets: Arc<dyn CalendarSecrets>,
}

impl Default for HttpCalendars {
    /// Without a secret store: a CalDAV calendar that names a secret fails saying so.
    fn default() -> Self {
        HttpCalendars::new(Arc::new(NoSecrets))
    }
}

/// One request of a read.
struct Ask<'a> {
    method: Method,
    body: &'a str,
    accept: &'static str,
    /// The `Authorization` header's value.
    auth: Option<String>,
    /// What a good answer's status is.
    ok: StatusCode,
}

impl HttpCalendars {
    /// A client reading CalDAV credentials from `secrets`.
    pub fn new(secrets: Arc<dyn CalendarSecrets>) -> Self {
        HttpCalendars {
            client: Self::client(),
            secrets,
        }
    }

    /// A client with the system's trusted roots.
    fn client() -> Result<Client<Https, Full<Bytes>>, String> {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(Duration::from_secs(10)));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(rustls::crypto::aws_lc_rs::default_provider())
            .map_err(|e| format!("no trusted roots for the calendars' HTTPS: {e}"))?
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        Ok(Client::builder(TokioExecutor::new()).build(https))
    }

    async fn send(&self, url: &url::Url, ask: &Ask<'_>) -> Result<String, CalendarFetchError> {
        let fail = |why: &str| CalendarFetchError(why.to_owned());
        let client = self.client.as_ref().map_err(|e| fail(e))?;
        let host = url.host_str().unwrap_or_default().to_owned();
        let mut current = url.clone();
        for _ in 0..=REDIRECTS_MAX {
            let mut request = Request::builder()
                .method(ask.method.clone())
                .uri(current.as_str())
                .header(header::ACCEPT, ask.accept)
                .header(header::USER_AGENT, "rantevou (calendar reader)");
            if ask.method != Method::GET {
                request = request
                    .header(header::CONTENT_TYPE, "application/xml; charset=utf-8")
                    .header("Depth", "1");
            }
            if let Some(auth) = &ask.auth {
                request = request.header(header::AUTHORIZATION, auth);
            }
            let request = request
                .body(Full::new(Bytes::from(ask.body.to_owned())))
                .map_err(|_| fail("the calendar's address is not a valid request"))?;
            let response = client.request(request).await.map_err(|e| {
                fail(if e.is_connect() {
                    "could not connect"
                } else {
                    "the request failed"
                })
            })?;
            let status = response.status();
            if status.is_redirection() {
                let next = response
                    .headers()
                    .get(header::LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .and_then(|l| current.join(l).ok())
                    .ok_or_else(|| fail("a redirect without a usable Location"))?;
                if next.host_str() != Some(host.as_str()) || next.scheme() != current.scheme() {
                    return Err(fail(
                        "the calendar's address redirects to another host or scheme",
                    ));
                }
                current = next;
                continue;
            }
            if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
                return Err(CalendarFetchError(format!(
                    "HTTP {}: {}",
                    status.as_u16(),
                    if ask.auth.is_some() {
                        "the server refused the secret's credentials"
                    } else {
                        "the server asks for credentials: name a secret"
                    }
                )));
            }
            if status != ask.ok {
                return Err(CalendarFetchError(format!("HTTP {}", status.as_u16())));
            }
            let body = Limited::new(response.into_body(), BODY_MAX)
                .collect()
                .await
                .map_err(|e| {
                    if e.is::<http_body_util::LengthLimitError>() {
                        CalendarFetchError(format!("larger than {} MB", BODY_MAX / (1024 * 1024)))
                    } else {
                        fail("the answer broke off")
                    }
                })?
                .to_bytes();
            return String::from_utf8(body.to_vec()).map_err(|_| fail("not UTF-8 text"));
        }
        Err(fail("too many redirects"))
    }

    /// A CalDAV collection's events over `[from, to)`, as one calendar.
    async fn caldav(
        &self,
        url: &url::Url,
        secret: Option<&str>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<String, CalendarFetchError> {
        let auth = match secret {
            Some(name) => {
                let value = self
                    .secrets
                    .secret(name)
                    .await
                    .map_err(CalendarFetchError)?;
                if !value.contains(':') {
                    return Err(CalendarFetchError(format!(
                        "the secret {name} is not user:password"
                    )));
                }
                use base64::Engine as _;
                Some(format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(value.trim())
                ))
            }
            None => None,
        };
        let body = rantevou_calendar::caldav::calendar_query(from, to);
        let ask = Ask {
            method: Method::from_bytes(b"REPORT")
                .map_err(|_| CalendarFetchError("REPORT is not a method here".into()))?,
            body: &body,
            accept: "application/xml, text/xml",
            auth,
            ok: StatusCode::MULTI_STATUS,
        };
        let xml = self.send(url, &ask).await?;
        rantevou_calendar::caldav::multistatus_calendar(&xml)
            .map(|(text, _)| text)
            .map_err(|e| CalendarFetchError(e.to_string()))
    }
}

#[async_trait]
impl CalendarFetch for HttpCalendars {
    async fn fetch(
        &self,
        calendar: &Calendar,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<String, CalendarFetchError> {
        let read = async {
            match calendar {
                Calendar::Ics { url } => {
                    let ask = Ask {
                        method: Method::GET,
                        body: "",
                        accept: "text/calendar",
                        auth: None,
                        ok: StatusCode::OK,
                    };
                    self.send(url, &ask).await
                }
                Calendar::CalDav { url, secret } => {
                    self.caldav(url, secret.as_deref(), from, to).await
                }
            }
        };
        match tokio::time::timeout(TIMEOUT, read).await {
            Ok(read) => read,
            Err(_) => Err(CalendarFetchError(format!(
                "no answer within {} s",
                TIMEOUT.as_secs()
            ))),
        }
    }
}

/// Where a CalDAV calendar's credentials (`user:password`) are read, by the secret's name.
#[async_trait]
pub trait CalendarSecrets: Send + Sync {
    /// The secret's value; `Err` says why not (without any value).
    async fn secret(&self, name: &str) -> Result<String, String>;
}

/// No secret store: every secret is missing.
pub struct NoSecrets;

#[async_trait]
impl CalendarSecrets for NoSecrets {
    async fn secret(&self, name: &str) -> Result<String, String> {
        Err(format!(
            "no secret store for {name}: set RANTEVOU_SECRETS_FILE, or run in AWS"
        ))
    }
}

/// The local secrets file: TOML, each secret's name a key and `user:password` its value,
/// readable by its owner only (`rantevou serve`: `secrets.toml` in the data folder). Read at
/// each use, so a changed password takes effect at the next read.
pub struct SecretsFile(pub PathBuf);

#[async_trait]
impl CalendarSecrets for SecretsFile {
    async fn secret(&self, name: &str) -> Result<String, String> {
        let path = &self.0;
        let shown = path.display();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let meta = std::fs::metadata(path)
                .map_err(|_| format!("no secrets file {shown} (for {name})"))?;
            if meta.permissions().mode() & 0o077 != 0 {
                return Err(format!(
                    "the secrets file {shown} is readable by others: chmod 600 it"
                ));
            }
        }
        let text = std::fs::read_to_string(path)
            .map_err(|_| format!("cannot read the secrets file {shown}"))?;
        // The parser's message may quote a line of the file: not passed on.
        let table: toml::Table = text
            .parse()
            .map_err(|_| format!("the secrets file {shown} is not TOML"))?;
        match table.get(name) {
            Some(toml::Value::String(value)) => Ok(value.clone()),
            Some(_) => Err(format!("{name} in {shown} is not a string")),
            None => Err(format!("{name} is not in the secrets file {shown}")),
        }
    }
}

/// Secrets Manager (AWS): the secret of that name, its string value.
#[cfg(feature = "secrets")]
pub struct SecretsManager(pub aws_config::SdkConfig);

#[cfg(feature = "secrets")]
#[async_trait]
impl CalendarSecrets for SecretsManager {
    async fn secret(&self, name: &str) -> Result<String, String> {
        crate::keys::secret_text(&self.0, name).await
    }
}

#[cfg(test)]
#[path = "tests/caldav.rs"]
mod caldav_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;

    /// A one-thread HTTP server on loopback answering each request by its path; its address.
    fn serve(answer: fn(&str, u16) -> Vec<u8>) -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut buf = [0u8; 4096];
                let n = stream.read(&mut buf).unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]).to_string();
                let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let _ = stream.write_all(&answer(&path, port));
            }
        });
        port
    }

    fn response(status: &str, headers: &str, body: &[u8]) -> Vec<u8> {
        let mut out = format!(
            "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        out.extend_from_slice(body);
        out
    }

    fn answer(path: &str, port: u16) -> Vec<u8> {
        match path {
            "/anna.ics" => response(
                "200 OK",
                "Content-Type: text/calendar\r\n",
                b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
            ),
            "/moved.ics" => response("301 Moved Permanently", "Location: /anna.ics\r\n", b""),
            "/away.ics" => response(
                "302 Found",
                &format!("Location: http://localhost:{port}/anna.ics\r\n"),
                b"",
            ),
            "/huge.ics" => response("200 OK", "", &vec![b'x'; BODY_MAX + 1]),
            _ => response("404 Not Found", "", b"no"),
        }
    }

    async fn fetch(port: u16, path: &str) -> Result<String, CalendarFetchError> {
        let calendar = Calendar::Ics {
            url: format!("http://127.0.0.1:{port}{path}").parse().unwrap(),
        };
        let from = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 1, 0, 0, 0).unwrap();
        HttpCalendars::default()
            .fetch(&calendar, from, from + chrono::Duration::days(93))
            .await
    }

    #[tokio::test]
    async fn a_calendar_is_read_from_its_host_only_and_bounded() {
        let port = serve(answer);
        assert!(fetch(port, "/anna.ics")
            .await
            .unwrap()
            .starts_with("BEGIN:VCALENDAR"));
        assert!(
            fetch(port, "/moved.ics").await.is_ok(),
            "a redirect on the same host is followed"
        );
        assert_eq!(
            fetch(port, "/away.ics").await,
            Err(CalendarFetchError(
                "the calendar's address redirects to another host or scheme".into()
            )),
            "localhost is another host than 127.0.0.1"
        );
        assert_eq!(
            fetch(port, "/gone.ics").await,
            Err(CalendarFetchError("HTTP 404".into()))
        );
        assert_eq!(
            fetch(port, "/huge.ics").await,
            Err(CalendarFetchError("larger than 5 MB".into()))
        );
        let closed = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        assert_eq!(
            fetch(closed, "/anna.ics").await,
            Err(CalendarFetchError("could not connect".into()))
        );
    }
}
