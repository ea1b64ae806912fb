//! What a patron types into the booking form, parsed into types that can only hold valid values.
//!
//! Parse, don't validate: [`parse_patron_input`] is the only way to get a [`PatronDetails`],
//! and it reports every field at fault at once, in Greek and English. Control characters
//! (CR/LF included) cannot survive parsing into any type that could reach a mail header.

use crate::language::{Language, Localized};
use crate::policy::RequiredFields;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest name, in characters.
pub const NAME_MAX: usize = 100;
/// Longest email address, in bytes (RFC 5321 path limit).
pub const EMAIL_MAX: usize = 254;
/// Longest topic / notes or cancellation reason, in characters.
pub const TEXT_MAX: usize = 1000;

/// The patron's name: 1–100 characters, trimmed, one line, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PatronName(String);

/// The patron's email address, checked by the `email_address` crate, at most 254 bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PatronEmail(String);

/// A phone number: digits with the usual separators, 7–15 digits, an optional leading `+`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

/// Free text (the topic of the consultation, a cancellation reason): at most 1000
/// characters; line breaks and tabs allowed, other control characters not.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FreeText(String);

macro_rules! text_newtype {
    ($name:ident, $parse:expr) => {
        impl $name {
            /// The value as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = FieldCode;
            fn try_from(value: String) -> Result<Self, FieldCode> {
                let parse: fn(&str) -> Result<$name, FieldCode> = $parse;
                parse(&value)
            }
        }
    };
}

text_newtype!(PatronName, PatronName::parse);
text_newtype!(PatronEmail, PatronEmail::parse);
text_newtype!(PhoneNumber, PhoneNumber::parse);
text_newtype!(FreeText, FreeText::parse);

/// Characters that must never appear in one-line values: control characters, and the
/// Unicode line separators and bidirectional overrides that can disguise text.
fn is_forbidden_in_line(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

impl PatronName {
    /// Parses a name as typed.
    pub fn parse(raw: &str) -> Result<Self, FieldCode> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(FieldCode::Required);
        }
        if name.chars().any(is_forbidden_in_line) {
            return Err(FieldCode::Invalid);
        }
        if name.chars().count() > NAME_MAX {
            return Err(FieldCode::TooLong);
        }
        Ok(PatronName(name.to_owned()))
    }
}

impl PatronEmail {
    /// Parses an email address as typed (surrounding spaces ignored).
    pub fn parse(raw: &str) -> Result<Self, FieldCode> {
        let email = raw.trim();
        if email.is_empty() {
            return Err(FieldCode::Required);
        }
        if email.len() > EMAIL_MAX {
            return Err(FieldCode::TooLong);
        }
        if email
            .chars()
            .any(|c| is_forbidden_in_line(c) || c.is_whitespace())
        {
            return Err(FieldCode::Invalid);
        }
        let options = email_address::Options::default().without_display_text();
        match email_address::EmailAddress::parse_with_options(email, options) {
            // A domain without a dot cannot receive mail from the Internet.
            Ok(parsed) if parsed.domain().contains('.') => Ok(PatronEmail(email.to_owned())),
            _ => Err(FieldCode::Invalid),
        }
    }
}

impl PhoneNumber {
    /// Parses a phone number as typed.
    pub fn parse(raw: &str) -> Result<Self, FieldCode> {
        let phone = raw.trim();
        if phone.is_empty() {
            return Err(FieldCode::Required);
        }
        if phone.chars().count() > 30 {
            return Err(FieldCode::TooLong);
        }
        let allowed = phone.char_indices().all(|(i, c)| {
            c.is_ascii_digit()
                || matches!(c, ' ' | '-' | '(' | ')' | '.' | '/')
                || (c == '+' && i == 0)
        });
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        if !allowed || !(7..=15).contains(&digits) {
            return Err(FieldCode::Invalid);
        }
        Ok(PhoneNumber(phone.to_owned()))
    }
}

impl FreeText {
    /// Parses free text: trimmed, CRLF folded to LF, at most 1000 characters. Empty is allowed
    /// here; whether the field is required is the caller's rule.
    pub fn parse(raw: &str) -> Result<Self, FieldCode> {
        let text = raw.trim().replace("\r\n", "\n");
        if text
            .chars()
            .any(|c| c != '\n' && c != '\t' && is_forbidden_in_line(c))
        {
            return Err(FieldCode::Invalid);
        }
        if text.chars().count() > TEXT_MAX {
            return Err(FieldCode::TooLong);
        }
        Ok(FreeText(text))
    }

    /// Whether there is no text.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What is wrong with a field, as a stable code the API and the site share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldCode {
    /// Missing or empty.
    Required,
    /// Present but not acceptable.
    Invalid,
    /// Longer than allowed.
    TooLong,
    /// A consent box left unticked.
    MustAccept,
}

impl fmt::Display for FieldCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FieldCode::Required => "required",
            FieldCode::Invalid => "invalid",
            FieldCode::TooLong => "too_long",
            FieldCode::MustAccept => "must_accept",
        })
    }
}

/// One field at fault: which, what code, and a message for the patron in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field as the API names it, e.g. `customer.email`.
    pub field: &'static str,
    /// What is wrong.
    pub code: FieldCode,
    /// What to do about it, in Greek and English.
    pub message: Localized,
}

/// Every field at fault in one submission.
#[derive(Debug, Clone, PartialEq, Eq, Default, thiserror::Error)]
#[error("{} field(s) at fault: {}", .0.len(), .0.iter().map(|e| e.field).collect::<Vec<_>>().join(", "))]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    /// Adds an error for `field`, with the patron's message for that field and code.
    pub fn push(&mut self, field: &'static str, code: FieldCode) {
        self.0.push(FieldError {
            field,
            code,
            message: message(field, code),
        });
    }

    /// The error about `field`, if any.
    pub fn get(&self, field: &str) -> Option<&FieldError> {
        self.0.iter().find(|e| e.field == field)
    }

    /// Whether no field is at fault.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The form as submitted: every field as typed, possibly missing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PatronInput {
    /// `customer.name`
    pub name: Option<String>,
    /// `customer.email`
    pub email: Option<String>,
    /// `customer.phone`
    pub phone: Option<String>,
    /// `notes`: the topic of the consultation.
    pub notes: Option<String>,
    /// `language`: `el` or `en`; missing means the library's default.
    pub language: Option<String>,
    /// `accept_terms`
    pub accept_terms: Option<bool>,
    /// `accept_privacy`
    pub accept_privacy: Option<bool>,
}

/// Who booked: name, email and (if given) phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    /// Name.
    pub name: PatronName,
    /// Email address.
    pub email: PatronEmail,
    /// Phone number, when given.
    pub phone: Option<PhoneNumber>,
}

/// A parsed, valid submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatronDetails {
    /// Who booked.
    pub customer: Customer,
    /// The topic (empty when not given and not required).
    pub notes: FreeText,
    /// The language of the patron's mail and pages.
    pub language: Language,
}

/// Parses a submission, returning every field at fault at once.
pub fn parse_patron_input(
    input: &PatronInput,
    required: RequiredFields,
    default_language: Language,
) -> Result<PatronDetails, FieldErrors> {
    let mut errors = FieldErrors::default();
    let text = |v: &Option<String>| v.as_deref().unwrap_or("").to_owned();

    let name = PatronName::parse(&text(&input.name))
        .map_err(|code| errors.push("customer.name", code))
        .ok();
    let email = PatronEmail::parse(&text(&input.email))
        .map_err(|code| errors.push("customer.email", code))
        .ok();
    let phone_raw = text(&input.phone);
    let phone = if phone_raw.trim().is_empty() && !required.phone {
        Some(None)
    } else {
        PhoneNumber::parse(&phone_raw)
            .map(Some)
            .map_err(|code| errors.push("customer.phone", code))
            .ok()
    };
    let notes = match FreeText::parse(&text(&input.notes)) {
        Ok(n) if n.is_empty() && required.notes => {
            errors.push("notes", FieldCode::Required);
            None
        }
        Ok(n) => Some(n),
        Err(code) => {
            errors.push("notes", code);
            None
        }
    };
    let language = match input.language.as_deref() {
        None => Some(default_language),
        Some(code) => code
            .parse::<Language>()
            .map_err(|_| errors.push("language", FieldCode::Invalid))
            .ok(),
    };
    if input.accept_terms != Some(true) {
        errors.push("accept_terms", FieldCode::MustAccept);
    }
    if input.accept_privacy != Some(true) {
        errors.push("accept_privacy", FieldCode::MustAccept);
    }
    match (name, email, phone, notes, language) {
        (Some(name), Some(email), Some(phone), Some(notes), Some(language))
            if errors.is_empty() =>
        {
            Ok(PatronDetails {
                customer: Customer { name, email, phone },
                notes,
                language,
            })
        }
        _ => Err(errors),
    }
}

/// The patron's message for `field` failing with `code`.
pub fn message(field: &str, code: FieldCode) -> Localized {
    use FieldCode::*;
    let (el, en) = match (field, code) {
        ("customer.name", Required) => ("Συμπληρώστε το ονοματεπώνυμό σας.", "Please enter your name."),
        ("customer.name", TooLong) => (
            "Το ονοματεπώνυμο μπορεί να έχει έως 100 χαρακτήρες.",
            "Your name can be at most 100 characters long.",
        ),
        ("customer.name", _) => (
            "Το ονοματεπώνυμο περιέχει μη επιτρεπτούς χαρακτήρες· γράψτε το σε μία γραμμή.",
            "Your name contains characters that are not allowed; write it on one line.",
        ),
        ("customer.email", Required) => ("Συμπληρώστε τη διεύθυνση email σας.", "Please enter your email address."),
        ("customer.email", TooLong) => (
            "Η διεύθυνση email είναι πολύ μεγάλη (έως 254 χαρακτήρες).",
            "The email address is too long (at most 254 characters).",
        ),
        ("customer.email", _) => (
            "Η διεύθυνση email δεν είναι έγκυρη· ελέγξτε την (π.χ. onoma@example.gr).",
            "This email address is not valid; please check it (e.g. name@example.org).",
        ),
        ("customer.phone", Required) => ("Συμπληρώστε το τηλέφωνό σας.", "Please enter your phone number."),
        ("customer.phone", _) => (
            "Το τηλέφωνο πρέπει να έχει 7 έως 15 ψηφία (επιτρέπονται +, κενά, παύλες και παρενθέσεις).",
            "The phone number needs 7 to 15 digits (+, spaces, dashes and brackets are allowed).",
        ),
        ("notes", Required) => (
            "Περιγράψτε συνοπτικά το θέμα του ερωτήματός σας.",
            "Please describe briefly the subject of your question.",
        ),
        ("notes" | "reason", TooLong) => (
            "Το κείμενο μπορεί να έχει έως 1000 χαρακτήρες.",
            "The text can be at most 1000 characters long.",
        ),
        ("notes" | "reason", _) => (
            "Το κείμενο περιέχει μη επιτρεπτούς χαρακτήρες.",
            "The text contains characters that are not allowed.",
        ),
        ("language", _) => ("Η γλώσσα πρέπει να είναι el ή en.", "The language must be el or en."),
        ("accept_terms", _) => (
            "Για να κλείσετε ραντεβού πρέπει να αποδεχτείτε τους Όρους και Προϋποθέσεις.",
            "To book you need to accept the Terms and Conditions.",
        ),
        ("accept_privacy", _) => (
            "Για να κλείσετε ραντεβού πρέπει να αποδεχτείτε την Πολιτική Απορρήτου.",
            "To book you need to accept the Privacy Policy.",
        ),
        (_, Required) => ("Το πεδίο είναι υποχρεωτικό.", "This field is required."),
        (_, TooLong) => ("Η τιμή είναι πολύ μεγάλη.", "This value is too long."),
        (_, _) => ("Η τιμή δεν είναι έγκυρη.", "This value is not valid."),
    };
    Localized::new(el, en)
}

#[cfg(test)]
#[path = "tests/patron.rs"]
mod tests;
