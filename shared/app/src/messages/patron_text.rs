//! What a patron typed, as the mail shows it: always inside a block labelled as the patron's
//! words (quoted lines in the text part, a dashed box in the HTML), never in a subject, and with
//! its web addresses defanged (`https[:]//evil[.]example`), so that no mail client turns a
//! stranger's text into a link that seems to come from the library.

/// `text` with every web address it holds made unclickable: `://` as `[:]//` and the dots of
/// the address as `[.]` (the rest of the text as typed).
pub fn defang(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        // The next whitespace-separated word, and what precedes it.
        let start = rest
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(rest.len());
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..end];
        let lower = word.to_ascii_lowercase();
        let address = lower.contains('@') && lower.contains('.') && !lower.ends_with('.');
        if lower.contains("://") || lower.starts_with("www.") || address {
            out.push_str(&word.replace("://", "[:]//").replace('.', "[.]"));
        } else {
            out.push_str(word);
        }
        rest = &rest[end..];
    }
    out
}

/// `text` as quoted lines: each line behind `> `.
pub fn quote(text: &str) -> String {
    text.lines()
        .map(|l| format!("> {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_defanged_and_the_rest_kept() {
        assert_eq!(
            defang("Re-book now: https://evil.example/x?y=1 or www.evil.example."),
            "Re-book now: https[:]//evil[.]example/x?y=1 or www[.]evil[.]example[.]"
        );
        assert_eq!(defang("Scopus, e.g. citations"), "Scopus, e.g. citations");
        assert_eq!(
            defang("mail me at a@evil.example"),
            "mail me at a@evil[.]example"
        );
        assert_eq!(defang("HTTP://X.Y\nnext"), "HTTP[:]//X[.]Y\nnext");
    }

    #[test]
    fn every_line_is_quoted() {
        assert_eq!(quote("one\ntwo"), "> one\n> two");
        assert_eq!(
            quote("Your appointment was CANCELLED."),
            "> Your appointment was CANCELLED."
        );
    }
}
