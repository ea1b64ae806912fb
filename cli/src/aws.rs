//! Where the commands find the deployed service: the table and the manage keys' secret, from
//! the stack's outputs (`--stack NAME`, one CloudFormation `DescribeStacks`) or from the
//! environment (`RANTEVOU_TABLE`, `RANTEVOU_KEYS_SECRET`), after the AWS region and
//! credentials are known to be there. Every piece that is missing is one sentence saying what
//! to set, before any request that would fail for want of it.

use aws_credential_types::provider::ProvideCredentials;
use rantevou_domain::ports::StoreError;
use rantevou_store::DynamoStore;
use rantevou_wiring::Settings;

/// The stack's outputs the commands read (`template.yaml` names them).
pub const TABLE_OUTPUT: &str = "TableName";
/// The output naming the manage keys' secret.
pub const KEYS_OUTPUT: &str = "ManageKeysSecretArn";

/// The deployed service, as the commands reach it.
pub struct Deployed {
    /// The AWS configuration (region and credentials checked).
    pub sdk: aws_config::SdkConfig,
    /// The region, for messages.
    pub region: String,
    /// The table.
    pub table: String,
    /// The manage keys' secret, if known.
    pub keys_secret: Option<String>,
    /// Where the table's name came from, for messages.
    pub from: String,
}

/// Finds the deployed service: the region and credentials of the AWS environment, then the
/// table (and the keys' secret) from `stack`'s outputs or from `settings`.
pub async fn find(stack: Option<&str>, settings: &Settings) -> Result<Deployed, String> {
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let region = sdk.region().map(|r| r.as_ref().to_owned()).ok_or_else(|| {
        "no AWS region: set AWS_REGION (e.g. AWS_REGION=eu-central-1), or give your AWS \
             profile a region (`aws configure`)"
            .to_owned()
    })?;
    let no_credentials = "no AWS credentials: set AWS_PROFILE to one of your profiles (made by \
                          `aws configure`, or signed in with `aws sso login --profile NAME`), or \
                          AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";
    let provider = sdk
        .credentials_provider()
        .ok_or_else(|| no_credentials.to_owned())?;
    provider
        .provide_credentials()
        .await
        .map_err(|_| no_credentials.to_owned())?;
    match stack {
        Some(stack) => {
            let outputs = stack_outputs(&sdk, stack, &region).await?;
            let output = |name: &str| {
                outputs
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
            };
            let table = output(TABLE_OUTPUT).ok_or_else(|| {
                format!("stack {stack} has no {TABLE_OUTPUT} output: is it a rantevou stack?")
            })?;
            Ok(Deployed {
                sdk,
                region,
                table,
                keys_secret: output(KEYS_OUTPUT).or_else(|| settings.keys_secret.clone()),
                from: format!("stack {stack}"),
            })
        }
        None => {
            let table = settings.table.clone().ok_or_else(|| {
                format!(
                    "no table: give --stack NAME (the stack you deployed), or set RANTEVOU_TABLE \
                     to its {TABLE_OUTPUT} output (or give --data for a local data folder)"
                )
            })?;
            Ok(Deployed {
                sdk,
                region,
                table,
                keys_secret: settings.keys_secret.clone(),
                from: "RANTEVOU_TABLE".into(),
            })
        }
    }
}

/// The outputs of `stack`, as (key, value).
async fn stack_outputs(
    sdk: &aws_config::SdkConfig,
    stack: &str,
    region: &str,
) -> Result<Vec<(String, String)>, String> {
    use aws_sdk_cloudformation::error::{ProvideErrorMetadata, SdkError};
    let client = aws_sdk_cloudformation::Client::new(sdk);
    let out = client
        .describe_stacks()
        .stack_name(stack)
        .send()
        .await
        .map_err(|e| match &e {
            SdkError::ServiceError(s) if s.err().code() == Some("ValidationError") => {
                format!("stack {stack} not found in region {region} (check --stack and AWS_REGION)")
            }
            SdkError::ServiceError(s) => format!(
                "stack {stack} cannot be read: {}",
                s.err().code().unwrap_or("request refused")
            ),
            _ => format!("CloudFormation in {region} could not be reached"),
        })?;
    let stack = out
        .stacks()
        .first()
        .ok_or_else(|| format!("stack {stack} not found in region {region}"))?;
    Ok(stack
        .outputs()
        .iter()
        .filter_map(|o| Some((o.output_key()?.to_owned(), o.output_value()?.to_owned())))
        .collect())
}

impl Deployed {
    /// The store over the table.
    pub fn store(&self) -> DynamoStore {
        DynamoStore::new(aws_sdk_dynamodb::Client::new(&self.sdk), &self.table)
    }

    /// A store failure as one sentence about this table.
    pub fn store_error(&self, e: &StoreError) -> String {
        let table = &self.table;
        let region = &self.region;
        match e {
            StoreError::Unavailable(why) if why.ends_with("ResourceNotFoundException") => format!(
                "table {table} not found in region {region} (from {}; check it and AWS_REGION)",
                self.from
            ),
            StoreError::Unavailable(why) if why.contains("AccessDenied") => {
                format!("your AWS identity may not use table {table}: {why}")
            }
            StoreError::Unavailable(why) if why.ends_with("could not connect") => {
                format!("DynamoDB in {region} could not be reached (table {table})")
            }
            other => format!("table {table}: {other}"),
        }
    }

    /// The settings the wiring reads, with the table and secret found here.
    pub fn settings(&self, settings: &Settings) -> Settings {
        Settings {
            table: Some(self.table.clone()),
            keys_secret: self.keys_secret.clone(),
            ..settings.clone()
        }
    }
}
