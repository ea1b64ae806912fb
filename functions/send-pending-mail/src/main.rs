//! The `send-pending-mail` Lambda: build the clients once, then run on every schedule tick.

use lambda_http::lambda_runtime::{run, service_fn, Error, LambdaEvent};

#[tokio::main]
async fn main() -> Result<(), Error> {
    rantevou_http::logging::init();
    let deps = rantevou_http::Deps::from_env().await?;
    let deps = &deps;
    run(service_fn(
        move |event: LambdaEvent<serde_json::Value>| async move {
            send_pending_mail::handle(event.payload, deps).await
        },
    ))
    .await
}
