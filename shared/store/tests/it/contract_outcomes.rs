//! The anonymous outcome records: written with the appointment's key in one write, replaced
//! under the same key, refused on a stale read, read back by month across a year's end, and
//! the day the count reached.

use crate::support::{appointment, at, config};
use chrono::NaiveDate;
use rantevou_domain::ports::{CreateConditions, StoreError};
use rantevou_domain::statistics::{Outcome, OutcomeRecord};
use rantevou_store::Store;

fn record(month: &str, outcome: Outcome) -> OutcomeRecord {
    OutcomeRecord {
        month: month.into(),
        weekday: 1,
        hour: 9,
        service: "short".into(),
        provider: "sip".into(),
        answers: [("status".to_owned(), vec!["ug".to_owned()])].into(),
        outcome,
        lead_days: 4,
        moved: true,
        waitlist: false,
    }
}

async fn an_outcome_is_written_with_its_appointment_and_replaced_under_its_key(store: &dyn Store) {
    let config = config();
    let (a, _) = appointment(&config, "short", "sip", at(0), "Anna");
    let a = match store
        .create(&a, &CreateConditions::default())
        .await
        .unwrap()
    {
        rantevou_domain::ports::Created::New(a) => a,
        other => panic!("{other:?}"),
    };
    let key = "0123456789abcdef0123456789abcdef".to_owned();
    let next = rantevou_domain::Appointment {
        outcome_key: Some(key.clone()),
        ..a.clone()
    };
    let first = record("2026-12", Outcome::Unmarked);
    let stored = store.record_outcome(&a, &next, &first).await.unwrap();
    assert_eq!(stored.outcome_key.as_deref(), Some(key.as_str()));
    assert_eq!(stored.version, a.version + 1);
    let read = store.get(a.id, at(-60)).await.unwrap().unwrap();
    assert_eq!(read, stored, "the key is kept with the appointment");
    assert_eq!(
        store.outcomes("2026-12", "2026-12").await.unwrap(),
        std::slice::from_ref(&first)
    );

    // Marked later: the same key, the record replaced, not added.
    let marked = record("2026-12", Outcome::Attended);
    let again = store.record_outcome(&read, &read, &marked).await.unwrap();
    assert_eq!(
        store.outcomes("2026-01", "2026-12").await.unwrap(),
        std::slice::from_ref(&marked)
    );

    // A stale read writes neither.
    let stale = store.record_outcome(&read, &read, &first).await;
    assert_eq!(stale, Err(StoreError::Changed));
    assert_eq!(
        store.outcomes("2026-12", "2026-12").await.unwrap(),
        std::slice::from_ref(&marked)
    );
    // Without a key, nothing.
    let keyless = rantevou_domain::Appointment {
        outcome_key: None,
        ..again.clone()
    };
    assert!(matches!(
        store.record_outcome(&again, &keyless, &first).await,
        Err(StoreError::Corrupt(_))
    ));
    // A record with a name in it is refused.
    let named = OutcomeRecord {
        provider: "Anna Papadopoulou".into(),
        ..first.clone()
    };
    assert!(matches!(
        store.record_outcome(&again, &again, &named).await,
        Err(StoreError::Corrupt(_))
    ));
}

async fn outcomes_are_read_by_month_across_the_years_end(store: &dyn Store) {
    let config = config();
    for (i, month) in ["2026-11", "2026-12", "2027-01", "2027-02"]
        .iter()
        .enumerate()
    {
        let (a, _) = appointment(&config, "short", "sip", at(60 * 24 * i as i64), "Anna");
        store
            .create(&a, &CreateConditions::default())
            .await
            .unwrap();
        let a = store.get(a.id, at(-60)).await.unwrap().unwrap();
        let next = rantevou_domain::Appointment {
            outcome_key: Some(format!("{i:032x}")),
            ..a.clone()
        };
        store
            .record_outcome(&a, &next, &record(month, Outcome::NoShow))
            .await
            .unwrap();
    }
    let mut months: Vec<String> = store
        .outcomes("2026-12", "2027-01")
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.month)
        .collect();
    months.sort();
    assert_eq!(months, ["2026-12", "2027-01"]);
    assert_eq!(store.outcomes("2027-03", "2027-12").await.unwrap(), []);

    assert_eq!(store.counted_through().await.unwrap(), None);
    let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    store.set_counted_through(day).await.unwrap();
    store
        .set_counted_through(day.succ_opt().unwrap())
        .await
        .unwrap();
    assert_eq!(store.counted_through().await.unwrap(), day.succ_opt());
}

contract!(
    an_outcome_is_written_with_its_appointment_and_replaced_under_its_key,
    outcomes_are_read_by_month_across_the_years_end,
);
