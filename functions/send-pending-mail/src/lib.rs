//! The one scheduler of mail: a Lambda run every minute (see `template.yaml`) that sends
//! what is due: the video-call link mail and reminders on time, and every confirmation and
//! cancellation still pending (e.g. after SES refused or timed out); then the waiting list's
//! notices (a time freed on a waited day).
//!
//! Locally: `cargo lambda invoke send-pending-mail --data-file events/send-pending-mail.scheduled.json`.

use rantevou_app::{Delivery, MailRetry};

/// Appointments handled per run; the rest wait for the next run.
pub const BATCH: usize = 100;

/// Sends what is pending.
pub async fn handle(retry: &MailRetry) -> Result<Delivery, String> {
    retry.retry_pending(BATCH).await.map_err(|e| {
        tracing::error!(error = %e, "pending mail could not be read");
        e.to_string()
    })
}
