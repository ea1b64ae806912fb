//! Manage tokens: the secret in a patron's manage (cancel) link.
//!
//! A token is derived from the appointment's id under a secret key, HMAC-SHA-256, and names
//! its key: `<key id>.<MAC>`. So every mail about one appointment — a retried confirmation, a
//! repeated request — carries the same link, and an idempotent replay can show it again.
//! Keys rotate: the first key of [`ManageKeys`] makes new tokens, the others still re-derive
//! the links of appointments booked under them. Only the token's SHA-256 is stored (it is what
//! requests are checked against, in constant time, and what a cancel is conditioned on);
//! nothing stored can be turned back into a token.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use std::fmt;
use subtle::ConstantTimeEq;

use crate::ids::AppointmentId;

/// Bytes of a key: 256 bits.
pub const KEY_BYTES: usize = 32;

/// The shortest key text: 43 characters of 64 possible ones carry 256 bits, as do 43 random
/// letters and digits of a generated secret (AWS Secrets Manager's, a key file's).
pub const KEY_TEXT_MIN: usize = 43;

/// The plaintext token, shown in the manage link and never stored.
#[derive(Clone, PartialEq, Eq)]
pub struct ManageToken(String);

impl ManageToken {
    /// The token as it goes into a URL (hex key id, a dot, URL-safe base64 without padding).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The hash to store.
    pub fn hash(&self) -> TokenHash {
        TokenHash::of(&self.0)
    }
}

impl fmt::Debug for ManageToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ManageToken(…)")
    }
}

/// One secret key and its public id (the first 4 bytes of its SHA-256, in hex).
#[derive(Clone)]
pub struct ManageKey {
    id: String,
    secret: [u8; KEY_BYTES],
}

impl ManageKey {
    /// A key of these bytes.
    pub fn new(secret: [u8; KEY_BYTES]) -> Self {
        let digest = Sha256::digest(secret);
        let id = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
        ManageKey { id, secret }
    }

    /// The key's public id, as tokens name it.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The key a key text stands for: the SHA-256 of the text, which must be at least
    /// [`KEY_TEXT_MIN`] characters of letters, digits, `-` and `_`.
    pub fn from_text(text: &str) -> Option<Self> {
        let ok = text.len() >= KEY_TEXT_MIN
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then(|| ManageKey::new(Sha256::digest(text.as_bytes()).into()))
    }

    fn mac(&self, purpose: &str, subject: &[u8]) -> Vec<u8> {
        // `new_from_slice` accepts any length for HMAC: this cannot fail.
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.secret)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(subject);
        mac.finalize().into_bytes().to_vec()
    }

    fn token(&self, id: &AppointmentId) -> ManageToken {
        let mac = self.mac("manage", id.to_string().as_bytes());
        ManageToken(format!("{}.{}", self.id, URL_SAFE_NO_PAD.encode(mac)))
    }
}

impl fmt::Debug for ManageKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ManageKey({})", self.id)
    }
}

/// The keys: the first makes new tokens; the rest are kept to re-derive older links.
#[derive(Clone, Debug)]
pub struct ManageKeys {
    current: ManageKey,
    older: Vec<ManageKey>,
}

/// Why a key text cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// No key at all.
    #[error("no key: expected one or more keys of at least {KEY_TEXT_MIN} letters, digits, - or _, one per line")]
    Empty,
    /// A key too short or with other characters.
    #[error("key {0} is not at least {KEY_TEXT_MIN} letters, digits, - or _")]
    Malformed(usize),
}

impl ManageKeys {
    /// One key.
    pub fn one(key: ManageKey) -> Self {
        ManageKeys {
            current: key,
            older: Vec::new(),
        }
    }

    /// Keys as stored (a key file, a secret): key texts separated by white space, the current
    /// one first (see [`ManageKey::from_text`]).
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let mut keys = text
            .split_whitespace()
            .enumerate()
            .map(|(i, word)| ManageKey::from_text(word).ok_or(KeyError::Malformed(i + 1)))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter();
        let current = keys.next().ok_or(KeyError::Empty)?;
        Ok(ManageKeys {
            current,
            older: keys.collect(),
        })
    }

    /// The key new tokens are made with.
    pub fn current(&self) -> &ManageKey {
        &self.current
    }

    /// The token of a new appointment `id`.
    pub fn token(&self, id: &AppointmentId) -> ManageToken {
        self.current().token(id)
    }

    /// The token of appointment `id` whose stored hash is `hash`: re-derived under the key that
    /// made it (`None` if no key here did).
    pub fn token_of(&self, id: &AppointmentId, hash: &TokenHash) -> Option<ManageToken> {
        std::iter::once(&self.current)
            .chain(&self.older)
            .map(|k| k.token(id))
            .find(|t| t.hash() == *hash)
    }

    /// A keyed digest of `subject` for `purpose` (e.g. the patron item's key from an email):
    /// stable under the current key, meaningless without it.
    pub fn digest(&self, purpose: &str, subject: &str) -> String {
        URL_SAFE_NO_PAD.encode(self.current().mac(purpose, subject.as_bytes()))
    }

    /// A signature of `subject` for `purpose` under the current key, in hex.
    pub fn sign(&self, purpose: &str, subject: &str) -> String {
        hex(&self.current().mac(purpose, subject.as_bytes()))
    }

    /// Whether `signature` (hex) is `subject`'s for `purpose` under one of the keys (a key
    /// rotated out a minute ago still verifies what it signed), compared in constant time.
    pub fn verify(&self, purpose: &str, subject: &str, signature: &str) -> bool {
        let presented = signature.as_bytes();
        std::iter::once(&self.current).chain(&self.older).any(|k| {
            let expected = hex(&k.mac(purpose, subject.as_bytes()));
            expected.as_bytes().ct_eq(presented).into()
        })
    }
}

/// Lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of a token. A fast hash is enough: the token carries 256 bits of keyed MAC, so
/// there is nothing to brute-force, and a leaked table yields no usable link.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenHash([u8; 32]);

impl TokenHash {
    /// The hash of the text a request presents as a token.
    pub fn of(presented: &str) -> Self {
        TokenHash(Sha256::digest(presented.as_bytes()).into())
    }

    /// Whether `presented` is the token this hash was made from, compared in constant time.
    pub fn verify(&self, presented: &str) -> bool {
        self.0.ct_eq(&TokenHash::of(presented).0).into()
    }

    /// Lower-case hex, as stored.
    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    /// Reads a stored hex hash.
    pub fn from_hex(hex: &str) -> Option<Self> {
        if hex.len() != 64 || !hex.is_ascii() {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(TokenHash(out))
    }
}

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenHash({}…)", &self.to_hex()[..8])
    }
}

#[cfg(test)]
#[path = "tests/token.rs"]
mod tests;
