//! `/outbox`: the mail `rantevou serve` would have sent, listed and shown, links clickable.

use mail_parser::MessageParser;
use minijinja::{context, Environment};
use std::path::Path;

const LIST: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Outbox · rantevou</title><link rel="stylesheet" href="/styles.css"></head>
<body><main class="page"><h1>Outbox</h1>
<p>Mail the local service has sent, newest first. Nothing leaves this machine.</p>
{% if mails %}<table class="details"><thead><tr><th scope="col">Date</th><th scope="col">To</th><th scope="col">Subject</th></tr></thead><tbody>
{% for m in mails %}<tr><td>{{ m.date }}</td><td>{{ m.to }}</td><td><a href="/outbox/{{ m.file }}">{{ m.subject }}</a></td></tr>
{% endfor %}</tbody></table>{% else %}<p>No mail yet.</p>{% endif %}
</main></body></html>"#;

const SHOW: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ subject }} · Outbox</title><link rel="stylesheet" href="/styles.css"></head>
<body><main class="page"><p><a href="/outbox">← Outbox</a></p>
<h1>{{ subject }}</h1>
<table class="details"><tr><th scope="row">From</th><td>{{ from }}</td></tr><tr><th scope="row">To</th><td>{{ to }}</td></tr>
<tr><th scope="row">Date</th><td>{{ date }}</td></tr><tr><th scope="row">Attachments</th><td>{{ attachments }}</td></tr></table>
<pre class="mail">{{ body }}</pre>
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

/// The listing page.
pub async fn list(dir: &Path) -> String {
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
    let mails: Vec<_> = files
        .iter()
        .filter_map(|f| std::fs::read(dir.join(f)).ok().and_then(|b| summary(f, &b)))
        .map(|s| context! { file => s.file, date => s.date, to => s.to, subject => s.subject })
        .collect();
    env()
        .get_template("list.html")
        .and_then(|t| t.render(context! { mails }))
        .unwrap_or_else(|e| format!("cannot render the outbox: {e}"))
}

/// A file name that is one of the outbox's own (no paths).
pub fn safe_name(name: &str) -> bool {
    name.ends_with(".eml")
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

/// One message: headers, the text body with its links clickable.
pub fn show(dir: &Path, file: &str) -> Option<String> {
    let bytes = std::fs::read(dir.join(file)).ok()?;
    let m = MessageParser::default().parse(&bytes)?;
    let rendered = env().get_template("show.html").and_then(|t| {
        t.render(context! {
            file,
            subject => m.subject().unwrap_or(""),
            from => m.from().and_then(|a| a.first()).and_then(|a| a.address()).unwrap_or(""),
            to => m.to().and_then(|a| a.first()).and_then(|a| a.address()).unwrap_or(""),
            date => m.date().map(|d| d.to_rfc3339()).unwrap_or_default(),
            attachments => m.attachments().filter_map(|a| mail_parser::MimeHeaders::attachment_name(a).map(str::to_owned)).collect::<Vec<_>>().join(", "),
            body => "@@BODY@@",
        })
    });
    let page = rendered.ok()?;
    Some(page.replace(
        "@@BODY@@",
        &linkify(m.body_text(0).as_deref().unwrap_or("")),
    ))
}

/// Escapes text for HTML and turns http(s) URLs into links.
fn linkify(text: &str) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut out = String::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for (j, word) in line.split(' ').enumerate() {
            if j > 0 {
                out.push(' ');
            }
            if word.starts_with("http://") || word.starts_with("https://") {
                let url = escape(word);
                out.push_str(&format!("<a href=\"{url}\">{url}</a>"));
            } else {
                out.push_str(&escape(word));
            }
        }
    }
    out
}
