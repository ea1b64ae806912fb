//! The local endpoint made ready for the `events/` fixtures, as `infra/bin/seed-events` does it
//! for the README's `cargo lambda` walk and the tests do it for theirs: a fresh table with the
//! sample configuration pushed and the one appointment the fixtures name, the manage keys'
//! secret holding the tests' key (the fixtures' bot-check solutions are signed with it), and
//! the library's address as an SES identity (moto sends only from one).

use crate::event_appointment;
use rantevou_domain::ports::{Bookings, CreateConditions};
use rantevou_store::dynamo::table::create_table;
use rantevou_store::DynamoStore;

/// The secret the seed makes (`RANTEVOU_KEYS_SECRET`).
pub const KEYS_SECRET: &str = "rantevou-fixture-keys";
/// The sender the seed verifies (`RANTEVOU_SENDER`): the sample library's address.
pub const SENDER: &str = "library@uom.edu.gr";

/// What the functions are then given.
#[derive(Debug, Clone)]
pub struct Seeded {
    /// `RANTEVOU_TABLE`.
    pub table: String,
    /// `RANTEVOU_KEYS_SECRET`: the secret's ARN.
    pub keys_secret: String,
    /// `RANTEVOU_SENDER`.
    pub sender: String,
}

impl Seeded {
    /// The variables to export, one `NAME=value` a line.
    pub fn exports(&self) -> String {
        format!(
            "RANTEVOU_TABLE={}\nRANTEVOU_KEYS_SECRET={}\nRANTEVOU_SENDER={}\nRANTEVOU_NOW=2026-11-28T10:00:00Z\n",
            self.table, self.keys_secret, self.sender
        )
    }
}

/// Seeds `table` on the endpoint `sdk` talks to; a table of that name is made anew (so only
/// ever call this on a local endpoint: the example refuses any other).
pub async fn seed(sdk: &aws_config::SdkConfig, table: &str) -> Result<Seeded, String> {
    let dynamodb = aws_sdk_dynamodb::Client::new(sdk);
    if dynamodb
        .describe_table()
        .table_name(table)
        .send()
        .await
        .is_ok()
    {
        dynamodb
            .delete_table()
            .table_name(table)
            .send()
            .await
            .map_err(|e| format!("delete table {table}: {e}"))?;
    }
    create_table(&dynamodb, table)
        .await
        .map_err(|e| format!("create table {table}: {e}"))?;
    let store = DynamoStore::new(dynamodb, table);
    store
        .save_config(rantevou_testkit::SAMPLE_TOML)
        .await
        .map_err(|e| format!("push the configuration: {e}"))?;
    let appointment = event_appointment(&rantevou_testkit::sample_config());
    store
        .create(&appointment, &CreateConditions::default())
        .await
        .map_err(|e| format!("store the fixtures' appointment: {e:?}"))?;

    let secrets = aws_sdk_secretsmanager::Client::new(sdk);
    let keys_secret = match secrets
        .create_secret()
        .name(KEYS_SECRET)
        .secret_string(rantevou_testkit::KEY_TEXT)
        .send()
        .await
    {
        Ok(out) => out.arn().unwrap_or(KEYS_SECRET).to_owned(),
        Err(_) => secrets
            .put_secret_value()
            .secret_id(KEYS_SECRET)
            .secret_string(rantevou_testkit::KEY_TEXT)
            .send()
            .await
            .map_err(|e| format!("the keys' secret {KEYS_SECRET}: {e}"))?
            .arn()
            .unwrap_or(KEYS_SECRET)
            .to_owned(),
    };

    let ses = aws_sdk_sesv2::Client::new(sdk);
    // Made before, or now: either way the sender is verified.
    let _ = ses
        .create_email_identity()
        .email_identity(SENDER)
        .send()
        .await;
    Ok(Seeded {
        table: table.to_owned(),
        keys_secret,
        sender: SENDER.to_owned(),
    })
}
