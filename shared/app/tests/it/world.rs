//! A world for the use-case tests on both stores: the context with a pinned clock, a store,
//! a recording mailer and the tests' keys; the use cases built over them; a fresh DynamoDB
//! table on moto per test; and `both_stores!`, which runs a test on SQLite and on DynamoDB.

use crate::support::Recorder;
use chrono::{DateTime, TimeZone, Utc};
use rantevou_app::*;
use rantevou_domain::appointment::Appointment;
use rantevou_domain::ports::MailLog;
use rantevou_domain::provider::Meeting;
use rantevou_domain::{LibraryConfig, ManageKeys};
use rantevou_store::{DynamoStore, Store};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Tuesday 1 December 2026, `hh:mm` Athens (UTC+2).
pub fn dec1(hh: u32, mm: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, hh - 2, mm, 0).unwrap()
}

pub struct World {
    pub ctx: Context,
    pub store: Arc<dyn Store>,
    pub mailer: Arc<Recorder>,
    pub keys: Arc<ManageKeys>,
}

impl World {
    pub fn new(config: LibraryConfig, store: Arc<dyn Store>) -> World {
        let links = Links::same_origin("https://book.example.org").unwrap();
        World {
            ctx: Context::new(
                Arc::new(config),
                Arc::new(rantevou_testkit::fixture_now),
                links,
            ),
            store,
            mailer: Arc::new(Recorder::default()),
            keys: Arc::new(rantevou_testkit::keys()),
        }
    }

    /// The same world with the clock pinned at `now`.
    pub fn at(&self, now: DateTime<Utc>) -> World {
        World {
            ctx: Context::new(
                self.ctx.config.clone(),
                Arc::new(move || now),
                self.ctx.links.clone(),
            ),
            store: self.store.clone(),
            mailer: self.mailer.clone(),
            keys: self.keys.clone(),
        }
    }

    pub fn delivery(&self, log: Arc<dyn MailLog>) -> MailDelivery {
        MailDelivery::new(self.ctx.clone(), self.mailer.clone(), log)
    }

    pub fn scheduler(&self) -> MailRetry {
        MailRetry::new(
            self.delivery(self.store.clone()),
            self.store.clone(),
            self.keys.clone(),
        )
        .with_waitlist(self.waitlisting())
        .with_suppressions(self.store.clone())
    }

    pub fn free_slots(&self) -> FreeSlots {
        FreeSlots::new(self.ctx.clone(), self.store.clone())
    }

    pub fn waitlisting(&self) -> Waitlisting {
        Waitlisting::new(
            self.ctx.clone(),
            self.store.clone(),
            self.store.clone(),
            self.free_slots(),
            self.mailer.clone(),
            self.keys.clone(),
        )
    }

    /// The booking use case over this world's store, mailer and keys.
    pub fn booking(&self) -> Booking {
        Booking::new(
            self.ctx.clone(),
            self.store.clone(),
            self.delivery(self.store.clone()),
            self.keys.clone(),
        )
    }

    /// A booking of `start` (an instant) for `who` with the one provider, as the site sends it.
    pub fn request(&self, start: DateTime<Utc>, who: &str) -> BookRequest {
        let tz = self.ctx.config.library.timezone;
        BookRequest {
            service: Some("mylibrarylive".into()),
            provider: Some("sip".into()),
            start: Some(start.with_timezone(&tz).to_rfc3339()),
            patron: rantevou_testkit::patron_input(who),
            answers: rantevou_testkit::sample_answers(),
            from_waitlist: false,
            idempotency_key: None,
            challenge: None,
        }
    }

    pub fn rescheduling(&self) -> Rescheduling {
        Rescheduling::new(
            self.ctx.clone(),
            self.store.clone(),
            self.store.clone(),
            self.delivery(self.store.clone()),
            self.keys.clone(),
        )
    }

    /// A move of `a` (as read at `version`) to `start`, as the manage page sends it.
    pub fn move_request(&self, a: &Appointment, start: DateTime<Utc>, version: u32) -> MoveRequest {
        let tz = self.ctx.config.library.timezone;
        MoveRequest {
            id: a.id,
            token: self.keys.token(&a.id).expose().to_owned(),
            start: Some(start.with_timezone(&tz).to_rfc3339()),
            version: Some(version),
            challenge: None,
        }
    }

    pub fn cancelling(&self) -> Cancelling {
        Cancelling::new(
            self.ctx.clone(),
            self.store.clone(),
            self.store.clone(),
            self.delivery(self.store.clone()),
        )
    }

    pub fn staff(&self) -> Staff {
        Staff::new(
            self.ctx.clone(),
            self.store.clone(),
            self.delivery(self.store.clone()),
            self.keys.clone(),
        )
    }

    pub async fn run(&self) -> Delivery {
        self.scheduler().retry_pending(1000).await.unwrap()
    }

    /// Books `who` at `start` through the booking use case (its confirmation sent at once).
    pub async fn book(&self, start: DateTime<Utc>, who: &str) -> Appointment {
        let request = self.request(start, who);
        let booking = self.booking();
        match booking.book(request).await.unwrap() {
            Booked::New { appointment, .. } => appointment,
            other => panic!("a new booking, not {other:?}"),
        }
    }
}

pub fn config(meeting: Meeting, reminders: Vec<u32>) -> LibraryConfig {
    let mut config = rantevou_testkit::sample_config();
    config.policy.proof_of_work_difficulty = 0;
    config.policy.max_active_per_patron = 0;
    config.policy.send_link_before_minutes = 60;
    config.policy.reminders_before_minutes = reminders;
    config.providers[0].meeting = meeting;
    config
}

pub async fn dynamo() -> Option<DynamoStore> {
    dynamo_counted(None).await
}

/// A fresh table on moto, its client's requests logged in `counter` when given.
pub async fn dynamo_counted(
    counter: Option<&rantevou_store::dynamo::request_counter::RequestCounter>,
) -> Option<DynamoStore> {
    use aws_sdk_dynamodb::config::{Credentials, Region};
    let endpoint = rantevou_testkit::moto_url()?;
    let mut config = aws_sdk_dynamodb::Config::builder()
        .behavior_version_latest()
        .endpoint_url(endpoint)
        .region(Region::new("eu-central-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"));
    if let Some(counter) = counter {
        config = config.interceptor(counter.clone());
    }
    let config = config.build();
    let client = aws_sdk_dynamodb::Client::from_conf(config);
    static N: AtomicUsize = AtomicUsize::new(0);
    // One table per test: the process and a counter (moto lives for one `infra/bin/test` run).
    let table = format!(
        "scheduler-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    rantevou_store::dynamo::table::create_table(&client, &table)
        .await
        .unwrap();
    Some(DynamoStore::new(client, table))
}

/// A librarian who may do everything.
pub fn by() -> rantevou_domain::staff::Actor {
    rantevou_domain::staff::Actor::unrestricted("librarian@uom.edu.gr")
}

macro_rules! both_stores {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(std::sync::Arc::new(super::SqliteStore::in_memory().unwrap())).await;
                }
            )*
        }
        mod dynamo {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(store) = super::dynamo().await else { return };
                    super::$name(std::sync::Arc::new(store)).await;
                }
            )*
        }
    };
}
