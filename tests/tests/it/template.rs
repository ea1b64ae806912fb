//! `template.yaml` agrees with the code: every function in it has a crate (and the other way
//! round), its HTTP routes are the served routes (so also `openapi.yaml`'s), every HTTP
//! function has an `events/` sample, and the table equals `infra/dynamodb-table.json`.

use rantevou_http::routes::ROUTES;
use std::collections::BTreeSet;
use yaml_rust2::{Yaml, YamlLoader};

fn template() -> Yaml {
    let text = std::fs::read_to_string(rantevou_tests::root().join("template.yaml")).unwrap();
    YamlLoader::load_from_str(&text)
        .expect("template.yaml parses")
        .remove(0)
}

fn resources_of_type<'a>(t: &'a Yaml, kind: &str) -> Vec<(&'a str, &'a Yaml)> {
    t["Resources"]
        .as_hash()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"].as_str() == Some(kind))
        .map(|(k, r)| (k.as_str().unwrap(), r))
        .collect()
}

/// The function's crate: its `CodeUri` (`functions/<fn>`), built by `sam build` with cargo
/// lambda into one `bootstrap` of that crate's binary of the same name.
fn function_name(resource: &Yaml) -> String {
    let code = resource["Properties"]["CodeUri"].as_str().expect("CodeUri");
    let name = code
        .strip_prefix("functions/")
        .expect("CodeUri at functions/<fn>")
        .to_owned();
    let metadata = &resource["Metadata"];
    assert_eq!(
        metadata["BuildMethod"].as_str(),
        Some("rust-cargolambda"),
        "{name}: built by sam build with cargo lambda"
    );
    assert_eq!(
        metadata["BuildProperties"]["Binary"].as_str(),
        Some(name.as_str()),
        "{name}: the binary of its own crate"
    );
    name
}

#[test]
fn every_function_has_a_crate_and_every_crate_a_function() {
    let t = template();
    let in_template: BTreeSet<String> = resources_of_type(&t, "AWS::Serverless::Function")
        .iter()
        .map(|(_, r)| function_name(r))
        .collect();
    let crates: BTreeSet<String> = std::fs::read_dir(rantevou_tests::root().join("functions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(in_template, crates);
    for (name, r) in resources_of_type(&t, "AWS::Serverless::Function") {
        let props = &r["Properties"];
        assert!(
            props["LoggingConfig"]["LogGroup"]["Ref"].as_str().is_some(),
            "{name} logs to a group with retention"
        );
        for statement in props["Policies"][0]["Statement"].as_vec().unwrap() {
            let actions = statement["Action"].as_vec().unwrap();
            assert!(
                actions.iter().all(|a| !a.as_str().unwrap().contains('*')),
                "{name}: no wildcard actions"
            );
        }
    }
    let globals = &t["Globals"]["Function"];
    assert_eq!(globals["Runtime"].as_str(), Some("provided.al2023"));
    assert_eq!(globals["Architectures"][0].as_str(), Some("arm64"));
    assert_eq!(globals["Tracing"].as_str(), Some("Active"));
    assert_eq!(globals["LoggingConfig"]["LogFormat"].as_str(), Some("JSON"));
}

#[test]
fn template_routes_are_the_served_routes_with_events() {
    let t = template();
    let mut routes = BTreeSet::new();
    for (_, r) in resources_of_type(&t, "AWS::Serverless::Function") {
        let function = function_name(r);
        for (_, event) in r["Properties"]["Events"].as_hash().unwrap() {
            if event["Type"].as_str() == Some("HttpApi") {
                let p = &event["Properties"];
                routes.insert((
                    p["Method"].as_str().unwrap().to_owned(),
                    p["Path"].as_str().unwrap().to_owned(),
                    function.clone(),
                ));
            }
        }
    }
    let served: BTreeSet<(String, String, String)> = ROUTES
        .iter()
        .map(|r| {
            (
                r.method.to_owned(),
                r.path.to_owned(),
                r.function.name().to_owned(),
            )
        })
        .collect();
    assert_eq!(routes, served);
    let events: BTreeSet<String> = std::fs::read_dir(rantevou_tests::root().join("events"))
        .unwrap()
        .map(|e| {
            e.unwrap()
                .file_name()
                .into_string()
                .unwrap()
                .split('.')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    for (_, _, function) in &routes {
        assert!(
            events.contains(function),
            "{function} has no events/ sample"
        );
    }
}

#[test]
fn the_table_is_the_one_defined_in_infra() {
    let t = template();
    let table = &t["Resources"]["Table"]["Properties"];
    let def: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(rantevou_tests::root().join("infra/dynamodb-table.json")).unwrap(),
    )
    .unwrap();
    let pairs = |y: &Yaml, a: &str, b: &str| -> BTreeSet<(String, String)> {
        y.as_vec()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e[a].as_str().unwrap().to_owned(),
                    e[b].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let json_pairs = |v: &serde_json::Value, a: &str, b: &str| -> BTreeSet<(String, String)> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e[a].as_str().unwrap().to_owned(),
                    e[b].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(
        pairs(
            &table["AttributeDefinitions"],
            "AttributeName",
            "AttributeType"
        ),
        json_pairs(
            &def["AttributeDefinitions"],
            "AttributeName",
            "AttributeType"
        )
    );
    assert_eq!(
        pairs(&table["KeySchema"], "AttributeName", "KeyType"),
        json_pairs(&def["KeySchema"], "AttributeName", "KeyType")
    );
    let gsis = table["GlobalSecondaryIndexes"].as_vec().unwrap();
    let json_gsis = def["GlobalSecondaryIndexes"].as_array().unwrap();
    assert_eq!(gsis.len(), json_gsis.len());
    for (y, j) in gsis.iter().zip(json_gsis) {
        assert_eq!(y["IndexName"].as_str(), j["IndexName"].as_str());
        assert_eq!(
            pairs(&y["KeySchema"], "AttributeName", "KeyType"),
            json_pairs(&j["KeySchema"], "AttributeName", "KeyType")
        );
        assert_eq!(
            y["Projection"]["ProjectionType"].as_str(),
            j["Projection"]["ProjectionType"].as_str()
        );
    }
    assert_eq!(table["BillingMode"].as_str(), def["BillingMode"].as_str());
    assert_eq!(
        table["TimeToLiveSpecification"]["AttributeName"].as_str(),
        def["TimeToLiveAttribute"].as_str()
    );
    assert_eq!(
        table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"].as_bool(),
        Some(true)
    );
    assert_eq!(
        table["SSESpecification"]["SSEEnabled"].as_bool(),
        Some(true)
    );
}

#[test]
fn cloudfront_sends_the_headers_rantevou_serve_sends() {
    let t = template();
    let policies = resources_of_type(&t, "AWS::CloudFront::ResponseHeadersPolicy");
    assert_eq!(policies.len(), 2, "the site's and the staff console's");
    // The staff console's is the site's, with the sign-in's token endpoint to fetch from.
    let staff =
        &t["Resources"]["StaffSecurityHeaders"]["Properties"]["ResponseHeadersPolicyConfig"];
    let staff_csp = staff["SecurityHeadersConfig"]["ContentSecurityPolicy"]
        ["ContentSecurityPolicy"]["Fn::Sub"]
        .as_str()
        .unwrap();
    assert_eq!(
        staff_csp.replace(
            " https://${StaffSignInDomain}.auth.${AWS::Region}.amazoncognito.com",
            ""
        ),
        rantevou::serve::SITE_CSP
    );
    let config = &t["Resources"]["SecurityHeaders"]["Properties"]["ResponseHeadersPolicyConfig"];
    let security = &config["SecurityHeadersConfig"];
    assert_eq!(
        security["ContentSecurityPolicy"]["ContentSecurityPolicy"].as_str(),
        Some(rantevou::serve::SITE_CSP)
    );
    assert_eq!(
        security["FrameOptions"]["FrameOption"].as_str(),
        Some("DENY")
    );
    assert_eq!(
        security["ReferrerPolicy"]["ReferrerPolicy"].as_str(),
        Some("no-referrer")
    );
    assert!(
        security["StrictTransportSecurity"]["AccessControlMaxAgeSec"]
            .as_i64()
            .unwrap_or(0)
            >= 31_536_000,
        "HSTS for a year at least"
    );
    let custom = &config["CustomHeadersConfig"]["Items"][0];
    assert_eq!(custom["Header"].as_str(), Some("Permissions-Policy"));
    assert_eq!(
        custom["Value"].as_str(),
        Some(rantevou::serve::PERMISSIONS_POLICY)
    );
    // Both behaviours carry it.
    let (_, distribution) = resources_of_type(&t, "AWS::CloudFront::Distribution")[0];
    let config = &distribution["Properties"]["DistributionConfig"];
    let mut behaviours = vec![&config["DefaultCacheBehavior"]];
    behaviours.extend(config["CacheBehaviors"].as_vec().unwrap());
    for b in behaviours {
        assert!(
            !b["ResponseHeadersPolicyId"].is_badvalue(),
            "{:?} has no response-headers policy",
            b["PathPattern"]
        );
    }
}

#[test]
fn access_logs_keep_no_query_string_and_expire() {
    let t = template();
    let (_, api) = resources_of_type(&t, "AWS::Serverless::HttpApi")[0];
    let format = api["Properties"]["AccessLogSettings"]["Format"]
        .as_str()
        .expect("the API has access logs");
    let fields: serde_json::Value = serde_json::from_str(format).expect("JSON lines");
    assert_eq!(fields["route"], "$context.routeKey");
    for leaky in [
        "$context.path",
        "$context.rawQueryString",
        "querystring",
        "body",
    ] {
        assert!(!format.contains(leaky), "{leaky} in the API's access log");
    }
    let (_, delivery) = resources_of_type(&t, "AWS::Logs::Delivery")[0];
    let fields: Vec<&str> = delivery["Properties"]["RecordFields"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(Yaml::as_str)
        .collect();
    assert!(fields.contains(&"cs-uri-stem") && fields.contains(&"c-ip"));
    for leaky in ["cs-uri-query", "cs(Cookie)", "cs(Referer)"] {
        assert!(
            !fields.contains(&leaky),
            "{leaky} in CloudFront's access log"
        );
    }
    for (name, group) in resources_of_type(&t, "AWS::Logs::LogGroup") {
        assert!(
            !group["Properties"]["RetentionInDays"].is_badvalue(),
            "{name} keeps its logs forever"
        );
    }
}

#[test]
fn every_staff_route_and_no_other_is_behind_the_staff_pools_authorizer() {
    let t = template();
    let mut staff_routes = 0;
    for (_, r) in resources_of_type(&t, "AWS::Serverless::Function") {
        for (_, event) in r["Properties"]["Events"].as_hash().unwrap() {
            if event["Type"].as_str() != Some("HttpApi") {
                continue;
            }
            let p = &event["Properties"];
            let path = p["Path"].as_str().unwrap();
            let authorizer = p["Auth"]["Authorizer"].as_str();
            if rantevou_http::routes::is_staff(path) {
                staff_routes += 1;
                assert_eq!(
                    authorizer,
                    Some("StaffJwt"),
                    "{path} without the authorizer"
                );
            } else {
                assert_eq!(authorizer, None, "{path} is public");
            }
        }
    }
    let expected = ROUTES
        .iter()
        .filter(|r| rantevou_http::routes::is_staff(r.path))
        .count();
    assert!(expected > 10);
    assert_eq!(staff_routes, expected);

    // The authorizer trusts the staff pool's tokens for the console's client only, read from
    // the Authorization header; the client is public (no secret) and uses the code flow.
    let api = &t["Resources"]["HttpApi"]["Properties"]["Auth"]["Authorizers"]["StaffJwt"];
    assert_eq!(
        api["IdentitySource"].as_str(),
        Some("$request.header.Authorization")
    );
    let jwt = &api["JwtConfiguration"];
    assert_eq!(
        jwt["issuer"]["Fn::Sub"].as_str(),
        Some("https://cognito-idp.${AWS::Region}.amazonaws.com/${StaffUserPool}")
    );
    assert_eq!(
        jwt["audience"][0]["Ref"].as_str(),
        Some("StaffConsoleClient")
    );
    let client = &t["Resources"]["StaffConsoleClient"]["Properties"];
    assert_eq!(client["GenerateSecret"].as_bool(), Some(false));
    assert_eq!(client["AllowedOAuthFlows"][0].as_str(), Some("code"));
    let group = &t["Resources"]["StaffGroup"]["Properties"];
    assert_eq!(
        group["GroupName"].as_str(),
        Some(rantevou_domain::staff::STAFF_GROUP)
    );
    let pool = &t["Resources"]["StaffUserPool"]["Properties"];
    assert_eq!(
        pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"].as_bool(),
        Some(true),
        "no sign-up: the IT person makes staff accounts"
    );
}

/// Every alarm reaches a person: the alarm topic, on firing and on clearing; the topic mails
/// `AlarmEmail`.
#[test]
fn every_alarm_tells_the_alarm_topic_which_mails_a_person() {
    let t = template();
    let alarms = resources_of_type(&t, "AWS::CloudWatch::Alarm");
    assert!(alarms.len() >= 15, "{}", alarms.len());
    for (name, alarm) in &alarms {
        for actions in ["AlarmActions", "OKActions"] {
            let list = alarm["Properties"][actions]
                .as_vec()
                .unwrap_or_else(|| panic!("{name}: {actions}"));
            assert_eq!(list.len(), 1, "{name}");
            assert_eq!(
                list[0]["Ref"].as_str(),
                Some("AlarmTopic"),
                "{name}: {actions}"
            );
        }
    }
    let subscription = &t["Resources"]["AlarmSubscription"]["Properties"];
    assert_eq!(subscription["Protocol"].as_str(), Some("email"));
    assert_eq!(subscription["Endpoint"]["Ref"].as_str(), Some("AlarmEmail"));
    assert_eq!(subscription["TopicArn"]["Ref"].as_str(), Some("AlarmTopic"));

    // The table's throttling is read where DynamoDB publishes it by table alone.
    let throttle = &t["Resources"]["TableThrottleAlarm"]["Properties"]["Metrics"];
    let names: Vec<&str> = throttle
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(|m| m["MetricStat"]["Metric"]["MetricName"].as_str())
        .collect();
    assert_eq!(names, ["ReadThrottleEvents", "WriteThrottleEvents"]);
    // The scheduler's silence is an alarm.
    let heartbeat = &t["Resources"]["SchedulerHeartbeatAlarm"]["Properties"];
    assert_eq!(heartbeat["TreatMissingData"].as_str(), Some("breaching"));
    assert_eq!(
        heartbeat["MetricName"].as_str(),
        Some(rantevou_domain::ports::Metric::SchedulerRuns.name())
    );
    // Every log group of a function that sends mail feeds the given-up count.
    let filtered: BTreeSet<&str> = resources_of_type(&t, "AWS::Logs::MetricFilter")
        .iter()
        .filter_map(|(_, f)| f["Properties"]["LogGroupName"]["Ref"].as_str())
        .collect();
    for group in [
        "CreateAppointmentLogs",
        "CancelAppointmentLogs",
        "ConfirmAppointmentLogs",
        "StaffApiLogs",
        "SendPendingMailLogs",
    ] {
        assert!(filtered.contains(group), "{group}");
    }
}

/// Each function is released through its alias with a canary its own errors alarm rolls back.
#[test]
fn every_function_is_released_through_an_alias_with_a_canary() {
    let t = template();
    assert_eq!(
        t["Globals"]["Function"]["AutoPublishAlias"].as_str(),
        Some("live")
    );
    for (logical, f) in resources_of_type(&t, "AWS::Serverless::Function") {
        let preference = &f["Properties"]["DeploymentPreference"];
        assert!(
            preference["Type"]
                .as_str()
                .is_some_and(|k| k.starts_with("Canary")),
            "{logical}"
        );
        let errors = format!("{}ErrorsAlarm", logical.trim_end_matches("Function"));
        assert_eq!(
            preference["Alarms"][0]["Ref"].as_str(),
            Some(errors.as_str()),
            "{logical}"
        );
        assert!(t["Resources"][errors.as_str()]["Type"].as_str().is_some());
    }
}

/// Bounces and complaints reach the scheduler's function: the configuration set's event
/// destination sends them to EventBridge, a rule of that function takes SES's events.
#[test]
fn bounces_and_complaints_reach_the_scheduler() {
    let t = template();
    let destination = &t["Resources"]["MailEventDestination"]["Properties"]["EventDestination"];
    let kinds: BTreeSet<&str> = destination["MatchingEventTypes"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(Yaml::as_str)
        .collect();
    for kind in ["BOUNCE", "COMPLAINT", "REJECT", "DELIVERY_DELAY"] {
        assert!(kinds.contains(kind), "{kind}");
    }
    assert!(
        destination["EventBridgeDestination"]["EventBusArn"]["Fn::Sub"]
            .as_str()
            .unwrap()
            .ends_with("event-bus/default")
    );
    let rule = &t["Resources"]["SendPendingMailFunction"]["Properties"]["Events"]["MailFeedback"];
    assert_eq!(rule["Type"].as_str(), Some("EventBridgeRule"));
    assert_eq!(
        rule["Properties"]["Pattern"]["source"][0].as_str(),
        Some("aws.ses")
    );
    // The fixtures' event kinds are the rule's.
    let types: BTreeSet<&str> = rule["Properties"]["Pattern"]["detail-type"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(Yaml::as_str)
        .collect();
    for name in ["ses-bounce", "ses-complaint", "ses-delay"] {
        let path = rantevou_tests::root().join(format!("events/send-pending-mail.{name}.json"));
        let event: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert!(
            types.contains(event["detail-type"].as_str().unwrap()),
            "{name}"
        );
    }
}

/// The dashboard shows exactly the metrics the code emits (and the given-up count of the log
/// metric filters), no name the code does not know.
#[test]
fn the_dashboard_names_only_metrics_the_code_emits() {
    let t = template();
    let body = t["Resources"]["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
        .as_str()
        .expect("a dashboard body");
    let body: serde_json::Value = serde_json::from_str(body).expect("the body is JSON");
    let mut shown = BTreeSet::new();
    for widget in body["widgets"].as_array().unwrap() {
        for metric in widget["properties"]["metrics"].as_array().unwrap() {
            if metric[0] == "rantevou" {
                shown.insert(metric[1].as_str().unwrap().to_owned());
            }
        }
    }
    let mut emitted: BTreeSet<String> = rantevou_domain::ports::Metric::ALL
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    for (_, filter) in resources_of_type(&t, "AWS::Logs::MetricFilter") {
        for transform in filter["Properties"]["MetricTransformations"]
            .as_vec()
            .unwrap()
        {
            emitted.insert(transform["MetricName"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(shown, emitted);
}
