//! The `send-pending-mail` Lambda: started once, then a run on every schedule tick.

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    use rantevou_wiring::{lambda, Wiring};
    lambda::run_scheduled(Wiring::mail_retry, |retry| async move {
        send_pending_mail::handle(&retry).await
    })
    .await
}
