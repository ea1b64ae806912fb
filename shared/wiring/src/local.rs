//! The local service: SQLite in a data folder and mail as `.eml` files in its `outbox/`, for
//! `rantevou serve` and the tests. No AWS.

use crate::wiring::{Mail, Wiring};
use rantevou_app::{Context, Links};
use rantevou_domain::ports::Clock;
use rantevou_domain::ports::StoreError;
use rantevou_domain::LibraryConfig;
use rantevou_mail::{OutboxMailer, Sender};
use rantevou_store::SqliteStore;
use std::path::Path;
use std::sync::Arc;

/// A `library.toml` read and validated: its source (to push) and the configuration. The one
/// loader of configuration files (`rantevou serve`, `rantevou config`, `RANTEVOU_CONFIG_FILE`).
pub fn config_file(path: &Path) -> Result<(String, LibraryConfig), String> {
    let source = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let config =
        LibraryConfig::from_toml_str(&source).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((source, config))
}

/// The local wiring of `config` over the data folder `data` (created if missing).
pub fn wiring(
    config: LibraryConfig,
    data: &Path,
    links: Links,
    clock: Arc<dyn Clock>,
) -> Result<Wiring<SqliteStore>, StoreError> {
    std::fs::create_dir_all(data)
        .map_err(|e| StoreError::Unavailable(format!("cannot create {}: {e}", data.display())))?;
    let store = SqliteStore::open(data.join("rantevou.sqlite3"))?;
    let mailer = OutboxMailer::new(data.join("outbox"), sender(&config, None));
    let ctx = Context::new(Arc::new(config), clock, links);
    Ok(Wiring::new(
        ctx,
        Arc::new(store),
        Mail::Built(Arc::new(mailer)),
    ))
}

/// Who the library's mail is from: its name, and `address` or its own address.
pub(crate) fn sender(config: &LibraryConfig, address: Option<&str>) -> Sender {
    let library = &config.library;
    Sender {
        name: library.name.get(library.default_language()).to_owned(),
        address: address.unwrap_or(&library.email).to_owned(),
    }
}
