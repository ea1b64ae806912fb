//! The mail retry path: a scheduled Lambda (every few minutes, see `template.yaml`) that sends
//! every confirmation and cancellation still pending, e.g. after SES refused or timed out.

use rantevou_http::mail::{deliver_pending, Delivery};
use rantevou_http::Deps;

/// Appointments handled per run; the rest wait for the next run.
pub const BATCH: usize = 100;

/// Sends what is pending. The event (a schedule tick) carries nothing we need.
pub async fn handle(_event: serde_json::Value, deps: &Deps) -> Result<Delivery, String> {
    deliver_pending(deps, BATCH).await.map_err(|e| {
        tracing::error!(error = %e, "pending mail could not be read");
        e.to_string()
    })
}
