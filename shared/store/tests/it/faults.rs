//! Failing, throttling, slow and lying endpoints: every fault is a typed error, never a panic,
//! and never a partial booking.

use crate::support::{appointment, at, config};
use aws_sdk_dynamodb::config::retry::RetryConfig;
use aws_sdk_dynamodb::config::timeout::TimeoutConfig;
use aws_sdk_dynamodb::config::{Credentials, Region};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeDeserializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use rantevou_domain::patron::FreeText;
use rantevou_domain::ports::CreateConditions;
use rantevou_domain::ports::{
    Appointments as _, Bookings as _, Cancellations as _, LockReader as _,
};
use rantevou_domain::ports::{Created, IdempotencyKey, StoreError};
use rantevou_domain::{LockMonth, ProviderId};
use rantevou_store::DynamoStore;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn store_at(endpoint: &str, interceptor: Option<FailTransactions>) -> DynamoStore {
    let mut config = aws_sdk_dynamodb::Config::builder()
        .behavior_version_latest()
        .endpoint_url(endpoint)
        .region(Region::new("eu-central-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
        .retry_config(RetryConfig::disabled())
        .timeout_config(
            TimeoutConfig::builder()
                .operation_timeout(Duration::from_millis(700))
                .build(),
        );
    if let Some(i) = interceptor {
        config = config.interceptor(i);
    }
    DynamoStore::new(
        aws_sdk_dynamodb::Client::from_conf(config.build()),
        "rantevou",
    )
}

/// Serves every request with the same canned HTTP answer.
async fn canned(status: u16, headers: &'static str, body: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                let mut seen = Vec::new();
                // Read the head and the body (Content-Length) before answering.
                loop {
                    let Ok(n) = socket.read(&mut buf).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    seen.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&seen).to_string();
                    if let Some(head_end) = text.find("\r\n\r\n") {
                        let length = text[..head_end]
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        if seen.len() >= head_end + 4 + length {
                            break;
                        }
                    }
                }
                let reply = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/x-amz-json-1.0\r\n{headers}content-length: {}\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(reply.as_bytes()).await;
            });
        }
    });
    format!("http://{addr}")
}

async fn every_operation_fails_with(store: &DynamoStore, expected: fn(&StoreError) -> bool) {
    let config = config();
    let (a, _) = appointment(&config, "short", "sip", at(0), "A");
    let sip = ProviderId::parse("sip").unwrap();
    let results = [
        store
            .create(&a, &CreateConditions::default())
            .await
            .map(drop),
        store.get(a.id, at(0)).await.map(drop),
        store
            .cancel(&a, at(-600), &FreeText::default())
            .await
            .map(drop),
        store
            .locks(&sip, LockMonth::of(at(0)), at(-24 * 60))
            .await
            .map(drop),
    ];
    for r in results {
        let e = r.expect_err("must fail");
        assert!(expected(&e), "unexpected error {e:?}");
    }
}

#[tokio::test]
async fn a_refused_connection_is_unavailable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    every_operation_fails_with(&store_at(&endpoint, None), |e| {
        matches!(e, StoreError::Unavailable(_))
    })
    .await;
}

#[tokio::test]
async fn a_silent_endpoint_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    // Accepts connections and never answers.
    let _keep = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket);
        }
    });
    every_operation_fails_with(
        &store_at(&endpoint, None),
        |e| matches!(e, StoreError::Unavailable(m) if m.contains("timed out")),
    )
    .await;
}

#[tokio::test]
async fn throttling_is_its_own_error() {
    let endpoint = canned(
        400,
        "",
        r#"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"Rate of requests exceeds the allowed throughput."}"#,
    )
    .await;
    every_operation_fails_with(&store_at(&endpoint, None), |e| *e == StoreError::Throttled).await;
    let endpoint = canned(
        400,
        "",
        r#"{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"slow down"}"#,
    )
    .await;
    every_operation_fails_with(&store_at(&endpoint, None), |e| *e == StoreError::Throttled).await;
}

#[tokio::test]
async fn server_errors_and_garbage_are_unavailable() {
    let endpoint = canned(
        500,
        "",
        r#"{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"boom"}"#,
    )
    .await;
    every_operation_fails_with(&store_at(&endpoint, None), |e| {
        matches!(e, StoreError::Unavailable(_))
    })
    .await;
    let endpoint = canned(200, "", "this is not json {").await;
    let store = store_at(&endpoint, None);
    let config = config();
    let (a, _) = appointment(&config, "short", "sip", at(0), "A");
    assert!(matches!(
        store.get(a.id, at(0)).await,
        Err(StoreError::Unavailable(_))
    ));
    assert!(matches!(
        store
            .locks(&a.provider, LockMonth::of(at(0)), at(-24 * 60))
            .await,
        Err(StoreError::Unavailable(_))
    ));
}

#[tokio::test]
async fn transaction_conflicts_are_retried_then_reported() {
    let endpoint = canned(
        400,
        "",
        r#"{"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException","message":"Transaction cancelled","CancellationReasons":[{"Code":"TransactionConflict"},{"Code":"None"}]}"#,
    )
    .await;
    let store = store_at(&endpoint, None);
    let config = config();
    let (a, _) = appointment(&config, "short", "sip", at(0), "A");
    assert_eq!(
        store.create(&a, &CreateConditions::default()).await,
        Err(StoreError::Conflict)
    );
    assert_eq!(
        store.cancel(&a, at(-600), &FreeText::default()).await,
        Err(StoreError::Conflict)
    );
}

#[tokio::test]
async fn a_malformed_item_is_corrupt_not_a_panic() {
    for body in [
        r#"{"Item":{"PK":{"S":"APPT#x"},"SK":{"S":"APPT"},"status":{"S":"booked"}}}"#,
        r#"{"Item":{"PK":{"S":"APPT#x"},"SK":{"S":"APPT"},"id":{"N":"12"}}}"#,
        r#"{"Item":{"PK":{"S":"APPT#x"},"SK":{"S":"APPT"},"id":{"BS":["AAAA"]}}}"#,
    ] {
        let endpoint = canned(200, "", body).await;
        let store = store_at(&endpoint, None);
        let config = config();
        let (a, _) = appointment(&config, "short", "sip", at(0), "A");
        assert!(
            matches!(store.get(a.id, at(0)).await, Err(StoreError::Corrupt(_))),
            "{body}"
        );
    }
    let endpoint = canned(
        200,
        "",
        r#"{"Items":[{"PK":{"S":"LOCK#sip#2026-12"},"SK":{"S":"yesterday"}}],"Count":1}"#,
    )
    .await;
    let store = store_at(&endpoint, None);
    let sip = ProviderId::parse("sip").unwrap();
    assert!(matches!(
        store.locks(&sip, LockMonth::of(at(0)), at(-24 * 60)).await,
        Err(StoreError::Corrupt(_))
    ));
}

/// Fails the first `remaining` TransactWriteItems requests, before they are sent or after their
/// answer arrived (the answer is then lost, as on a dropped connection).
#[derive(Debug, Clone)]
struct FailTransactions {
    after_sending: bool,
    remaining: Arc<AtomicU32>,
}

impl FailTransactions {
    fn fail(&self, cfg: &ConfigBag) -> Result<(), BoxError> {
        let is_transaction = cfg
            .load::<Metadata>()
            .is_some_and(|m| m.name() == "TransactWriteItems");
        if is_transaction
            && self
                .remaining
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok()
        {
            return Err("injected fault".into());
        }
        Ok(())
    }
}

impl Intercept for FailTransactions {
    fn name(&self) -> &'static str {
        "FailTransactions"
    }

    fn read_before_transmit(
        &self,
        _: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if self.after_sending {
            Ok(())
        } else {
            self.fail(cfg)
        }
    }

    fn read_after_transmit(
        &self,
        _: &BeforeDeserializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if self.after_sending {
            self.fail(cfg)
        } else {
            Ok(())
        }
    }
}

/// A DynamoDB store on the local endpoint whose client injects `fault`.
async fn faulty_dynamo(fault: FailTransactions) -> Option<(DynamoStore, DynamoStore)> {
    let (healthy, _) = crate::support::dynamo().await?;
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version_latest()
        .endpoint_url(crate::support::moto_url()?)
        .region(Region::new("eu-central-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
        .interceptor(fault)
        .build();
    let faulty = DynamoStore::new(aws_sdk_dynamodb::Client::from_conf(config), healthy.table());
    Some((faulty, healthy))
}

#[tokio::test]
async fn a_request_that_never_left_stores_nothing() {
    let fault = FailTransactions {
        after_sending: false,
        remaining: Arc::new(AtomicU32::new(1)),
    };
    let Some((faulty, healthy)) = faulty_dynamo(fault).await else {
        return;
    };
    let config = config();
    let (a, _) = appointment(&config, "long", "sip", at(0), "A");
    assert!(matches!(
        faulty.create(&a, &CreateConditions::default()).await,
        Err(StoreError::Unavailable(_))
    ));
    assert_eq!(healthy.get(a.id, at(0)).await.unwrap(), None);
    let sip = ProviderId::parse("sip").unwrap();
    assert!(healthy
        .locks(&sip, LockMonth::of(at(0)), at(-24 * 60))
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn a_lost_answer_then_a_retry_with_the_same_key_books_once() {
    let fault = FailTransactions {
        after_sending: true,
        remaining: Arc::new(AtomicU32::new(1)),
    };
    let Some((faulty, healthy)) = faulty_dynamo(fault).await else {
        return;
    };
    let config = config();
    let key = IdempotencyKey::parse("retry-me").unwrap();
    let (a, _) = appointment(&config, "short", "sip", at(0), "A");
    // The write happened but its answer was lost: the caller sees an error…
    assert!(faulty
        .create(
            &a,
            &CreateConditions {
                idempotency_key: Some(&key),
                ..Default::default()
            }
        )
        .await
        .is_err());
    // …and the client's retry (new id, same details, same key) gets the first booking back.
    let (retry, _) = appointment(&config, "short", "sip", at(0), "A");
    assert_eq!(
        faulty
            .create(
                &retry,
                &CreateConditions {
                    idempotency_key: Some(&key),
                    ..Default::default()
                }
            )
            .await
            .unwrap(),
        Created::Replayed(a.clone())
    );
    assert_eq!(healthy.get(retry.id, at(-60)).await.unwrap(), None);
    let sip = ProviderId::parse("sip").unwrap();
    assert_eq!(
        healthy
            .locks(&sip, LockMonth::of(at(0)), at(-24 * 60))
            .await
            .unwrap()
            .len(),
        1
    );
}
