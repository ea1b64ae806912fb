//! Per-client rate limits of `rantevou serve`'s API: requests from one IP address, reads and
//! writes counted apart, answered 429 with `Retry-After` past the limit. In AWS the WAF's
//! rate-based rules do this at the edge (see `template.yaml`).

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

/// Reads (GET, HEAD) per minute from one address: the site makes one per month a patron looks
/// at, so this is several patrons browsing at once behind one address (a campus NAT).
pub const READS_PER_MINUTE: u32 = 240;
/// Reads one address may make at once before the rate applies.
pub const READ_BURST: u32 = 120;
/// Writes (booking, cancelling) per minute from one address.
pub const WRITES_PER_MINUTE: u32 = 10;
/// Writes one address may make at once before the rate applies.
pub const WRITE_BURST: u32 = 5;

/// The limits of one server.
pub struct RateLimits {
    reads: DefaultKeyedRateLimiter<IpAddr>,
    writes: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
}

fn quota(per_minute: u32, burst: u32) -> Quota {
    let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(per_minute).allow_burst(burst)
}

impl RateLimits {
    /// The documented defaults.
    pub fn new() -> Self {
        RateLimits::with(READS_PER_MINUTE, READ_BURST, WRITES_PER_MINUTE, WRITE_BURST)
    }

    /// Other numbers (tests).
    pub fn with(reads: u32, read_burst: u32, writes: u32, write_burst: u32) -> Self {
        RateLimits {
            reads: RateLimiter::keyed(quota(reads, read_burst)),
            writes: RateLimiter::keyed(quota(writes, write_burst)),
            clock: DefaultClock::default(),
        }
    }

    /// Whether `client` may make a request with `method` now; else how long to wait.
    pub fn check(&self, client: IpAddr, method: &str) -> Result<(), Duration> {
        let limiter = match method {
            "GET" | "HEAD" | "OPTIONS" => &self.reads,
            _ => &self.writes,
        };
        limiter
            .check_key(&client)
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }

    /// Forgets the addresses that have been quiet for a while (memory stays bounded).
    pub fn forget_quiet(&self) {
        self.reads.retain_recent();
        self.writes.retain_recent();
        self.reads.shrink_to_fit();
        self.writes.shrink_to_fit();
    }
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_has_its_own_reads_and_writes() {
        let limits = RateLimits::with(60, 3, 60, 2);
        let (a, b): (IpAddr, IpAddr) = ("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap());
        assert!(limits.check(a, "POST").is_ok());
        assert!(limits.check(a, "POST").is_ok());
        let wait = limits.check(a, "POST").unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(1),
            "{wait:?}"
        );
        assert!(limits.check(a, "GET").is_ok(), "reads are counted apart");
        assert!(limits.check(b, "POST").is_ok(), "another address is served");
    }
}
