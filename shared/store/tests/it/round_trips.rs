//! One DynamoDB request per API operation, counted by an SDK interceptor on every request
//! the client transmits.

use crate::support::{appointment, at, config};
use chrono::NaiveDate;
use rantevou_domain::availability::lock_partitions;
use rantevou_domain::patron::FreeText;
use rantevou_domain::ports::CreateConditions;
use rantevou_domain::ports::StoreError;
use rantevou_domain::ports::{
    Appointments as _, Bookings as _, CalendarBusy as _, Cancellations as _, LockReader as _,
};
use rantevou_domain::{AvailabilityQuery, ProviderChoice};

#[tokio::test]
async fn create_get_and_cancel_are_one_request_each() {
    let Some((store, requests)) = crate::support::dynamo().await else {
        return;
    };
    let config = config();
    let (a, _) = appointment(&config, "long", "sip", at(0), "A");
    assert_eq!(
        a.locks.len(),
        2,
        "the appointment and two locks still go in one transaction"
    );

    store
        .create(&a, &CreateConditions::default())
        .await
        .unwrap();
    assert_eq!(requests.take(), ["TransactWriteItems"]);

    let (b, _) = appointment(&config, "short", "sip", at(20), "B");
    assert_eq!(
        store.create(&b, &CreateConditions::default()).await,
        Err(StoreError::SlotTaken)
    );
    assert_eq!(
        requests.take(),
        ["TransactWriteItems"],
        "a refusal costs one request too"
    );

    let fetched = store.get(a.id, at(-600)).await.unwrap().unwrap();
    assert_eq!(requests.take(), ["GetItem"]);

    store
        .cancel(&fetched, at(-600), &FreeText::default())
        .await
        .unwrap();
    assert_eq!(requests.take(), ["TransactWriteItems"]);
}

#[tokio::test]
async fn availability_reads_one_query_per_provider_month() {
    let Some((store, requests)) = crate::support::dynamo().await else {
        return;
    };
    let config = config();
    // With a librarian's calendar copied in: its months come back in the same queries.
    let sip = rantevou_domain::ids::ProviderId::parse("sip").unwrap();
    let units: Vec<_> = (0..1000).map(|k| at(k * 20)).collect();
    let month = rantevou_domain::LockMonth::of(at(0));
    store
        .put_busy(&sip, &[(month, units.clone())], at(-24 * 60))
        .await
        .unwrap();
    requests.take();
    let query = AvailabilityQuery {
        service: "short".into(),
        provider: ProviderChoice::Any,
        from: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        to: NaiveDate::from_ymd_opt(2027, 1, 31).unwrap(),
        now: at(-24 * 60 * 10),
    };
    let partitions = lock_partitions(&config, &query).unwrap();
    // Two providers × (Nov 30 22:00 UTC … Jan 31 22:00 UTC) = Nov, Dec, Jan each.
    assert_eq!(partitions.len(), 6);
    let mut busy = 0;
    for (provider, month) in &partitions {
        let held = store.locks(provider, *month, at(-24 * 60)).await.unwrap();
        busy += held.iter().filter(|l| units.contains(&l.start)).count();
    }
    assert_eq!(busy, 1000, "every busy unit read back");
    let sent = requests.take();
    assert_eq!(sent.len(), partitions.len());
    assert!(sent.iter().all(|op| op == "Query"), "{sent:?}");
}
