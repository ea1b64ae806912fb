//! The local service: SQLite in a data folder, mail as `.eml` files in its `outbox/`, the
//! manage keys in its `keys` file (made on first start), CalDAV calendars' credentials in its
//! `secrets.toml`, for `rantevou serve` and the tests.
//! No AWS.

use crate::library::sender;
use crate::wiring::{Mail, Wiring};
use rantevou_app::{Context, Links};
use rantevou_domain::ports::Clock;
use rantevou_domain::ports::StoreError;
use rantevou_domain::LibraryConfig;
use rantevou_mail::OutboxMailer;
use rantevou_store::SqliteStore;
use std::path::Path;
use std::sync::Arc;

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
    let keys =
        crate::keys::from_file_or_new(&data.join("keys")).map_err(StoreError::Unavailable)?;
    let mailer = OutboxMailer::new(data.join("outbox"), sender(&config, None));
    let ctx = Context::new(Arc::new(config), clock, links);
    let wiring = Wiring::new(
        ctx,
        Arc::new(store),
        Mail::Built(Arc::new(mailer)),
        Some(Arc::new(keys)),
    );
    // CalDAV calendars' credentials: the data folder's secrets file.
    #[cfg(feature = "calendars")]
    let wiring = wiring.with_calendar_secrets(Arc::new(crate::calendar_fetch::SecretsFile(
        data.join("secrets.toml"),
    )));
    Ok(wiring)
}
