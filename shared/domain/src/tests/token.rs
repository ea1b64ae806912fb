//! Unit tests of `token`.

use super::*;
use rand::rngs::OsRng;
use std::collections::HashSet;

#[test]
fn tokens_are_url_safe_and_long_enough() {
    let token = ManageToken::generate(&mut OsRng);
    assert_eq!(token.expose().len(), 43);
    assert!(token
        .expose()
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    let decoded = URL_SAFE_NO_PAD.decode(token.expose()).unwrap();
    assert!(decoded.len() * 8 >= 128);
}

#[test]
fn tokens_do_not_repeat() {
    let tokens: HashSet<String> = (0..1000)
        .map(|_| ManageToken::generate(&mut OsRng).expose().to_owned())
        .collect();
    assert_eq!(tokens.len(), 1000);
}

#[test]
fn only_the_right_token_verifies() {
    let token = ManageToken::generate(&mut OsRng);
    let hash = token.hash();
    assert!(hash.verify(token.expose()));
    assert!(!hash.verify(""));
    assert!(!hash.verify(&token.expose()[1..]));
    assert!(!hash.verify(ManageToken::generate(&mut OsRng).expose()));
}

#[test]
fn hashes_round_trip_through_hex_and_do_not_leak_in_debug() {
    let token = ManageToken::generate(&mut OsRng);
    let hash = token.hash();
    assert_eq!(TokenHash::from_hex(&hash.to_hex()), Some(hash));
    assert_eq!(TokenHash::from_hex("zz"), None);
    assert_eq!(TokenHash::from_hex(&"g".repeat(64)), None);
    assert!(!format!("{token:?}").contains(token.expose()));
    assert!(!hash.to_hex().contains(token.expose()));
}
