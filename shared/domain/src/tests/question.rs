use super::*;
use serde_json::json;

fn option(id: &str) -> QuestionOption {
    QuestionOption {
        id: id.into(),
        label: Localized::new(format!("{id} (el)"), format!("{id} (en)")),
    }
}

fn question(id: &str, kind: QuestionKind, required: bool) -> Question {
    let closed = matches!(kind, QuestionKind::Choice | QuestionKind::Choices);
    Question {
        id: id.into(),
        kind,
        label: Localized::new(id, id),
        help: None,
        options: if closed {
            vec![option("ug"), option("pg"), option("phd")]
        } else {
            Vec::new()
        },
        required,
        statistics: kind.is_closed(),
        in_patron_mail: false,
    }
}

fn form() -> Vec<Question> {
    vec![
        question("status", QuestionKind::Choice, true),
        question("tools", QuestionKind::Choices, false),
        question("tried", QuestionKind::Text, false),
        question("member", QuestionKind::YesNo, true),
    ]
}

fn check(sent: serde_json::Value) -> (Answers, Vec<(String, FieldCode)>) {
    let sent: SentAnswers = serde_json::from_value(sent).unwrap();
    let mut errors = FieldErrors::default();
    let answers = parse_answers(&form(), &sent, &mut errors);
    let errors = errors
        .0
        .into_iter()
        .map(|e| (e.field.into_owned(), e.code))
        .collect();
    (answers, errors)
}

#[test]
fn every_kind_of_answer_is_kept_cleaned() {
    let (answers, errors) = check(json!({
        "status": "pg",
        "tools": ["phd", "ug", "phd"],
        "tried": "  Scopus\r\nand the catalogue  ",
        "member": false,
    }));
    assert_eq!(errors, []);
    assert_eq!(answers["status"], Answer::One("pg".into()));
    assert_eq!(
        answers["tools"],
        Answer::Many(vec!["ug".into(), "phd".into()]),
        "in the options' order, each once"
    );
    assert_eq!(
        answers["tried"],
        Answer::One("Scopus\nand the catalogue".into())
    );
    assert_eq!(answers["member"], Answer::Flag(false));
}

#[test]
fn unanswered_optional_questions_leave_no_entry() {
    let (answers, errors) =
        check(json!({"status": "ug", "member": true, "tools": [], "tried": "   "}));
    assert_eq!(errors, []);
    assert_eq!(answers.keys().collect::<Vec<_>>(), ["member", "status"]);
}

#[test]
fn each_answer_at_fault_is_named_with_its_question() {
    let long = "x".repeat(ANSWER_TEXT_MAX + 1);
    let (answers, errors) = check(json!({
        "status": "professor",
        "tools": ["ug", "nope"],
        "tried": long,
        "colour": "blue",
    }));
    assert!(answers.is_empty());
    assert_eq!(
        errors,
        [
            ("answers.status".to_owned(), FieldCode::Invalid),
            ("answers.tools".to_owned(), FieldCode::Invalid),
            ("answers.tried".to_owned(), FieldCode::TooLong),
            ("answers.member".to_owned(), FieldCode::Required),
            ("answers.colour".to_owned(), FieldCode::UnknownField),
        ]
    );
}

#[test]
fn a_shape_the_question_does_not_take_is_invalid_and_empty_is_missing() {
    let (_, errors) = check(json!({
        "status": ["ug"],
        "tools": "ug",
        "tried": "a\u{202E}b",
        "member": "yes",
    }));
    let codes: Vec<_> = errors.iter().map(|(f, c)| (f.as_str(), *c)).collect();
    assert_eq!(
        codes,
        [
            ("answers.status", FieldCode::Invalid),
            ("answers.tools", FieldCode::Invalid),
            ("answers.tried", FieldCode::Invalid),
            ("answers.member", FieldCode::Invalid),
        ]
    );
    let (_, errors) = check(json!({"status": "", "member": null, "tools": 3}));
    let codes: Vec<_> = errors.iter().map(|(f, c)| (f.as_str(), *c)).collect();
    assert_eq!(
        codes,
        [
            ("answers.status", FieldCode::Required),
            ("answers.tools", FieldCode::Invalid),
            ("answers.member", FieldCode::Required),
        ]
    );
}

#[test]
fn answers_read_in_words_in_each_language() {
    let questions = form();
    let yes_no = ["Yes", "No"];
    assert_eq!(
        questions[0].display(&Answer::One("pg".into()), Language::En, yes_no),
        "pg (en)"
    );
    assert_eq!(
        questions[1].display(
            &Answer::Many(vec!["ug".into(), "phd".into()]),
            Language::El,
            yes_no
        ),
        "ug (el), phd (el)"
    );
    assert_eq!(
        questions[0].display(&Answer::One("gone".into()), Language::En, yes_no),
        "gone",
        "an option the configuration no longer has reads as its id"
    );
    assert_eq!(
        questions[3].display(&Answer::Flag(true), Language::En, yes_no),
        "Yes"
    );
}
