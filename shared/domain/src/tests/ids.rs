//! Unit tests of `ids`.

use super::*;
use chrono::TimeZone;
use rand::rngs::OsRng;

#[test]
fn appointment_ids_are_v7_and_sort_by_time() {
    let t1 = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
    let t2 = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 1).unwrap();
    let a = AppointmentId::generate(t1, &mut OsRng);
    let b = AppointmentId::generate(t2, &mut OsRng);
    assert_eq!(a.as_uuid().get_version_num(), 7);
    assert!(a < b);
    assert_eq!(a.to_string().parse::<AppointmentId>(), Ok(a));
}

#[test]
fn ids_of_other_versions_or_garbage_are_refused() {
    assert!("not-a-uuid".parse::<AppointmentId>().is_err());
    assert!("67e55044-10b1-426f-9247-bb680e5fe0c8" // v4
        .parse::<AppointmentId>()
        .is_err());
}

#[test]
fn config_ids_have_a_narrow_alphabet() {
    assert!(ServiceId::parse("mylibrarylive").is_some());
    assert!(ProviderId::parse("sip_2-b").is_some());
    for bad in ["", "Sip", "a#b", "a b", "ά", &"x".repeat(65)] {
        assert!(ProviderId::parse(bad).is_none(), "{bad:?}");
    }
}
