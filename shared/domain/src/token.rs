//! Manage tokens: the secret in a patron's cancel link. Only a hash is ever stored.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};
use std::fmt;
use subtle::ConstantTimeEq;

/// Random bytes in a token: 256 bits, well above the 128 the threat model needs.
const TOKEN_BYTES: usize = 32;

/// The plaintext token, shown once (in the manage link) and never stored.
#[derive(Clone, PartialEq, Eq)]
pub struct ManageToken(String);

impl ManageToken {
    /// A fresh token from a cryptographically secure generator.
    pub fn generate<R: RngCore + CryptoRng>(rng: &mut R) -> Self {
        let mut bytes = [0u8; TOKEN_BYTES];
        rng.fill_bytes(&mut bytes);
        ManageToken(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The token as it goes into a URL (URL-safe base64, no padding, 43 characters).
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

/// SHA-256 of a token. A fast hash is enough: the token has 256 random bits, so there is
/// nothing to brute-force, and a leaked table yields no usable link.
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
        self.0.iter().map(|b| format!("{b:02x}")).collect()
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
