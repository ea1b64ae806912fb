use super::*;

fn record(month: &str, outcome: Outcome, status: &str, lead: u32) -> OutcomeRecord {
    OutcomeRecord {
        month: month.into(),
        weekday: 2,
        hour: 10,
        service: "mylibrarylive".into(),
        provider: "sip".into(),
        answers: [("status".to_owned(), vec![status.to_owned()])].into(),
        outcome,
        lead_days: lead,
        moved: false,
        waitlist: false,
    }
}

#[test]
fn the_months_of_a_range_in_order() {
    assert_eq!(
        months("2026-11", "2027-02"),
        ["2026-11", "2026-12", "2027-01", "2027-02"]
    );
    assert!(months("2027-02", "2026-11").is_empty());
    assert!(months("2026-13", "2027-01").is_empty());
}

#[test]
fn a_month_adds_up_and_small_answers_are_merged() {
    let mut records: Vec<_> = (0..6)
        .map(|i| record("2026-12", Outcome::Attended, "ug", i))
        .collect();
    records.push(record("2026-12", Outcome::NoShow, "phd", 10));
    records.push(record("2026-12", Outcome::CancelledByPatron, "faculty", 1));
    records.push(record("2027-01", Outcome::Unmarked, "ug", 3));
    records.push(record("2025-01", Outcome::Attended, "ug", 3)); // outside the range
    let report = Report::of(&records, "2026-12", "2027-01");
    assert_eq!(report.total, 9);
    assert_eq!(report.months.len(), 2);
    assert_eq!(report.months[0].total, 8);
    assert_eq!(report.months[0].outcomes["attended"], 6);
    assert_eq!(report.months[1].outcomes["unmarked"], 1);
    assert_eq!(report.outcomes["expired"], 0, "every outcome named");
    assert_eq!(report.no_show_rate, Some(1.0 / 7.0));
    // Leads of those that took place or were missed: 0..=5, 10, 3 -> median 3.
    assert_eq!(report.lead_days_median, Some(3.0));
    // December: 6 undergraduates shown; one PhD and one faculty member merged. January's one
    // undergraduate too: small within its month.
    let status = &report.questions["status"];
    assert_eq!(status.get("ug"), Some(&6));
    assert_eq!(status.get("phd"), None);
    assert_eq!(status.get(OTHER), Some(&3));
    assert_eq!(report.services.get("mylibrarylive"), Some(&8));
    assert_eq!(report.services.get(OTHER), Some(&1));
    let shown: u32 = status.values().sum();
    assert_eq!(shown, report.total, "merging loses no one");
}

#[test]
fn an_empty_range_has_no_rates() {
    let report = Report::of(&[], "2026-01", "2026-12");
    assert_eq!(report.months.len(), 12);
    assert_eq!(report.total, 0);
    assert_eq!(report.no_show_rate, None);
    assert_eq!(report.lead_days_median, None);
}

#[test]
fn a_record_read_back_is_checked() {
    let good = record("2026-12", Outcome::Attended, "ug", 1);
    assert!(good.is_well_formed());
    for bad in [
        OutcomeRecord {
            month: "2026-13".into(),
            ..good.clone()
        },
        OutcomeRecord {
            weekday: 0,
            ..good.clone()
        },
        OutcomeRecord {
            hour: 24,
            ..good.clone()
        },
        OutcomeRecord {
            service: "Anna Papadopoulou".into(),
            ..good.clone()
        },
        OutcomeRecord {
            answers: [("status".to_owned(), vec!["anna@example.org".to_owned()])].into(),
            ..good.clone()
        },
    ] {
        assert!(!bad.is_well_formed(), "{bad:?}");
    }
}
