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

/// The README's `cargo lambda` walk is the seed and the walk the end-to-end test runs
/// (`lambda_watch.rs`): the seed puts the key that signed the fixtures in the keys' secret.
#[test]
fn the_readme_walks_the_fixtures_with_the_scripts_the_tests_run() {
    use std::os::unix::fs::PermissionsExt;
    let readme = read("README.md");
    for script in ["infra/bin/seed-events", "infra/bin/walk-events --port 9000"] {
        assert!(readme.contains(script), "README.md runs {script}");
        let path = rantevou_tests::root().join(script.split(' ').next().unwrap());
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert!(mode & 0o111 != 0, "{} is executable", path.display());
    }
}
