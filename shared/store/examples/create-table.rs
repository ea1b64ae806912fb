//! Creates the rantevou table (from `infra/dynamodb-table.json`) on the endpoint the
//! environment names, for local runs against moto. Does nothing if it exists.
//!
//! `infra/bin/moto exec -- cargo run -p rantevou-store --example create-table -- TABLE`

#![allow(clippy::disallowed_methods)] // a command-line tool: it reads its environment

use rantevou_store::dynamo::table::create_table;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let Some(table) = std::env::args().nth(1) else {
        eprintln!("usage: create-table TABLE");
        return ExitCode::from(2);
    };
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let client = aws_sdk_dynamodb::Client::new(&sdk);
    if client
        .describe_table()
        .table_name(&table)
        .send()
        .await
        .is_ok()
    {
        println!("table {table} exists");
        return ExitCode::SUCCESS;
    }
    match create_table(&client, &table).await {
        Ok(()) => {
            println!("created table {table}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cannot create table {table}: {e}");
            ExitCode::FAILURE
        }
    }
}
