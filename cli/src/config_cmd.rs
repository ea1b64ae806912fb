//! `rantevou config check|push`: validate a `library.toml`, and store it in the table the
//! functions read it from (`--stack NAME`, or `RANTEVOU_TABLE`, in the AWS environment).

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
    /// Validate, then write the configuration to the deployed table (`--stack NAME` or
    /// `RANTEVOU_TABLE`); warm functions take it up within a minute.
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

pub async fn run(action: Action, stack: Option<&str>) -> Result<(), String> {
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
            let deployed = crate::aws::find(stack, &settings).await?;
            let store = deployed.store();
            let version = store
                .save_config(&source)
                .await
                .map_err(|e| deployed.store_error(&e))?;
            let every = rantevou_wiring::in_force::CHECK_EVERY.as_secs();
            println!(
                "{}: pushed to table {} as version {version}. Functions starting from now use \
                 it at once; warm ones within {every} seconds.",
                file.display(),
                store.table()
            );
            Ok(())
        }
    }
}
