//! The `cancel-appointment` Lambda: clients built once, then every event through `cancel_appointment::handle`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    rantevou_http::run_lambda(cancel_appointment::handle).await
}
