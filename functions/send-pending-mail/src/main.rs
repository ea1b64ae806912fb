//! The `send-pending-mail` Lambda: started once, then a run on every schedule tick, and a
//! record of every SES event about a message.

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    use rantevou_wiring::{lambda, Wiring};
    lambda::run_scheduled(Wiring::mail_retry, |retry, event| async move {
        send_pending_mail::handle(&retry, &event).await
    })
    .await
}
