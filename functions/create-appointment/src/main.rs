//! The `create-appointment` Lambda: clients built once, then every event through `create_appointment::handle`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    rantevou_http::run_lambda(create_appointment::handle).await
}
