//! The pushed configuration on both stores: stored with its version, read whole or by its
//! version alone; the same file pushed twice is one version, another file another one. On
//! DynamoDB the version check is one `GetItem` of one attribute, and an item pushed before
//! versions were stored still has one (its digest).

use aws_sdk_dynamodb::types::AttributeValue;
use rantevou_domain::ports::ConfigSource;

const SAMPLE: &str = rantevou_testkit::SAMPLE_TOML;

/// Nothing stored before the three pushes: `pushed` says what each answered.
async fn versions(store: &dyn ConfigSource, pushed: &[(String, &str)]) {
    let (first, second, again) = (&pushed[0], &pushed[1], &pushed[2]);
    assert_eq!(first.0, rantevou_store::config_version(first.1));
    assert_eq!(first.0.len(), 16);
    assert_ne!(first.0, second.0, "another source, another version");
    assert_eq!(
        first.0, again.0,
        "the same source pushed again is the same version"
    );
    let stored = store.load_config().await.unwrap().unwrap();
    assert_eq!(stored.source, again.1);
    assert_eq!(stored.version, again.0);
    assert_eq!(store.config_version().await.unwrap(), Some(again.0.clone()));
}

fn other() -> String {
    SAMPLE.replace("grid_minutes = 20", "grid_minutes = 30")
}

#[tokio::test]
async fn sqlite_stores_the_configuration_with_its_version() {
    let (store, _dir) = crate::support::sqlite();
    assert_eq!(store.load_config().await.unwrap(), None);
    let other = other();
    let mut pushed = vec![];
    for source in [SAMPLE, other.as_str(), SAMPLE] {
        pushed.push((store.save_config(source).await.unwrap(), source));
    }
    versions(&store, &pushed).await;
}

#[tokio::test]
async fn dynamodb_stores_the_configuration_with_its_version_and_checks_it_in_one_small_read() {
    let Some((store, requests)) = crate::support::dynamo().await else {
        return;
    };
    assert_eq!(store.config_version().await.unwrap(), None);
    let other = other();
    let mut pushed = vec![];
    for source in [SAMPLE, other.as_str(), SAMPLE] {
        pushed.push((store.save_config(source).await.unwrap(), source));
    }
    versions(&store, &pushed).await;
    requests.take();
    store.config_version().await.unwrap();
    assert_eq!(requests.take(), vec!["GetItem"], "one request");

    // Pushed by an older rantevou, without a version: its digest is its version.
    store
        .client()
        .put_item()
        .table_name(store.table())
        .item("PK", AttributeValue::S("CONFIG".into()))
        .item("SK", AttributeValue::S("LIBRARY".into()))
        .item("source", AttributeValue::S(other.clone()))
        .send()
        .await
        .unwrap();
    let version = rantevou_store::config_version(&other);
    assert_eq!(store.config_version().await.unwrap(), Some(version.clone()));
    assert_eq!(store.load_config().await.unwrap().unwrap().version, version);
}
