//! The languages patrons use and texts given in each of them.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A language the service speaks. Greek is the library's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Greek (`el`).
    El,
    /// English (`en`).
    En,
}

impl Language {
    /// Every language, default first.
    pub const ALL: [Language; 2] = [Language::El, Language::En];

    /// The BCP 47 code (`el`, `en`).
    pub fn code(self) -> &'static str {
        match self {
            Language::El => "el",
            Language::En => "en",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Returned when a language code is neither `el` nor `en`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {0:?}: expected \"el\" or \"en\"")]
pub struct UnknownLanguage(pub String);

impl FromStr for Language {
    type Err = UnknownLanguage;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "el" => Ok(Language::El),
            "en" => Ok(Language::En),
            other => Err(UnknownLanguage(other.to_owned())),
        }
    }
}

/// A text in every language the service speaks, as the API sends it: `{"el": …, "en": …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Localized {
    /// The Greek text.
    pub el: String,
    /// The English text.
    pub en: String,
}

impl Localized {
    /// A text given in both languages.
    pub fn new(el: impl Into<String>, en: impl Into<String>) -> Self {
        Localized {
            el: el.into(),
            en: en.into(),
        }
    }

    /// The text in `language`.
    pub fn get(&self, language: Language) -> &str {
        match language {
            Language::El => &self.el,
            Language::En => &self.en,
        }
    }
}
