//! The routes in `openapi.yaml`, the route table the functions are wired by, and the events
//! are the same set; and every listed route is really served by its function.

use rantevou_http::routes::{function_for, ROUTES};
use std::collections::BTreeSet;
use yaml_rust2::YamlLoader;

fn openapi_routes() -> BTreeSet<(String, String)> {
    let text = std::fs::read_to_string(rantevou_tests::root().join("openapi.yaml")).unwrap();
    let docs = YamlLoader::load_from_str(&text).expect("openapi.yaml parses");
    let doc = &docs[0];
    assert_eq!(doc["openapi"].as_str(), Some("3.1.0"));
    let mut routes = BTreeSet::new();
    for (path, item) in doc["paths"].as_hash().expect("paths") {
        for (method, _) in item.as_hash().expect("path item") {
            let method = method.as_str().unwrap().to_ascii_uppercase();
            routes.insert((method, path.as_str().unwrap().to_owned()));
        }
    }
    routes
}

#[test]
fn openapi_and_the_route_table_list_the_same_routes() {
    let served: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    assert_eq!(openapi_routes(), served);
}

#[test]
fn every_route_has_an_event_and_every_event_a_route() {
    let mut covered = BTreeSet::new();
    for entry in std::fs::read_dir(rantevou_tests::root().join("events")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "json") {
            continue; // walk.txt, the walk's order
        }
        let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let event: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        if event["source"]
            .as_str()
            .is_some_and(|s| s.starts_with("aws."))
        {
            // The scheduler's tick and SES's events, not routes (see lambda_watch.rs).
            continue;
        }
        let route_key = event["routeKey"].as_str().unwrap();
        let (method, route) = route_key.split_once(' ').unwrap();
        let function = name.split('.').next().unwrap();
        let raw = event["rawPath"].as_str().unwrap();
        assert_eq!(
            function_for(method, raw).map(|f| f.name()),
            Some(function),
            "{name}: {route_key} is not served by {function}"
        );
        covered.insert((method.to_owned(), route.to_owned()));
    }
    let all: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    assert_eq!(covered, all, "every route has at least one event");
}

#[tokio::test]
async fn every_route_is_answered_by_its_function() {
    let (deps, _dir) = rantevou_tests::deps();
    let seeded = rantevou_tests::seed_event_appointment(&deps).await;
    for route in ROUTES {
        let path = route.path.replace("{id}", &seeded.id.to_string());
        let uri = format!(
            "{path}?token={}&service=mylibrarylive",
            rantevou_tests::EVENT_TOKEN
        );
        let mut builder = lambda_http::http::Request::builder()
            .method(route.method)
            .uri(uri);
        let body = if route.method == "POST" {
            builder = builder.header("content-type", "application/json");
            lambda_http::Body::Text("{}".into())
        } else {
            lambda_http::Body::Empty
        };
        let r = deps
            .functions
            .call(route.function, builder.body(body).unwrap())
            .await;
        // Served: the function recognised the route (a 404 would be an unknown route or id).
        assert!(
            ![404, 405].contains(&r.status().as_u16()),
            "{} {}: {}",
            route.method,
            route.path,
            r.status()
        );
    }
}

#[test]
fn every_event_promises_a_status() {
    let mut files: Vec<String> = std::fs::read_dir(rantevou_tests::root().join("events"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        // The scheduler's tick and SES's events answer no status (see lambda_watch.rs).
        .filter(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            !text.contains("\"aws.events\"") && !text.contains("\"aws.ses\"")
        })
        .map(|p| p.file_stem().unwrap().to_str().unwrap().to_owned())
        .collect();
    files.sort();
    let mut listed: Vec<String> = rantevou_tests::EVENT_STATUSES
        .iter()
        .map(|(n, _)| (*n).to_owned())
        .collect();
    listed.sort();
    assert_eq!(files, listed);
}

#[tokio::test]
async fn every_event_answers_as_promised_in_process() {
    let (deps, _dir) = rantevou_tests::deps();
    rantevou_tests::seed_event_appointment(&deps).await;
    for (name, status) in rantevou_tests::EVENT_STATUSES.iter() {
        let r = rantevou_tests::invoke(name, &deps).await;
        assert_eq!(
            r.status().as_u16(),
            *status,
            "{name}: {}",
            rantevou_tests::text(&r)
        );
    }
}
