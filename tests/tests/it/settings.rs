//! The settings are documented and deployed as the code reads them: the README's table of
//! variables lists exactly `rantevou_wiring::settings::VARIABLES`, and `template.yaml` sets
//! none that the code does not read.

use rantevou_wiring::settings::VARIABLES;
use std::collections::BTreeSet;

fn read(path: &str) -> String {
    std::fs::read_to_string(rantevou_tests::root().join(path)).unwrap()
}

/// Every `RANTEVOU_…` name in `text`.
fn names(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with("RANTEVOU_") && w.len() > "RANTEVOU_".len())
        .map(str::to_owned)
        .collect()
}

fn code() -> BTreeSet<String> {
    VARIABLES.iter().map(|v| v.name.to_owned()).collect()
}

#[test]
fn the_readme_table_lists_every_variable_the_code_reads() {
    let readme = read("README.md");
    let table: String = readme
        .lines()
        .filter(|l| l.starts_with("| `RANTEVOU_"))
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(names(&table), code(), "README.md's table of variables");
}

#[test]
fn the_stack_sets_only_variables_the_code_reads() {
    let template = read("template.yaml");
    let set = names(&template);
    assert!(!set.is_empty());
    assert!(set.is_subset(&code()), "{set:?} ⊄ {:?}", code());
    assert!(
        !set.contains("RANTEVOU_NOW") && !set.contains("RANTEVOU_CONFIG_FILE"),
        "the clock is never pinned in AWS, and the configuration comes from the table"
    );
}

#[test]
fn the_readme_replays_the_fixtures_with_the_key_that_signed_them() {
    assert!(read("README.md").contains(rantevou_testkit::KEY_TEXT));
}
