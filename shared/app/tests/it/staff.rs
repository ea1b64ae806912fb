//! The staff console's operations on both stores: what staff limited to some providers may
//! see and do, attendance once an appointment started, the mail given up and sent again to a
//! corrected address, and the audit record each action leaves.

use crate::world::{by, config, dec1, dynamo, World};
use rantevou_domain::provider::Meeting;
use rantevou_domain::staff::{Actor, LIBRARY_SUBJECT};
use rantevou_domain::ProviderId;
use rantevou_store::{SqliteStore, Store};
use std::sync::Arc;

/// The sample library with a second provider, for the limits.
fn two_providers() -> rantevou_domain::LibraryConfig {
    let mut config = config(Meeting::Manual, vec![]);
    let mut second = config.providers[0].clone();
    second.id = ProviderId::parse("ref").unwrap();
    second.email = "reference@uom.edu.gr".into();
    config.providers.push(second.clone());
    for s in &mut config.services {
        s.providers.push(second.id.clone());
    }
    config
}

async fn staff_limited_to_a_provider_see_and_change_only_its_appointments(store: Arc<dyn Store>) {
    let w = World::new(two_providers(), store);
    let ours = w.book(dec1(10, 0), "Μαρία").await;
    let mut request = w.request(dec1(10, 0), "Γιάννης");
    request.provider = Some("ref".into());
    let theirs = match w.booking().book(request).await.unwrap() {
        rantevou_app::Booked::New { appointment, .. } => appointment,
        other => panic!("{other:?}"),
    };
    let sip_only = Actor {
        who: "sip@uom.edu.gr".into(),
        providers: Some(vec![ProviderId::parse("sip").unwrap()]),
    };
    let staff = w.staff();
    let day = dec1(10, 0).date_naive();
    let seen = staff.agenda(&sip_only, day, day, None).await.unwrap();
    assert_eq!(seen.iter().map(|a| a.id).collect::<Vec<_>>(), [ours.id]);
    assert_eq!(staff.agenda(&by(), day, day, None).await.unwrap().len(), 2);
    fn forbidden<T>(r: Result<T, rantevou_app::StaffError>) -> bool {
        matches!(r, Err(rantevou_app::StaffError::Forbidden(_)))
    }
    let theirs_id = theirs.id.to_string();
    assert!(forbidden(
        staff.agenda(&sip_only, day, day, Some("ref")).await
    ));
    assert!(forbidden(staff.appointment(&sip_only, &theirs_id).await));
    assert!(forbidden(staff.cancel(&sip_only, &theirs_id, "x").await));
    assert!(forbidden(
        staff
            .add_closure(&sip_only, day, day, None, "Εκπαίδευση", None)
            .await
    ));
    assert!(forbidden(
        staff.patron_export(&sip_only, "m@example.org").await
    ));
    assert!(forbidden(staff.library_audit(&sip_only).await));
    // Their own: cancelled, with the audit naming who did it.
    staff
        .cancel(&sip_only, &ours.id.to_string(), "Ασθένεια")
        .await
        .unwrap();
    let (_, audit) = staff
        .appointment(&sip_only, &ours.id.to_string())
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(
        (
            audit[0].who.as_str(),
            audit[0].action.as_str(),
            audit[0].detail.as_str()
        ),
        ("sip@uom.edu.gr", "cancel", "Ασθένεια")
    );
    assert!(
        w.store.audit_of(LIBRARY_SUBJECT).await.unwrap().is_empty(),
        "nothing library-wide was done"
    );
    // Stored as cancelled by staff, and the patron is told so, with a way to book again.
    let read = w
        .store
        .get(ours.id, rantevou_testkit::fixture_now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read.canceller(), Some(rantevou_domain::Canceller::Staff));
    let patron = w
        .mailer
        .take()
        .into_iter()
        .find(|m| {
            m.subject
                .starts_with("Η Βιβλιοθήκη ακύρωσε το ραντεβού σας")
        })
        .expect("the patron's cancellation, written for a cancellation by the library");
    assert!(patron.text.contains("Ασθένεια") && patron.text.contains("Κλείστε άλλη ώρα"));
}

async fn attendance_is_marked_once_started_and_audited(store: Arc<dyn Store>) {
    let w = World::new(config(Meeting::Manual, vec![]), store);
    let a = w.book(dec1(10, 0), "Μαρία").await;
    let id = a.id.to_string();
    let early = w
        .at(dec1(9, 59))
        .staff()
        .set_attendance(&by(), &id, true)
        .await;
    assert!(
        matches!(early, Err(rantevou_app::StaffError::NotApplicable { .. })),
        "{early:?}"
    );
    let later = w.at(dec1(10, 5));
    let marked = later
        .staff()
        .set_attendance(&by(), &id, false)
        .await
        .unwrap();
    assert_eq!(marked.attendance.map(|m| m.attended), Some(false));
    let marked = later
        .staff()
        .set_attendance(&by(), &id, true)
        .await
        .unwrap();
    assert_eq!(
        marked.attendance.map(|m| m.attended),
        Some(true),
        "a mark can be corrected"
    );
    let (_, audit) = later.staff().appointment(&by(), &id).await.unwrap();
    let details: Vec<&str> = audit.iter().map(|e| e.detail.as_str()).collect();
    assert_eq!(details, ["no-show", "attended"]);
}

async fn mail_given_up_is_listed_and_sent_again_to_a_corrected_address(store: Arc<dyn Store>) {
    let w = World::new(config(Meeting::Manual, vec![]), store);
    let a = w.book(dec1(10, 0), "Μαρία").await;
    w.mailer.take();
    // The mail service refused the confirmation for good: given up, as the scheduler does.
    let read = w.store.get(a.id, dec1(8, 0)).await.unwrap().unwrap();
    let mut failing = read.clone();
    failing.pending_mail = vec![rantevou_domain::appointment::MailKind::Confirmation];
    let failing = failing.after_failure(&rantevou_domain::DeliveryOutcome::GiveUp(
        "mailbox does not exist".into(),
    ));
    w.store.update(&read, &failing).await.unwrap();

    let staff = w.staff();
    let failed = staff.failed_mail(&by()).await.unwrap();
    assert_eq!(failed.iter().map(|x| x.id).collect::<Vec<_>>(), [a.id]);
    assert_eq!(
        failed[0].delivery.failure.as_deref(),
        Some("mailbox does not exist")
    );
    let bad = staff
        .retry_mail(&by(), &a.id.to_string(), Some("not an address"))
        .await;
    assert!(matches!(
        bad,
        Err(rantevou_app::StaffError::Invalid { field: "email", .. })
    ));

    let retried = staff
        .retry_mail(&by(), &a.id.to_string(), Some("maria.k@example.org"))
        .await
        .unwrap();
    let sent = w.mailer.take();
    assert!(
        sent.iter()
            .any(|m| m.to.iter().any(|t| t.contains("maria.k@example.org"))),
        "the confirmation went to the corrected address"
    );
    assert!(retried.delivery.failure.is_none() && retried.pending_mail.is_empty());
    assert!(staff.failed_mail(&by()).await.unwrap().is_empty());
    let nothing = staff.retry_mail(&by(), &a.id.to_string(), None).await;
    assert!(matches!(
        nothing,
        Err(rantevou_app::StaffError::NotApplicable { .. })
    ));
    let (_, audit) = staff.appointment(&by(), &a.id.to_string()).await.unwrap();
    assert_eq!(audit.last().map(|e| e.action.as_str()), Some("mail-retry"));
    assert!(
        !audit.iter().any(|e| e.detail.contains("maria.k")),
        "no address in the audit"
    );
}

both_stores!(
    staff_limited_to_a_provider_see_and_change_only_its_appointments,
    attendance_is_marked_once_started_and_audited,
    mail_given_up_is_listed_and_sent_again_to_a_corrected_address,
);
