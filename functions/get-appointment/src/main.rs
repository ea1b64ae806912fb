//! The `get-appointment` Lambda: clients built once, then every event through `get_appointment::handle`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    rantevou_http::run_lambda(get_appointment::handle).await
}
