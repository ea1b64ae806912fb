//! JSON logs through `tracing`. Handlers log the request id, route, status and latency,
//! never personal data (names, emails, phones, notes, tokens are never fields of a log event).

/// Installs the JSON subscriber (level from `RUST_LOG`, default `info`). Safe to call twice.
pub fn init() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(true)
        .with_target(false)
        .without_time()
        .try_init();
}
