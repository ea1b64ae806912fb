//! Unit tests of `challenge`.

use super::*;
use crate::token::ManageKey;
use chrono::TimeZone;
use rand::rngs::OsRng;

fn keys() -> ManageKeys {
    ManageKeys::one(ManageKey::new([3; 32]))
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 10, 0, 0).unwrap()
}

#[test]
fn a_solved_challenge_verifies_until_it_expires() {
    let c = issue(&keys(), 2000, now(), &mut OsRng);
    assert_eq!(c.algorithm, "SHA-256");
    let payload = solve(&c).unwrap();
    let solved = verify(&keys(), &payload, now()).unwrap();
    assert_eq!(solved.challenge, c.challenge);
    assert_eq!(solved.expires, now() + Duration::minutes(10));
    assert_eq!(
        verify(&keys(), &payload, now() + Duration::minutes(10)),
        Err(FieldCode::Expired)
    );
}

#[test]
fn anything_else_is_invalid() {
    let c = issue(&keys(), 500, now(), &mut OsRng);
    let good = solve(&c).unwrap();
    let tampered = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v: serde_json::Value =
            serde_json::from_slice(&STANDARD.decode(&good).unwrap()).unwrap();
        f(&mut v);
        STANDARD.encode(v.to_string())
    };
    for bad in [
        String::new(),
        "not base64!".into(),
        STANDARD.encode("{}"),
        tampered(&|v| v["number"] = (v["number"].as_u64().unwrap() + 1).into()),
        tampered(&|v| v["signature"] = "00".repeat(32).into()),
        tampered(&|v| v["algorithm"] = "SHA-1".into()),
        // A later expiry in the salt breaks the hash; so does a made-up challenge.
        tampered(&|v| {
            v["salt"] = v["salt"]
                .as_str()
                .unwrap()
                .replace("?expires=", "?expires=9")
                .into()
        }),
        tampered(&|v| v["extra"] = 1.into()),
    ] {
        assert_eq!(
            verify(&keys(), &bad, now()),
            Err(FieldCode::Invalid),
            "{bad}"
        );
    }
    // Another server's key did not sign it.
    let other = ManageKeys::one(ManageKey::new([4; 32]));
    assert_eq!(verify(&other, &good, now()), Err(FieldCode::Invalid));
}

#[test]
fn the_work_is_up_to_maxnumber_hashes() {
    for _ in 0..20 {
        let c = issue(&keys(), 300, now(), &mut OsRng);
        assert!(solve(&c).is_some());
    }
}

#[test]
fn the_work_grows_fourfold_with_each_busy_step_and_falls_back() {
    assert_eq!(adaptive_difficulty(50_000, 10, 0), 50_000);
    assert_eq!(adaptive_difficulty(50_000, 10, 9), 50_000);
    assert_eq!(adaptive_difficulty(50_000, 10, 10), 200_000);
    assert_eq!(adaptive_difficulty(50_000, 10, 25), 800_000);
    // At most 4⁸ times the base, however fast.
    assert_eq!(
        adaptive_difficulty(50_000, 10, 100_000),
        50_000 * MAX_ADAPTIVE_FACTOR
    );
    // Off switches.
    assert_eq!(adaptive_difficulty(0, 10, 500), 0);
    assert_eq!(adaptive_difficulty(50_000, 0, 500), 50_000);
}

#[test]
fn the_issued_work_is_signed_and_a_gathered_easy_challenge_is_not_enough_later() {
    let c = issue(&keys(), 2000, now(), &mut OsRng);
    let solved = verify(&keys(), &solve(&c).unwrap(), now()).unwrap();
    assert_eq!(solved.maxnumber, 2000);
    assert!(enough_work(&solved, 2000));
    assert!(enough_work(&solved, 8000), "one step up is still accepted");
    assert!(!enough_work(&solved, 32_000), "two steps up is not");
    // Claiming less work in the salt changes the hash: the signature no longer matches.
    let forged = Challenge {
        salt: c.salt.replace("max=2000", "max=9999999"),
        ..c.clone()
    };
    let payload = solve(&forged);
    assert!(payload.map_or(true, |p| verify(&keys(), &p, now()).is_err()));
}
