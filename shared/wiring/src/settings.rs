//! Every `RANTEVOU_*` variable, read once, checked, into one struct. Nothing else in rantevou
//! reads the environment (the AWS SDK reads its own `AWS_*` variables).

use chrono::{DateTime, Utc};
use std::path::PathBuf;
use url::Url;

/// One variable: its name and what it means (the README's table is tested against this list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variable {
    /// The name.
    pub name: &'static str,
    /// What it sets.
    pub meaning: &'static str,
}

/// Every variable rantevou reads.
pub const VARIABLES: &[Variable] = &[
    Variable {
        name: "RANTEVOU_TABLE",
        meaning: "the DynamoDB table (required by the functions)",
    },
    Variable {
        name: "RANTEVOU_CONFIG_FILE",
        meaning: "a library.toml to use instead of the one pushed to the table",
    },
    Variable {
        name: "RANTEVOU_PUBLIC_URL",
        meaning: "base of the manage links (default: the configuration's site_url)",
    },
    Variable {
        name: "RANTEVOU_SITE_ORIGIN",
        meaning: "the booking site's origin, allowed by CORS (default: the origin of site_url)",
    },
    Variable {
        name: "RANTEVOU_SENDER",
        meaning: "the verified SES sender address (default: the library's address)",
    },
    Variable {
        name: "RANTEVOU_SES_CONFIGURATION_SET",
        meaning: "the SES configuration set (optional)",
    },
    Variable {
        name: "RANTEVOU_KEYS_SECRET",
        meaning:
            "the Secrets Manager secret holding the manage keys (the functions that make links)",
    },
    Variable {
        name: "RANTEVOU_ORIGIN_SECRET",
        meaning: "the Secrets Manager secret whose value CloudFront sends in X-Origin-Verify; the HTTP functions refuse requests without it (403)",
    },
    Variable {
        name: "RANTEVOU_KEYS_FILE",
        meaning: "a file holding the manage keys instead (local runs)",
    },
    Variable {
        name: "RANTEVOU_SECRETS_FILE",
        meaning: "a TOML file of CalDAV calendars' credentials by secret name, owner-readable only, instead of Secrets Manager (staff commands; `rantevou serve` reads secrets.toml in its data folder)",
    },
    Variable {
        name: "RANTEVOU_NOW",
        meaning: "pins the clock (RFC 3339) for fixture replays; never set in AWS",
    },
    Variable {
        name: "RANTEVOU_STAFF",
        meaning: "who runs the staff commands, for the audit record (default: USER)",
    },
];

/// The settings of one process.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// `RANTEVOU_TABLE`.
    pub table: Option<String>,
    /// `RANTEVOU_CONFIG_FILE`.
    pub config_file: Option<PathBuf>,
    /// `RANTEVOU_PUBLIC_URL`.
    pub public_url: Option<Url>,
    /// `RANTEVOU_SITE_ORIGIN`.
    pub site_origin: Option<Url>,
    /// `RANTEVOU_SENDER`.
    pub sender: Option<String>,
    /// `RANTEVOU_SES_CONFIGURATION_SET`.
    pub ses_configuration_set: Option<String>,
    /// `RANTEVOU_KEYS_SECRET`.
    pub keys_secret: Option<String>,
    /// `RANTEVOU_KEYS_FILE`.
    pub keys_file: Option<PathBuf>,
    /// `RANTEVOU_ORIGIN_SECRET`.
    pub origin_secret: Option<String>,
    /// `RANTEVOU_SECRETS_FILE`.
    pub secrets_file: Option<PathBuf>,
    /// `RANTEVOU_NOW`.
    pub now: Option<DateTime<Utc>>,
    /// `RANTEVOU_STAFF`, else `USER`: who runs the staff commands, for the audit record.
    pub operator: Option<String>,
}

/// A variable whose value cannot be used: the process refuses to start rather than guess.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// A required variable is not set.
    #[error("{0} is not set")]
    Missing(&'static str),
    /// A variable is set to something unusable.
    #[error("{name}={value:?}: {why}")]
    Invalid {
        /// The variable.
        name: &'static str,
        /// Its value.
        value: String,
        /// What is wrong.
        why: &'static str,
    },
}

impl Settings {
    /// The settings from this process's environment.
    #[allow(clippy::disallowed_methods)]
    pub fn from_env() -> Result<Settings, SettingsError> {
        Settings::from_lookup(|name| std::env::var(name).ok())
    }

    /// The settings from `lookup` (the environment, or a test's map). Empty values are unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Settings, SettingsError> {
        let get = |name: &'static str| lookup(name).filter(|v| !v.trim().is_empty());
        let url = |name: &'static str| {
            get(name)
                .map(|value| match Url::parse(&value) {
                    Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => Ok(u),
                    _ => Err(SettingsError::Invalid {
                        name,
                        value,
                        why: "not an http(s) URL",
                    }),
                })
                .transpose()
        };
        let now = get("RANTEVOU_NOW")
            .map(|value| {
                DateTime::parse_from_rfc3339(&value)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|_| SettingsError::Invalid {
                        name: "RANTEVOU_NOW",
                        value,
                        why: "not an RFC 3339 instant",
                    })
            })
            .transpose()?;
        let sender = get("RANTEVOU_SENDER");
        if let Some(value) = &sender {
            if rantevou_domain::patron::PatronEmail::parse(value).is_err() {
                return Err(SettingsError::Invalid {
                    name: "RANTEVOU_SENDER",
                    value: value.clone(),
                    why: "not an email address",
                });
            }
        }
        Ok(Settings {
            table: get("RANTEVOU_TABLE"),
            config_file: get("RANTEVOU_CONFIG_FILE").map(PathBuf::from),
            public_url: url("RANTEVOU_PUBLIC_URL")?,
            site_origin: url("RANTEVOU_SITE_ORIGIN")?,
            sender,
            ses_configuration_set: get("RANTEVOU_SES_CONFIGURATION_SET"),
            keys_secret: get("RANTEVOU_KEYS_SECRET"),
            keys_file: get("RANTEVOU_KEYS_FILE").map(PathBuf::from),
            origin_secret: get("RANTEVOU_ORIGIN_SECRET"),
            secrets_file: get("RANTEVOU_SECRETS_FILE").map(PathBuf::from),
            now,
            operator: get("RANTEVOU_STAFF").or_else(|| get("USER")),
        })
    }

    /// The table, which a Lambda cannot do without.
    pub fn table(&self) -> Result<&str, SettingsError> {
        self.table
            .as_deref()
            .ok_or(SettingsError::Missing("RANTEVOU_TABLE"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn every_variable_is_read_and_checked() {
        let s = settings(&[
            ("RANTEVOU_TABLE", "rantevou"),
            ("RANTEVOU_CONFIG_FILE", "infra/library.toml"),
            ("RANTEVOU_PUBLIC_URL", "https://book.example.org"),
            ("RANTEVOU_SITE_ORIGIN", "https://site.example.org"),
            ("RANTEVOU_SENDER", "bookings@example.org"),
            ("RANTEVOU_SES_CONFIGURATION_SET", "rantevou"),
            ("RANTEVOU_NOW", "2026-11-28T10:00:00Z"),
        ])
        .unwrap();
        assert_eq!(s.table(), Ok("rantevou"));
        assert_eq!(s.public_url.unwrap().as_str(), "https://book.example.org/");
        assert_eq!(s.now.unwrap().to_rfc3339(), "2026-11-28T10:00:00+00:00");
        assert_eq!(s.ses_configuration_set.as_deref(), Some("rantevou"));
    }

    #[test]
    fn unusable_values_stop_the_start_and_missing_ones_are_named() {
        assert!(matches!(
            settings(&[("RANTEVOU_NOW", "tomorrow")]),
            Err(SettingsError::Invalid {
                name: "RANTEVOU_NOW",
                ..
            })
        ));
        assert!(matches!(
            settings(&[("RANTEVOU_PUBLIC_URL", "book.example.org")]),
            Err(SettingsError::Invalid {
                name: "RANTEVOU_PUBLIC_URL",
                ..
            })
        ));
        assert!(matches!(
            settings(&[("RANTEVOU_SENDER", "not an address")]),
            Err(SettingsError::Invalid {
                name: "RANTEVOU_SENDER",
                ..
            })
        ));
        let empty = settings(&[("RANTEVOU_TABLE", " ")]).unwrap();
        assert_eq!(empty.table(), Err(SettingsError::Missing("RANTEVOU_TABLE")));
    }
}
