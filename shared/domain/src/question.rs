//! The questions a service asks at booking (`[[services.questions]]` in `library.toml`) and the
//! patron's answers to them.
//!
//! An answer is sent as JSON under `answers.<question id>`: a choice is the option's id, several
//! choices a list of ids, a text a string, a yes/no a boolean. [`parse_answers`] checks every
//! answer against the service's questions and reports each one at fault under its own field
//! (`answers.status`), with the other fields of the form.

use crate::field::{FieldCode, FieldErrors};
use crate::language::{Language, Localized};
use crate::patron::is_forbidden_in_text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Most questions one service may ask (LibCal's limit too: a form, not a survey).
pub const QUESTIONS_MAX: usize = 10;
/// Most options one choice question may offer.
pub const OPTIONS_MAX: usize = 30;
/// Longest text answer, in characters.
pub const ANSWER_TEXT_MAX: usize = 300;

/// What kind of answer a question takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// One of the options.
    Choice,
    /// Any number of the options.
    Choices,
    /// A short text.
    Text,
    /// Yes or no.
    YesNo,
}

impl QuestionKind {
    /// The kind as `library.toml` and the API name it.
    pub fn name(self) -> &'static str {
        match self {
            QuestionKind::Choice => "choice",
            QuestionKind::Choices => "choices",
            QuestionKind::Text => "text",
            QuestionKind::YesNo => "yes_no",
        }
    }

    /// The kind named `name`, if any.
    pub fn parse(name: &str) -> Option<QuestionKind> {
        [Self::Choice, Self::Choices, Self::Text, Self::YesNo]
            .into_iter()
            .find(|k| k.name() == name)
    }

    /// Whether its answers are from a closed list (what statistics may count).
    pub fn is_closed(self) -> bool {
        !matches!(self, QuestionKind::Text)
    }
}

/// One option of a choice question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuestionOption {
    /// Stable id, sent as the answer.
    pub id: String,
    /// What the patron reads, per language.
    pub label: Localized,
}

/// A question a service asks at booking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Question {
    /// Stable id: the answer's key (`answers.<id>`).
    pub id: String,
    /// What kind of answer it takes.
    pub kind: QuestionKind,
    /// The question, per language.
    pub label: Localized,
    /// A line of help under it, per language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<Localized>,
    /// The options of a choice question (empty for text and yes/no).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<QuestionOption>,
    /// Whether the booking needs an answer.
    pub required: bool,
    /// Whether its answers are counted in the anonymous statistics (closed kinds only).
    pub statistics: bool,
    /// Whether the answer is repeated in the patron's own mails (otherwise staff only).
    pub in_patron_mail: bool,
}

/// An answer as sent and stored; what it means is its question's kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    /// Yes or no.
    Flag(bool),
    /// A choice's option id, or a text.
    One(String),
    /// Several choices' option ids.
    Many(Vec<String>),
}

/// The patron's answers, by question id; a question not answered has no entry.
pub type Answers = BTreeMap<String, Answer>;

/// The answers as a request sends them: any JSON, checked by [`parse_answers`].
pub type SentAnswers = BTreeMap<String, serde_json::Value>;

impl Answer {
    /// The answer a JSON value is: `Ok(None)` for `null` (not answered), `Err` for a shape no
    /// question takes (a number, an object, a list of other than strings).
    fn from_json(value: &serde_json::Value) -> Result<Option<Answer>, FieldCode> {
        use serde_json::Value;
        match value {
            Value::Null => Ok(None),
            Value::Bool(b) => Ok(Some(Answer::Flag(*b))),
            Value::String(s) => Ok(Some(Answer::One(s.clone()))),
            Value::Array(items) => items
                .iter()
                .map(|v| v.as_str().map(str::to_owned).ok_or(FieldCode::Invalid))
                .collect::<Result<_, _>>()
                .map(|ids| Some(Answer::Many(ids))),
            Value::Number(_) | Value::Object(_) => Err(FieldCode::Invalid),
        }
    }
}

impl Question {
    /// The label of option `id` in `language` (the id itself for an option the configuration
    /// no longer has).
    pub fn option_label<'a>(&'a self, id: &'a str, language: Language) -> &'a str {
        self.options
            .iter()
            .find(|o| o.id == id)
            .map_or(id, |o| o.label.get(language))
    }

    /// `answer` as a reader sees it in `language`: option labels, "Yes"/"No" words given by the
    /// caller, or the text.
    pub fn display(&self, answer: &Answer, language: Language, yes_no: [&str; 2]) -> String {
        match answer {
            Answer::Flag(true) => yes_no[0].to_owned(),
            Answer::Flag(false) => yes_no[1].to_owned(),
            Answer::One(value) if self.kind == QuestionKind::Text => value.clone(),
            Answer::One(id) => self.option_label(id, language).to_owned(),
            Answer::Many(ids) => ids
                .iter()
                .map(|id| self.option_label(id, language))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    fn has_option(&self, id: &str) -> bool {
        self.options.iter().any(|o| o.id == id)
    }

    /// The answer as the patron sent it, checked: `Ok(None)` when not answered (and not
    /// required).
    fn check(&self, sent: Option<&Answer>) -> Result<Option<Answer>, FieldCode> {
        let answer = match (self.kind, sent) {
            (_, None) => None,
            (QuestionKind::Choice, Some(Answer::One(id))) if id.is_empty() => None,
            (QuestionKind::Choice, Some(Answer::One(id))) if self.has_option(id) => {
                Some(Answer::One(id.clone()))
            }
            (QuestionKind::Choices, Some(Answer::Many(ids))) => {
                if !ids.iter().all(|id| self.has_option(id)) {
                    return Err(FieldCode::Invalid);
                }
                // In the configuration's order, each once.
                let picked: Vec<String> = self
                    .options
                    .iter()
                    .filter(|o| ids.contains(&o.id))
                    .map(|o| o.id.clone())
                    .collect();
                (!picked.is_empty()).then_some(Answer::Many(picked))
            }
            (QuestionKind::Text, Some(Answer::One(text))) => {
                let text = text.trim().replace("\r\n", "\n");
                if text.chars().any(is_forbidden_in_text) {
                    return Err(FieldCode::Invalid);
                }
                if text.chars().count() > ANSWER_TEXT_MAX {
                    return Err(FieldCode::TooLong);
                }
                (!text.is_empty()).then_some(Answer::One(text))
            }
            (QuestionKind::YesNo, Some(Answer::Flag(b))) => Some(Answer::Flag(*b)),
            _ => return Err(FieldCode::Invalid),
        };
        match answer {
            None if self.required => Err(FieldCode::Required),
            answer => Ok(answer),
        }
    }
}

/// Checks `sent` against `questions`: every answer at fault (missing when required, not one
/// of the options, too long, a question not asked) is pushed to `errors` as `answers.<id>`.
/// The answers kept are the ones given, cleaned (texts trimmed, choices in the options' order).
pub fn parse_answers(
    questions: &[Question],
    sent: &SentAnswers,
    errors: &mut FieldErrors,
) -> Answers {
    let mut answers = Answers::new();
    for q in questions {
        let answer = sent.get(&q.id).map_or(Ok(None), Answer::from_json);
        match answer.and_then(|a| q.check(a.as_ref())) {
            Ok(Some(answer)) => {
                answers.insert(q.id.clone(), answer);
            }
            Ok(None) => {}
            Err(code) => errors.push(format!("answers.{}", q.id), code),
        }
    }
    for id in sent
        .keys()
        .filter(|id| !questions.iter().any(|q| &q.id == *id))
    {
        // The id is the sender's: named as sent, but never longer than an id may be.
        let shown: String = id.chars().take(64).collect();
        errors.push(format!("answers.{shown}"), FieldCode::UnknownField);
    }
    answers
}

#[cfg(test)]
#[path = "tests/question.rs"]
mod tests;
