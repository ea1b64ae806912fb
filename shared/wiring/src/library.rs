//! The library's configuration as a file, and who its mail is from: shared by both starts.

use rantevou_domain::LibraryConfig;
use rantevou_mail::Sender;
use std::path::Path;

/// A `library.toml` read and validated: its source (to push) and the configuration. The one
/// loader of configuration files (`rantevou serve`, `rantevou config`, `RANTEVOU_CONFIG_FILE`).
pub fn config_file(path: &Path) -> Result<(String, LibraryConfig), String> {
    let source = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let config =
        LibraryConfig::from_toml_str(&source).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((source, config))
}

/// Who the library's mail is from: its name, and `address` or its own address.
pub fn sender(config: &LibraryConfig, address: Option<&str>) -> Sender {
    let library = &config.library;
    Sender {
        name: library.name.get(library.default_language()).to_owned(),
        address: address.unwrap_or(&library.email).to_owned(),
    }
}
