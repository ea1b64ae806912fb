//! JSON logs through `tracing`. Handlers log the request id, route, status and latency,
//! never personal data (names, emails, phones, notes, tokens are never fields of a log event).
//! An event's message sits at `fields.message`: the stack's metric filters (e.g. on
//! `mail given up`) read it there.

use tracing_subscriber::fmt::MakeWriter;

/// The format, written to `writer` (stdout in a Lambda, stderr in a command; a buffer in the
/// test), at `RUST_LOG`'s level or else `default`.
fn subscriber<W>(writer: W, default: &str) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(true)
        .with_target(false)
        .without_time()
        .with_writer(writer)
        .finish()
}

/// Installs the JSON subscriber of a Lambda on standard output: the level from `RUST_LOG`,
/// else from `AWS_LAMBDA_LOG_LEVEL` (the function's `ApplicationLogLevel`), else `info`. Safe
/// to call twice.
#[allow(clippy::disallowed_methods)] // the start of a process: its log level, before the settings
pub fn init() {
    let level = lambda_level(std::env::var("AWS_LAMBDA_LOG_LEVEL").ok().as_deref());
    let _ = tracing::subscriber::set_global_default(subscriber(std::io::stdout, level));
}

/// `tracing`'s level for Lambda's log level (`TRACE` … `FATAL`; `info` for anything else).
fn lambda_level(aws: Option<&str>) -> &'static str {
    match aws.map(str::to_ascii_uppercase).as_deref() {
        Some("TRACE") => "trace",
        Some("DEBUG") => "debug",
        Some("WARN") => "warn",
        Some("ERROR" | "FATAL") => "error",
        _ => "info",
    }
}

/// Installs the JSON subscriber of the `rantevou` command on standard error, so that what a
/// command prints (a table, CSV, JSON) is never mixed with logs: level from `RUST_LOG`, else
/// `level` for rantevou's own crates and errors only for the others (the AWS SDK's credential
/// chain would otherwise warn at every source it tries, the instance metadata service among
/// them, before the command says in one sentence what is missing).
pub fn init_stderr(level: &str) {
    let default = format!("error,rantevou={level}");
    let _ = tracing::subscriber::set_global_default(subscriber(std::io::stderr, &default));
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn lambdas_log_level_is_honoured() {
        assert_eq!(super::lambda_level(Some("DEBUG")), "debug");
        assert_eq!(super::lambda_level(Some("warn")), "warn");
        assert_eq!(super::lambda_level(Some("FATAL")), "error");
        assert_eq!(super::lambda_level(None), "info");
    }

    #[test]
    fn an_event_is_one_json_line_with_its_message_where_the_metric_filters_look() {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber = super::subscriber(move || writer.clone(), "info");
        tracing::subscriber::with_default(subscriber, || {
            tracing::error!(reason = "ses: BadRequestException", "mail given up");
        });
        let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        let line: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
        assert_eq!(line["fields"]["message"], "mail given up");
        assert_eq!(line["fields"]["reason"], "ses: BadRequestException");
        assert_eq!(line["level"], "ERROR");
    }
}
