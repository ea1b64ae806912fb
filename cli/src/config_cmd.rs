//! `rantevou config check|push`: validate a `library.toml`, and store it in the table the
//! functions read it from (`RANTEVOU_TABLE`, the AWS environment).

use clap::Subcommand;
use rantevou_domain::LibraryConfig;
use std::path::PathBuf;

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
pub fn load(file: &PathBuf) -> Result<(String, LibraryConfig), String> {
    let source = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let config =
        LibraryConfig::from_toml_str(&source).map_err(|e| format!("{}: {e}", file.display()))?;
    Ok((source, config))
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
            let store = rantevou_store::DynamoStore::from_env()
                .await
                .map_err(|e| e.to_string())?;
            store
                .save_config(&source)
                .await
                .map_err(|e| e.to_string())?;
            println!("{}: pushed to table {}", file.display(), store.table());
            Ok(())
        }
    }
}
