//! The library's configuration (`infra/library.toml`): loading, validation, and lookups.
//!
//! The loader reads the whole file, then reports every mistake at once, each with its key
//! (`providers[0].working_plan.monday.breaks[1]`) and, where the file shows it, its line.
//!
//! | file | concern |
//! |---|---|
//! | `raw.rs` | the file's shape, everything optional so that a missing key is an issue too |
//! | `validate.rs` | the raw file turned into validated types, every issue collected |
//! | `spans.rs` | keys and lines: where in the file an issue is |

mod raw;
mod spans;
mod validate;

use crate::closure::Closures;
use crate::language::{Language, Localized};
use crate::policy::Policy;
use crate::provider::Provider;
use crate::service::Service;
use chrono_tz::Tz;
use std::fmt;

/// Who the library is and how patrons reach it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Library {
    /// The library's name per language, used as the mail footer and page title.
    pub name: Localized,
    /// The library's public contact address (also the default sender).
    pub email: String,
    /// Public URL of the booking site, without a trailing slash; manage links start here.
    pub site_url: String,
    /// The zone all dates and working hours are in.
    pub timezone: Tz,
    /// What patrons call that zone, said after every time shown ("ώρα Ελλάδας" / "Greek
    /// time"); the zone's IANA name when the configuration gives none.
    pub timezone_label: Localized,
    /// Languages offered, default first.
    pub languages: Vec<Language>,
    /// Terms and Conditions page, per language (one URL for both when the configuration gives
    /// a single string).
    pub terms_url: Localized,
    /// Privacy Policy page, per language.
    pub privacy_url: Localized,
}

impl Library {
    /// The language used when a patron has not chosen one, and for staff copies.
    pub fn default_language(&self) -> Language {
        self.languages.first().copied().unwrap_or(Language::El)
    }
}

/// The validated configuration of one library. Only [`LibraryConfig::from_toml_str`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryConfig {
    /// The library itself.
    pub library: Library,
    /// What can be booked.
    pub services: Vec<Service>,
    /// Who can be booked.
    pub providers: Vec<Provider>,
    /// When the library is closed.
    pub closures: Closures,
    /// Booking rules.
    pub policy: Policy,
    /// Which staff see which providers (everyone everything when empty).
    pub staff: crate::staff::StaffAccess,
}

impl LibraryConfig {
    /// Parses and validates a `library.toml`, reporting every mistake at once.
    pub fn from_toml_str(source: &str) -> Result<Self, ConfigError> {
        let mut unknown = Vec::new();
        let deserializer = toml::Deserializer::new(source);
        let raw: Result<raw::RawConfig, _> = serde_ignored::deserialize(deserializer, |path| {
            unknown.push(spans::ignored_path(&path));
        });
        let raw = match raw {
            Ok(raw) => raw,
            Err(e) => {
                let line = e.span().map(|s| spans::line_of_offset(source, s.start));
                return Err(ConfigError {
                    issues: vec![ConfigIssue {
                        key: String::new(),
                        line,
                        message: e.message().to_owned(),
                    }],
                });
            }
        };
        let mut v = validate::Validator::default();
        for key in unknown {
            v.issue(&key, "unknown key");
        }
        let config = v.config(&raw);
        if v.issues.is_empty() {
            if let Some(config) = config {
                return Ok(config);
            }
        }
        let mut issues = v.issues;
        spans::locate(source, &mut issues);
        Err(ConfigError { issues })
    }

    /// The service with this id.
    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.id.as_str() == id)
    }

    /// The provider with this id.
    pub fn provider(&self, id: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.id.as_str() == id)
    }

    /// The configuration with the closures staff added in the store as well (borrowed as it
    /// is when there are none).
    pub fn with_staff_closures(
        &self,
        extra: &[crate::closure::StaffClosure],
    ) -> std::borrow::Cow<'_, LibraryConfig> {
        if extra.is_empty() {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut config = self.clone();
        config
            .closures
            .periods
            .extend(extra.iter().map(crate::closure::StaffClosure::period));
        std::borrow::Cow::Owned(config)
    }
}

/// One mistake in a configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigIssue {
    /// Where: a dotted key with indexes, e.g. `services[0].duration_minutes`; empty for syntax.
    pub key: String,
    /// 1-based line in the file, where known.
    pub line: Option<usize>,
    /// What is wrong, in words staff can act on.
    pub message: String,
}

/// Every mistake found in a configuration file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    /// The mistakes, in file order as far as the loader knows it.
    pub issues: Vec<ConfigIssue>,
}

impl ConfigError {
    /// Whether some issue concerns `key` (exactly) and says something containing `words`.
    pub fn mentions(&self, key: &str, words: &str) -> bool {
        self.issues
            .iter()
            .any(|i| i.key == key && i.message.contains(words))
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "invalid library configuration:")?;
        for issue in &self.issues {
            match (issue.key.is_empty(), issue.line) {
                (false, Some(line)) => {
                    writeln!(f, "  line {line}: {}: {}", issue.key, issue.message)?
                }
                (false, None) => writeln!(f, "  {}: {}", issue.key, issue.message)?,
                (true, Some(line)) => writeln!(f, "  line {line}: {}", issue.message)?,
                (true, None) => writeln!(f, "  {}", issue.message)?,
            }
        }
        Ok(())
    }
}
