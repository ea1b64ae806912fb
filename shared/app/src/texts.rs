//! The text catalogue: everything a patron reads from the server (field messages, the cancel
//! pages, the mail), one file per language in `shared/app/texts/`.
//!
//! The files are parsed into one typed [`Texts`] whose structs refuse unknown keys and miss
//! none, so both languages have exactly the same keys (a unit test parses both), and a typo
//! in the code is a compile error rather than a blank in a mail.

use rantevou_domain::patron::FieldCode;
use rantevou_domain::{Language, LibraryConfig};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// Every server-side text in one language.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    /// What is wrong with a field of a request, and what to do.
    pub field: FieldTexts,
    /// The labels of an appointment's details (mail and pages).
    pub details: DetailTexts,
    /// The confirmation and cancellation mail.
    pub mail: MailTexts,
    /// The cancel pages.
    pub page: PageTexts,
    /// The staff export's headers and words.
    pub export: ExportTexts,
}

/// The staff export (CSV, XLSX): its header row and the words in its cells.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct ExportTexts {
    /// The header row, in column order.
    pub columns: Vec<String>,
    pub held: String,
    pub booked: String,
    pub cancelled: String,
    pub yes: String,
    pub no: String,
    pub mail_ok: String,
    pub mail_pending: String,
    /// `{reason}` filled in.
    pub mail_failed: String,
    /// The statistics CSV's header row: section, item, count.
    pub statistics_columns: Vec<String>,
    /// The statistics CSV's sections, by name.
    pub statistics_sections: std::collections::BTreeMap<String, String>,
    /// The outcomes in words, by name (`attended`, `no_show`, …).
    pub outcomes: std::collections::BTreeMap<String, String>,
    /// The weekdays, Monday first.
    pub weekdays: Vec<String>,
    /// The merged small counts ("other").
    pub other: String,
}

/// Field messages, by field and code.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct FieldTexts {
    pub name_required: String,
    pub name_too_long: String,
    pub name_invalid: String,
    pub email_required: String,
    pub email_too_long: String,
    pub email_invalid: String,
    /// `{max}` filled in with the library's limit.
    pub email_too_many_active: String,
    /// The address bounced before.
    pub email_undeliverable: String,
    /// A domain label mixes scripts.
    pub email_mixed_script: String,
    /// The address had its day's allowance of mail.
    pub email_too_many_mails: String,
    /// The address's owner complained of our mail.
    pub email_complained: String,
    /// `{max}` filled in with the waiting list's cap per address.
    pub email_waitlist_full: String,
    /// `{max}` filled in with the waiting list's cap per day.
    pub date_waitlist_full: String,
    pub date_not_offered: String,
    pub date_too_soon: String,
    pub date_beyond_horizon: String,
    pub phone_required: String,
    pub phone_invalid: String,
    pub notes_required: String,
    pub text_too_long: String,
    pub text_invalid: String,
    pub answer_required: String,
    pub answer_invalid: String,
    pub answer_too_long: String,
    pub answer_unknown: String,
    pub language_invalid: String,
    pub terms_must_accept: String,
    pub privacy_must_accept: String,
    pub service_required: String,
    pub challenge_required: String,
    pub challenge_invalid: String,
    pub challenge_expired: String,
    pub challenge_used: String,
    pub start_required: String,
    pub start_not_offered: String,
    pub start_too_soon: String,
    pub start_beyond_horizon: String,
    pub required: String,
    pub too_long: String,
    pub invalid: String,
}

/// Labels of an appointment's details, as the seed names them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct DetailTexts {
    pub details: String,
    pub customer: String,
    pub patron_details: String,
    pub service: String,
    pub provider: String,
    pub start: String,
    pub end: String,
    pub duration: String,
    pub notes: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub reason: String,
    /// A length of time, `{minutes}` filled in.
    pub minutes: String,
    /// One hour.
    pub hour: String,
    /// Whole hours, `{hours}` filled in.
    pub hours: String,
    /// Before the patron's own time.
    pub your_time: String,
    /// Monday first.
    pub weekdays: [String; 7],
    /// January first, as a date says it (Greek: the genitive).
    pub months: [String; 12],
    /// A day: `{weekday}`, `{day}`, `{month}`, `{year}` filled in.
    pub date_format: String,
}

/// The mail's own texts.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct MailTexts {
    pub confirmation_heading: String,
    pub confirmation_intro: String,
    pub cancellation_heading: String,
    pub cancellation_intro: String,
    pub no_reason: String,
    pub cancel_link: String,
    pub attention: String,
    /// Above what the patron typed, in the patron's message.
    pub patron_wrote: String,
    /// The same, in the provider's copy.
    pub staff_patron_wrote: String,
    /// Above the cancellation's reason, quoted as typed.
    pub reason_wrote: String,
    pub video_note: String,
    pub video_note_html: String,
    /// The staff copy's subject on booking; `{when}` (`30/11 09:20`) and `{name}` filled in.
    pub staff_new_subject: String,
    /// The staff copy's subject on cancellation; the same fills.
    pub staff_cancelled_subject: String,
    pub staff_new_intro: String,
    pub staff_cancelled_intro: String,
    /// The provider's alert that the video-call link is missing; `{when}` filled in.
    pub link_missing_subject: String,
    pub link_missing_intro: String,
    /// The label of the console's link in staff mail.
    pub console_link: String,
    /// The provider's copy when staff cancelled.
    pub staff_cancelled_by_staff_intro: String,
    /// The patron's cancellation when the library cancelled.
    pub library_cancelled_heading: String,
    pub library_cancelled_intro: String,
    /// Above the library's reason in that mail.
    pub library_reason: String,
    /// The link to the booking page in that mail.
    pub book_again: String,
    pub staff_send_link: String,
    pub undelivered_heading: String,
    /// The reason of a permanent bounce: `{diagnostic}` is the mail server's words.
    pub undelivered_bounced: String,
    /// `{reason}` filled in with what the mail service said.
    pub undelivered_intro: String,
    pub confirm_request_heading: String,
    /// `{until}` filled in with the hold's end, local time.
    pub confirm_request_intro: String,
    pub confirm_link: String,
    pub confirm_ignore: String,
    pub links_again_heading: String,
    pub links_again_intro: String,
    pub links_again_ignore: String,
    pub link_heading: String,
    pub link_intro: String,
    pub meeting_link: String,
    pub reminder_heading: String,
    pub reminder_intro: String,
    pub reminder_link_later: String,
    /// The thank-you after an attended consultation.
    pub follow_up_heading: String,
    pub follow_up_intro: String,
    /// The survey's link in it.
    pub follow_up_survey: String,
    /// The booking page's link in it.
    pub follow_up_again: String,
    /// `{cancel}` filled in with the cutoff in words, `{email}` with the library's address.
    pub policy_note: String,
    /// An appointment brought over from Easy!Appointments (`--notify`).
    pub imported_heading: String,
    pub imported_intro: String,
    pub moved_heading: String,
    /// `{from}` filled in with the earlier time and its zone.
    pub moved_intro: String,
    pub previous_time: String,
    /// The staff copy's subject on a move; `{when}` (the new time) and `{name}` filled in.
    pub staff_moved_subject: String,
    /// `{from}` filled in with the earlier time.
    pub staff_moved_intro: String,
    pub waitlist_joined_heading: String,
    pub waitlist_joined_intro: String,
    pub waitlist_freed_heading: String,
    pub waitlist_freed_intro: String,
    pub waitlist_day: String,
    pub waitlist_book_link: String,
    pub waitlist_confirm_link: String,
    pub waitlist_leave_link: String,
    pub waitlist_note: String,
}

/// The cancel and confirm pages' own texts.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct PageTexts {
    /// The skip link at the top of the page.
    pub skip: String,
    pub manage_heading: String,
    pub meeting_link: String,
    pub in_progress_heading: String,
    pub in_progress_message: String,
    pub finished_heading: String,
    pub finished_message: String,
    pub manage_message: String,
    pub move_heading: String,
    pub move_message: String,
    pub move_needs_script: String,
    pub cancel_heading: String,
    pub reason_label: String,
    pub button: String,
    pub confirm_label: String,
    pub confirm_required: String,
    pub changed_heading: String,
    pub changed_message: String,
    pub book_again: String,
    pub form_heading: String,
    pub form_message: String,
    pub cancelled_heading: String,
    pub cancelled_message: String,
    pub already_heading: String,
    pub too_late_heading: String,
    /// `{cutoff}` filled in with the policy's minutes.
    pub too_late_message: String,
    pub not_found_heading: String,
    pub not_found_message: String,
    pub confirm_button: String,
    pub confirm_heading: String,
    pub confirm_message: String,
    pub confirmed_heading: String,
    pub confirmed_message: String,
    pub already_confirmed_heading: String,
    pub lapsed_heading: String,
    pub lapsed_message: String,
}

/// The catalogue files, compiled in.
pub const SOURCES: [(Language, &str); 2] = [
    (Language::El, include_str!("../texts/el.toml")),
    (Language::En, include_str!("../texts/en.toml")),
];

/// Parses one catalogue file.
pub fn parse(source: &str) -> Result<Texts, toml::de::Error> {
    toml::from_str(source)
}

/// The texts of `lang`. The files are compiled in and a unit test parses both, so the
/// fallback (empty texts) cannot be reached by a build that passed its tests.
pub fn texts(lang: Language) -> &'static Texts {
    static PARSED: OnceLock<[Texts; 2]> = OnceLock::new();
    let [el, en] = PARSED.get_or_init(|| SOURCES.map(|(_, s)| parse(s).unwrap_or_default()));
    match lang {
        Language::El => el,
        Language::En => en,
    }
}

/// `template` with `{name}` replaced by `value`: the catalogue's few texts with a number in them.
pub fn fill(template: &str, name: &str, value: impl std::fmt::Display) -> String {
    template.replace(&format!("{{{name}}}"), &value.to_string())
}

/// A length of time in words: whole hours as hours ("1 ώρα", "2 hours"), else minutes.
pub fn duration_words(minutes: u32, lang: Language) -> String {
    let d = &texts(lang).details;
    match (minutes % 60, minutes / 60) {
        (0, 1) => d.hour.clone(),
        (0, hours) if hours > 1 => fill(&d.hours, "hours", hours),
        _ => fill(&d.minutes, "minutes", minutes),
    }
}

/// The policy sentence of the mail: until when the patron may cancel with the link, and the
/// library's address for after that.
pub fn policy_note(config: &LibraryConfig, lang: Language) -> String {
    let note = fill(
        &texts(lang).mail.policy_note,
        "cancel",
        duration_words(config.policy.cancel_cutoff_minutes, lang),
    );
    fill(&note, "email", &config.library.email)
}

impl Texts {
    /// What to tell a patron about `field` failing with `code`.
    pub fn field_message(&self, field: &str, code: FieldCode) -> &str {
        use FieldCode::*;
        let f = &self.field;
        match (field, code) {
            ("customer.name", Required) => &f.name_required,
            ("customer.name", TooLong) => &f.name_too_long,
            ("customer.name", _) => &f.name_invalid,
            ("customer.email" | "email", Required) => &f.email_required,
            ("customer.email" | "email", TooLong) => &f.email_too_long,
            ("customer.email", TooManyActive) => &f.email_too_many_active,
            ("customer.email" | "email", Undeliverable) => &f.email_undeliverable,
            ("customer.email" | "email", MixedScript) => &f.email_mixed_script,
            ("customer.email" | "email", TooManyMails) => &f.email_too_many_mails,
            ("customer.email" | "email", Complained) => &f.email_complained,
            ("customer.email" | "email", _) => &f.email_invalid,
            ("customer.phone", Required) => &f.phone_required,
            ("customer.phone", _) => &f.phone_invalid,
            ("notes", Required) => &f.notes_required,
            ("notes" | "reason", TooLong) => &f.text_too_long,
            ("notes" | "reason", _) => &f.text_invalid,
            (q, Required) if q.starts_with("answers.") => &f.answer_required,
            (q, TooLong) if q.starts_with("answers.") => &f.answer_too_long,
            (q, UnknownField) if q.starts_with("answers.") => &f.answer_unknown,
            (q, _) if q.starts_with("answers.") => &f.answer_invalid,
            ("language", _) => &f.language_invalid,
            ("accept_terms", _) => &f.terms_must_accept,
            ("accept_privacy", _) => &f.privacy_must_accept,
            ("service", _) => &f.service_required,
            ("challenge", Required) => &f.challenge_required,
            ("challenge", Expired) => &f.challenge_expired,
            ("challenge", Used) => &f.challenge_used,
            ("challenge", _) => &f.challenge_invalid,
            ("start", NotOffered) => &f.start_not_offered,
            ("start", TooSoon) => &f.start_too_soon,
            ("start", BeyondHorizon) => &f.start_beyond_horizon,
            ("start", _) => &f.start_required,
            // The waiting list's day: why it cannot be waited for.
            ("date", NotOffered) => &f.date_not_offered,
            ("date", TooSoon) => &f.date_too_soon,
            ("date", BeyondHorizon) => &f.date_beyond_horizon,
            (_, Required) => &f.required,
            (_, TooLong) => &f.too_long,
            (_, _) => &f.invalid,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(value: &toml::Value, prefix: &str, out: &mut Vec<String>) {
        match value {
            toml::Value::Table(t) => {
                for (k, v) in t {
                    keys(v, &format!("{prefix}{k}."), out);
                }
            }
            _ => out.push(prefix.trim_end_matches('.').to_owned()),
        }
    }

    #[test]
    fn both_languages_parse_with_the_same_keys_and_no_blank_text() {
        let mut sets = Vec::new();
        for (lang, source) in SOURCES {
            let parsed = parse(source).unwrap_or_else(|e| panic!("{lang:?}: {e}"));
            assert!(!parsed.mail.confirmation_heading.is_empty());
            let value: toml::Value = toml::from_str(source).unwrap();
            let mut k = Vec::new();
            keys(&value, "", &mut k);
            k.sort();
            for key in &k {
                let found = key.split('.').try_fold(&value, |v, part| v.get(part));
                // A list (the export's columns) is texts too: each one must say something.
                let texts: Vec<&str> = match found {
                    Some(toml::Value::Array(items)) => {
                        items.iter().map(|i| i.as_str().unwrap_or("")).collect()
                    }
                    other => vec![other.and_then(|v| v.as_str()).unwrap_or("")],
                };
                assert!(
                    !texts.is_empty() && texts.iter().all(|t| !t.trim().is_empty()),
                    "{lang:?}: {key} is blank"
                );
            }
            sets.push(k);
        }
        assert_eq!(sets[0], sets[1], "el.toml and en.toml have the same keys");
        assert_eq!(
            texts(Language::El).export.columns.len(),
            texts(Language::En).export.columns.len(),
            "one export header per column in both languages"
        );
    }

    #[test]
    fn the_catalogue_serves_each_language() {
        assert_eq!(
            texts(Language::El).field_message("customer.email", FieldCode::Required),
            "Συμπληρώστε τη διεύθυνση email σας."
        );
        assert_eq!(
            texts(Language::En).field_message("start", FieldCode::TooSoon),
            "This time is too soon; please choose a later one."
        );
        assert_eq!(
            fill(&texts(Language::En).details.minutes, "minutes", 20),
            "20 minutes"
        );
    }
}
