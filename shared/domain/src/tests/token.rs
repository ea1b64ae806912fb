//! Unit tests of `token`.

use super::*;

fn key(byte: u8) -> ManageKey {
    ManageKey::new([byte; KEY_BYTES])
}

fn id(n: u8) -> AppointmentId {
    format!("019ace00-0000-7000-8000-0000000000{n:02x}")
        .parse()
        .unwrap()
}

#[test]
fn a_token_names_its_key_is_url_safe_and_carries_256_bits() {
    let keys = ManageKeys::one(key(1));
    let token = keys.token(&id(1));
    let (kid, mac) = token.expose().split_once('.').unwrap();
    assert_eq!(kid, keys.current().id());
    assert_eq!(kid.len(), 8);
    assert!(mac
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    assert_eq!(URL_SAFE_NO_PAD.decode(mac).unwrap().len() * 8, 256);
}

#[test]
fn the_same_appointment_always_gets_the_same_link_and_others_never_do() {
    let keys = ManageKeys::one(key(1));
    assert_eq!(keys.token(&id(1)), keys.token(&id(1)));
    assert_ne!(keys.token(&id(1)), keys.token(&id(2)));
    assert_ne!(
        keys.token(&id(1)),
        ManageKeys::one(key(2)).token(&id(1)),
        "another key, another token"
    );
}

#[test]
fn after_a_rotation_older_links_are_re_derived_under_their_own_key() {
    let old = ManageKeys::one(key(1));
    let old_token = old.token(&id(1));
    let rotated = ManageKeys::one(key(2));
    let both = ManageKeys {
        current: key(2),
        older: vec![key(1)],
    };
    assert_eq!(
        both.token_of(&id(1), &old_token.hash()),
        Some(old_token.clone())
    );
    assert_eq!(
        both.token(&id(1)),
        rotated.token(&id(1)),
        "new links use the new key"
    );
    assert_eq!(
        rotated.token_of(&id(1), &old_token.hash()),
        None,
        "a retired key's links are not re-derived"
    );
}

#[test]
fn key_texts_are_checked_and_the_first_is_current() {
    assert_eq!(ManageKeys::parse("  \n").unwrap_err(), KeyError::Empty);
    assert_eq!(
        ManageKeys::parse("short").unwrap_err(),
        KeyError::Malformed(1)
    );
    let (a, b) = ("a".repeat(43), "B9_-".repeat(16));
    assert_eq!(
        ManageKeys::parse(&format!("{a}\n{}", "x y".repeat(20))).unwrap_err(),
        KeyError::Malformed(2)
    );
    assert_eq!(
        ManageKeys::parse(&format!("{a}/")).unwrap_err(),
        KeyError::Malformed(1)
    );
    let keys = ManageKeys::parse(&format!("  {b}\n{a}\n")).unwrap();
    assert_eq!(keys.current().id(), ManageKey::from_text(&b).unwrap().id());
    assert!(!format!("{keys:?}").contains(&a) && !format!("{keys:?}").contains(&b));
}

#[test]
fn only_the_right_token_verifies() {
    let keys = ManageKeys::one(key(1));
    let token = keys.token(&id(1));
    let hash = token.hash();
    assert!(hash.verify(token.expose()));
    assert!(!hash.verify(""));
    assert!(!hash.verify(&token.expose()[1..]));
    assert!(!hash.verify(keys.token(&id(2)).expose()));
}

#[test]
fn hashes_round_trip_through_hex_and_do_not_leak_in_debug() {
    let token = ManageKeys::one(key(1)).token(&id(1));
    let hash = token.hash();
    assert_eq!(TokenHash::from_hex(&hash.to_hex()), Some(hash));
    assert_eq!(TokenHash::from_hex("zz"), None);
    assert_eq!(TokenHash::from_hex(&"g".repeat(64)), None);
    assert!(!format!("{token:?}").contains(token.expose()));
    assert!(!hash.to_hex().contains(token.expose()));
}

#[test]
fn digests_are_keyed() {
    let a = ManageKeys::one(key(1));
    assert_eq!(
        a.digest("patron", "k@example.org"),
        a.digest("patron", "k@example.org")
    );
    assert_ne!(
        a.digest("patron", "k@example.org"),
        a.digest("patron", "m@example.org")
    );
    assert_ne!(
        a.digest("patron", "k@example.org"),
        a.digest("other", "k@example.org")
    );
    assert_ne!(
        a.digest("patron", "k@example.org"),
        ManageKeys::one(key(2)).digest("patron", "k@example.org")
    );
}
