//! The staff sign-in on AWS, against moto's Cognito: a pool, the console's public client and
//! the `staff` group as `template.yaml` makes them, a librarian in the group and a student
//! outside it. The ID tokens Cognito issues carry the issuer and audience the template's JWT
//! authorizer is configured with, and — passed on as API Gateway passes claims (arrays as
//! `[a b]`) — the staff function serves the librarian and refuses the student (403).

use base64::Engine;
use rantevou_domain::staff::STAFF_GROUP;
use rantevou_tests::{call, deps, json, text};
use std::collections::HashMap;
use yaml_rust2::YamlLoader;

const REGION: &str = "eu-central-1";

/// One Cognito call on moto (AWS JSON 1.1; moto reads the service and region from the
/// credential scope and checks no signature).
fn cognito(moto: &str, action: &str, body: serde_json::Value) -> serde_json::Value {
    let target = format!("AWSCognitoIdentityProviderService.{action}");
    let auth = format!(
        "AWS4-HMAC-SHA256 Credential=test/20261128/{REGION}/cognito-idp/aws4_request, SignedHeaders=host, Signature=0"
    );
    let (status, _, answer) = rantevou_tests::http(
        "POST",
        &format!("{moto}/"),
        &[
            ("content-type", "application/x-amz-json-1.1"),
            ("x-amz-target", &target),
            ("authorization", &auth),
        ],
        &body.to_string(),
    );
    assert_eq!(status, 200, "{action}: {answer}");
    serde_json::from_str(&answer).unwrap()
}

/// The claims of a JWT's payload (not verified here: that is the authorizer's job).
fn payload(jwt: &str) -> serde_json::Map<String, serde_json::Value> {
    let part = jwt.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

/// The claims as API Gateway's JWT authorizer hands them to a function: every value a string,
/// an array as `[a b]`.
fn as_api_gateway_passes(
    claims: &serde_json::Map<String, serde_json::Value>,
) -> HashMap<String, String> {
    claims
        .iter()
        .map(|(k, v)| {
            let s = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Array(items) => format!(
                    "[{}]",
                    items
                        .iter()
                        .map(|i| i.as_str().unwrap_or_default().to_owned())
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
                other => other.to_string(),
            };
            (k.clone(), s)
        })
        .collect()
}

/// The template's authorizer issuer, with the pool's id and the region put in.
fn template_issuer(pool_id: &str) -> String {
    let text = std::fs::read_to_string(rantevou_tests::root().join("template.yaml")).unwrap();
    let t = YamlLoader::load_from_str(&text).unwrap().remove(0);
    t["Resources"]["HttpApi"]["Properties"]["Auth"]["Authorizers"]["StaffJwt"]["JwtConfiguration"]
        ["issuer"]["Fn::Sub"]
        .as_str()
        .unwrap()
        .replace("${AWS::Region}", REGION)
        .replace("${StaffUserPool}", pool_id)
}

fn sign_in(moto: &str, pool: &str, client: &str, email: &str, groups: &[&str]) -> String {
    cognito(
        moto,
        "AdminCreateUser",
        serde_json::json!({
            "UserPoolId": pool, "Username": email, "MessageAction": "SUPPRESS",
            "UserAttributes": [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
            "TemporaryPassword": "Temp-Passw0rd!",
        }),
    );
    cognito(
        moto,
        "AdminSetUserPassword",
        serde_json::json!({
            "UserPoolId": pool, "Username": email, "Password": "Librar1an-Passw0rd", "Permanent": true,
        }),
    );
    for g in groups {
        cognito(
            moto,
            "AdminAddUserToGroup",
            serde_json::json!({
                "UserPoolId": pool, "Username": email, "GroupName": g,
            }),
        );
    }
    let auth = cognito(
        moto,
        "AdminInitiateAuth",
        serde_json::json!({
            "UserPoolId": pool, "ClientId": client, "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": email, "PASSWORD": "Librar1an-Passw0rd"},
        }),
    );
    auth["AuthenticationResult"]["IdToken"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn cognito_tokens_carry_what_the_authorizer_and_the_staff_function_expect() {
    let Some(moto) = rantevou_testkit::moto_url() else {
        return;
    };
    let pool = cognito(&moto, "CreateUserPool", serde_json::json!({
        "PoolName": "rantevou-staff", "UsernameAttributes": ["email"], "AutoVerifiedAttributes": ["email"],
        "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": true},
    }))["UserPool"]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let client = cognito(
        &moto,
        "CreateUserPoolClient",
        serde_json::json!({
            "UserPoolId": pool, "ClientName": "staff-console", "GenerateSecret": false,
            "AllowedOAuthFlowsUserPoolClient": true, "AllowedOAuthFlows": ["code"],
            "AllowedOAuthScopes": ["openid", "email", "profile"],
            "CallbackURLs": ["https://book.example.org/staff/"],
            "ExplicitAuthFlows": ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        }),
    )["UserPoolClient"]["ClientId"]
        .as_str()
        .unwrap()
        .to_owned();
    cognito(
        &moto,
        "CreateGroup",
        serde_json::json!({"UserPoolId": pool, "GroupName": STAFF_GROUP}),
    );
    cognito(
        &moto,
        "CreateGroup",
        serde_json::json!({"UserPoolId": pool, "GroupName": "students"}),
    );

    let librarian = payload(&sign_in(
        &moto,
        &pool,
        &client,
        "maria@uom.edu.gr",
        &[STAFF_GROUP],
    ));
    // What the template's authorizer checks: the issuer (its Fn::Sub, filled in) and the
    // audience (the console client's id); and a token meant for identity (an ID token).
    assert_eq!(librarian["iss"], template_issuer(&pool));
    assert_eq!(librarian["aud"], client.as_str());
    assert_eq!(librarian["token_use"], "id");
    assert_eq!(librarian["email"], "maria@uom.edu.gr");
    assert_eq!(
        librarian["cognito:groups"],
        serde_json::json!([STAFF_GROUP])
    );
    let student = payload(&sign_in(
        &moto,
        &pool,
        &client,
        "student@uom.edu.gr",
        &["students"],
    ));
    assert_eq!(student["aud"], client.as_str());

    // The staff function, given the claims as API Gateway passes them.
    let (deps, _dir) = deps();
    let request = |claims: &serde_json::Map<String, serde_json::Value>| {
        let req = lambda_http::http::Request::builder()
            .uri("/api/staff/me")
            .body(lambda_http::Body::Empty)
            .unwrap();
        rantevou_http::staff::with_claims(req, as_api_gateway_passes(claims))
    };
    let r = call("staff-api", request(&librarian), &deps).await;
    assert_eq!(r.status().as_u16(), 200, "{}", text(&r));
    assert_eq!(json(&r)["who"], "maria@uom.edu.gr");
    let r = call("staff-api", request(&student), &deps).await;
    assert_eq!(r.status().as_u16(), 403, "{}", text(&r));
}
