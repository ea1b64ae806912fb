//! The questions of a service (`services[i].questions[j]`).

use super::Validator;
use crate::config::raw::{RawOption, RawQuestion};
use crate::question::{Question, QuestionKind, QuestionOption, OPTIONS_MAX, QUESTIONS_MAX};
use std::collections::HashSet;

impl Validator {
    /// The questions under `key` (`services[0].questions`); `None` if any is at fault.
    pub(super) fn questions(&mut self, key: &str, raw: &[RawQuestion]) -> Option<Vec<Question>> {
        if raw.len() > QUESTIONS_MAX {
            self.issue(
                key,
                format!("at most {QUESTIONS_MAX} questions, not {}", raw.len()),
            );
            return None;
        }
        let mut seen = HashSet::new();
        let mut questions = Vec::new();
        let mut ok = true;
        for (j, q) in raw.iter().enumerate() {
            match self.question(&format!("{key}[{j}]"), q, &mut seen) {
                Some(q) => questions.push(q),
                None => ok = false,
            }
        }
        ok.then_some(questions)
    }

    fn question(
        &mut self,
        key: &str,
        raw: &RawQuestion,
        seen: &mut HashSet<String>,
    ) -> Option<Question> {
        let id = self.id(&format!("{key}.id"), &raw.id, seen);
        let kind_key = format!("{key}.kind");
        let kind = self.required(&kind_key, &raw.kind).and_then(|name| {
            let kind = QuestionKind::parse(name);
            if kind.is_none() {
                self.issue(
                    &kind_key,
                    format!("{name:?} is not a kind of question (choice, choices, text, yes_no)"),
                );
            }
            kind
        });
        let label = self.localized(&format!("{key}.label"), &raw.label);
        let help = match &raw.help {
            None => Some(None),
            help => self.localized(&format!("{key}.help"), help).map(Some),
        };
        let statistics = raw.statistics.unwrap_or(false);
        let options = kind.and_then(|kind| self.options(key, kind, &raw.options));
        if statistics && kind.is_some_and(|k| !k.is_closed()) {
            self.issue(
                &format!("{key}.statistics"),
                "only choice, choices and yes_no questions are counted: free text never is",
            );
            return None;
        }
        Some(Question {
            id: id?,
            kind: kind?,
            label: label?,
            help: help?,
            options: options?,
            required: raw.required.unwrap_or(false),
            statistics,
            in_patron_mail: raw.in_patron_mail.unwrap_or(false),
        })
    }

    fn options(
        &mut self,
        key: &str,
        kind: QuestionKind,
        raw: &[RawOption],
    ) -> Option<Vec<QuestionOption>> {
        let key = format!("{key}.options");
        let wants = matches!(kind, QuestionKind::Choice | QuestionKind::Choices);
        if !wants {
            if !raw.is_empty() {
                self.issue(&key, format!("a {} question has no options", kind.name()));
                return None;
            }
            return Some(Vec::new());
        }
        if raw.len() < 2 || raw.len() > OPTIONS_MAX {
            self.issue(
                &key,
                format!(
                    "a {} question needs 2 to {OPTIONS_MAX} options, not {}",
                    kind.name(),
                    raw.len()
                ),
            );
            return None;
        }
        let mut seen = HashSet::new();
        let mut options = Vec::new();
        let mut ok = true;
        for (k, o) in raw.iter().enumerate() {
            let id = self.id(&format!("{key}[{k}].id"), &o.id, &mut seen);
            let label = self.localized(&format!("{key}[{k}].label"), &o.label);
            match (id, label) {
                (Some(id), Some(label)) => options.push(QuestionOption { id, label }),
                _ => ok = false,
            }
        }
        ok.then_some(options)
    }
}
