//! What `rantevou serve` checks before anything else: that the request names a host it serves
//! (a page that re-points its own name at 127.0.0.1, DNS rebinding, is refused), and that the
//! staff pages (`/outbox`) carry the key printed at start.

use axum::http::{header, HeaderMap, HeaderValue};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};

/// The host names a server answers to: the loopback names, the bound address and the public
/// URL's host; each with or without a port.
#[derive(Debug, Clone)]
pub struct Hosts(HashSet<String>);

impl Hosts {
    /// The names of a server bound to `bound`, reached at `public_host` (if given).
    pub fn new(bound: SocketAddr, public_host: Option<&str>) -> Hosts {
        let mut names: HashSet<String> = ["localhost", "127.0.0.1", "[::1]"]
            .into_iter()
            .map(str::to_owned)
            .collect();
        if !bound.ip().is_unspecified() {
            names.insert(host_of_ip(bound.ip()));
        }
        if let Some(host) = public_host {
            names.insert(host.to_ascii_lowercase());
        }
        Hosts(names)
    }

    /// Whether the request's `Host` header names one of them (any port: the listener is on
    /// one port anyway).
    pub fn allows(&self, headers: &HeaderMap) -> bool {
        let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
            return false;
        };
        let host = host.trim().to_ascii_lowercase();
        let name = match host.rfind(':') {
            // `[::1]:8080`, `127.0.0.1:8080`, `localhost:8080`; but `[::1]` alone has colons too.
            Some(i) if !host[i..].contains(']') => &host[..i],
            _ => host.as_str(),
        };
        self.0.contains(name)
    }
}

/// An IP address as a `Host` header writes it.
fn host_of_ip(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

/// The key the staff pages ask for: random per start, printed in the URL the server shows.
#[derive(Clone)]
pub struct StaffKey(String);

/// The cookie that keeps the key once a page was opened with it.
pub const KEY_COOKIE: &str = "rantevou_key";

impl StaffKey {
    /// A fresh key: 128 random bits, hex.
    pub fn generate() -> StaffKey {
        let mut bytes = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        StaffKey(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// The key, for the printed URL.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether `candidate` is the key (compared by digest: no timing tells how much matched).
    fn is(&self, candidate: &str) -> bool {
        Sha256::digest(candidate.as_bytes()) == Sha256::digest(self.0.as_bytes())
    }

    /// Whether the request carries the key: as `key=` in the query (the printed link), or in
    /// the cookie a page opened with it set.
    pub fn carried_by(&self, query: Option<&str>, headers: &HeaderMap) -> Access {
        let in_query = query
            .into_iter()
            .flat_map(|q| q.split('&'))
            .filter_map(|pair| pair.strip_prefix("key="))
            .any(|k| self.is(k));
        if in_query {
            return Access::ByLink;
        }
        let in_cookie = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|c| c.trim().strip_prefix(KEY_COOKIE)?.strip_prefix('='))
            .any(|k| self.is(k));
        if in_cookie {
            Access::ByCookie
        } else {
            Access::Refused
        }
    }

    /// Whether the request carries the key as `Authorization: Bearer <key>` (how the staff
    /// console calls `/api/staff/...`; never a cookie, so no other page can make the call).
    pub fn is_bearer_of(&self, headers: &HeaderMap) -> bool {
        headers
            .get_all(header::AUTHORIZATION)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| {
                let (scheme, token) = v.trim().split_once(' ')?;
                scheme
                    .eq_ignore_ascii_case("bearer")
                    .then_some(token.trim())
            })
            .any(|k| self.is(k))
    }

    /// The `Set-Cookie` that keeps the key for the staff pages of this server.
    pub fn cookie(&self) -> HeaderValue {
        HeaderValue::from_str(&format!(
            "{KEY_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict",
            self.0
        ))
        .unwrap_or_else(|_| HeaderValue::from_static(""))
    }
}

/// How a staff page request is let in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// With the key in the link: let in, and keep it in a cookie.
    ByLink,
    /// With the cookie.
    ByCookie,
    /// Without the key.
    Refused,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn only_the_served_names_pass() {
        let hosts = Hosts::new("127.0.0.1:8080".parse().unwrap(), Some("Book.Example.org"));
        for ok in [
            "127.0.0.1:8080",
            "localhost:8080",
            "LOCALHOST",
            "[::1]:8080",
            "[::1]",
            "book.example.org",
        ] {
            assert!(hosts.allows(&host(ok)), "{ok}");
        }
        for refused in [
            "attacker.example",
            "attacker.example:8080",
            "127.0.0.1.attacker.example",
            "",
        ] {
            assert!(!hosts.allows(&host(refused)), "{refused}");
        }
        assert!(!hosts.allows(&HeaderMap::new()), "no Host at all");
        let lan = Hosts::new("192.168.1.5:8080".parse().unwrap(), None);
        assert!(lan.allows(&host("192.168.1.5:8080")));
    }

    #[test]
    fn the_key_is_taken_from_the_link_or_the_cookie_only() {
        let key = StaffKey::generate();
        let with_key = format!("raw=1&key={}", key.expose());
        assert_eq!(
            key.carried_by(Some(&with_key), &HeaderMap::new()),
            Access::ByLink
        );
        let mut cookie = HeaderMap::new();
        cookie.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("a=b; {KEY_COOKIE}={}", key.expose())).unwrap(),
        );
        assert_eq!(key.carried_by(None, &cookie), Access::ByCookie);
        assert_eq!(
            key.carried_by(Some("key=wrong"), &HeaderMap::new()),
            Access::Refused
        );
        assert_eq!(key.carried_by(None, &HeaderMap::new()), Access::Refused);
        assert_ne!(StaffKey::generate().expose(), key.expose());
    }

    #[test]
    fn the_api_key_is_taken_from_the_bearer_header_only() {
        let key = StaffKey::generate();
        let bearer = |value: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
            h
        };
        assert!(key.is_bearer_of(&bearer(&format!("Bearer {}", key.expose()))));
        assert!(key.is_bearer_of(&bearer(&format!("bearer  {}", key.expose()))));
        assert!(!key.is_bearer_of(&bearer("Bearer wrong")));
        assert!(!key.is_bearer_of(&bearer(key.expose())));
        let mut cookie = HeaderMap::new();
        cookie.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("{KEY_COOKIE}={}", key.expose())).unwrap(),
        );
        assert!(!key.is_bearer_of(&cookie), "a cookie is not a sign-in");
    }
}
