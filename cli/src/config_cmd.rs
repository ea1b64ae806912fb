//! `rantevou config check|push`: validate a `library.toml`, and store it in the table the
//! functions read it from (`RANTEVOU_TABLE`, the AWS environment).

use clap::Subcommand;
use rantevou_domain::LibraryConfig;
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum Action {
    /// Validate a configuration file; every mistake is listed with its key and line.
    Check {
        /// The file.
        #[arg(default_value = "infra/library.toml")]
        file: PathBuf,
    },
    /// Validate, then write the configuration to the DynamoDB table (`RANTEVOU_TABLE`).
    Push {
        /// The file.
        #[arg(default_value = "infra/library.toml")]
        file: PathBuf,
    },
}

/// Reads and validates a configuration file.
pub fn load(file: &Path) -> Result<(String, LibraryConfig), String> {
    rantevou_wiring::library::config_file(file)
}

pub async fn run(action: Action) -> Result<(), String> {
    match action {
        Action::Check { file } => {
            let (_, config) = load(&file)?;
            println!(
                "{}: valid ({} service(s), {} provider(s), time zone {})",
                file.display(),
                config.services.len(),
                config.providers.len(),
                config.library.timezone.name()
            );
            Ok(())
        }
        Action::Push { file } => {
            let (source, _) = load(&file)?;
            let settings = rantevou_wiring::Settings::from_env().map_err(|e| e.to_string())?;
            let table = settings.table().map_err(|e| e.to_string())?;
            let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
            let store =
                rantevou_store::DynamoStore::new(aws_sdk_dynamodb::Client::new(&sdk), table);
            store
                .save_config(&source)
                .await
                .map_err(|e| e.to_string())?;
            println!("{}: pushed to table {}", file.display(), store.table());
            Ok(())
        }
    }
}
