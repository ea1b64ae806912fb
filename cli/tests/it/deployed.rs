//! The commands against the deployed service, as an IT person runs them: found from the
//! stack's outputs (`--stack`) or the documented variables, and, when something is missing,
//! one sentence saying what (the region, the credentials, the table, the keys' secret), with
//! nothing else on the screen. Each run gets a clean environment: no profile, no credentials,
//! no region unless the case gives them.

use std::path::Path;
use std::process::Command;

/// `rantevou ARGS` with only `vars` (and PATH, a HOME without ~/.aws): success, stdout, stderr.
fn rantevou(home: &Path, vars: &[(&str, &str)], args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rantevou"))
        .args(args)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home)
        .env("AWS_CONFIG_FILE", home.join("no-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("no-credentials"))
        .envs(vars.iter().copied())
        .current_dir(rantevou_testkit::root())
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The run failed with exactly one line on stderr, containing `needle`.
fn one_sentence(run: (bool, String, String), needle: &str) -> String {
    let (success, stdout, stderr) = run;
    assert!(!success, "should fail: {stdout}{stderr}");
    assert!(stdout.is_empty(), "nothing on stdout: {stdout}");
    assert_eq!(
        stderr.lines().count(),
        1,
        "one line, no log noise: {stderr}"
    );
    assert!(stderr.contains(needle), "{needle:?} in {stderr}");
    stderr
}

const REGION: (&str, &str) = ("AWS_REGION", "eu-central-1");
const CREDENTIALS: [(&str, &str); 2] = [
    ("AWS_ACCESS_KEY_ID", "test"),
    ("AWS_SECRET_ACCESS_KEY", "test"),
];

#[test]
fn without_region_credentials_or_table_each_is_one_sentence() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    // Nothing at all: the region is named first.
    let said = one_sentence(rantevou(h, &[], &["agenda"]), "no AWS region");
    assert!(said.contains("AWS_REGION"), "{said}");
    let said = one_sentence(
        rantevou(h, &[], &["config", "push"]),
        "no AWS region: set AWS_REGION",
    );
    assert!(said.starts_with("rantevou: "), "{said}");

    // A region, no credentials: the chain tries the instance metadata service too (its
    // warnings used to fill the screen), then says so in one sentence.
    let said = one_sentence(
        rantevou(h, &[REGION], &["config", "push"]),
        "no AWS credentials",
    );
    assert!(
        said.contains("AWS_PROFILE") && said.contains("AWS_ACCESS_KEY_ID"),
        "{said}"
    );
    one_sentence(
        rantevou(
            h,
            &[REGION, ("AWS_EC2_METADATA_DISABLED", "true")],
            &["agenda"],
        ),
        "no AWS credentials",
    );

    // Region and credentials, no table: the two ways to name it, and the local one.
    let vars = [REGION, CREDENTIALS[0], CREDENTIALS[1]];
    let said = one_sentence(rantevou(h, &vars, &["agenda"]), "no table");
    assert!(
        said.contains("--stack") && said.contains("RANTEVOU_TABLE") && said.contains("--data"),
        "{said}"
    );
    one_sentence(
        rantevou(h, &vars, &["config", "push"]),
        "no table: give --stack NAME",
    );
}

/// The stack's outputs the commands read are the template's: `Ref` of the table and of the
/// keys' secret.
#[test]
fn the_template_outputs_what_the_commands_read() {
    let text = std::fs::read_to_string(rantevou_testkit::root().join("template.yaml")).unwrap();
    let outputs = &yaml(&text)["Outputs"];
    assert_eq!(
        outputs[rantevou::aws::TABLE_OUTPUT]["Value"]["Ref"].as_str(),
        Some("Table")
    );
    assert_eq!(
        outputs[rantevou::aws::KEYS_OUTPUT]["Value"]["Ref"].as_str(),
        Some("ManageKeys")
    );
}

fn yaml(text: &str) -> yaml_rust2::Yaml {
    yaml_rust2::YamlLoader::load_from_str(text)
        .unwrap()
        .remove(0)
}

/// On the local endpoint: a stack whose outputs name the table and the secret; the commands
/// work with `--stack` alone, and each thing that is not there is one sentence.
#[test]
fn with_a_stack_the_commands_find_the_table_and_the_keys() {
    let Some(moto) = rantevou_testkit::moto_url() else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let stack = format!("deployed-{}", std::process::id());
    let secret_arn = runtime.block_on(make_stack(&moto, &stack));
    let base = [
        REGION,
        CREDENTIALS[0],
        CREDENTIALS[1],
        ("AWS_ENDPOINT_URL", moto.as_str()),
        ("RANTEVOU_NOW", "2026-11-28T10:00:00Z"),
        ("RANTEVOU_SENDER", "library@uom.edu.gr"),
    ];

    // Nothing pushed yet: the table is found, its emptiness said.
    one_sentence(
        rantevou(h, &base, &["agenda", "--stack", &stack]),
        "holds no library configuration: push one with `rantevou config push`",
    );
    let (ok, said, stderr) = rantevou(h, &base, &["config", "push", "--stack", &stack]);
    assert!(ok, "{said}{stderr}");
    assert!(
        said.contains("pushed to table") && said.contains("within 60 seconds"),
        "says when it takes effect: {said}"
    );
    // Logs at their most talkative: on stderr, never mixed into the output.
    let (ok, agenda, stderr) = rantevou(
        h,
        &with2(&base, &[("RUST_LOG", "debug")]),
        &["agenda", "--stack", &stack, "--from", "2026-12-01"],
    );
    assert!(stderr.contains("\"level\""), "the logs are there: {stderr}");
    assert!(ok, "{agenda}{stderr}");
    assert!(agenda.contains("No appointments"), "{agenda}");
    assert!(
        !agenda.contains('{'),
        "no log line mixed into the output: {agenda}"
    );

    // Each missing piece, one sentence.
    one_sentence(
        rantevou(h, &base, &["agenda", "--stack", "no-such-stack"]),
        "stack no-such-stack not found in region eu-central-1",
    );
    one_sentence(
        rantevou(
            h,
            &with2(&base, &[("RANTEVOU_TABLE", "no-such-table")]),
            &["agenda"],
        ),
        "table no-such-table not found in region eu-central-1",
    );
    let table = runtime.block_on(stack_table(&moto, &stack));
    let said = one_sentence(
        rantevou(h, &with2(&base, &[("RANTEVOU_TABLE", &table)]), &["agenda"]),
        "no manage keys",
    );
    assert!(
        said.contains("--stack") && said.contains("RANTEVOU_KEYS_SECRET"),
        "{said}"
    );
    one_sentence(
        rantevou(
            h,
            &with2(
                &base,
                &[
                    ("RANTEVOU_TABLE", &table),
                    ("RANTEVOU_KEYS_SECRET", "no-such-secret"),
                ],
            ),
            &["agenda"],
        ),
        "the manage keys' secret no-such-secret was not found in region eu-central-1",
    );
    // The documented variables instead of --stack.
    let (ok, agenda, stderr) = rantevou(
        h,
        &with2(
            &base,
            &[
                ("RANTEVOU_TABLE", &table),
                ("RANTEVOU_KEYS_SECRET", &secret_arn),
            ],
        ),
        &["agenda", "--from", "2026-12-01"],
    );
    assert!(ok && agenda.contains("No appointments"), "{agenda}{stderr}");
}

/// The AWS configuration of the local endpoint.
async fn local_sdk(moto: &str) -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(moto)
        .region(aws_config::Region::new("eu-central-1"))
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "test", "test", None, None, "deployed",
        ))
        .load()
        .await
}

/// `base` and then `extra`.
fn with2<'a>(base: &[(&'a str, &'a str)], extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut all = base.to_vec();
    all.extend_from_slice(extra);
    all
}

/// A stack on the local endpoint with the template's table and outputs; the keys' secret is
/// made beside it (moto's CloudFormation cannot make a Secrets Manager secret), its ARN the
/// output's value. Answers the secret's ARN.
pub(crate) async fn make_stack(moto: &str, stack: &str) -> String {
    let sdk = local_sdk(moto).await;
    let secret = aws_sdk_secretsmanager::Client::new(&sdk)
        .create_secret()
        .name(format!("{stack}-keys"))
        .secret_string(rantevou_testkit::KEY_TEXT)
        .send()
        .await
        .unwrap()
        .arn()
        .unwrap()
        .to_owned();
    aws_sdk_sesv2::Client::new(&sdk)
        .create_email_identity()
        .email_identity("library@uom.edu.gr")
        .send()
        .await
        .unwrap();
    let template = std::fs::read_to_string(rantevou_testkit::root().join("template.yaml")).unwrap();
    let table = table_resource_json(&template);
    let body = serde_json::json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": { "Table": table },
        "Outputs": {
            rantevou::aws::TABLE_OUTPUT: { "Value": { "Ref": "Table" } },
            rantevou::aws::KEYS_OUTPUT: { "Value": secret },
        }
    });
    aws_sdk_cloudformation::Client::new(&sdk)
        .create_stack()
        .stack_name(stack)
        .template_body(body.to_string())
        .send()
        .await
        .unwrap();
    secret
}

/// The template's `Table` resource, as JSON.
fn table_resource_json(template: &str) -> serde_json::Value {
    fn json(y: &yaml_rust2::Yaml) -> serde_json::Value {
        use yaml_rust2::Yaml;
        match y {
            Yaml::Hash(h) => serde_json::Value::Object(
                h.iter()
                    .map(|(k, v)| (k.as_str().unwrap().to_owned(), json(v)))
                    .collect(),
            ),
            Yaml::Array(a) => serde_json::Value::Array(a.iter().map(json).collect()),
            Yaml::String(s) => serde_json::Value::String(s.clone()),
            Yaml::Integer(i) => serde_json::Value::from(*i),
            Yaml::Boolean(b) => serde_json::Value::Bool(*b),
            other => panic!("unexpected {other:?}"),
        }
    }
    json(&yaml(template)["Resources"]["Table"])
}

async fn stack_table(moto: &str, stack: &str) -> String {
    let sdk = local_sdk(moto).await;
    let out = aws_sdk_cloudformation::Client::new(&sdk)
        .describe_stacks()
        .stack_name(stack)
        .send()
        .await
        .unwrap();
    out.stacks()[0]
        .outputs()
        .iter()
        .find(|o| o.output_key() == Some(rantevou::aws::TABLE_OUTPUT))
        .and_then(|o| o.output_value())
        .unwrap()
        .to_owned()
}
