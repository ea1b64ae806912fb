//! The bot check: a proof of work in the ALTCHA protocol, no third party, no cookie, no puzzle.
//!
//! The server issues a challenge: a random `salt` carrying its expiry, a secret `number` up to
//! `maxnumber`, `challenge = hex(SHA-256(salt ‖ number))`, and a signature of the challenge
//! under the server's key. The browser finds the number by trying them all (about
//! `maxnumber / 2` hashes on average), and the booking carries the solution. The server checks
//! the hash, its own signature and the expiry; the store refuses a challenge used before, in the
//! booking's own write. A script must pay the same work for every booking.

use crate::patron::FieldCode;
use crate::token::{hex, ManageKeys};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use rand::{CryptoRng, Rng, RngCore};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The only algorithm issued.
pub const ALGORITHM: &str = "SHA-256";

/// How long a challenge may be solved and used for.
pub const LIFETIME_MINUTES: i64 = 10;

/// A challenge as `GET /api/challenge` gives it (the ALTCHA protocol's fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Challenge {
    /// `SHA-256`.
    pub algorithm: String,
    /// `hex(SHA-256(salt ‖ number))`.
    pub challenge: String,
    /// The largest number to try.
    pub maxnumber: u64,
    /// Random hex, then `?expires=<Unix seconds>`.
    pub salt: String,
    /// The server's signature of `challenge`.
    pub signature: String,
}

/// What a booking carries: base64 of this JSON.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Solution {
    algorithm: String,
    challenge: String,
    number: u64,
    salt: String,
    signature: String,
}

/// A verified solution: what the store remembers so that it is used once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SolvedChallenge {
    /// The challenge (hex), as the store keys it.
    pub challenge: String,
    /// Until when it must be remembered.
    pub expires: DateTime<Utc>,
    /// The work it was issued with (its `maxnumber`, carried in the signed salt).
    pub maxnumber: u64,
}

/// How many times the base work a challenge may be asked at most (4⁸).
pub const MAX_ADAPTIVE_FACTOR: u64 = 65_536;

/// The work of a challenge issued when `recent` bookings were made in the last ten minutes
/// across every patron: `base` while they are fewer than `busy`, then four times more for each
/// further `busy` of them, up to [`MAX_ADAPTIVE_FACTOR`] times `base`; back to `base` as the
/// rate falls. `busy = 0` keeps `base` whatever the rate.
///
/// A patron at a normal hour does the base work (about a second on a phone); a script that books
/// fast makes every next booking dearer, for itself and for whoever books meanwhile, so filling a
/// calendar takes hours of work instead of seconds (see BENCHMARKS.md).
pub fn adaptive_difficulty(base: u64, busy: u32, recent: u32) -> u64 {
    if base == 0 || busy == 0 {
        return base;
    }
    let steps = (recent / busy).min(8);
    base.saturating_mul(4u64.pow(steps))
        .min(base.saturating_mul(MAX_ADAPTIVE_FACTOR))
}

/// Whether `solved` carries enough work for a moment whose challenges are issued at `required`:
/// at least a quarter of it (one step of [`adaptive_difficulty`]), so a patron whose challenge
/// was fetched just before the rate rose is not refused, while challenges gathered at a quiet
/// moment cannot be spent in a burst.
pub fn enough_work(solved: &SolvedChallenge, required: u64) -> bool {
    solved.maxnumber.saturating_mul(4) >= required
}

fn hash(salt: &str, number: u64) -> String {
    hex(&Sha256::digest(format!("{salt}{number}").as_bytes()))
}

/// A fresh challenge of `maxnumber` at `now`.
pub fn issue<R: RngCore + CryptoRng>(
    keys: &ManageKeys,
    maxnumber: u64,
    now: DateTime<Utc>,
    rng: &mut R,
) -> Challenge {
    let mut nonce = [0u8; 12];
    rng.fill_bytes(&mut nonce);
    let expires = (now + Duration::minutes(LIFETIME_MINUTES)).timestamp();
    let maxnumber = maxnumber.max(1);
    // The expiry and the work are in the salt, so the signature of the challenge (a hash of
    // the salt) covers them.
    let salt = format!("{}?expires={expires}&max={maxnumber}", hex(&nonce));
    let number = rng.gen_range(0..=maxnumber);
    let challenge = hash(&salt, number);
    Challenge {
        algorithm: ALGORITHM.to_owned(),
        signature: keys.sign("challenge", &challenge),
        challenge,
        maxnumber,
        salt,
    }
}

/// Checks a booking's `payload` at `now`: `Invalid` when it is not a solution of a challenge
/// this server signed, `Expired` when its time is past.
pub fn verify(
    keys: &ManageKeys,
    payload: &str,
    now: DateTime<Utc>,
) -> Result<SolvedChallenge, FieldCode> {
    let bytes = STANDARD
        .decode(payload.trim())
        .map_err(|_| FieldCode::Invalid)?;
    let s: Solution = serde_json::from_slice(&bytes).map_err(|_| FieldCode::Invalid)?;
    let signed = keys.verify("challenge", &s.challenge, &s.signature);
    if s.algorithm != ALGORITHM || !signed || hash(&s.salt, s.number) != s.challenge {
        return Err(FieldCode::Invalid);
    }
    let (_, params) = s.salt.split_once('?').ok_or(FieldCode::Invalid)?;
    let param = |name: &str| {
        params
            .split('&')
            .find_map(|p| p.strip_prefix(name)?.strip_prefix('='))
    };
    let expires = param("expires")
        .and_then(|t| t.parse::<i64>().ok())
        .and_then(|t| DateTime::from_timestamp(t, 0))
        .ok_or(FieldCode::Invalid)?;
    let maxnumber = param("max")
        .and_then(|m| m.parse::<u64>().ok())
        .ok_or(FieldCode::Invalid)?;
    if now >= expires {
        return Err(FieldCode::Expired);
    }
    Ok(SolvedChallenge {
        challenge: s.challenge,
        expires,
        maxnumber,
    })
}

/// Solves `c` by trying every number (what the site's worker does; for tests and tools).
pub fn solve(c: &Challenge) -> Option<String> {
    use std::io::Write;
    let target: Vec<u8> = (0..c.challenge.len() / 2)
        .map(|i| u8::from_str_radix(c.challenge.get(2 * i..2 * i + 2).unwrap_or("zz"), 16))
        .collect::<Result<_, _>>()
        .ok()?;
    let mut input = Vec::with_capacity(c.salt.len() + 20);
    let number = (0..=c.maxnumber).find(|n| {
        input.clear();
        input.extend_from_slice(c.salt.as_bytes());
        let _ = write!(input, "{n}");
        Sha256::digest(&input).as_slice() == target.as_slice()
    })?;
    let solution = serde_json::json!({
        "algorithm": c.algorithm, "challenge": c.challenge, "number": number,
        "salt": c.salt, "signature": c.signature,
    });
    Some(STANDARD.encode(solution.to_string()))
}

#[cfg(test)]
#[path = "tests/challenge.rs"]
mod tests;
