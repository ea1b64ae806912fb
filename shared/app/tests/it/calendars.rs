//! The scheduler reading a librarian's calendar (issue 27), on both stores under a pinned
//! clock: a busy event leaves availability after the next run and refuses a booking; the next
//! run within ten minutes reads nothing; a failed read keeps the last good copy and says since
//! when it is stale.

use crate::world::{by, config, dec1, dynamo, World};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rantevou_app::calendars::CalendarSync;
use rantevou_app::{BookError, Booked};
use rantevou_domain::ports::{CalendarFetch, CalendarFetchError};
use rantevou_domain::provider::{Calendar, Meeting};
use rantevou_store::{SqliteStore, Store};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// A calendar server that answers what the test says, counting the reads.
#[derive(Default)]
struct Served {
    answer: Mutex<Option<Result<String, String>>>,
    reads: AtomicUsize,
}

#[async_trait::async_trait]
impl CalendarFetch for Served {
    async fn fetch(
        &self,
        _calendar: &Calendar,
        _from: chrono::DateTime<chrono::Utc>,
        _to: chrono::DateTime<chrono::Utc>,
    ) -> Result<String, CalendarFetchError> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        match self.answer.lock().unwrap().clone() {
            Some(Ok(text)) => Ok(text),
            Some(Err(why)) => Err(CalendarFetchError(why)),
            None => Err(CalendarFetchError("nothing served".into())),
        }
    }
}

/// Wednesday 2 December 2026, 10:00–11:00 Athens: a meeting, busy (08:00–09:00 UTC).
const MEETING: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n\
BEGIN:VEVENT\r\nUID:m1@test\r\nDTSTAMP:20261120T000000Z\r\n\
DTSTART;TZID=Europe/Athens:20261202T100000\r\nDTEND;TZID=Europe/Athens:20261202T110000\r\n\
SUMMARY:Faculty meeting\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

fn utc(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 2, h, m, 0).unwrap()
}

async fn free_on_dec2(world: &World) -> Vec<DateTime<Utc>> {
    world
        .free_slots()
        .free_starts_on(
            "mylibrarylive",
            NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
        )
        .await
        .unwrap()
}

/// Whether `[s, s + 20 min)` meets the meeting.
fn meets_meeting(s: &DateTime<Utc>) -> bool {
    *s < utc(9, 0) && *s + Duration::minutes(20) > utc(8, 0)
}

async fn a_busy_event_leaves_availability_after_the_next_run_and_refuses_a_booking(
    store: Arc<dyn Store>,
) {
    let mut config = config(Meeting::Manual, vec![]);
    let provider = config.providers[0].id.clone();
    config.providers[0].calendar = Some(Calendar::Ics {
        url: "https://calendar.example.org/anna/5ecret.ics"
            .parse()
            .unwrap(),
    });
    let world = World::new(config, store.clone()).at(dec1(9, 0));
    let served = Arc::new(Served::default());
    *served.answer.lock().unwrap() = Some(Ok(MEETING.into()));
    let run = |world: &World| {
        let sync = CalendarSync::new(world.ctx.clone(), served.clone(), store.clone());
        let scheduler = world.scheduler().with_calendars(sync);
        async move { scheduler.retry_pending(100).await.unwrap() }
    };

    let before = free_on_dec2(&world).await;
    assert!(
        before.iter().any(meets_meeting),
        "the meeting's hour is open before the calendar is read: {before:?}"
    );
    let report = run(&world).await;
    assert_eq!((report.calendars_read, report.calendars_failed), (1, 0));
    assert!(!stale(&world).await, "read just now: not stale");
    let after = free_on_dec2(&world).await;
    assert!(!after.iter().any(meets_meeting), "{after:?}");
    assert_eq!(
        after.len(),
        before.len() - before.iter().filter(|s| meets_meeting(s)).count(),
        "only the meeting's times left"
    );
    // A stale page offering 10:00 Athens: the booking's write refuses it.
    let refused = world
        .booking()
        .book(world.request(utc(8, 0), "Μαρία"))
        .await;
    assert!(matches!(refused, Err(BookError::SlotTaken)), "{refused:?}");
    let booked = world
        .booking()
        .book(world.request(utc(9, 0), "Μαρία"))
        .await;
    assert!(matches!(booked, Ok(Booked::New { .. })), "{booked:?}");

    // Within ten minutes the calendar is not read again.
    let later = world.at(dec1(9, 9));
    let report = run(&later).await;
    assert_eq!(
        (report.calendars_read, served.reads.load(Ordering::SeqCst)),
        (0, 1)
    );

    // The server fails: the last good copy stays, stale since this run.
    *served.answer.lock().unwrap() = Some(Err("HTTP 503".into()));
    let failing = world.at(dec1(9, 11));
    let report = run(&failing).await;
    assert_eq!((report.calendars_read, report.calendars_failed), (0, 1));
    assert!(!free_on_dec2(&failing).await.iter().any(meets_meeting));
    let status = store.calendar_status(&provider).await.unwrap().unwrap();
    assert_eq!(status.read_at, Some(dec1(9, 0)));
    assert_eq!(status.failing_since, Some(dec1(9, 11)));
    assert_eq!(status.problem.as_deref(), Some("HTTP 503"));
    let shown = failing.staff().calendars(&by(), None).await.unwrap();
    assert_eq!(shown.len(), 1);
    assert_eq!(
        (shown[0].kind, shown[0].host.as_str(), shown[0].stale),
        ("ics", "calendar.example.org", true),
        "failing: stale at once"
    );
    assert_eq!(shown[0].failing_since, Some(dec1(9, 11)));

    // The meeting is cancelled in the calendar: free again after the next read.
    *served.answer.lock().unwrap() = Some(Ok(
        MEETING.replace("SUMMARY:", "STATUS:CANCELLED\r\nSUMMARY:")
    ));
    let mended = world.at(dec1(9, 22));
    assert_eq!(run(&mended).await.calendars_read, 1);
    assert!(free_on_dec2(&mended).await.iter().any(meets_meeting));
    let status = store.calendar_status(&provider).await.unwrap().unwrap();
    assert_eq!(
        (status.read_at, status.failing_since),
        (Some(dec1(9, 22)), None)
    );
    assert!(!stale(&mended).await);
    // No read for more than half an hour (the scheduler stopped): stale though nothing failed.
    assert!(!stale(&world.at(dec1(9, 52))).await);
    assert!(stale(&world.at(dec1(9, 53))).await);
    // Staff limited to another provider do not see this one's calendar.
    let other = rantevou_domain::staff::Actor {
        who: "ref@uom.edu.gr".into(),
        providers: Some(vec![rantevou_domain::ProviderId::parse("ref").unwrap()]),
    };
    assert!(mended
        .staff()
        .calendars(&other, None)
        .await
        .unwrap()
        .is_empty());
}

/// Whether the console shows the one provider's calendar stale at `world`'s now.
async fn stale(world: &World) -> bool {
    let shown = world.staff().calendars(&by(), None).await.unwrap();
    assert_eq!(shown.len(), 1);
    shown[0].stale
}

async fn a_file_that_is_no_calendar_is_a_failure_that_quotes_nothing(store: Arc<dyn Store>) {
    let mut config = config(Meeting::Manual, vec![]);
    let provider = config.providers[0].id.clone();
    config.providers[0].calendar = Some(Calendar::Ics {
        url: "https://calendar.example.org/a.ics".parse().unwrap(),
    });
    let world = World::new(config, store.clone()).at(dec1(9, 0));
    let served = Arc::new(Served::default());
    *served.answer.lock().unwrap() =
        Some(Ok("<html>Anna Papadopoulou's sign-in page</html>".into()));
    let sync = CalendarSync::new(world.ctx.clone(), served.clone(), store.clone());
    let report = sync.read_due().await.unwrap();
    assert_eq!((report.read, report.failed), (0, 1));
    let status = store.calendar_status(&provider).await.unwrap().unwrap();
    assert_eq!(status.problem.as_deref(), Some("not an iCalendar file"));
}

both_stores!(
    a_busy_event_leaves_availability_after_the_next_run_and_refuses_a_booking,
    a_file_that_is_no_calendar_is_a_failure_that_quotes_nothing,
);
