//! What a patron types into the booking form, parsed into types that can only hold valid values.
//!
//! Parse, don't validate: [`parse_patron_input`] is the only way to get a [`PatronDetails`],
//! and it reports every field at fault at once, as stable codes (the messages are the
//! application's text catalogue). Control characters (CR/LF included) cannot survive parsing
//! into any type that could reach a mail header.
//!
//! The limits are data ([`LIMITS`]): `GET /api/services` serves them, and the booking site
//! checks the form with exactly these numbers and the same email rule.

pub use crate::field::{FieldCode, FieldError, FieldErrors};
use crate::language::Language;
use crate::policy::RequiredFields;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest name, in characters.
pub const NAME_MAX: usize = 100;
/// Longest email address, in bytes (RFC 5321 path limit).
pub const EMAIL_MAX: usize = 254;
/// Longest topic / notes or cancellation reason, in characters.
pub const TEXT_MAX: usize = 1000;

/// Every limit of the patron's input, as served to the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Limits {
    /// Longest name, in characters.
    pub name_max: usize,
    /// Longest topic or cancellation reason, in characters.
    pub text_max: usize,
    /// Longest phone number as typed, in characters.
    pub phone_max: usize,
    /// Fewest digits in a phone number.
    pub phone_digits_min: usize,
    /// Most digits in a phone number.
    pub phone_digits_max: usize,
    /// The email rule.
    pub email: EmailRule,
    /// Longest answer to a text question, in characters.
    pub answer_text_max: usize,
}

/// The email rule: `local@domain` where the local part is an RFC 5321 dot-atom of ASCII
/// letters, digits and `specials`, no dot first, last or twice in a row; the domain, once
/// turned to ASCII by IDNA (the WHATWG URL standard's "domain to ASCII", which browsers share),
/// is at least two dot-separated labels of letters, digits and inner hyphens, the last starting
/// with a letter. Quoted local parts and address literals (`[127.0.0.1]`) are refused: no patron needs
/// them, and they are how addresses smuggle commas and hosts into a mail header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EmailRule {
    /// Longest address as typed, in UTF-8 bytes.
    pub max_bytes: usize,
    /// Longest local part, in characters (ASCII).
    pub local_max: usize,
    /// Punctuation allowed in the local part besides the dot.
    pub local_specials: &'static str,
    /// Longest domain in its ASCII form.
    pub domain_max: usize,
    /// Longest label of the domain in its ASCII form.
    pub label_max: usize,
}

/// The limits rantevou applies.
pub const LIMITS: Limits = Limits {
    name_max: NAME_MAX,
    text_max: TEXT_MAX,
    phone_max: 30,
    phone_digits_min: 7,
    phone_digits_max: 15,
    email: EmailRule {
        max_bytes: EMAIL_MAX,
        local_max: 64,
        // What SES and every mail client take alike, and nothing a `mailto:` or a URL reads as
        // structure (`?`, `&`, `=`, `%`, `#`, `/`): `?bcc=…` cannot ride in a local part.
        local_specials: "'+-_",
        domain_max: 253,
        label_max: 63,
    },
    answer_text_max: crate::question::ANSWER_TEXT_MAX,
};

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

/// Characters that must never appear in one-line values (a name, an address): control
/// characters, the Unicode line separators, and every format character (category Cf: the
/// bidirectional marks and overrides, zero-width spaces and joiners, the BOM, tag characters),
/// which are invisible or turn text around and can disguise it in a mail.
fn is_forbidden_in_line(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') || is_format(c)
}

/// A Unicode format character (general category Cf).
fn is_format(c: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    c.general_category() == GeneralCategory::Format
}

/// Characters that must never appear in free text (a topic, a reason): as in one line, but
/// line breaks and tabs are text, and the zero-width joiners stay (emoji sequences and several
/// scripts need them); the bidirectional controls do not.
pub(crate) fn is_forbidden_in_text(c: char) -> bool {
    (c != '\n' && c != '\t' && c.is_control())
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
        if name.chars().count() > LIMITS.name_max {
            return Err(FieldCode::TooLong);
        }
        Ok(PatronName(name.to_owned()))
    }
}

/// Whether every label of `address`'s domain (read back from its ASCII form) is written in
/// one script (Unicode TS #39's mixed-script detection): `gmаil.com` with a Cyrillic `а` is
/// not, nor is `xn--gmil-63d.com`, its punycode.
fn single_script_labels(address: &str) -> bool {
    use unicode_security::MixedScript;
    let Some((_, domain)) = address.split_once('@') else {
        return false;
    };
    let (unicode, result) = idna::domain_to_unicode(domain);
    result.is_ok() && unicode.split('.').all(|label| label.is_single_script())
}

impl PatronEmail {
    /// Parses an email address as typed (surrounding spaces ignored), by [`EmailRule`].
    pub fn parse(raw: &str) -> Result<Self, FieldCode> {
        let email = raw.trim();
        if email.is_empty() {
            return Err(FieldCode::Required);
        }
        if email.len() > LIMITS.email.max_bytes {
            return Err(FieldCode::TooLong);
        }
        let ascii = LIMITS.email.ascii(email).ok_or(FieldCode::Invalid)?;
        if !single_script_labels(&ascii) {
            return Err(FieldCode::MixedScript);
        }
        Ok(PatronEmail(email.to_owned()))
    }

    /// The address as one patron (and one mailbox, for the day's mail cap): the mailbox in
    /// lower case without a `+tag`, so that `K.Papa+1@Example.org` and `k.papa@example.org`
    /// count as the same person; at Gmail, which ignores dots and answers to two domain names,
    /// `k.papa@googlemail.com` is `kpapa@gmail.com` too.
    pub fn normalized(&self) -> String {
        let mailbox = self.mailbox().to_lowercase();
        match mailbox.split_once('@') {
            Some((local, domain)) => {
                let local = local.split_once('+').map_or(local, |(base, _)| base);
                if matches!(domain, "gmail.com" | "googlemail.com") {
                    format!("{}@gmail.com", local.replace('.', ""))
                } else {
                    format!("{local}@{domain}")
                }
            }
            None => mailbox,
        }
    }

    /// The address to deliver to: the domain in its ASCII (IDNA) form, the local part as typed.
    pub fn mailbox(&self) -> String {
        LIMITS
            .email
            .ascii(&self.0)
            .unwrap_or_else(|| self.0.clone())
    }
}

impl EmailRule {
    /// `email` with its domain in ASCII form, if it follows the rule.
    pub fn ascii(&self, email: &str) -> Option<String> {
        if email
            .chars()
            .any(|c| is_forbidden_in_line(c) || c.is_whitespace())
        {
            return None;
        }
        let (local, domain) = email.split_once('@')?;
        let dot_atom = local.len() <= self.local_max
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || self.local_specials.contains(c));
        if local.is_empty() || !dot_atom {
            return None;
        }
        // Characters a URL parser would read as structure never belong to a domain (the site
        // checks with the browser's URL parser, which would cut the text there).
        if domain.contains(['%', '/', '?', '#', '\\', ':', '@', '[', ']']) {
            return None;
        }
        let ascii = idna::domain_to_ascii(domain).ok()?;
        let labels: Vec<&str> = ascii.split('.').collect();
        let label_ok = |l: &&str| {
            (1..=self.label_max).contains(&l.len())
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        };
        // A last label that starts with a digit would make the site's URL parser read an IPv4
        // address (`0x7f.0x1`); real top-level domains start with a letter.
        let tld_ok = labels
            .last()
            .is_some_and(|tld| tld.bytes().next().is_some_and(|b| b.is_ascii_alphabetic()));
        (ascii.len() <= self.domain_max
            && labels.len() >= 2
            && labels.iter().all(label_ok)
            && tld_ok)
            .then(|| format!("{local}@{ascii}"))
    }
}

impl PhoneNumber {
    /// Parses a phone number as typed.
    pub fn parse(raw: &str) -> Result<Self, FieldCode> {
        let phone = raw.trim();
        if phone.is_empty() {
            return Err(FieldCode::Required);
        }
        if phone.chars().count() > LIMITS.phone_max {
            return Err(FieldCode::TooLong);
        }
        let allowed = phone.char_indices().all(|(i, c)| {
            c.is_ascii_digit()
                || matches!(c, ' ' | '-' | '(' | ')' | '.' | '/')
                || (c == '+' && i == 0)
        });
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        if !allowed || !(LIMITS.phone_digits_min..=LIMITS.phone_digits_max).contains(&digits) {
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
        if text.chars().any(is_forbidden_in_text) {
            return Err(FieldCode::Invalid);
        }
        if text.chars().count() > LIMITS.text_max {
            return Err(FieldCode::TooLong);
        }
        Ok(FreeText(text))
    }

    /// Whether there is no text.
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
    /// `timezone`: the patron's own zone (IANA name, from the browser), if sent.
    pub timezone: Option<String>,
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
    /// The patron's own zone when the booking said one: mails and pages add the time there
    /// when it differs from the library's.
    pub zone: Option<chrono_tz::Tz>,
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
    let zone = match input.timezone.as_deref().map(str::trim) {
        None | Some("") => Some(None),
        Some(name) => name
            .parse::<chrono_tz::Tz>()
            .map(Some)
            .map_err(|_| errors.push("timezone", FieldCode::Invalid))
            .ok(),
    };
    if input.accept_terms != Some(true) {
        errors.push("accept_terms", FieldCode::MustAccept);
    }
    if input.accept_privacy != Some(true) {
        errors.push("accept_privacy", FieldCode::MustAccept);
    }
    match (name, email, phone, notes, language, zone) {
        (Some(name), Some(email), Some(phone), Some(notes), Some(language), Some(zone))
            if errors.is_empty() =>
        {
            Ok(PatronDetails {
                customer: Customer { name, email, phone },
                notes,
                language,
                zone,
            })
        }
        _ => Err(errors),
    }
}

#[cfg(test)]
#[path = "tests/patron.rs"]
mod tests;
