//! The store contract of the staff console: the audit record, and what an appointment keeps
//! of staff's marks and its mail (attendance, the mail sent). Both adapters, as in
//! `contract.rs`.

use crate::support::{appointment, at, config};
use rantevou_domain::appointment::{Attendance, MailKind, SentMail};
use rantevou_domain::ports::CreateConditions;
use rantevou_domain::staff::{AuditEntry, LIBRARY_SUBJECT};
use rantevou_store::Store;

fn entry(minutes: i64, subject: &str, action: &str, detail: &str) -> AuditEntry {
    AuditEntry {
        at: at(minutes),
        who: "maria@uom.edu.gr".into(),
        action: action.into(),
        subject: subject.into(),
        detail: detail.into(),
    }
}

async fn the_audit_record_keeps_each_subjects_entries_in_order(store: &dyn Store) {
    let keep = at(60 * 24 * 30);
    assert!(store
        .audit_of("019ace00-0000-7000-8000-00000000000a")
        .await
        .unwrap()
        .is_empty());
    let first = entry(
        -30,
        "019ace00-0000-7000-8000-00000000000a",
        "meeting-link",
        "https://uom.zoom.us/j/1",
    );
    let library = entry(
        -20,
        LIBRARY_SUBJECT,
        "closure-add",
        "0a1b2c3d 2026-12-02 Εκπαίδευση",
    );
    let second = entry(
        -10,
        "019ace00-0000-7000-8000-00000000000a",
        "cancel",
        "Ασθένεια",
    );
    // Two entries of the same instant are both kept.
    let twin = entry(
        -10,
        "019ace00-0000-7000-8000-00000000000a",
        "attendance",
        "no-show",
    );
    for e in [&second, &library, &first, &twin] {
        store.record_audit(e, keep).await.unwrap();
    }
    let got = store
        .audit_of("019ace00-0000-7000-8000-00000000000a")
        .await
        .unwrap();
    assert_eq!(
        got,
        [first, second, twin],
        "oldest first; of one instant, in the order written"
    );
    assert_eq!(store.audit_of(LIBRARY_SUBJECT).await.unwrap(), [library]);
}

async fn attendance_and_the_mail_sent_are_kept_with_the_appointment(store: &dyn Store) {
    let config = config();
    let (a, _) = appointment(&config, "short", "sip", at(60), "Μαρία");
    store
        .create(&a, &CreateConditions::default())
        .await
        .unwrap();
    let read = store.get(a.id, at(0)).await.unwrap().unwrap();
    assert!(read.mail_log.is_empty() && read.attendance.is_none());
    let mut next = read
        .clone()
        .after_sent(MailKind::Confirmation, &read, at(1));
    let follow_up = rantevou_domain::service::FollowUp {
        after_minutes: 60,
        survey_url: None,
    };
    next = next.marked(true, at(61), Some(&follow_up)).unwrap();
    assert!(next.follow_up_due.is_some());
    // Corrected to a no-show: no thank-you due.
    let attended = store.update(&read, &next).await.unwrap();
    let kept = store.get(a.id, at(0)).await.unwrap().unwrap();
    assert_eq!(kept.follow_up_due, attended.follow_up_due, "kept as stored");
    let read = kept;
    let next = read
        .clone()
        .marked(false, at(61), Some(&follow_up))
        .unwrap();
    assert_eq!(next.follow_up_due, None);
    let stored = store.update(&read, &next).await.unwrap();
    let again = store.get(a.id, at(0)).await.unwrap().unwrap();
    assert_eq!(again, stored);
    assert_eq!(
        again.mail_log,
        [SentMail {
            kind: MailKind::Confirmation,
            at: at(1)
        }]
    );
    assert_eq!(
        again.attendance,
        Some(Attendance {
            attended: false,
            at: at(61)
        })
    );
}

contract!(
    the_audit_record_keeps_each_subjects_entries_in_order,
    attendance_and_the_mail_sent_are_kept_with_the_appointment,
);
