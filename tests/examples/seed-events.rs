//! Seeds the local endpoint for the README's `cargo lambda` walk (`infra/bin/seed-events`):
//! a fresh table TABLE with the sample configuration and the fixtures' appointment, the keys'
//! secret, the sender's identity; prints the variables to give the functions.
//!
//! `infra/bin/moto exec -- cargo run -p rantevou-tests --example seed-events -- TABLE`

#![allow(clippy::disallowed_methods)] // a command-line tool: it reads its environment

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let Some(table) = std::env::args().nth(1) else {
        eprintln!("usage: seed-events TABLE");
        return ExitCode::from(2);
    };
    // It makes the table anew: never against AWS itself.
    let endpoint = std::env::var("AWS_ENDPOINT_URL").unwrap_or_default();
    let local = url::Url::parse(&endpoint)
        .ok()
        .is_some_and(|u| matches!(u.host_str(), Some("127.0.0.1" | "localhost" | "[::1]")));
    if !local {
        eprintln!(
            "seed-events makes its table anew: run it against the local endpoint \
             (infra/bin/moto exec -- infra/bin/seed-events), not {:?}",
            endpoint
        );
        return ExitCode::from(2);
    }
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    match rantevou_tests::seed::seed(&sdk, &table).await {
        Ok(seeded) => {
            print!("{}", seeded.exports());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("seed-events: {e}");
            ExitCode::FAILURE
        }
    }
}
