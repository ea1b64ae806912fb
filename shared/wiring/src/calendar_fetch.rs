//! The scheduler's calendar client: HTTPS (rustls, the system's roots, the same crypto the AWS
//! SDK uses) or plain HTTP to a loopback address, GET only, from the configured host only,
//! bounded in time and size. Errors name neither the address (it may be a secret) nor anything
//! the calendar holds.

use async_trait::async_trait;
use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use hyper::{header, Request, StatusCode};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use rantevou_domain::ports::{CalendarFetch, CalendarFetchError};
use rantevou_domain::provider::Calendar;
use std::time::Duration;

/// The largest calendar read: a year of a busy librarian's events is well under 1 MB.
pub const BODY_MAX: usize = 5 * 1024 * 1024;
/// The most one read may take, redirects and body included.
pub const TIMEOUT: Duration = Duration::from_secs(20);
/// Redirects followed, each to the same host.
const REDIRECTS_MAX: usize = 3;

type Https = hyper_rustls::HttpsConnector<HttpConnector>;

/// Fetches published calendars.
pub struct HttpCalendars {
    /// The client, or why there is none (every read then fails saying so, and the console
    /// shows the calendars stale: the mail goes on).
    client: Result<Client<Https, Empty<Bytes>>, String>,
}

impl Default for HttpCalendars {
    fn default() -> Self {
        HttpCalendars {
            client: Self::client(),
        }
    }
}

impl HttpCalendars {
    /// A client with the system's trusted roots.
    fn client() -> Result<Client<Https, Empty<Bytes>>, String> {
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

    async fn get(&self, url: &url::Url) -> Result<String, CalendarFetchError> {
        let fail = |why: &str| CalendarFetchError(why.to_owned());
        let client = self.client.as_ref().map_err(|e| fail(e))?;
        let host = url.host_str().unwrap_or_default().to_owned();
        let mut current = url.clone();
        for _ in 0..=REDIRECTS_MAX {
            let request = Request::get(current.as_str())
                .header(header::ACCEPT, "text/calendar")
                .header(header::USER_AGENT, "rantevou (calendar reader)")
                .body(Empty::new())
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
            if status != StatusCode::OK {
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
}

#[async_trait]
impl CalendarFetch for HttpCalendars {
    async fn fetch(&self, calendar: &Calendar) -> Result<String, CalendarFetchError> {
        let Calendar::Ics { url } = calendar;
        match tokio::time::timeout(TIMEOUT, self.get(url)).await {
            Ok(read) => read,
            Err(_) => Err(CalendarFetchError(format!(
                "no answer within {} s",
                TIMEOUT.as_secs()
            ))),
        }
    }
}

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
        HttpCalendars::default().fetch(&calendar).await
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
