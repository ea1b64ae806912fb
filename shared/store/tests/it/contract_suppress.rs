//! The addresses that bounced or complained, on both stores: remembered by patron key, a
//! bounce outweighs a complaint (a complaint never turns a bounce back), and a booking for a
//! bounced address is refused in its own write, with nothing stored, while a complained one
//! books.

use crate::support::{appointment, at, config};
use chrono::Duration;
use rantevou_domain::feedback::Suppression;
use rantevou_domain::ports::{CreateConditions, StoreError};
use rantevou_domain::{LockMonth, ProviderId};
use rantevou_store::Store;

async fn a_bounce_outweighs_a_complaint_and_is_remembered_by_patron_key(store: &dyn Store) {
    let kept = at(0) + Duration::days(365);
    assert_eq!(store.suppression("anna").await.unwrap(), None);
    let complained = Suppression::Complained { at: at(-60) };
    store.suppress("anna", &complained, kept).await.unwrap();
    assert_eq!(
        store.suppression("anna").await.unwrap(),
        Some(complained.clone())
    );
    let bounced = Suppression::Bounced {
        at: at(-30),
        reason: "5.1.1 smtp; 550 user unknown".into(),
    };
    store.suppress("anna", &bounced, kept).await.unwrap();
    assert_eq!(
        store.suppression("anna").await.unwrap(),
        Some(bounced.clone())
    );
    // A later complaint leaves the bounce as it is.
    store
        .suppress("anna", &Suppression::Complained { at: at(-10) }, kept)
        .await
        .unwrap();
    assert_eq!(store.suppression("anna").await.unwrap(), Some(bounced));
    assert_eq!(store.suppression("babis").await.unwrap(), None, "by key");
}

async fn a_booking_for_a_bounced_address_is_refused_in_its_own_write(store: &dyn Store) {
    let config = config();
    let kept = at(0) + Duration::days(365);
    let bounced = Suppression::Bounced {
        at: at(-30),
        reason: "5.1.1".into(),
    };
    store.suppress("anna", &bounced, kept).await.unwrap();
    store
        .suppress("babis", &Suppression::Complained { at: at(-30) }, kept)
        .await
        .unwrap();
    let (a, _) = appointment(&config, "short", "sip", at(0), "Anna");
    let refused = store
        .create(
            &a,
            &CreateConditions {
                deliverable: Some("anna"),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(refused.unwrap_err(), StoreError::Undeliverable);
    let sip = ProviderId::parse("sip").unwrap();
    assert!(
        store
            .locks(&sip, LockMonth::of(at(0)), at(-24 * 60))
            .await
            .unwrap()
            .is_empty(),
        "nothing stored"
    );
    assert_eq!(store.get(a.id, at(-24 * 60)).await.unwrap(), None);
    // The same time for a complained address (or none known) books.
    let (b, _) = appointment(&config, "short", "sip", at(0), "Babis");
    store
        .create(
            &b,
            &CreateConditions {
                deliverable: Some("babis"),
                ..Default::default()
            },
        )
        .await
        .unwrap();
}

contract!(
    a_bounce_outweighs_a_complaint_and_is_remembered_by_patron_key,
    a_booking_for_a_bounced_address_is_refused_in_its_own_write,
);
