//! Where an issue is: configuration keys as the loader writes them, and their lines.

use super::ConfigIssue;

/// Fills in the line of every issue whose key the file shows.
pub(super) fn locate(source: &str, issues: &mut [ConfigIssue]) {
    let document = toml_edit::ImDocument::parse(source).ok();
    for issue in issues {
        issue.line = document
            .as_ref()
            .and_then(|d| line_of_key(d.as_item(), &issue.key))
            .map(|offset| line_of_offset(source, offset));
    }
}

/// `services.0.foo` from serde_ignored, written as the loader writes keys: `services[0].foo`.
pub(super) fn ignored_path(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path;
    match path {
        Path::Root => String::new(),
        Path::Seq { parent, index } => format!("{}[{index}]", ignored_path(parent)),
        Path::Map { parent, key } => {
            let p = ignored_path(parent);
            if p.is_empty() {
                key.clone()
            } else {
                format!("{p}.{key}")
            }
        }
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => ignored_path(parent),
    }
}

/// Byte offset of `key` (as the loader writes keys) in the parsed document, if present.
fn line_of_key(root: &toml_edit::Item, key: &str) -> Option<usize> {
    let mut item = root;
    let mut best = None;
    for part in key.split('.') {
        let (name, indexes) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        item = match item.get(name) {
            Some(next) => next,
            None => return best,
        };
        best = item.span().map(|s| s.start).or(best);
        for index in indexes.split(['[', ']']).filter(|s| !s.is_empty()) {
            item = match index.parse::<usize>().ok().and_then(|i| item.get(i)) {
                Some(next) => next,
                None => return best,
            };
            best = item.span().map(|s| s.start).or(best);
        }
    }
    best
}

pub(super) fn line_of_offset(source: &str, offset: usize) -> usize {
    source
        .get(..offset)
        .map(|s| s.matches('\n').count() + 1)
        .unwrap_or(1)
}
