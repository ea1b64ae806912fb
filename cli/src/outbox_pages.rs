//! `/outbox`: the mail `rantevou serve` would have sent, listed and shown, links clickable.
//! Every value is escaped by minijinja (the templates are `.html`); files are read on the
//! blocking pool, never on the server's async threads.

use mail_parser::MessageParser;
use minijinja::{context, Environment};
use serde::Serialize;
use std::path::{Path, PathBuf};

const LIST: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Outbox · rantevou</title><link rel="stylesheet" href="/styles.css"><link rel="icon" href="/favicon.svg" type="image/svg+xml"></head>
<body><main class="page"><h1>Outbox</h1>
<p>Mail the local service has sent, newest first. Nothing leaves this machine.</p>
{% if total %}<p>{{ first }}–{{ last }} of {{ total }}.{% if newer is not none %} <a href="/outbox?page={{ newer }}">Newer</a>{% endif %}{% if older is not none %} <a href="/outbox?page={{ older }}">Older</a>{% endif %}</p>{% endif %}
{% if mails %}<table class="details"><thead><tr><th scope="col">Date</th><th scope="col">To</th><th scope="col">Subject</th></tr></thead><tbody>
{% for m in mails %}<tr><td>{{ m.date }}</td><td>{{ m.to }}</td><td><a href="/outbox/{{ m.file }}">{{ m.subject }}</a></td></tr>
{% endfor %}</tbody></table>{% else %}<p>No mail yet.</p>{% endif %}
</main></body></html>"#;

const SHOW: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ subject }} · Outbox</title><link rel="stylesheet" href="/styles.css"><link rel="icon" href="/favicon.svg" type="image/svg+xml"></head>
<body><main class="page"><p><a href="/outbox">← Outbox</a></p>
<h1>{{ subject }}</h1>
<table class="details"><tr><th scope="row">From</th><td>{{ from }}</td></tr><tr><th scope="row">To</th><td>{{ to }}</td></tr>
<tr><th scope="row">Date</th><td>{{ date }}</td></tr><tr><th scope="row">Attachments</th><td>{{ attachments }}</td></tr></table>
<pre class="mail">{% for line in lines %}{% for part in line %}{% if part.link %}<a href="{{ part.text }}">{{ part.text }}</a>{% else %}{{ part.text }}{% endif %}{% endfor %}
{% endfor %}</pre>
<p><a href="/outbox/{{ file }}?raw=1">Raw message (.eml)</a></p>
</main></body></html>"#;

fn env() -> Environment<'static> {
    let mut env = Environment::new();
    let _ = env.add_template("list.html", LIST);
    let _ = env.add_template("show.html", SHOW);
    env
}

struct Summary {
    file: String,
    date: String,
    to: String,
    subject: String,
}

fn summary(file: &str, bytes: &[u8]) -> Option<Summary> {
    let m = MessageParser::default().parse(bytes)?;
    Some(Summary {
        file: file.to_owned(),
        date: m.date().map(|d| d.to_rfc3339()).unwrap_or_default(),
        to: m
            .to()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap_or("")
            .to_owned(),
        subject: m.subject().unwrap_or("").to_owned(),
    })
}

/// Messages on one page of the listing.
pub const PAGE: usize = 50;

/// The listing's page `page` (0: the newest [`PAGE`] messages).
pub async fn list(dir: PathBuf, page: usize) -> String {
    tokio::task::spawn_blocking(move || list_blocking(&dir, page))
        .await
        .unwrap_or_else(|e| format!("cannot read the outbox: {e}"))
}

/// The page for a request without the key.
pub fn needs_key() -> String {
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Outbox · rantevou</title>\
     <link rel=\"stylesheet\" href=\"/styles.css\"><link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\
     </head><body><main class=\"page\"><h1>The outbox needs its key</h1><p>It holds every patron's \
     details and links. Open it with the link <code>rantevou serve</code> printed when it started \
     (<code>/outbox?key=…</code>).</p></main></body></html>"
        .to_owned()
}

fn list_blocking(dir: &Path, page: usize) -> String {
    let mut files: Vec<String> = match std::fs::read_dir(dir) {
        Ok(d) => d
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with(".eml"))
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files.reverse();
    // Names start with the send time: sorting them needs no file read; only a page is parsed.
    let total = files.len();
    let page = page.min(total.saturating_sub(1) / PAGE);
    let first = page * PAGE;
    let shown = &files[first.min(total)..(first + PAGE).min(total)];
    let mails: Vec<_> = shown
        .iter()
        .filter_map(|f| std::fs::read(dir.join(f)).ok().and_then(|b| summary(f, &b)))
        .map(|s| context! { file => s.file, date => s.date, to => s.to, subject => s.subject })
        .collect();
    env()
        .get_template("list.html")
        .and_then(|t| {
            t.render(context! {
                mails,
                total,
                first => first + 1,
                last => first + shown.len(),
                newer => page.checked_sub(1),
                older => (first + PAGE < total).then_some(page + 1),
            })
        })
        .unwrap_or_else(|e| format!("cannot render the outbox: {e}"))
}

/// A file name that is one of the outbox's own (no paths).
fn safe_name(name: &str) -> bool {
    name.ends_with(".eml")
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

/// One message, as a page or as its raw bytes.
pub enum Message {
    /// Headers and the text body, links clickable.
    Page(String),
    /// The `.eml` as stored.
    Raw(Vec<u8>),
}

/// Message `file` of the outbox (`None`: no such message).
pub async fn message(dir: PathBuf, file: &str, raw: bool) -> Option<Message> {
    if !safe_name(file) {
        return None;
    }
    let file = file.to_owned();
    tokio::task::spawn_blocking(move || {
        let bytes = std::fs::read(dir.join(&file)).ok()?;
        if raw {
            Some(Message::Raw(bytes))
        } else {
            show(&file, &bytes).map(Message::Page)
        }
    })
    .await
    .ok()
    .flatten()
}

fn show(file: &str, bytes: &[u8]) -> Option<String> {
    let m = MessageParser::default().parse(bytes)?;
    let rendered = env().get_template("show.html").and_then(|t| {
        t.render(context! {
            file,
            subject => m.subject().unwrap_or(""),
            from => m.from().and_then(|a| a.first()).and_then(|a| a.address()).unwrap_or(""),
            to => m.to().and_then(|a| a.first()).and_then(|a| a.address()).unwrap_or(""),
            date => m.date().map(|d| d.to_rfc3339()).unwrap_or_default(),
            attachments => m.attachments().filter_map(|a| mail_parser::MimeHeaders::attachment_name(a).map(str::to_owned)).collect::<Vec<_>>().join(", "),
            lines => lines(m.body_text(0).as_deref().unwrap_or("")),
        })
    });
    rendered.ok()
}

/// A piece of a line of text: a link, or words and spaces.
#[derive(Serialize)]
struct Part<'a> {
    text: &'a str,
    link: bool,
}

/// The text's lines, each cut into parts where http(s) URLs stand (the template escapes
/// every part and makes the URLs links).
fn lines(text: &str) -> Vec<Vec<Part<'_>>> {
    text.split('\n')
        .map(|line| {
            let mut parts = Vec::new();
            let mut plain_from = 0;
            let mut at = 0;
            for word in line.split(' ') {
                if word.starts_with("http://") || word.starts_with("https://") {
                    parts.push(Part {
                        text: &line[plain_from..at],
                        link: false,
                    });
                    parts.push(Part {
                        text: word,
                        link: true,
                    });
                    plain_from = at + word.len();
                }
                at += word.len() + 1;
            }
            parts.push(Part {
                text: &line[plain_from.min(line.len())..],
                link: false,
            });
            parts
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_by_the_template_and_only_urls_become_links() {
        let mail = "To: a@example.org\r\nSubject: s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
                    Topic: <script>alert(1)</script> \"q\"\nLink: https://x.example/c?a=1&b=2 end\n";
        let page = show("m.eml", mail.as_bytes()).expect("a page");
        assert!(!page.contains("<script>alert"), "{page}");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));
        assert!(page.contains(
            "Link: <a href=\"https:&#x2f;&#x2f;x.example&#x2f;c?a=1&amp;b=2\">https:&#x2f;&#x2f;x.example&#x2f;c?a=1&amp;b=2</a> end"
        ));
        assert_eq!(page.matches("<a href=\"https").count(), 1);
    }
}
